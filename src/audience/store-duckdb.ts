// The embedded store: DuckDB (@duckdb/node-api; the one module that imports it).
// Chosen by measurement on this machine (Node 20): open 33 ms, 20,000 rows appended in 46 ms,
// ~100 MB resident; PGlite took seconds to open. https://duckdb.org/docs/api/node_neo/overview
//
// DuckDB lets one process write a file at a time. `serve` holds the file while traffic goes on
// (opening and closing it cost ~17 ms of CPU each time) and lets it go when traffic stops or when
// another opener asks for it: an opener that finds the file locked leaves a `.wanted` file beside
// it and retries for a few seconds, and `serve` sees that file at its next flush (each second). So
// `stats` and `stats import` can run beside a live server.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { SCHEMA, StoreError, aggregate, type AudienceStore, type Batch, type DateRange, type DownloadRow, type FeedRow } from './store.js';

const LOCK_WAIT_MS = 5000;

/**
 * The stores of this process that have a file open. DuckDB's file lock is per process: a second
 * instance on the same file in the same process would open without complaint and both would write,
 * so a second opener here waits for the first to let go, as another process would.
 */
const heldHere = new Map<string, DuckDbStore>();
const IN_PROCESS = 'lock held in this process';

export class DuckDbStore implements AudienceStore {
  readonly description: string;
  /** Another store of this process waits for the file. */
  private wantedHere = false;
  /** This store left a `.wanted` file while it waited. */
  private asked = false;
  /** Where an opener that finds the file locked says so (see wanted()). */
  private readonly wantedFile: string;
  private constructor(
    private readonly file: string,
    private instance: DuckDBInstance | undefined,
    private connection: DuckDBConnection | undefined,
  ) {
    this.description = `embedded database ${file}`;
    this.wantedFile = `${file}.wanted`;
  }

  /** Creates the folder and schema as needed; waits up to 5 s for a lock another process holds. */
  static async open(file: string): Promise<DuckDbStore> {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError(`cannot create the data folder ${path.dirname(file)}: ${(err as Error).message}`);
    }
    const store = new DuckDbStore(path.resolve(file), undefined, undefined);
    await store.connect();
    for (const statement of SCHEMA) await store.connection!.run(statement);
    keepPrivate(path.dirname(file), path.basename(file));
    return store;
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.connection) return this.connection;
    const started = Date.now();
    for (;;) {
      try {
        const holder = heldHere.get(this.file);
        if (holder && holder !== this) {
          holder.wantedHere = true;
          throw new Error(IN_PROCESS);
        }
        // A bounded buffer pool (the default is 80 % of the machine's memory, too much beside a
        // server) and one thread (counts are small writes; the server's requests need the cores).
        this.instance = await DuckDBInstance.create(this.file, { memory_limit: '256MB', threads: '1' });
        this.connection = await this.instance.connect();
        heldHere.set(this.file, this);
        if (this.asked) this.removeWantedFile(); // made again by a last try after the holder removed it
        this.asked = false;
        return this.connection;
      } catch (err) {
        const message = (err as Error).message;
        if (/lock|conflict/i.test(message) && Date.now() - started < LOCK_WAIT_MS) {
          this.askForFile();
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
          continue;
        }
        throw new StoreError(
          message === IN_PROCESS
            ? `the database ${this.file} is held by another connection of this process`
            : /lock/i.test(message)
              ? `the database ${this.file} is held by another process (${message.split('\n')[0]})`
              : `cannot open the database ${this.file}: ${message.split('\n')[0]}`,
        );
      }
    }
  }

  /** Leaves the `.wanted` file for the holder of the file (made again at each try: the holder removes it as it lets go). */
  private askForFile(): void {
    if (heldHere.has(this.file)) return; // the holder is in this process, and was told directly
    try {
      fs.writeFileSync(this.wantedFile, '', { flag: 'a' });
      this.asked = true;
    } catch {
      // A folder we cannot write in: the holder lets go when its traffic stops, or after its longest hold.
    }
  }

  /** Whether another opener, in this process or another, waits for the file. One stat, for `serve` to ask each second. */
  wanted(): boolean {
    return this.wantedHere || fs.existsSync(this.wantedFile);
  }

  /**
   * Lets go of the file (and its lock) until the next call; `serve` does this when traffic stops or
   * another opener waits. The checkpoint a close makes runs first, asynchronously (off the
   * JavaScript thread), so the synchronous close that follows has nothing left to write: a close
   * with a pending checkpoint held `serve`'s thread for ~30 ms (CPU profile, bench/audience.ts).
   */
  async release(): Promise<void> {
    if (!this.instance) return;
    await this.connection?.run('checkpoint').catch(() => undefined);
    this.closeNow();
    this.wantedHere = false;
    this.removeWantedFile();
  }

  private removeWantedFile(): void {
    try {
      fs.rmSync(this.wantedFile, { force: true });
    } catch {
      // Not ours to insist on: at worst the next holder lets go once for nothing.
    }
  }

  private closeNow(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
    if (heldHere.get(this.file) === this) heldHere.delete(this.file);
  }

  async commit(batch: Batch): Promise<void> {
    const c = await this.connect();
    const { downloads, feeds } = aggregate(batch);
    await c.run('begin transaction');
    try {
      // One statement each for the summed rows (an import of a few months has thousands): a
      // statement a row held ~100 MB more of DuckDB's memory at the end of a 1,000,000-line import.
      if (downloads.length) {
        await c.run(
          `insert into downloads select unnest($1::date[]), unnest($2::varchar[]), unnest($3::varchar[]), unnest($4::varchar[]), unnest($5::varchar[]), unnest($6::bigint[]) on conflict (day, episode, format, app, device) do update set downloads = downloads + excluded.downloads`,
          [
            listValue(downloads.map((d) => d.day)),
            listValue(downloads.map((d) => d.episode)),
            listValue(downloads.map((d) => d.format)),
            listValue(downloads.map((d) => d.app)),
            listValue(downloads.map((d) => d.device)),
            listValue(downloads.map((d) => BigInt(d.downloads))),
          ],
        );
      }
      if (feeds.length) {
        await c.run(
          `insert into feed_listeners select unnest($1::date[]), unnest($2::varchar[]), unnest($3::varchar[]), unnest($4::bigint[]) on conflict (day, feed, app) do update set listeners = listeners + excluded.listeners`,
          [
            listValue(feeds.map((f) => f.day)),
            listValue(feeds.map((f) => f.feed)),
            listValue(feeds.map((f) => f.app)),
            listValue(feeds.map((f) => BigInt(f.listeners))),
          ],
        );
      }
      if (batch.state) await c.run(`insert or replace into open_windows values ($1, $2)`, [batch.state.name, batch.state.json]);
      const listeners = batch.listeners;
      if (listeners?.deletes.length) {
        await c.run(`delete from open_listeners where name = $1 and listener in (select unnest($2::varchar[]))`, [
          listeners.name,
          listValue(listeners.deletes),
        ]);
      }
      if (listeners?.upserts.length) {
        await c.run(`insert or replace into open_listeners select $1, unnest($2::varchar[]), unnest($3::varchar[])`, [
          listeners.name,
          listValue(listeners.upserts.map(([key]) => key)),
          listValue(listeners.upserts.map(([, json]) => json)),
        ]);
      }
      if (batch.lines) {
        // The appender is DuckDB's bulk path (several times faster than INSERT for a million
        // digests); the lines were checked new just before, and a line another import added
        // meanwhile breaks the key, failing the whole batch rather than counting twice.
        const appender = await c.createAppender('imported_lines');
        try {
          for (const line of batch.lines) {
            appender.appendVarchar(line);
            appender.endRow();
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      }
      await c.run('commit');
    } catch (err) {
      await c.run('rollback').catch(() => undefined);
      throw err;
    }
  }

  async loadState(name: string): Promise<string | undefined> {
    const rows = await this.rows(`select state from open_windows where name = $1`, [name]);
    return rows[0]?.state as string | undefined;
  }

  async loadListeners(name: string): Promise<[string, string][]> {
    const rows = await this.rows(`select listener, state from open_listeners where name = $1`, [name]);
    return rows.map((r) => [r.listener as string, r.state as string]);
  }

  async newLines(digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    if (digests.some((d) => d.includes(','))) throw new Error('a line digest holds a comma');
    // Asks for the lines already there (usually none) rather than the new ones (usually all):
    // turning 20,000 result rows back into JavaScript took more time than the query.
    // One string rather than a list of 20,000 values: binding them one by one cost more than the query.
    const rows = await this.rows(
      `select d from (select unnest(string_split($1, ',')) as d) t where exists (select 1 from imported_lines i where i.digest = t.d)`,
      [digests.join(',')],
    );
    const fresh = new Set(digests);
    for (const r of rows) fresh.delete(r.d as string);
    return fresh;
  }

  async setting(name: string, initial: string): Promise<string> {
    const c = await this.connect();
    await c.run(`insert or ignore into settings values ($1, $2)`, [name, initial]);
    const rows = await this.rows(`select value from settings where name = $1`, [name]);
    return rows[0].value as string;
  }

  async downloads(range: DateRange): Promise<DownloadRow[]> {
    const rows = await this.rows(
      `select strftime(day, '%Y-%m-%d') as day, episode, format, app, device, downloads from downloads where ($1::date is null or day >= $1::date) and ($2::date is null or day <= $2::date) order by day, episode, format, app, device`,
      [range.since ?? null, range.until ?? null],
    );
    return rows.map(
      (r) =>
        ({ day: r.day, episode: r.episode, format: r.format, app: r.app, device: r.device, downloads: Number(r.downloads) }) as DownloadRow,
    );
  }

  async feeds(range: DateRange): Promise<FeedRow[]> {
    const rows = await this.rows(
      `select strftime(day, '%Y-%m-%d') as day, feed, app, listeners from feed_listeners where ($1::date is null or day >= $1::date) and ($2::date is null or day <= $2::date) order by day, feed, app`,
      [range.since ?? null, range.until ?? null],
    );
    return rows.map((r) => ({ day: r.day, feed: r.feed, app: r.app, listeners: Number(r.listeners) }) as FeedRow);
  }

  private async rows(sql: string, values: unknown[]): Promise<Record<string, any>[]> {
    const c = await this.connect();
    const reader = await c.runAndReadAll(sql, values as any);
    return reader.getRowObjects();
  }

  async close(): Promise<void> {
    await this.release();
  }
}

/**
 * The database holds the day keys and hashed listeners (docs/how-we-count.md: testable against
 * guessed addresses while a key lives), so only its owner may read it. mkdir's 0700 applies only to
 * a folder netcaster makes; a data folder that was there already (755) left the database 644. Such
 * a folder is made the owner's alone when it holds nothing but the database's files; otherwise
 * (someone else's files live there too) the database's own files are.
 */
function keepPrivate(dir: string, database: string): void {
  try {
    if (!(fs.statSync(dir).mode & 0o077)) return;
    const names = fs.readdirSync(dir);
    const ours = names.filter((name) => name === database || name.startsWith(`${database}.`));
    if (ours.length === names.length) fs.chmodSync(dir, 0o700);
    else for (const name of ours) fs.chmodSync(path.join(dir, name), 0o600);
  } catch {
    // Not ours to change (another owner): left as it is.
  }
}
