// The one guard on an export's OUT folder, shared by `build --out` and `publish-due --out`
// (through exportSite, and early in both commands so a refusal costs no probing):
// OUT must be a folder (or not exist yet), must not be the show, inside it, or around it (by real
// path, so no symlink spelling gets round it), and, when it has files in it, must carry the
// marker of an earlier export. The marker lists every file netcaster wrote there; only those are
// ever replaced or removed. Whatever else is in OUT (a CNAME, a .well-known/ folder, a file put
// there by hand) stays where it is. Here too are netcaster's working names: OUT's lock, the work
// folders inside OUT, and the staging folders beside it with their owner files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRegularFile } from '../show/show-file.js';

/** Written into OUT by every export: the files that export wrote (relative, '/'-separated). */
export const EXPORT_MARKER = '.netcaster-export.json';

/** The stamp earlier versions wrote into OUT, with no list of files: their layout is known instead. */
const LEGACY_STAMP = '.netcaster-build';
const LEGACY_TOP_FOLDERS = new Set(['episodes', 'feeds', 'media', 'artwork', 'static']);
const LEGACY_TOP_FILES = new Set(['index.html', '404.html', LEGACY_STAMP]);

/** Names netcaster gives its own working folders inside OUT (staging, and the old site set aside). */
export const WORK_PREFIXES = ['.netcaster-stage-', '.netcaster-aside-'];

/** Held in OUT while an export writes there: a second export at once (a cron job overlapping a slow build) waits its turn. */
export const LOCK_FILE = '.netcaster-lock';

/** netcaster's own working names in OUT, never part of a site nor anyone else's file. */
export const isWorkName = (name: string) => name === LOCK_FILE || WORK_PREFIXES.some((p) => name.startsWith(p));

/** Beside OUT, an export stages the new site in `OUT.netcaster-tmp-<12 hex>`. */
export const STAGE_BESIDE = '.netcaster-tmp-';

/**
 * Written into a staging folder beside OUT the moment it is made: the process id and host name of
 * the export using it. A work name, so should it come into OUT with the staged site, it is skipped
 * there and removed by the next export.
 */
export const STAGE_OWNER = `${WORK_PREFIXES[0]}owner`;

/** A lock or a staging folder's owner file holds a process id and a host name: anything longer is no file of ours. */
const PID_FILE_MAX_BYTES = 512;

/** A lock older than this is left from a machine that stopped (its process id may be in use again by now). */
const LOCK_STALE_MS = 2 * 60 * 60 * 1000;

/** A marker is a list of paths; a hostile one must not cost unbounded memory. */
const MARKER_MAX_BYTES = 32 * 1024 * 1024;

/** OUT cannot be used: bad usage (exit 2), with a message that names OUT and says why. */
export class OutDirRefused extends Error {
  override name = 'OutDirRefused';
}

/** Another export is writing OUT right now: try again later (exit 1). */
export class OutDirBusy extends Error {
  override name = 'OutDirBusy';
}

export interface OutDir {
  /** OUT as given, made absolute. */
  given: string;
  /** OUT by real path when it exists (a symlink to a folder is followed). */
  real: string | undefined;
  /** Whether netcaster wrote the file at this relative path ('/'-separated), by OUT's marker. */
  owned: (relative: string) => boolean;
  /** The marker's own bytes, to put back should a swap be undone. */
  marker: Buffer | undefined;
}

/**
 * Checks OUT before anything is written, and says what in it netcaster may replace.
 * Throws OutDirRefused for an OUT that must not be written; `showDir`, when given, must exist.
 */
export function checkOutDir(out: string, showDir?: string): OutDir {
  const given = path.resolve(out);
  const link = absent(() => fs.lstatSync(given));
  let real: string | undefined;
  if (link) {
    const target = fs.statSync(given, { throwIfNoEntry: false });
    if (!target) throw new OutDirRefused(`--out ${out} is a symbolic link to ${fs.readlinkSync(given)}, which does not exist`);
    if (!target.isDirectory())
      throw new OutDirRefused(`--out ${out} exists and is not a folder; netcaster writes a site only into a folder`);
    real = fs.realpathSync(given);
  }
  const realOut = real ?? realPathOfNew(given, out);

  if (showDir !== undefined) {
    const show = fs.realpathSync(showDir);
    if (isWithin(realOut, show)) {
      throw new OutDirRefused(
        `--out ${out} is ${realOut === show ? 'the show folder itself' : `inside the show folder ${showDir}`}: a build there would replace the show's own files; choose a folder outside the show`,
      );
    }
    if (isWithin(show, realOut))
      throw new OutDirRefused(
        `--out ${out} contains the show folder ${showDir}: a build there would replace the show itself; choose a folder outside the show`,
      );
  }

  const onlyMarker = (rel: string) => rel === EXPORT_MARKER;
  if (!real) return { given, real, owned: onlyMarker, marker: undefined };
  const names = fs.readdirSync(real).filter((name) => !isWorkName(name));
  const marker = readBounded(path.join(real, EXPORT_MARKER));
  if (marker && !looksWhole(marker)) {
    throw new OutDirRefused(
      `--out ${out}: its ${EXPORT_MARKER} (the list of files netcaster wrote there) is damaged, so netcaster cannot tell its files from yours, ` +
        `and it never deletes what it did not write: choose a new or empty folder (or build into a new one and move it over this)`,
    );
  }
  if (marker) {
    // Parsed when first asked: a build that finds OUT up to date never asks (the marker of 10,000
    // episodes names 20,000 files, 10-14 ms to parse).
    let owned: ((rel: string) => boolean) | undefined;
    return { given, real, owned: (rel) => (owned ??= ownedByMarker(marker))(rel), marker };
  }
  if (names.includes(LEGACY_STAMP)) return { given, real, owned: legacyOwned, marker };
  if (names.length > 0) {
    throw new OutDirRefused(
      `--out ${out} is a folder with files in it that netcaster did not write (it has no ${EXPORT_MARKER} from an earlier build), ` +
        `and netcaster never deletes what it did not write: choose a new or empty folder`,
    );
  }
  return { given, real, owned: onlyMarker, marker: undefined };
}

/**
 * Takes OUT's lock (the lock file holds the process id), or throws OutDirBusy while a live
 * process holds it. A lock whose process is gone, or that is very old, is taken over.
 * Returns the release.
 */
export function lockOutDir(real: string, out: string): () => void {
  const file = path.join(real, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: number | undefined;
      try {
        holder = lockHolder(file, LOCK_STALE_MS, 10_000);
      } catch (err) {
        throw new OutDirRefused((err as Error).message);
      }
      if (holder !== undefined)
        throw new OutDirBusy(
          `another netcaster ${holder ? `(process ${holder}) ` : ''}is writing ${out} right now; try again when it is done`,
        );
      fs.rmSync(file, { force: true }); // stale
      continue;
    }
    try {
      fs.writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    } finally {
      fs.closeSync(fd);
    }
    return () => fs.rmSync(file, { force: true });
  }
  throw new OutDirBusy(`another netcaster is writing ${out} right now; try again when it is done`);
}

/**
 * Who holds a lock file that holds a process id (OUT's; `netcaster new`'s in a show folder): the
 * live process's id; 0 for one so young (under writingMs) that its id may not be written yet;
 * undefined when it is stale (its process gone, or older than staleMs) or gone. Something other
 * than a regular file at the lock's name is no lock netcaster wrote (a FIFO there hung every build
 * of OUT): an Error saying so. The read is bounded.
 */
export function lockHolder(file: string, staleMs: number, writingMs: number): number | undefined {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st) return undefined; // released meanwhile
  if (!st.isFile()) throw new Error(`${file} is not a lock netcaster wrote; remove it`);
  const age = Date.now() - st.mtimeMs;
  // Opened without blocking and read with a bound (show-file.ts): a FIFO swapped in after the lstat is not waited on.
  const text = readRegularFile(file, PID_FILE_MAX_BYTES)?.toString('latin1') ?? '';
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) return age < writingMs ? 0 : undefined;
  if (age > staleMs) return undefined;
  return isAlive(pid) ? pid : undefined;
}

/** Whether a process with this id (> 0) exists on this machine. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // EPERM: it exists, another user's
  }
}

/** Makes the staging folder `OUT.netcaster-tmp-<tag>` beside OUT, with its owner file in it. */
export function makeStageBeside(out: string, tag: string): string {
  const dir = `${out}${STAGE_BESIDE}${tag}`;
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(path.join(dir, STAGE_OWNER), `${process.pid}\n${os.hostname()}\n`, { flag: 'wx' });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/**
 * Removes the staging folders beside OUT that exports killed outright left there (SIGKILL, the OOM
 * killer, a power cut: SIGINT and SIGTERM remove their own). Each such kill left another copy of the
 * site beside OUT for good. Two exports of one OUT can run at once (while OUT does not exist there is
 * no lock in it to wait on), and netcaster never deletes what it did not write; so a folder goes only
 * when it is certainly a dead export's: a real folder (not a link) whose owner file names this host
 * and a process that no longer exists. Anything else so named is left alone. Best effort: a leftover
 * that cannot be removed now does not stop this export, and the next one tries again.
 */
export function removeKilledStages(out: string): void {
  const parent = path.dirname(out);
  if (parent === out) return; // no staging beside the root
  const prefix = path.basename(out) + STAGE_BESIDE;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return; // OUT's parent does not exist yet (or cannot be read): nothing of ours there
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(name.slice(prefix.length))) continue;
    const dir = path.join(parent, name);
    try {
      // rmSync unlinks a symlink inside the folder, never what it points at.
      if (fs.lstatSync(dir).isDirectory() && ownerIsGone(dir)) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // gone meanwhile (another export removed it), or refused (a permission): the next export tries again
    }
  }
}

/** Whether the staging folder's owner file names a process of this host that no longer exists. */
function ownerIsGone(dir: string): boolean {
  const [pid, host] = (readRegularFile(path.join(dir, STAGE_OWNER), PID_FILE_MAX_BYTES)?.toString('utf8') ?? '').split('\n');
  // At most 9 digits: a number the kernel can be asked about (a larger one is refused, not dead).
  // One still being written (its host line not complete yet) is no dead export's either.
  return /^[1-9]\d{0,8}$/.test(pid) && host === os.hostname() && !isAlive(Number(pid));
}

/** What a folder that does not exist yet will be by real path: its nearest existing ancestor's real path, plus the rest. */
function realPathOfNew(given: string, out: string): string {
  const rest: string[] = [];
  for (let dir = given; ; dir = path.dirname(dir)) {
    const st = absent(() => fs.statSync(dir));
    if (st) {
      if (!st.isDirectory()) throw new OutDirRefused(`--out ${out}: ${dir} is not a folder`);
      return path.join(fs.realpathSync(dir), ...rest.reverse());
    }
    // A link whose target does not exist: no folder can be made through it (mkdir fails with
    // ENOENT), and where it would lead cannot be judged against the show.
    if (absent(() => fs.lstatSync(dir))?.isSymbolicLink())
      throw new OutDirRefused(`--out ${out}: ${dir} is a symbolic link to ${fs.readlinkSync(dir)}, which does not exist`);
    if (path.dirname(dir) === dir) return given;
    rest.push(path.basename(dir));
  }
}

/** A stat, or undefined where nothing is (ENOTDIR: a file stands where a folder of the path should be). */
function absent(stat: () => fs.Stats): fs.Stats | undefined {
  try {
    return stat();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** child is parent itself or somewhere under it (both absolute, real). */
function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function readBounded(file: string): Buffer | undefined {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  // Read as the pid files are (show-file.ts): opened without blocking, bounded. Present but
  // unusable (too big, or no longer a regular file): the known layout decides.
  return readRegularFile(file, MARKER_MAX_BYTES) ?? Buffer.alloc(0);
}

/**
 * Whether the marker is whole: a JSON object from its first byte to its last (not cut short,
 * emptied or replaced by something else). Parsing it all would cost a build that finds OUT up to
 * date 10-14 ms on 10,000 episodes; ownedByMarker parses it when it is first needed.
 */
function looksWhole(bytes: Buffer): boolean {
  const space = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  let first = 0;
  let last = bytes.length - 1;
  while (first <= last && space(bytes[first])) first++;
  while (last >= first && space(bytes[last])) last--;
  return first < last && bytes[first] === 0x7b /* { */ && bytes[last] === 0x7d /* } */;
}

/**
 * What the marker says netcaster wrote. One damaged inside (looksWhole cannot see everything) owns
 * nothing but itself: a file of OUT that netcaster cannot prove it wrote is never removed or
 * replaced. (A fallback on the known layout removed the podcaster's own files under media/.)
 */
function ownedByMarker(bytes: Buffer): (rel: string) => boolean {
  try {
    const data = JSON.parse(bytes.toString('utf8'));
    if (Array.isArray(data?.files) && data.files.every((f: unknown) => typeof f === 'string')) {
      const files = new Set(data.files as string[]);
      return (rel) => rel === EXPORT_MARKER || files.has(rel);
    }
  } catch {
    // damaged: owns nothing
  }
  return (rel) => rel === EXPORT_MARKER;
}

function legacyOwned(rel: string): boolean {
  const top = rel.split('/')[0];
  return rel === EXPORT_MARKER || LEGACY_TOP_FILES.has(rel) || (rel !== top && LEGACY_TOP_FOLDERS.has(top));
}

export function markerBody(files: Iterable<string>): string {
  return `${JSON.stringify({ netcaster: 'files this export wrote; only these are ever replaced or removed', files: [...files].sort() }, null, 1)}\n`;
}

/** The errno code of an error or of any error in its cause chain. */
function errnoCode(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A fault of the machine while writing OUT, in plain words (undefined for anything else, which
 * stays an internal error). The caller adds that the previous site was left as it was.
 */
export function describeWriteError(err: unknown): string | undefined {
  const code = errnoCode(err);
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (no space left on device)';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return `not allowed to write there (${code})`;
    case 'EROFS':
      return 'the file system is read-only';
    case 'EIO':
      return 'the disk reported an input/output error';
    default:
      return undefined;
  }
}
