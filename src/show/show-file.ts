// The one way netcaster reads a file of the show folder (show.yaml, episode.yaml, notes,
// chapters, transcripts, netcaster.lock) or resolves one for a later reader (media, artwork).
//
// A show folder is hostile input: a notes.md can be a link to /etc/passwd, a FIFO that blocks a
// read for ever, a link to /dev/zero that never ends, a folder, a dangling link. So every file is:
//   1. stat'ed first (following links) and refused unless it is a regular file, so a FIFO or a
//      device is never even opened (opening some devices has effects of its own);
//   2. opened with O_NONBLOCK (should it have become a FIFO since the stat, the open returns at
//      once instead of waiting for a writer) and fstat'ed: the opened descriptor is what is
//      checked from now on, so swapping the path after this changes nothing we read;
//   3. inside the show by real path: the path the kernel opened (/proc/self/fd/N on Linux,
//      else realpath confirmed by device and inode), not a path resolved before the open;
//   4. read from that descriptor, never again by path, with a byte bound checked both on the
//      fstat size and while reading (a file that grows under us is cut off, not followed).
// No third-party imports: the snapshot path (catalog/build.ts) stays light.
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Byte bounds, each far above any real file of its kind and far below what hurts a server.
 * A manifest is a few hundred bytes; notes and chapters of a long show are tens of KB; a
 * transcript with word timings of a three-hour show a few MB; the lock grows by ~150 bytes a
 * published episode. Media are never read whole here (probed and streamed in pieces), so they
 * have no bound of this kind.
 */
export const READ_LIMITS = {
  manifest: 1024 * 1024,
  // Notes are rendered (markdown-it) into every feed and a page: about 1 s and 300 MB of memory
  // a MB of Markdown table here, so 4 MB of notes made one episode a 5 s, 1.4 GB render. 1 MB is
  // still some 150,000 words.
  notes: 1024 * 1024,
  chapters: 4 * 1024 * 1024,
  transcript: 32 * 1024 * 1024,
  lock: 16 * 1024 * 1024,
  /** Artwork is read whole by the image library: 1400-3000 px JPEG/PNG fit with a wide margin. */
  artwork: 64 * 1024 * 1024,
} as const;

export type RefusalReason = 'missing' | 'dangling' | 'folder' | 'special' | 'outside' | 'too-big' | 'unreadable';

/** Why a file was not read, said for a podcaster (the file's name is in the message). */
export interface Refusal {
  reason: RefusalReason;
  message: string;
}

export interface OpenedFile {
  fd: number;
  /** fstat of the opened descriptor: the file actually read, whatever the path names now. */
  stat: fs.Stats;
}

export interface ReadFile {
  bytes: Buffer;
  stat: fs.Stats;
}

export const isRefusal = (x: object): x is Refusal => 'reason' in x && 'message' in x;

/** The real path of a folder, or the path as given when it cannot be resolved. */
export function realpathOr(dir: string): string {
  try {
    return fs.realpathSync.native(dir);
  } catch {
    return dir;
  }
}

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

/**
 * Opens `abs` (shown to the podcaster as `name`) if it is a regular file whose real path is inside
 * `realShowDir` (itself a real path, see realpathOr) and of at most `maxBytes` bytes. The caller
 * closes the descriptor. Never blocks: a FIFO or device is refused before it is opened.
 */
export function openShowFile(abs: string, realShowDir: string, name: string, maxBytes = Infinity): OpenedFile | Refusal {
  const before = statOrRefusal(abs, name);
  if (isRefusal(before)) return before;
  const kind = refuseKind(before, name);
  if (kind) return kind;

  let fd: number;
  try {
    fd = fs.openSync(abs, OPEN_FLAGS);
  } catch (err) {
    return errnoRefusal(err, name);
  }
  try {
    const stat = fs.fstatSync(fd);
    const refused = refuseKind(stat, name) ?? refuseOutside(fd, abs, stat, realShowDir, name) ?? refuseSize(stat.size, maxBytes, name);
    if (refused) {
      fs.closeSync(fd);
      return refused;
    }
    return { fd, stat };
  } catch (err) {
    fs.closeSync(fd);
    return errnoRefusal(err, name);
  }
}

/** The whole file (at most `maxBytes`), read from the one descriptor openShowFile checked. */
export function readShowFile(abs: string, realShowDir: string, name: string, maxBytes: number): ReadFile | Refusal {
  const opened = openShowFile(abs, realShowDir, name, maxBytes);
  if (isRefusal(opened)) return opened;
  try {
    const bytes = readBounded(opened.fd, maxBytes, opened.stat.size);
    return bytes ? { bytes, stat: opened.stat } : tooBig(maxBytes, name);
  } catch (err) {
    return errnoRefusal(err, name);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * readShowFile as UTF-8 text. Bytes that are not UTF-8 (a file saved as Latin-1 or UTF-16) are
 * refused, naming the line: decoded anyway, each became U+FFFD, and "café" went out as "caf\ufffd"
 * in every feed without a word.
 */
export function readShowText(abs: string, realShowDir: string, name: string, maxBytes: number): { text: string; stat: fs.Stats } | Refusal {
  const read = readShowFile(abs, realShowDir, name, maxBytes);
  if (isRefusal(read)) return read;
  const text = read.bytes.toString('utf8');
  if (!isUtf8(read.bytes)) {
    const at = text.indexOf('\ufffd');
    const line = at < 0 ? 1 : text.slice(0, at).split('\n').length;
    return {
      reason: 'unreadable',
      message: `${name} is not UTF-8 text (line ${line} has bytes UTF-8 cannot read; saved as Latin-1 or UTF-16?): save it as UTF-8`,
    };
  }
  return { text, stat: read.stat };
}

/** The first `headBytes` of a file of at most `maxBytes` (e.g. a transcript's signature): the rest is never read. */
export function readShowFileHead(abs: string, realShowDir: string, name: string, headBytes: number, maxBytes: number): ReadFile | Refusal {
  const opened = openShowFile(abs, realShowDir, name, maxBytes);
  if (isRefusal(opened)) return opened;
  try {
    const buf = Buffer.alloc(headBytes);
    let got = 0;
    while (got < headBytes) {
      const n = fs.readSync(opened.fd, buf, got, headBytes - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: buf.subarray(0, got), stat: opened.stat };
  } catch (err) {
    return errnoRefusal(err, name);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * A regular file anywhere (netcaster's own cache files, outside the show), with the same
 * never-block and byte-bound rules; undefined when it is absent or refused, for callers to whom
 * a missing file and a bad one mean the same (a cache).
 */
export function readRegularFile(abs: string, maxBytes: number): Buffer | undefined {
  const before = statOrRefusal(abs, abs);
  if (isRefusal(before) || !before.isFile() || before.size > maxBytes) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(abs, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    return stat.isFile() && stat.size <= maxBytes ? readBounded(fd, maxBytes, stat.size) : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads from `fd` until its end; undefined if it holds more than `maxBytes` (it grew since fstat).
 * The first read is sized by what fstat said (`expected`), not by the bound: a show of 10,000
 * episodes reads 20,000 small files, and a megabyte buffer for each is gigabytes of garbage.
 */
function readBounded(fd: number, maxBytes: number, expected: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // One byte past the bound (or past the expected size) tells "the end" from "more".
    const want = Math.min(1024 * 1024, maxBytes + 1 - total, total === 0 ? expected + 1 : Infinity);
    if (want <= 0) return undefined;
    const buf = Buffer.allocUnsafe(want);
    const n = fs.readSync(fd, buf, 0, want, total);
    if (n === 0) break;
    chunks.push(n === want ? buf : buf.subarray(0, n));
    total += n;
    // A short read of a regular file is its end: no second buffer only to be told so.
    if (n < want) break;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

function statOrRefusal(abs: string, name: string): fs.Stats | Refusal {
  try {
    return fs.statSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink()) {
      return { reason: 'dangling', message: `${name} is a link to a file that does not exist` };
    }
    return errnoRefusal(err, name);
  }
}

function refuseKind(stat: fs.Stats, name: string): Refusal | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return { reason: 'folder', message: `${name} is a folder, not a file` };
  return { reason: 'special', message: `${name} is not a regular file (a FIFO, socket or device): netcaster reads only regular files` };
}

/** The real path of what `fd` opened must lie inside the show folder. */
function refuseOutside(fd: number, abs: string, stat: fs.Stats, realShowDir: string, name: string): Refusal | undefined {
  const real = realPathOfDescriptor(fd, abs, stat);
  if (real !== undefined && real.startsWith(realShowDir + path.sep)) return undefined;
  return { reason: 'outside', message: `${name} is a link to a file outside the show folder` };
}

/**
 * Linux names the file a descriptor opened in /proc/self/fd. Elsewhere, the path's realpath is
 * taken only if it is still the very file opened (same device and inode).
 */
function realPathOfDescriptor(fd: number, abs: string, stat: fs.Stats): string | undefined {
  try {
    const proc = fs.readlinkSync(`/proc/self/fd/${fd}`);
    if (path.isAbsolute(proc)) return proc;
  } catch {
    // No /proc: fall through.
  }
  try {
    const real = fs.realpathSync.native(abs);
    const now = fs.statSync(real);
    return now.dev === stat.dev && now.ino === stat.ino ? real : undefined;
  } catch {
    return undefined;
  }
}

function refuseSize(size: number, maxBytes: number, name: string): Refusal | undefined {
  return size > maxBytes ? tooBig(maxBytes, name, size) : undefined;
}

function tooBig(maxBytes: number, name: string, size?: number): Refusal {
  // Two decimals below 10 MB: a file of 1.05 MB was "1 MB, more than the 1 MB".
  const mb = (n: number) => `${Number((n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 2 : 0))} MB`;
  return {
    reason: 'too-big',
    message: `${name} is ${size === undefined ? 'larger than' : `${mb(size)}, more than`} the ${mb(maxBytes)} netcaster reads of such a file`,
  };
}

function errnoRefusal(err: unknown, name: string): Refusal {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { reason: 'missing', message: `file not found: ${name}` };
  if (code === 'EISDIR') return { reason: 'folder', message: `${name} is a folder, not a file` };
  if (code === 'ELOOP') return { reason: 'dangling', message: `${name} is a link that loops` };
  if (code === undefined) throw err; // not a file system error: a fault of the program
  return { reason: 'unreadable', message: `${name} cannot be read (${code})` };
}
