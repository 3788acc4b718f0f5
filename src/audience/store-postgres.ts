// The shared store: PostgreSQL through `pg` (node-postgres; the one module that imports it), for
// $NETCASTER_DATABASE_URL. Same schema and behaviour as the embedded store. https://node-postgres.com/
import pg from 'pg';
import { SCHEMA, StoreError, aggregate, type AudienceStore, type Batch, type DateRange, type DownloadRow, type FeedRow } from './store.js';

export class PostgresStore implements AudienceStore {
  readonly description: string;
  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    // Never print a password.
    const shown = new URL(url);
    shown.password = shown.password ? '***' : '';
    this.description = `PostgreSQL ${shown.toString()}`;
  }

  static async open(url: string): Promise<PostgresStore> {
    let pool: pg.Pool;
    try {
      pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
      pool.on('error', () => undefined); // an idle client's lost connection: the next query reconnects
      await createSchema(pool);
    } catch (err) {
      throw new StoreError(`cannot use the PostgreSQL database in NETCASTER_DATABASE_URL: ${(err as Error).message}`);
    }
    return new PostgresStore(pool, url);
  }

  async commit(batch: Batch): Promise<void> {
    const { downloads, feeds } = aggregate(batch);
    await inTransaction(this.pool, async (c) => {
      for (const d of downloads) {
        await c.query(
          `insert into downloads values ($1::date, $2, $3, $4, $5, $6) on conflict (day, episode, format, app, device) do update set downloads = downloads.downloads + excluded.downloads`,
          [d.day, d.episode, d.format, d.app, d.device, d.downloads],
        );
      }
      for (const f of feeds) {
        await c.query(
          `insert into feed_listeners values ($1::date, $2, $3, $4) on conflict (day, feed, app) do update set listeners = feed_listeners.listeners + excluded.listeners`,
          [f.day, f.feed, f.app, f.listeners],
        );
      }
      if (batch.state) {
        await c.query(`insert into open_windows values ($1, $2) on conflict (name) do update set state = excluded.state`, [
          batch.state.name,
          batch.state.json,
        ]);
      }
      const listeners = batch.listeners;
      if (listeners?.deletes.length) {
        await c.query(`delete from open_listeners where name = $1 and listener = any($2::varchar[])`, [listeners.name, listeners.deletes]);
      }
      if (listeners?.upserts.length) {
        await c.query(
          `insert into open_listeners select $1, k, s from unnest($2::varchar[], $3::varchar[]) as t(k, s) on conflict (name, listener) do update set state = excluded.state`,
          [listeners.name, listeners.upserts.map(([key]) => key), listeners.upserts.map(([, json]) => json)],
        );
      }
      let chunk: string[] = [];
      for (const line of batch.lines ?? []) {
        chunk.push(line);
        if (chunk.length === 50_000) {
          await c.query(`insert into imported_lines select unnest($1::varchar[]) on conflict do nothing`, [chunk]);
          chunk = [];
        }
      }
      if (chunk.length) await c.query(`insert into imported_lines select unnest($1::varchar[]) on conflict do nothing`, [chunk]);
    });
  }

  async loadState(name: string): Promise<string | undefined> {
    const r = await this.pool.query(`select state from open_windows where name = $1`, [name]);
    return r.rows[0]?.state;
  }

  async loadListeners(name: string): Promise<[string, string][]> {
    const r = await this.pool.query(`select listener, state from open_listeners where name = $1`, [name]);
    return r.rows.map((row) => [row.listener as string, row.state as string]);
  }

  async newLines(digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const r = await this.pool.query(
      `select d from unnest($1::varchar[]) as t(d) where not exists (select 1 from imported_lines i where i.digest = t.d)`,
      [digests],
    );
    return new Set(r.rows.map((row) => row.d as string));
  }

  async setting(name: string, initial: string): Promise<string> {
    await this.pool.query(`insert into settings values ($1, $2) on conflict do nothing`, [name, initial]);
    const r = await this.pool.query(`select value from settings where name = $1`, [name]);
    return r.rows[0].value as string;
  }

  async downloads(range: DateRange): Promise<DownloadRow[]> {
    const r = await this.pool.query(
      `select to_char(day, 'YYYY-MM-DD') as day, episode, format, app, device, downloads from downloads where ($1::date is null or day >= $1::date) and ($2::date is null or day <= $2::date) order by day, episode, format, app, device`,
      [range.since ?? null, range.until ?? null],
    );
    return r.rows.map((row) => ({ ...row, downloads: Number(row.downloads) }));
  }

  async feeds(range: DateRange): Promise<FeedRow[]> {
    const r = await this.pool.query(
      `select to_char(day, 'YYYY-MM-DD') as day, feed, app, listeners from feed_listeners where ($1::date is null or day >= $1::date) and ($2::date is null or day <= $2::date) order by day, feed, app`,
      [range.since ?? null, range.until ?? null],
    );
    return r.rows.map((row) => ({ ...row, listeners: Number(row.listeners) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export { StoreError };

/** Any number: the advisory lock that makes processes create the tables one at a time. */
const SCHEMA_LOCK = 0x6e6574636173;

/**
 * The tables, made by one process at a time: two `serve`s started together on a new database
 * collided in PostgreSQL's catalog ("duplicate key value violates unique constraint
 * pg_type_typname_nsp_index") although every statement says `if not exists`.
 */
async function createSchema(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const statement of SCHEMA) await c.query(statement);
  });
}

/** `work` in one transaction on one client of the pool: committed whole, or rolled back. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await work(c);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
