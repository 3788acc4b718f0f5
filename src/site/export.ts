// The static export: a SiteRoutes written out as files any web server or CDN can serve.
// The new site is written whole into a staging folder first, so a failure (a file gone, a full
// disk) leaves the previous output exactly as it was; only then is it moved into place, by renames.
// The staging folder sits beside OUT when a rename can bring it over; when OUT is a mount point (a
// Docker volume, a web root) or a bind mount, it sits inside OUT, which is never itself renamed.
// Into an OUT that exists, the new site comes one top-level entry at a time, and only what OUT's
// marker says netcaster wrote is replaced or removed (src/site/out-dir.ts): files someone else put
// there are carried over into the new site, never deleted.
//
// The writes and links are synchronous: a show of 300 episodes is a few thousand small ones, each
// cheaper than a round trip through libuv's thread pool. Only the folders are made on the pool,
// ahead, while this thread renders the pages that go in them (FolderMaker).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { renderErrorPage } from '../pages/error-page.js';
import { writeWhole } from '../own-files.js';
import { publicDir } from '../paths.js';
import {
  checkOutDir,
  EXPORT_MARKER,
  isWorkName,
  lockOutDir,
  makeStageBeside,
  markerBody,
  OutDirBusy,
  OutDirRefused,
  removeKilledStages,
  STAGE_OWNER,
  WORK_PREFIXES,
  type OutDir,
} from './out-dir.js';
import type { SiteEntry, SiteRoutes } from './types.js';
import { brokenPromise, realRootOf } from './http/published-files.js';

/** The file an URL path is written to: '/' -> index.html, '/episodes/x/' -> episodes/x/index.html. */
export function fileForUrlPath(urlPath: string): string {
  if (!urlPath.startsWith('/')) throw new Error(`site path must start with "/": ${urlPath}`);
  const segments = urlPath.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments[segments.length - 1] = 'index.html';
  const decoded = segments.map((s) => {
    const name = decodeURIComponent(s);
    // The catalog only makes paths from folder and file names; anything that could climb out of
    // the output folder is a fault of the program, not something to write.
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new Error(`unsafe site path: ${urlPath}`);
    return name;
  });
  return path.join(...decoded);
}

/**
 * Writes every entry of the site under outDir, plus 404.html for static hosts (GitHub Pages,
 * Netlify, nginx `error_page`) unless the site has its own '/404.html', plus the marker listing
 * what it wrote. Files (media, artwork) are hard-linked where the file system allows, else copied;
 * a symlinked file is exported as the bytes it points at, never as a link.
 * `later`, when given, brings more entries to write before the swap: a build's feeds, which wait
 * for the hashes of the alternates while everything else is already being written.
 * Throws OutDirRefused when OUT must not be written (see out-dir.ts).
 */
export async function exportSite(site: SiteRoutes, outDir: string, later?: Promise<SiteRoutes>): Promise<{ files: number }> {
  later?.catch(() => undefined); // awaited after the writes; should those fail first, its failure must not go unhandled
  const out = checkOutDir(outDir);
  const unlock = out.real ? lockOutDir(out.real, outDir) : () => undefined;
  // Ctrl-C or a service manager's SIGTERM while the site is staged: the staging folder and OUT's
  // lock are removed and OUT is left as it was. Killed outright (SIGKILL), an export leaves both
  // until the next export of OUT removes them (removeKilledStages, lockOutDir). The swap itself is
  // synchronous: a signal that comes during it is handled once it is through.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(new ExportInterrupted(signal));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (out.real) removeWorkFolders(out.real);
    removeKilledStages(out.real ?? out.given);
    return await exportInto(site, out, later, stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unlock();
  }
}

/** A stop signal came while the site was being staged: nothing in OUT was changed. */
export class ExportInterrupted extends Error {
  override name = 'ExportInterrupted';
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

/** `promise`, or the signal's reason as soon as it is aborted. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function exportInto(
  site: SiteRoutes,
  out: OutDir,
  later: Promise<SiteRoutes> | undefined,
  signal: AbortSignal,
): Promise<{ files: number }> {
  const entries = [...site.entries()];
  if (!site.has('/404.html'))
    entries.push([
      '/404.html',
      { kind: 'content', contentType: 'text/html; charset=utf-8', body: renderErrorPage(404, 'There is nothing at this address.') },
    ]);
  const stage = makeStage(out);
  const written = new Set<string>();
  const folders = new FolderMaker(stage);
  const realRoots = new Map<string, string>(); // each file entry's root, by real path
  try {
    const write = async (batch: [string, SiteEntry][]) => {
      // Sorted so directories are made in a stable order; each write is independent of the others.
      batch.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const files = batch.map(([urlPath]) => fileForUrlPath(urlPath));
      folders.makeAhead(files.map((relative) => path.dirname(relative)));
      for (let i = 0; i < batch.length; i++) {
        const entry = batch[i][1];
        // Rendered (a page's first read renders it) while its folder is being made.
        const body = entry.kind === 'content' ? entry.body : undefined;
        await unlessAborted(folders.made(path.dirname(files[i])), signal);
        writeEntry(path.join(stage, files[i]), entry, body, realRoots);
        written.add(files[i].split(path.sep).join('/'));
      }
    };
    await write(entries);
    if (later) await write([...(await unlessAborted(later, signal)).entries()]);
    signal.throwIfAborted();
    written.add(EXPORT_MARKER);
    fs.writeFileSync(path.join(stage, EXPORT_MARKER), markerBody(written));
    if (out.real) swapEntries(stage, out.real, out, written);
    else renameNew(stage, out.given);
  } finally {
    await folders.settled(); // none may be made inside the stage after it is removed
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return { files: written.size };
}

/**
 * The folders of a site, made in the staging folder on libuv's thread pool while this thread
 * renders the pages that go in them. mkdir(2) was 26 ms of a cold 300-MP3 build's main thread
 * (two folders an episode, some 40 us each here), rendering a page about 0.2 ms (issue 12).
 * The first level (a handful: episodes/, media/, feeds/) is made at once, here, so the many
 * folders below it never race to make their common parent.
 */
class FolderMaker {
  private readonly folders = new Map<string, Promise<void>>();

  constructor(private readonly stage: string) {
    this.folders.set('.', Promise.resolve());
  }

  /** Starts making these folders (relative to the stage), each once. */
  makeAhead(relatives: string[]): void {
    for (const relative of relatives) {
      if (this.folders.has(relative)) continue;
      const top = relative.split(path.sep)[0];
      if (!this.folders.has(top)) {
        fs.mkdirSync(path.join(this.stage, top));
        this.folders.set(top, Promise.resolve());
      }
      if (relative === top) continue;
      const made = fs.promises.mkdir(path.join(this.stage, relative), { recursive: true }).then(() => undefined);
      made.catch(() => undefined); // awaited by made(); one that fails unawaited must not end the process
      this.folders.set(relative, made);
    }
  }

  /** Resolves once the folder (started by makeAhead) exists; rejects with the error of making it. */
  made(relative: string): Promise<void> {
    return this.folders.get(relative)!;
  }

  /** Resolves once no folder is still being made. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.folders.values());
  }
}

/** The staged site becomes OUT, which did not exist when the export began. */
function renameNew(stage: string, given: string): void {
  try {
    fs.renameSync(stage, given);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST')
      throw new OutDirBusy(`${given} was made by something else while this build was writing; nothing was changed there, build again`);
    throw err;
  }
  fs.rmSync(path.join(given, STAGE_OWNER), { force: true }); // came along with the stage: no file of the site
}

function writeEntry(file: string, entry: SiteEntry, body: string | undefined, realRoots: Map<string, string>): void {
  if (entry.kind === 'content') return fs.writeFileSync(file, body ?? entry.body);
  try {
    // link(2) does not follow a symlink: the export would hold the link itself, dangling on the
    // web server. Its target's bytes are what the show publishes, if they are inside the show.
    // Only a link in the last place needs resolving (the kernel follows links to folders on the
    // way): one lstat a file, where realpathSync's lstat of every folder on the path was 30 ms of
    // a cold 300-MP3 build (issue 12).
    const isLink = fs.lstatSync(entry.path).isSymbolicLink();
    const source = isLink ? fs.realpathSync(entry.path) : entry.path;
    if (isLink && !source.startsWith(realRootOf(entry, realRoots) + path.sep))
      throw new FileChanged(`${entry.path} is a link to a file outside the show folder`);
    const copy = (): fs.Stats => {
      const copied = fs.statSync(source);
      fs.copyFileSync(source, file);
      if (fs.statSync(file).size !== copied.size) throw new FileChanged(`${entry.path} changed while it was copied`);
      // Readable by all, as a web server's own user must read it: a show's file kept private
      // (mode 600, as mktemp makes them) gave 403 on every enclosure once deployed.
      if (!(copied.mode & 0o004)) fs.chmodSync(file, 0o644);
      return copied;
    };
    let linked: fs.Stats;
    try {
      fs.linkSync(source, file);
      linked = fs.statSync(file);
      // A link shares the show's file and its mode; one others cannot read is copied instead.
      if (!(linked.mode & 0o004)) {
        fs.unlinkSync(file);
        linked = copy();
      }
    } catch (err) {
      if (err instanceof FileChanged) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      // EXDEV: another file system; EPERM/ENOTSUP/EMLINK: links not allowed there. Copy instead.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EACCES') throw err;
      linked = copy();
    }
    // The file the check saw, as serve sends it (src/site/http/published-files.ts): a regular
    // file of the same size and time. One rewritten or replaced since (an upload over an
    // episode's audio while a build ran) would go out under the old facts, its feed's length
    // wrong. serve also opens each file through the show folder's guard; here that cost 20 ms of
    // a cold 300-MP3 build (six more system calls a file), for a race of the build's few seconds.
    if (brokenPromise(linked, entry)) throw new FileChanged(`${entry.path} changed after the check`);
  } catch (err) {
    if (err instanceof FileChanged) throw err;
    throw new Error(`cannot export ${entry.path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A file the site publishes is no longer the one the check saw: gone, changed, or swapped for a
 * link out of the show. The export stops, and OUT is left as it was.
 */
export class FileChanged extends Error {
  override name = 'FileChanged';
}

/** Leftovers of an export that was killed midway: netcaster's own working folders inside OUT. */
function removeWorkFolders(real: string): void {
  for (const name of fs.readdirSync(real)) {
    if (isWorkName(name) && WORK_PREFIXES.some((p) => name.startsWith(p)))
      fs.rmSync(path.join(real, name), { recursive: true, force: true });
  }
}

/**
 * A new, empty staging folder from which the site can be renamed into OUT: beside OUT when that
 * works (a web server never sees it), else inside OUT (a mount point, or a parent not writable).
 */
function makeStage(out: OutDir): string {
  const tag = randomBytes(6).toString('hex');
  if (!out.real) {
    fs.mkdirSync(path.dirname(out.given), { recursive: true });
    return makeStageBeside(out.given, tag);
  }
  if (path.dirname(out.real) !== out.real) {
    let beside: string | undefined;
    try {
      beside = makeStageBeside(out.real, tag);
      // Whether a rename from beside into OUT works (not across a mount), tried on an empty folder.
      const probe = path.join(beside, 'probe');
      const inside = path.join(out.real, `${WORK_PREFIXES[0]}probe-${tag}`);
      fs.mkdirSync(probe);
      fs.renameSync(probe, inside);
      fs.rmdirSync(inside);
      return beside;
    } catch {
      if (beside) fs.rmSync(beside, { recursive: true, force: true });
    }
  }
  const inside = path.join(out.real, `${WORK_PREFIXES[0]}${tag}`);
  fs.mkdirSync(inside);
  return inside;
}

/** Every leaf under dir (files, symlinks, empty folders), relative and '/'-separated; symlinks are not followed. */
function leaves(dir: string, skip: (name: string) => boolean = () => false): { rel: string; folder: boolean }[] {
  const found: { rel: string; folder: boolean }[] = [];
  const walk = (abs: string, rel: string) => {
    const names = fs.readdirSync(abs);
    if (names.length === 0 && rel !== '') found.push({ rel, folder: true });
    for (const name of names) {
      if (rel === '' && skip(name)) continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const child = path.join(abs, name);
      if (fs.lstatSync(child).isDirectory()) walk(child, childRel);
      else found.push({ rel: childRel, folder: false });
    }
  };
  walk(dir, '');
  return found;
}

const ancestors = (rel: string) =>
  rel
    .split('/')
    .slice(0, -1)
    .map((_, i, parts) => parts.slice(0, i + 1).join('/'));

/**
 * Moves the staged site into an existing OUT, entry by top-level entry, and removes what the
 * previous export wrote and this one did not. Files netcaster did not write are linked into the
 * staged site first, so they come through the swap where they were.
 */
function swapEntries(stage: string, real: string, out: OutDir, written: Set<string>): void {
  const stageName = path.relative(real, stage);
  const isWork = (name: string) => name === stageName || isWorkName(name);
  const newTops = new Set(fs.readdirSync(stage).filter((name) => name !== STAGE_OWNER));
  const newFolders = new Set([...written].flatMap(ancestors));
  const present = leaves(real, isWork);

  // What someone else put in OUT: refused where the new site would need its place, else carried over.
  const theirs = present.filter((leaf) => !out.owned(leaf.rel));
  const blocked = theirs.filter(
    (leaf) => written.has(leaf.rel) || (!leaf.folder && newFolders.has(leaf.rel)) || ancestors(leaf.rel).some((a) => written.has(a)),
  );
  if (blocked.length) {
    const names =
      blocked
        .slice(0, 5)
        .map((l) => l.rel)
        .join(', ') + (blocked.length > 5 ? `, and ${blocked.length - 5} more` : '');
    throw new OutDirRefused(
      `${out.given} has files that netcaster did not write where the new site goes (${names}); move them away and build again`,
    );
  }
  const carried = new Set<string>();
  for (const leaf of theirs) {
    if (!newTops.has(leaf.rel.split('/')[0])) continue; // stays where it is, untouched
    const target = path.join(stage, ...leaf.rel.split('/'));
    if (leaf.folder) {
      fs.mkdirSync(target, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      carry(path.join(real, ...leaf.rel.split('/')), target);
    }
    carried.add(leaf.rel);
  }

  // Until the swap is through, the marker in OUT owns both sites: should the machine stop midway,
  // the next export still knows every file as its own.
  const ours = present.filter((leaf) => !leaf.folder && out.owned(leaf.rel)).map((leaf) => leaf.rel);
  writeWhole(path.join(real, EXPORT_MARKER), markerBody(new Set([...ours, ...written])));

  // The swap: each old entry aside, the new one in; the marker last.
  const aside = path.join(real, `${WORK_PREFIXES[1]}${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(aside);
  const order = [...newTops].filter((n) => n !== EXPORT_MARKER).sort();
  order.push(EXPORT_MARKER);
  const done: { name: string; hadOld: boolean }[] = [];
  try {
    for (const name of order) {
      const hadOld = fs.lstatSync(path.join(real, name), { throwIfNoEntry: false }) !== undefined;
      if (hadOld) fs.renameSync(path.join(real, name), path.join(aside, name));
      done.push({ name, hadOld });
      fs.renameSync(path.join(stage, name), path.join(real, name));
    }
  } catch (err) {
    undoSwap(done, stage, real, aside, out);
    throw err;
  }

  // The old site's files: those set aside (bar what was carried over), then its files outside the new site's entries.
  for (const leaf of leaves(aside)) {
    const file = path.join(aside, ...leaf.rel.split('/'));
    if (leaf.folder || out.owned(leaf.rel) || carried.has(leaf.rel)) fs.rmSync(file, { recursive: true, force: true });
    else putBack(file, path.join(real, ...leaf.rel.split('/'))); // appeared in OUT during this export: not ours to delete
  }
  pruneEmptyFolders(aside, true);
  for (const rel of ours) {
    if (newTops.has(rel.split('/')[0])) continue;
    fs.rmSync(path.join(real, ...rel.split('/')), { force: true });
    for (const folder of ancestors(rel).reverse()) {
      try {
        fs.rmdirSync(path.join(real, ...folder.split('/')));
      } catch {
        break; // not empty: something else lives there
      }
    }
  }
}

/** Someone else's file into the staged site: a hard link, else a copy (a symlink stays a symlink). */
function carry(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EACCES') throw err;
    if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
  }
}

function putBack(from: string, to: string): void {
  if (fs.lstatSync(to, { throwIfNoEntry: false })) return; // its place is taken: it stays in the aside folder, which is then kept
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.renameSync(from, to);
}

/** Puts OUT back as it was after a swap that failed midway (a rename refused). */
function undoSwap(done: { name: string; hadOld: boolean }[], stage: string, real: string, aside: string, out: OutDir): void {
  for (const { name, hadOld } of done.reverse()) {
    const inPlace = path.join(real, name);
    if (fs.lstatSync(path.join(stage, name), { throwIfNoEntry: false }) === undefined && fs.lstatSync(inPlace, { throwIfNoEntry: false })) {
      fs.renameSync(inPlace, path.join(stage, name));
    }
    if (hadOld) fs.renameSync(path.join(aside, name), inPlace);
  }
  if (out.marker) writeWhole(path.join(real, EXPORT_MARKER), out.marker);
  else fs.rmSync(path.join(real, EXPORT_MARKER), { force: true });
  fs.rmSync(aside, { recursive: true, force: true });
}

/** Removes empty folders under dir, bottom up; dir itself too when asked and empty. Leaves anything with a file in it. */
function pruneEmptyFolders(dir: string, self: boolean): void {
  for (const name of fs.readdirSync(dir)) {
    const child = path.join(dir, name);
    if (fs.lstatSync(child).isDirectory()) pruneEmptyFolders(child, true);
  }
  if (self && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

/** The text files of public/ (style sheet, player script) for buildRoutes's publicFiles. */
export async function readPublicFiles(dir: string = publicDir): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    if (/\.(css|js|svg|txt|webmanifest)$/.test(name)) files[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}
