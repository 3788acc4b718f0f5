// A counting session: the pure engine, the keys that hash listeners, and the store, together.
// Both inputs use it: `serve` (live.ts) and `stats import` (import-logs.ts).
//
// Keys (privacy by construction): each UTC day has its own random key; a listener is kept only as
// HMAC-SHA256(key of the day, IP/64 + User-Agent). A day's key is needed while a window that began
// that day can still be touched (to the end of the next day, for the rolling windows), and for the
// 72 hours given to late logs after that (LATE_LOGS_GRACE_MS); it is then dropped from memory and
// from the saved state, and with it any way to link that day's hashes to an address. Keys of days
// already past that when a log is imported live in memory only.
import { createHmac, randomBytes } from 'node:crypto';
import {
  Counter,
  LATE_LOGS_GRACE_MS,
  WINDOW_KINDS,
  utcDay,
  type EngineState,
  type Hit,
  type HitResult,
  type WindowKind,
} from './engine.js';
import type { UserAgentRules } from './user-agents.js';
import { addDownload, addFeed, type AudienceStore, type DownloadRow, type FeedRow } from './store.js';

const DAY_MS = 24 * 3600 * 1000;

interface SavedState {
  keys: Record<string, string>;
  engine: EngineState;
}

/** The counting window a store was started with; a store never mixes windows. */
export async function storeWindow(store: AudienceStore, wanted: WindowKind | undefined): Promise<WindowKind> {
  const stored = (await store.setting('window', wanted ?? 'calendar-utc')) as WindowKind;
  if (!WINDOW_KINDS.includes(stored)) throw new Error(`the database's counting window "${stored}" is not one netcaster knows`);
  if (wanted && wanted !== stored)
    throw new Error(
      `this database counts with the ${stored} window, not ${wanted}; use another NETCASTER_DATA_DIR or database for ${wanted}`,
    );
  return stored;
}

export class CountingSession {
  /** Counted since the last flush, summed as they come (an import counts hundreds of thousands). */
  private downloads = new Map<string, DownloadRow>();
  private feedFetches = new Map<string, FeedRow>();
  private readonly keys: Map<string, Buffer>;
  readonly counter: Counter;
  private dirty = false;
  /** `${day}\n${identity}` -> hash, while a batch is counted (batch()). */
  private batchHashes: Map<string, string> | undefined;

  private constructor(
    private readonly store: AudienceStore,
    readonly window: WindowKind,
    rules: UserAgentRules,
    saved: SavedState | undefined,
  ) {
    this.keys = new Map(Object.entries(saved?.keys ?? {}).map(([day, key]) => [day, Buffer.from(key, 'base64')]));
    this.counter = new Counter({ window, rules, hashListener: (identity, day, create) => this.hash(identity, day, create) }, saved?.engine);
  }

  static async open(store: AudienceStore, rules: UserAgentRules, window?: WindowKind): Promise<CountingSession> {
    const kind = await storeWindow(store, window);
    const json = await store.loadState(kind);
    let saved: SavedState | undefined;
    try {
      saved = json ? (JSON.parse(json) as SavedState) : undefined;
      if (saved) for (const [key, entry] of await store.loadListeners(kind)) saved.engine.listeners[key] = JSON.parse(entry);
    } catch {
      saved = undefined; // an unreadable state loses today's open windows only, never counts already made
    }
    return new CountingSession(store, kind, rules, saved);
  }

  /** The listener's hash with the key of `day`; without `create`, undefined when that day has no key. */
  private hash(identity: string, day: string, create = true): string | undefined {
    const memo = this.batchHashes;
    const memoKey = memo ? `${day}\n${identity}` : '';
    const known = memo?.get(memoKey);
    if (known) return known;
    let key = this.keys.get(day);
    if (!key) {
      if (!create) return undefined;
      key = randomBytes(32);
      this.keys.set(day, key);
    }
    const hash = createHmac('sha256', key).update(identity).digest('base64url').slice(0, 22);
    memo?.set(memoKey, hash);
    return hash;
  }

  /**
   * Counts a batch of hits (`count` calls add()). A listener's hash is made once per batch: the
   * HMAC was a third of the engine's time, and a player fetches a file in many ranges. The
   * addresses it was made from are forgotten with the batch, as soon as it is counted.
   */
  batch<T>(count: () => T): T {
    this.batchHashes = new Map();
    try {
      return count();
    } finally {
      this.batchHashes = undefined;
    }
  }

  add(hit: Hit): HitResult {
    const result = this.counter.add(hit);
    if (result.download) addDownload(this.downloads, result.download, 1);
    if (result.feedFetch) addFeed(this.feedFetches, result.feedFetch, 1);
    if (!result.rejected || result.rejected === 'short' || result.rejected === 'duplicate') this.dirty = true;
    return result;
  }

  /** Counts waiting to be written. */
  get pending(): number {
    return this.downloads.size + this.feedFetches.size;
  }

  /**
   * Writes what was counted since the last flush, with the open windows as of `now` (closed ones,
   * and the keys no open window needs, are dropped first), and `lineCount` digests of `lines`, in
   * one transaction.
   */
  async flush(now: number, lines?: Iterable<string>, lineCount = 0): Promise<void> {
    // A day's key lives while a window that began that day can still be touched (to the end of
    // the next day, for the rolling windows), and then for the grace given to late logs.
    const oldestKept = utcDay(now - LATE_LOGS_GRACE_MS - (this.window === 'calendar-utc' ? 0 : DAY_MS));
    // Nothing new, and no key has outlived its windows: nothing to write.
    const expiredKey = [...this.keys.keys()].some((day) => day < oldestKept);
    if (!this.dirty && !lineCount && this.pending === 0 && !expiredKey) return;
    this.counter.prune(now);
    for (const day of this.keys.keys()) if (day < oldestKept) this.keys.delete(day);
    // Listener windows go to their own rows, only those that changed; the rest is small.
    const feedListeners = this.counter.feedSnapshot();
    const state: SavedState = {
      keys: Object.fromEntries([...this.keys].map(([day, key]) => [day, key.toString('base64')])),
      engine: { listeners: {}, feedListeners },
    };
    const listenerChanges = this.counter.takeListenerChanges();
    const downloads = this.downloads;
    const feedFetches = this.feedFetches;
    this.downloads = new Map();
    this.feedFetches = new Map();
    this.dirty = false;
    try {
      await this.store.commit({
        downloadRows: [...downloads.values()],
        feedRows: [...feedFetches.values()],
        state: { name: this.window, json: JSON.stringify(state) },
        listeners: { name: this.window, ...listenerChanges },
        lines: lineCount ? lines : undefined,
      });
    } catch (err) {
      this.counter.restoreListenerChanges(listenerChanges);
      // Not written: keep them for the next flush.
      for (const row of downloads.values()) addDownload(this.downloads, row, row.downloads);
      for (const row of feedFetches.values()) addFeed(this.feedFetches, row, row.listeners);
      this.dirty = true;
      throw err;
    }
  }
}
