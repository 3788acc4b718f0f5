// The download counter: one pure engine for both inputs (what `serve` sent, and web server logs).
//
// It follows the IAB Tech Lab Podcast Measurement Technical Guidelines v2.2
// (https://iabtechlab.com/standards/podcast-measurement-guidelines/):
// - only a GET answered 200 or 206 can count; HEAD, 304 and errors never do, nor by themselves the
//   `bytes=0-1` / `bytes=0-0` probes players send to learn a file's length (their bytes join the rest);
// - a download is the file's header plus one minute of content (the whole file when it is shorter),
//   a byte offset worked out per file from its own index (see one-minute.ts); one listener's
//   ranges are merged as a union of byte intervals, so a retry or an overlap never counts twice;
// - a listener is IP (IPv6 cut to its /64) plus User-Agent, and counts once per episode per window:
//   the UTC calendar day by default, or a rolling 24 h from the first request (first-touch) or from
//   the latest one (last-touch);
// - bots, empty User-Agents and Apple Watch duplicates are out (user-agents.ts).
//
// No clock, no file system, no I/O: hits come in time order, downloads come out. Listener
// identities are turned into keyed hashes by the `hashListener` function the caller passes (the
// keys live and die with their windows, see keyring.ts), so the state it keeps and hands to the
// store never holds an address.
import { classifyUserAgent, type UserAgentRules, type UserAgentClass } from './user-agents.js';

export type WindowKind = 'calendar-utc' | 'first-touch-24h' | 'last-touch-24h';
export const WINDOW_KINDS: WindowKind[] = ['calendar-utc', 'first-touch-24h', 'last-touch-24h'];

const DAY_MS = 24 * 3600 * 1000;

/**
 * How long a closed window, and the key of the day that hashed it, are kept after the window
 * closes: CloudFront and other CDNs deliver logs hours late and some twice, and a day's lines
 * imported in several runs must still count each listener once (docs/how-we-count.md).
 */
export const LATE_LOGS_GRACE_MS = 72 * 3600 * 1000;

/** One finished response, from either input, before any rule is applied. */
export interface Hit {
  /** When the request was made, ms since the epoch. */
  time: number;
  /** Client address as the input saw it (kept in memory only, never stored). */
  ip: string;
  userAgent: string;
  method: string;
  status: number;
  /** The request's Range header, when the input knows it. */
  range?: string;
  /** What was asked for. */
  target: { kind: 'media'; episode: string; format: string; file: string } | { kind: 'feed'; feed: string } | { kind: 'other' };
  /**
   * Byte intervals of the file actually sent, inclusive ([start, end]); for a log line without a
   * range, [0, bytes - 1].
   */
  sent: [number, number][];
  /** Bytes that make a download of this file: header plus one minute, or the whole file. */
  threshold?: number;
}

export interface Download {
  day: string;
  episode: string;
  format: string;
  app: string;
  device: string;
}

export interface FeedFetch {
  day: string;
  feed: string;
  app: string;
}

/** Why a hit did not count (for the conformance table and debugging). */
export type Rejection =
  | 'method'
  | 'status'
  | 'probe'
  | 'bot'
  | 'empty-user-agent'
  | 'apple-watch'
  | 'not-media'
  | 'duplicate'
  | 'short'
  | 'no-threshold';

interface ListenerEpisode {
  /** When the window started (first-touch, calendar) or was last touched (last-touch). */
  windowStart: number;
  lastTouch: number;
  /** Per file: merged inclusive intervals received in this window. */
  files: Record<string, [number, number][]>;
  counted: boolean;
}

/** What the engine keeps between hits: only hashed listener ids. Serialisable as JSON. */
export interface EngineState {
  /** `${listenerHash}\n${episode}` -> state. */
  listeners: Record<string, ListenerEpisode>;
  /** `${day}\n${feed}` -> listener hashes already counted for that feed that day. */
  feedListeners: Record<string, string[]>;
}

export interface EngineOptions {
  window: WindowKind;
  rules: UserAgentRules;
  /** Keyed hash of a listener identity (IP /64 + UA) with the key of that UTC day. */
  hashListener: (identity: string, day: string, create?: boolean) => string | undefined;
}

export interface HitResult {
  download?: Download;
  feedFetch?: FeedFetch;
  rejected?: Rejection;
}

let lastDayNumber = NaN;
let lastDay = '';

/** YYYY-MM-DD of a time, in UTC (the last answer is kept: hits come in runs of the same day). */
export function utcDay(time: number): string {
  const dayNumber = Math.floor(time / DAY_MS);
  if (dayNumber !== lastDayNumber) {
    lastDay = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    lastDayNumber = dayNumber;
  }
  return lastDay;
}

/**
 * IPv4 as is; IPv6 cut to its first 64 bits (IAB v2.1 "IPv6"), IPv4-mapped IPv6 as IPv4. A port
 * is not part of the listener: some proxies write `1.2.3.4:51234` or `[2001:db8::1]:443` in
 * X-Forwarded-For, a new port for each connection.
 */
export function listenerAddress(address: string): string {
  const withPort = !address.includes(':') ? null : (/^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address) ?? /^\[([^\]]+)\](?::\d+)?$/.exec(address));
  const ip = withPort ? withPort[1] : address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail takes two groups; only the first four groups matter anyway.
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return (
    groups
      .slice(0, 4)
      .map((g) => (parseInt(g, 16) || 0).toString(16))
      .join(':') + '::/64'
  );
}

/** `bytes=0-0` and `bytes=0-1`: a player asking the length, not listening. */
export function isProbe(range: string | undefined): boolean {
  return range !== undefined && /^\s*bytes\s*=\s*0\s*-\s*[01]\s*$/i.test(range);
}

/** Adds an inclusive interval to a sorted, disjoint list, merging neighbours; returns the new list. */
export function addInterval(list: [number, number][], [start, end]: [number, number]): [number, number][] {
  if (end < start) return list;
  const out: [number, number][] = [];
  let s = start;
  let e = end;
  let placed = false;
  for (const [a, b] of list) {
    if (b + 1 < s) out.push([a, b]);
    else if (e + 1 < a) {
      if (!placed) out.push([s, e]);
      placed = true;
      out.push([a, b]);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push([s, e]);
  return out;
}

/** Bytes covered by the first `threshold` bytes of the file: the union counted against the threshold. */
export function coveredBelow(list: [number, number][], threshold: number): number {
  let sum = 0;
  for (const [a, b] of list) {
    if (a >= threshold) break;
    sum += Math.min(b, threshold - 1) - a + 1;
  }
  return sum;
}

export class Counter {
  private state: EngineState;
  private readonly options: EngineOptions;
  private lastTime = 0;
  /** Open listener windows: `${listenerHash}\n${episode}` -> state. */
  private readonly listeners: Map<string, ListenerEpisode>;
  /** The feed listener lists of the state, as sets while counting (written back by snapshot()). */
  private readonly feedSets = new Map<string, Set<string>>();
  /** Listener windows changed or dropped since takeListenerChanges(). */
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  /** Listener windows the store holds (loaded with the state, or written since). */
  private readonly stored = new Set<string>();
  /** No window goes before this time (a lower bound: a last-touch window's end only moves later). */
  private nextExpiry = -Infinity;

  constructor(options: EngineOptions, state?: EngineState) {
    this.options = options;
    this.state = state ?? { listeners: {}, feedListeners: {} };
    // A Map while counting: an import opens and closes a million windows, and an object used as
    // a dictionary with as many deletes was a tenth of its time.
    this.listeners = new Map(Object.entries(this.state.listeners));
    this.state.listeners = {};
    for (const key of this.listeners.keys()) this.stored.add(key);
  }

  /** Takes one hit (in time order); says what it counted, if anything. */
  add(hit: Hit): HitResult {
    if (hit.time > this.lastTime) this.lastTime = hit.time;
    if (hit.target.kind === 'other') return { rejected: 'not-media' };
    if (hit.method !== 'GET') return { rejected: 'method' };
    // A feed answered 304 Not Modified was fetched all the same: apps poll feeds with
    // If-None-Match or If-Modified-Since, and on most days the feed has not changed.
    const feedNotModified = hit.status === 304 && hit.target.kind === 'feed';
    if (hit.status !== 200 && hit.status !== 206 && !feedNotModified) return { rejected: 'status' };
    // A probe answered as asked (206) tells a player the file's length: never a download by itself,
    // but its bytes are the listener's like any others (AVPlayer asks bytes=0-1, then bytes=2-). A
    // server that ignored the Range and sent the whole file (200) sent a download.
    const probe = hit.status === 206 && isProbe(hit.range);
    const ua = classifyUserAgent(hit.userAgent, this.options.rules);
    const rejected = uaRejection(ua);
    if (rejected) return { rejected };
    const day = utcDay(hit.time);
    const identity = `${listenerAddress(hit.ip)}\n${hit.userAgent}`;

    if (hit.target.kind === 'feed') {
      const id = this.options.hashListener(identity, day)!;
      const key = `${day}\n${hit.target.feed}`;
      let seen = this.feedSets.get(key);
      if (!seen) this.feedSets.set(key, (seen = new Set(this.state.feedListeners[key] ?? [])));
      if (seen.has(id)) return { rejected: 'duplicate' };
      seen.add(id);
      return { feedFetch: { day, feed: hit.target.feed, app: ua.app ?? 'Other' } };
    }

    const { episode, format, file } = hit.target;
    const { threshold } = hit;
    if (threshold === undefined) return { rejected: 'no-threshold' };
    const [key, entry, isNew] = this.findWindow(identity, episode, hit.time, day);
    // A window is written to the store only when it changed in a way that matters: a busy second
    // touches many windows, and most hits (a counted listener streaming on, a seek far into the
    // file) change nothing that decides a count.
    let changed = isNew;
    // A late line (a log imported after later ones) does not move the last touch back. Only the
    // last-touch window ends by it; for the others it is not worth a write.
    if (hit.time > entry.lastTouch) {
      entry.lastTouch = hit.time;
      if (this.options.window === 'last-touch-24h') changed = true;
    }
    if (entry.counted) {
      if (changed) this.put(key, entry);
      return { rejected: 'duplicate' };
    }
    // Only bytes below the threshold decide the count: ranges above it are not kept.
    const before = entry.files[file] ?? [];
    let received = before;
    for (const [start, end] of hit.sent) if (start < threshold) received = addInterval(received, [start, Math.min(end, threshold - 1)]);
    const covered = coveredBelow(received, threshold);
    if (covered > coveredBelow(before, threshold)) {
      entry.files[file] = received;
      changed = true;
    }
    if (covered < threshold) {
      if (changed) this.put(key, entry);
      return { rejected: probe ? 'probe' : 'short' };
    }
    entry.counted = true;
    entry.files = {}; // counted: the byte ranges are of no more use
    this.put(key, entry);
    return { download: { day, episode, format, app: ua.app ?? 'Other', device: ua.device ?? 'Other' } };
  }

  /**
   * The listener's window for this episode open at `time` and its key, or a new one; `true` when it
   * was made or moved to another key (and so is already marked for writing).
   */
  private findWindow(identity: string, episode: string, time: number, day: string): [string, ListenerEpisode, boolean] {
    const { window } = this.options;
    const todayKey = `${this.options.hashListener(identity, day)}\n${episode}`;
    const today = this.listeners.get(todayKey);
    if (today && isOpen(window, today, time)) return [todayKey, today, false];
    if (window !== 'calendar-utc') {
      // Rolling windows cross midnight: the listener may have been hashed with yesterday's key,
      // or, for a late line, with the next day's (a later line moved the window there).
      for (const [d, later] of [
        [utcDay(time - DAY_MS), false],
        [utcDay(time + DAY_MS), true],
      ] as const) {
        const hash = this.options.hashListener(identity, d, false);
        const key = `${hash}\n${episode}`;
        const entry = hash === undefined ? undefined : this.listeners.get(key);
        if (!entry || !isOpen(window, entry, time)) continue; // a closed one is kept for late lines, till prune()
        if (later) return [key, entry, false];
        // Re-keyed with today's key, so that yesterday's key can be destroyed when its day is over.
        this.remove(key);
        this.put(todayKey, entry);
        return [todayKey, entry, true];
      }
    }
    const entry: ListenerEpisode = { windowStart: time, lastTouch: time, files: {}, counted: false };
    this.put(todayKey, entry);
    return [todayKey, entry, true];
  }

  private put(key: string, entry: ListenerEpisode): void {
    this.listeners.set(key, entry);
    const expiry = windowEnd(this.options.window, entry) + LATE_LOGS_GRACE_MS;
    if (expiry < this.nextExpiry) this.nextExpiry = expiry;
    this.changed.add(key);
    this.removed.delete(key);
  }

  private remove(key: string): void {
    this.listeners.delete(key);
    this.changed.delete(key);
    // Only what the store holds needs deleting there (an import opens and closes a million windows it never saw).
    if (this.stored.delete(key)) this.removed.add(key);
  }

  /**
   * Listener windows touched and dropped since the last call, for the store to write only those
   * (a busy day has hundreds of thousands of listeners; a second touches a few).
   */
  takeListenerChanges(): { upserts: [string, string][]; deletes: string[] } {
    const upserts = [...this.changed].map((key): [string, string] => [key, JSON.stringify(this.listeners.get(key))]);
    const deletes = [...this.removed];
    for (const key of this.changed) this.stored.add(key);
    this.changed.clear();
    this.removed.clear();
    return { upserts, deletes };
  }

  /** Puts back changes that could not be written, to be written with the next ones. */
  restoreListenerChanges(changes: { upserts: [string, string][]; deletes: string[] }): void {
    for (const [key] of changes.upserts) if (this.listeners.has(key) && !this.removed.has(key)) this.changed.add(key);
    for (const key of changes.deletes) if (!this.listeners.has(key)) this.removed.add(key);
    // Upserts not written may still be in the store from before; deleting a key it lacks is harmless.
    for (const [key] of changes.upserts) if (!this.listeners.has(key)) this.removed.add(key);
  }

  /**
   * Drops every window closed for longer than the grace for late logs at `now` (and the feed sets
   * of days as old); what remains is only what is still needed.
   */
  prune(now: number): void {
    // `serve` prunes every second; the windows (four days of listeners) are walked only when one
    // is due to go.
    if (now >= this.nextExpiry) {
      let next = Infinity;
      for (const [key, entry] of this.listeners) {
        const expiry = windowEnd(this.options.window, entry) + LATE_LOGS_GRACE_MS;
        if (expiry <= now) this.remove(key);
        else if (expiry < next) next = expiry;
      }
      this.nextExpiry = next;
    }
    const today = utcDay(now - LATE_LOGS_GRACE_MS);
    for (const key of Object.keys(this.state.feedListeners)) {
      if (key.slice(0, 10) < today) delete this.state.feedListeners[key];
    }
    for (const key of this.feedSets.keys()) {
      if (key.slice(0, 10) < today) this.feedSets.delete(key);
    }
  }

  /** The time of the latest hit seen. */
  get latest(): number {
    return this.lastTime;
  }

  /** The state to keep across a restart (hashed ids only). */
  snapshot(): EngineState {
    return { listeners: Object.fromEntries(this.listeners), feedListeners: this.feedSnapshot() };
  }

  /** The feed listeners already counted today (hashed ids), to keep across a restart. */
  feedSnapshot(): EngineState['feedListeners'] {
    for (const [key, set] of this.feedSets) this.state.feedListeners[key] = [...set];
    return this.state.feedListeners;
  }
}

/** When a window closes (or closed). */
function windowEnd(window: WindowKind, entry: ListenerEpisode): number {
  if (window === 'calendar-utc') return (Math.floor(entry.windowStart / DAY_MS) + 1) * DAY_MS;
  if (window === 'first-touch-24h') return entry.windowStart + DAY_MS;
  return entry.lastTouch + DAY_MS;
}

function isOpen(window: WindowKind, entry: ListenerEpisode, time: number): boolean {
  if (window === 'calendar-utc') return Math.floor(entry.windowStart / DAY_MS) === Math.floor(time / DAY_MS);
  if (window === 'first-touch-24h') return time < entry.windowStart + DAY_MS;
  return time < entry.lastTouch + DAY_MS;
}

function uaRejection(ua: UserAgentClass): Rejection | undefined {
  if (ua.empty) return 'empty-user-agent';
  if (ua.appleWatch) return 'apple-watch';
  if (ua.bot) return 'bot';
  return undefined;
}
