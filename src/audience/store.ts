// Where counts are kept: one interface, two databases with the same schema.
// - Embedded (default): DuckDB in $NETCASTER_DATA_DIR (default ~/.local/share/netcaster), never
//   the cache folder (which may be wiped) nor the show folder (which may be served).
// - PostgreSQL when $NETCASTER_DATABASE_URL is set, so several servers can share the counts.
//
// What is stored (privacy by construction, docs/how-we-count.md):
// - downloads and feed_listeners: aggregates only (day, episode, format, app, device -> count);
// - open_windows and open_listeners: the engine's state for windows still open: keyed hashes of
//   listeners and the random keys of the days that can still be touched; both are deleted 72 hours
//   after their windows close (the grace for late logs);
// - imported_lines: a keyed digest of each access-log line imported, so a line imported twice
//   counts once (the key is random, made once per database; no address can be read back);
// - settings: that key, and the counting window the database was started with.
import os from 'node:os';
import path from 'node:path';
import type { Download, FeedFetch } from './engine.js';

export interface DownloadRow extends Download {
  downloads: number;
}

export interface FeedRow extends FeedFetch {
  listeners: number;
}

export interface Batch {
  downloads?: Download[];
  feedFetches?: FeedFetch[];
  /** Counts already summed (a counting session sums as it goes). */
  downloadRows?: DownloadRow[];
  feedRows?: FeedRow[];
  /** The engine's open windows, replacing the last saved (undefined: unchanged). */
  state?: { name: string; json: string };
  /** Listener windows of the engine (keyed hashes only) changed and dropped since the last batch. */
  listeners?: { name: string; upserts: [string, string][]; deletes: string[] };
  /** Digests of access-log lines now counted: new ones only (as `newLines` said). */
  lines?: Iterable<string>;
}

export interface DateRange {
  /** YYYY-MM-DD, inclusive. */
  since?: string;
  until?: string;
}

export interface AudienceStore {
  readonly description: string;
  /** Writes one batch atomically: counts, state and line digests together or not at all. */
  commit(batch: Batch): Promise<void>;
  loadState(name: string): Promise<string | undefined>;
  /** The open listener windows saved under `name`: [hashed key, JSON] pairs. */
  loadListeners(name: string): Promise<[string, string][]>;
  /** Of these line digests, those never imported before. */
  newLines(digests: string[]): Promise<Set<string>>;
  /** A setting kept in the database: its value, or `initial` stored and returned when it has none. */
  setting(name: string, initial: string): Promise<string>;
  downloads(range: DateRange): Promise<DownloadRow[]>;
  feeds(range: DateRange): Promise<FeedRow[]>;
  /** Lets go of the database between writes, where it has one writer at a time (DuckDB). */
  release?(): Promise<void>;
  /** Whether another opener waits for the database this store holds (DuckDB: one writer at a time). */
  wanted?(): boolean;
  close(): Promise<void>;
}

/** A database that cannot be used: missing server, lock held by another process, corrupt file. */
export class StoreError extends Error {}

/** The same schema for both databases (types both understand). */
export const SCHEMA = [
  `create table if not exists downloads (day date not null, episode varchar not null, format varchar not null, app varchar not null, device varchar not null, downloads bigint not null, primary key (day, episode, format, app, device))`,
  `create table if not exists feed_listeners (day date not null, feed varchar not null, app varchar not null, listeners bigint not null, primary key (day, feed, app))`,
  `create table if not exists imported_lines (digest varchar primary key)`,
  `create table if not exists open_windows (name varchar primary key, state varchar not null)`,
  `create table if not exists open_listeners (name varchar not null, listener varchar not null, state varchar not null, primary key (name, listener))`,
  `create table if not exists settings (name varchar primary key, value varchar not null)`,
];

/** Sums a batch's events into rows, so a batch of a thousand downloads is a handful of upserts. */
export function aggregate(batch: Batch): { downloads: DownloadRow[]; feeds: FeedRow[] } {
  const downloads = new Map<string, DownloadRow>();
  for (const d of batch.downloads ?? []) addDownload(downloads, d, 1);
  for (const d of batch.downloadRows ?? []) addDownload(downloads, d, d.downloads);
  const feeds = new Map<string, FeedRow>();
  for (const f of batch.feedFetches ?? []) addFeed(feeds, f, 1);
  for (const f of batch.feedRows ?? []) addFeed(feeds, f, f.listeners);
  return { downloads: [...downloads.values()], feeds: [...feeds.values()] };
}

export function addDownload(rows: Map<string, DownloadRow>, d: Download, n: number): void {
  const key = `${d.day}\0${d.episode}\0${d.format}\0${d.app}\0${d.device}`;
  const row = rows.get(key);
  if (row) row.downloads += n;
  else rows.set(key, { day: d.day, episode: d.episode, format: d.format, app: d.app, device: d.device, downloads: n });
}

export function addFeed(rows: Map<string, FeedRow>, f: FeedFetch, n: number): void {
  const key = `${f.day}\0${f.feed}\0${f.app}`;
  const row = rows.get(key);
  if (row) row.listeners += n;
  else rows.set(key, { day: f.day, feed: f.feed, app: f.app, listeners: n });
}

export function dataDir(env = process.env): string {
  return env.NETCASTER_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'netcaster');
}
