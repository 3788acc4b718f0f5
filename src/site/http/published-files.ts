// The files of a published site, held open so that a file entry only ever sends the bytes the
// catalog promised.
//
// An entry names a path, a size and a modification time: what the check saw. By the time a
// listener asks, the podcaster (or an intruder with write access to the show) may have replaced
// the file with a symlink to /etc/passwd, a truncated copy or a FIFO. The live loop notices and
// keeps "the last good version" of the episode, but a path is not a version: opened again, it
// would send the new thing under the old promise. So:
//  - every file entry of the current site is opened once, when the site is published (a big
//    show's in batches just after, see HOLD_AT_ONCE; until then per response), and checked
//    then: a regular file, whose real path lies inside the entry's root (the show folder), with
//    the promised size and time. The descriptor, not the path, is what is served from then on:
//    a file renamed over, deleted or swapped for a link still sends its last good bytes;
//  - before each response the descriptor is checked again with fstat (a few microseconds): a file
//    changed in place (truncated, rewritten) no longer has its promised bytes, and is not sent;
//  - descriptors of files the new site no longer has are closed once their last response ends.
// A file that fails the checks is refused (404, or 503 while it looks like it is being replaced),
// and the refusal is the caller's to log.
import fs from 'node:fs';
import path from 'node:path';
import type { SiteEntry, SiteRoutes } from '../types.js';

export type FileEntry = Extract<SiteEntry, { kind: 'file' }>;

/** One response's use of a held file: the stat checked for it, reads at positions, and close when the response ends. */
export interface FileHandle {
  /** fstat of the descriptor as checked for this response: size and time are the promised ones. */
  readonly stat: fs.Stats;
  read(buffer: Buffer, length: number, position: number, done: (error: Error | null, bytesRead: number) => void): void;
  /** The response is over; idempotent. */
  close(): void;
}

export type Opened = { ok: true; file: FileHandle } | { ok: false; status: 404 | 503; reason: string };

/** A refusal: why the promised bytes cannot be sent. */
interface Refusal {
  status: 404 | 503;
  reason: string;
}

/** A descriptor shared by every response sending the same promised file; closed once retired and unused. */
class Descriptor {
  private users = 0;
  private reads = 0;
  private retired = false;
  private closed = false;

  /** Only the number: a show's 5,000 held files kept 5,000 fs.Stats (and 20,000 Dates) that no response reads (each gets a fresh fstat). */
  constructor(readonly fd: number) {}

  /** Whether the descriptor still holds the promised bytes (fstat: a regular file of the promised size and time); the fresh stat if so. */
  check(entry: FileEntry): fs.Stats | Refusal {
    let now: fs.Stats;
    try {
      now = fs.fstatSync(this.fd);
    } catch (error) {
      return { status: 404, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    return brokenPromise(now, entry) ?? now;
  }

  lease(stat: fs.Stats): FileHandle {
    this.users++;
    let released = false;
    return {
      stat,
      read: (buffer, length, position, done) => {
        this.reads++;
        fs.read(this.fd, buffer, 0, length, position, (error, bytesRead) => {
          this.reads--;
          this.closeIfDone();
          done(error, bytesRead);
        });
      },
      close: () => {
        if (released) return;
        released = true;
        this.users--;
        this.closeIfDone();
      },
    };
  }

  /** No new responses; the descriptor closes after the last one (never under a read in flight: its number could be reused). */
  retire(): void {
    this.retired = true;
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.closed || !this.retired || this.users > 0 || this.reads > 0) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

/**
 * How `stat` breaks an entry's promise, or undefined when it keeps it: a regular file of the
 * entry's size and modification time (the export checks what it links by this too).
 */
export function brokenPromise(stat: fs.Stats, entry: FileEntry): Refusal | undefined {
  if (!stat.isFile()) return { status: 404, reason: 'is no longer a regular file' };
  if (stat.size !== entry.size || stat.mtimeMs !== entry.mtimeMs) {
    return {
      status: 503,
      reason: `changed since it was published (${stat.size} bytes, modified ${new Date(stat.mtimeMs).toISOString()}; the site promises ${entry.size} bytes, modified ${new Date(entry.mtimeMs).toISOString()})`,
    };
  }
  return undefined;
}

/**
 * Opens the file an entry names and checks it is the promised one: a regular file (opened
 * O_NONBLOCK, so a FIFO cannot hang the server), of the promised size and time, whose real path
 * is inside the entry's root, and which is the very file at that real path (same device and inode:
 * nothing was swapped between the open and the check). Open, fstat and realpath are metadata calls
 * the kernel answers from its caches in microseconds, so they run synchronously.
 */
function openPromised(entry: FileEntry, realRoots: Map<string, string> = new Map()): { descriptor: Descriptor; stat: fs.Stats } | Refusal {
  let fd: number;
  try {
    fd = fs.openSync(entry.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { status: 404, reason: code === 'ENOENT' ? 'is gone' : `cannot be opened (${code ?? String(error)})` };
  }
  const refuse = (refusal: Refusal) => {
    fs.closeSync(fd);
    return refusal;
  };
  try {
    const stat = fs.fstatSync(fd);
    const broken = brokenPromise(stat, entry);
    if (broken) return refuse(broken);
    const realRoot = realRootOf(entry, realRoots);
    const real = fs.realpathSync.native(entry.path);
    if (!real.startsWith(realRoot + path.sep)) return refuse({ status: 404, reason: `is a link to ${real}, outside ${realRoot}` });
    const atReal = fs.statSync(real);
    if (atReal.dev !== stat.dev || atReal.ino !== stat.ino) return refuse({ status: 503, reason: 'was replaced while being opened' });
    return { descriptor: new Descriptor(fd), stat };
  } catch (error) {
    return refuse({ status: 404, reason: `cannot be checked (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
  }
}

/**
 * The real path of the folder an entry's file must stay inside (its root, the show folder; by
 * default the folder that holds it), kept in `realRoots` for the next entry with that root.
 */
export function realRootOf(entry: FileEntry, realRoots: Map<string, string>): string {
  const root = entry.root ?? path.dirname(entry.path);
  let realRoot = realRoots.get(root);
  if (realRoot === undefined) {
    realRoot = fs.realpathSync.native(root);
    realRoots.set(root, realRoot);
  }
  return realRoot;
}

/** A key per promise: the same file with the same size and time in a new site keeps its descriptor. */
const promiseKey = (entry: FileEntry) => `${entry.root ?? ''}\0${entry.path}\0${entry.size}\0${entry.mtimeMs}`;

/**
 * Descriptors held at once, at most: a quarter of the process's limit (Node raises the soft
 * limit to the hard one at start-up), so sockets and the media workers keep the rest. Files of
 * a show bigger than that are opened per response instead, with the same checks.
 */
function defaultMaxHeld(): number {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (soft > 0) return Math.max(64, Math.min(65_536, Math.floor(soft / 4)));
  } catch {
    // Not Linux: a limit most systems allow.
  }
  return 256;
}

/**
 * Files opened at once when a site is published; the rest are opened in batches of this many, a
 * turn of the event loop apart. A show of 10,000 episodes has 10,000 files, and opening and
 * checking them all (about ten system calls each) before the site goes live delayed its first
 * answer by a quarter of a second; batches of 256 (some 40 ms each on the bench's machine) still
 * held a request that came meanwhile for two of them (bench/big-serve.ts: 64 answered the first
 * request 30-40 ms sooner). Until its turn a file is opened per response, with the same checks.
 */
const HOLD_AT_ONCE = 64;

export class PublishedFiles {
  private readonly held = new Map<string, Descriptor>();
  private heldSite: SiteRoutes | undefined;
  /** The promises of the current site's files seen so far (all of them once its batches are done). */
  private wanted = new Set<string>();
  /** The next batch of the current site's files to hold. */
  private holding: NodeJS.Immediate | undefined;

  constructor(private readonly maxHeld = defaultMaxHeld()) {}

  /**
   * Holds a checked descriptor of every file entry of `site`, keeps those of promises that did
   * not change, and retires those the site no longer has (once all its files have been seen: a
   * descriptor is only ever used for its own promise, so one kept a little longer sends nothing it
   * did not promise). Call it with each new site before it goes live: a file replaced after its
   * descriptor is held still sends its last good bytes. The first HOLD_AT_ONCE files (the site's
   * order: the newest episodes first) are held before this returns, the others in batches soon
   * after. Files refused here are tried again (and refused again, or held) when asked for.
   */
  hold(site: SiteRoutes): void {
    if (site === this.heldSite) return;
    this.heldSite = site;
    clearImmediate(this.holding);
    this.wanted = new Set();
    this.holdBatch(site.values(), new Map());
  }

  /**
   * Holds the next HOLD_AT_ONCE files of the site, then hands the rest to the next turn; once
   * every file of the site has been seen, lets go of the descriptors it no longer promises. Seen
   * batch by batch, not keyed all at once: the keys of 10,000 files took 50-75 ms, and the first
   * batch is held before the site goes live. (The site's map is never changed once made, so its
   * iterator can be walked over several turns.)
   */
  private holdBatch(entries: Iterator<SiteEntry>, realRoots: Map<string, string>): void {
    this.holding = undefined;
    let seen = 0;
    for (let next = entries.next(); !next.done; next = entries.next()) {
      const entry = next.value;
      if (entry.kind !== 'file') continue;
      const key = promiseKey(entry);
      this.wanted.add(key);
      if (!this.held.has(key) && this.held.size < this.maxHeld) {
        const opened = openPromised(entry, realRoots);
        if ('descriptor' in opened) this.held.set(key, opened.descriptor);
      }
      if (++seen === HOLD_AT_ONCE) {
        this.holding = setImmediate(() => this.holdBatch(entries, realRoots));
        return;
      }
    }
    for (const [key, descriptor] of this.held) {
      if (this.wanted.has(key)) continue;
      descriptor.retire();
      this.held.delete(key);
    }
  }

  /** The promised bytes of `entry` for one response, or why they cannot be sent. */
  open(entry: FileEntry): Opened {
    const key = promiseKey(entry);
    const held = this.held.get(key);
    if (held) {
      const checked = held.check(entry);
      if (checked instanceof fs.Stats) return { ok: true, file: held.lease(checked) };
      // Changed in place: those bytes are gone. Let the descriptor go, and see what the path holds now.
      held.retire();
      this.held.delete(key);
    }
    const opened = openPromised(entry);
    if (!('descriptor' in opened)) return { ok: false, ...opened };
    const { descriptor, stat } = opened;
    const file = descriptor.lease(stat);
    if (this.wanted.has(key) && this.held.size < this.maxHeld) this.held.set(key, descriptor);
    else descriptor.retire(); // not part of the current site (or too many held): closed when this response ends
    return { ok: true, file };
  }
}
