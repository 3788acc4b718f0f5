// Live recording for `serve`: each finished media, download and feed response goes through the
// engine and into the store, without slowing the response.
//
// - The response path only pushes a small record onto a queue (src/site/app.ts calls `record`).
// - Once a second the queue is counted and written in one transaction (`kill -9` loses at most
//   that second); `stop()` writes the rest (a graceful stop loses nothing).
// - The store may be missing, locked or corrupt: that is logged once, clearly, and serving goes
//   on; records wait in a bounded queue and the store is tried again.
// - The embedded database is held while traffic goes on (opening and closing it each time cost more
//   than the writes), and let go when traffic stops, when `stats` or `stats import` asks for it
//   (store-duckdb.ts), and at least every 30 s.
import type { Catalog } from '../contract/catalog.js';
import type { ServedResponse } from '../contract/served-response.js';
import type { Hit } from './engine.js';
import { CountingSession } from './session.js';
import { type AudienceStore } from './store.js';
import { openStore } from './open-store.js';
import { ShowTargets } from './targets.js';
import { loadRules } from './user-agents.js';

const FLUSH_MS = 1000;
const RETRY_MS = 30_000;
/** Records kept while the store cannot be reached; beyond this the oldest are dropped (and said so). */
const MAX_QUEUE = 200_000;
/**
 * Longest the embedded database is held under steady traffic. Another opener asks for it and gets it
 * within a second; this is only for one that cannot ask.
 */
const HOLD_MS = 30_000;

export interface LiveRecorderOptions {
  getCatalog: () => Catalog | undefined;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  flushMs?: number;
}

export class LiveRecorder {
  private queue: ServedResponse[] = [];
  private store: AudienceStore | undefined;
  private session: CountingSession | undefined;
  private targets: ShowTargets | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private nextOpenAttempt = 0;
  private failing = false;
  private dropped = 0;
  /** When the embedded database was last opened for writing (Infinity: not held). */
  private heldSince = Infinity;
  private stopped = false;

  constructor(private readonly options: LiveRecorderOptions) {}

  /**
   * Opens the store and writes once a second from now on; responses recorded before wait in the
   * queue. `serve` calls it once its site is live: loading and opening the embedded database takes
   * some 100 ms of this thread, which delayed the first answer of every start (bench/big-serve.ts),
   * and is still a cost of starting up rather than of the first second of traffic. Settles once
   * the store was first tried (opened, or its failure logged); never rejects.
   */
  start(): Promise<void> {
    if (this.timer || this.stopped) return this.busy; // once stopped, for good: a late start must not open the store again
    this.timer = setInterval(() => void this.tick(), this.options.flushMs ?? FLUSH_MS);
    this.timer.unref();
    return this.tick();
  }

  /** Called by the server as each response ends: O(1), no I/O. */
  record(response: ServedResponse): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(response);
  }

  private tick(): Promise<void> {
    this.busy = this.busy.then(() => this.flush(Date.now())).catch((err: unknown) => this.fail(err));
    return this.busy;
  }

  private fail(err: unknown): void {
    if (!this.failing)
      this.options.log(`download counting: cannot write counts (${(err as Error).message}); serving goes on, counts wait and are retried`);
    this.failing = true;
    this.nextOpenAttempt = Date.now() + RETRY_MS;
    const store = this.store;
    this.store = undefined;
    this.session = undefined;
    void store?.close().catch(() => undefined);
  }

  private async open(now: number): Promise<boolean> {
    if (this.session) return true;
    if (now < this.nextOpenAttempt) return false;
    this.store = await openStore(this.options.env);
    this.session = await CountingSession.open(this.store, loadRules(), windowFromEnv(this.options.env));
    if (this.failing) this.options.log(`download counting: ${this.store.description} is back`);
    this.failing = false;
    return true;
  }

  private async flush(now: number): Promise<void> {
    // Opened at the first tick even without traffic: a saved day key that has outlived its
    // windows is then destroyed on time, and a broken database is reported at once.
    if (!(await this.open(now))) return;
    const session = this.session!;
    const catalog = this.options.getCatalog();
    if (catalog && this.targets?.catalog !== catalog) this.targets = new ShowTargets(catalog);
    const queue = this.queue;
    this.queue = [];
    const targets = this.targets;
    if (targets)
      session.batch(() => {
        for (const response of queue) session.add(toHit(response, targets));
      });
    if (this.dropped) {
      this.options.log(`download counting: ${this.dropped} responses were not counted (the database was out of reach too long)`);
      this.dropped = 0;
    }
    await session.flush(now);
    // Opening and closing the embedded database costs ~17 ms of CPU (loading its catalog, a
    // checkpoint): under steady traffic it is held, and let go at once when traffic stops or
    // another opener (`stats`, which waits up to 5 s for the file) asks for it.
    if (!queue.length || this.store!.wanted?.() || now - this.heldSince >= HOLD_MS) {
      await this.store!.release?.();
      this.heldSince = Infinity;
    } else if (this.heldSince === Infinity) this.heldSince = now;
  }

  /** Writes everything still queued; call after the server has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.nextOpenAttempt = 0;
    // Never started and nothing recorded (a show that could not be served): no store to open.
    if (this.timer === undefined && this.queue.length === 0) return;
    await this.tick();
    await this.store?.close().catch(() => undefined);
    this.store = undefined;
    this.session = undefined;
  }
}

function toHit(r: ServedResponse, targets: ShowTargets): Hit {
  const resolved = targets.resolve(r.key);
  let threshold: number | undefined;
  if (resolved.media) threshold = targets.threshold(resolved.media)?.bytes;
  // The engine reads only what it knows of the target; the media facts along with it do no harm
  // (and a copy without them was an object a response).
  return {
    time: r.time,
    ip: r.ip,
    userAgent: r.userAgent,
    method: r.method,
    status: r.status,
    range: r.range,
    target: resolved,
    sent: r.sent,
    threshold,
  };
}

function windowFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const value = env.NETCASTER_STATS_WINDOW;
  return value === 'calendar-utc' || value === 'first-touch-24h' || value === 'last-touch-24h' ? value : undefined;
}
