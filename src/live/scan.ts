// Per-folder fingerprints of a show: the names, sizes and mtimes of the files in each episode
// folder, and of the show folder's own files. Cheap synchronous stats, no reads, so a scan every
// few seconds costs next to nothing. Two equal fingerprints a few seconds apart mean nobody is
// still writing into that folder (see live-catalog.ts for why a passing check is not enough).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { LOCK_FILE } from '../catalog/lock.js';
import type { WalkObserver } from '../catalog/snapshot.js';
import { SHOW_KEY, type FolderFingerprints } from './live-catalog.js';

/**
 * `lastChanged`, when given, receives for each key the latest modification time (ms) among what
 * its fingerprint covers (and, for an episode, the folder itself: a file added or removed), or
 * Infinity when something could not be stat'ed: live-catalog.ts takes a folder unchanged for long
 * enough without waiting for a second scan.
 */
export function fingerprintFolders(showDir: string, lastChanged?: Map<string, number>): FolderFingerprints {
  const dir = path.resolve(showDir);
  const prints = new FolderPrints();
  const top = statOrUndefined(dir);
  if (top) prints.folder('', top);
  for (const name of listNames(dir)) {
    if (name.startsWith('.')) continue; // as the check's walk: nothing hidden at the top is looked at
    const st = statOrUndefined(path.join(dir, name));
    prints.entry('', name, st);
    if (!st?.isDirectory() || name.startsWith('_')) continue;
    prints.folder(name, st);
    for (const inner of listNames(path.join(dir, name))) prints.entry(name, inner, statOrUndefined(path.join(dir, name, inner)));
  }
  return prints.result(lastChanged);
}

/**
 * The folder prints, made from a walk of the show folder: fingerprintFolders's own, or the
 * check's (src/catalog/snapshot.ts, fingerprintShow), which sees the same entries in the same
 * order. A scan whose check was answered from its snapshot then walks the show once, not twice.
 *
 * The walk is kept as flat arrays, and a folder's print is made of them only when it is first
 * compared (the next scan): a string per file kept while a show of 10,000 episodes is walked was
 * copied by every scavenge (~80 ms of serve's start), and making all 10,000 prints at once another
 * ~50 ms before the first page, which needs none of them.
 */
export class FolderPrints implements WalkObserver {
  /** Episode folder -> its index in folderStart and folderChanged. */
  private readonly folders = new Map<string, number>();
  /** Where each folder's entries start in entryNames. */
  private readonly folderStart: number[] = [];
  /** The latest modification time among each folder and its entries (Infinity: something could not be stat'ed). */
  private readonly folderChanged: number[] = [];
  private readonly entryNames: string[] = [];
  /** Two numbers per entry: its size (FOLDER, DANGLING) and its mtimeMs. */
  private readonly entryNumbers: number[] = [];
  private readonly showHash = createHash('sha1');
  private showChanged = 0;

  folder(rel: string, stat: fs.Stats): void {
    // Same rule as the manifest loader (src/show/load.ts): "." and "_" folders are not episodes.
    if (rel === '' || rel.startsWith('_') || rel.startsWith('.')) return;
    this.folders.set(rel, this.folderStart.length);
    this.folderStart.push(this.entryNames.length);
    this.folderChanged.push(stat.mtimeMs);
  }

  entry(rel: string, name: string, stat: fs.Stats | undefined): void {
    const size = !stat ? DANGLING : stat.isDirectory() ? FOLDER : stat.size;
    const changed = stat ? stat.mtimeMs : Infinity;
    if (rel === '') {
      // Hidden files and the lock netcaster writes itself are not the podcaster's edits; folders have prints of their own.
      if (name.startsWith('.') || name === LOCK_FILE || size === FOLDER) return;
      this.showHash.update(describeEntry(name, size, changed));
      this.showChanged = Math.max(this.showChanged, changed);
      return;
    }
    // Both walks give a folder's entries right after the folder itself: they are the last run of the arrays.
    const folder = this.folderStart.length - 1;
    if (this.folders.get(rel) !== folder) return; // not an episode folder
    this.entryNames.push(name);
    this.entryNumbers.push(size, changed);
    if (changed > this.folderChanged[folder]) this.folderChanged[folder] = changed;
  }

  /** The prints by key (slug, or SHOW_KEY for the show folder's own files); `lastChanged` receives the times. */
  result(lastChanged?: Map<string, number>): FolderFingerprints {
    if (lastChanged) {
      for (const [key, index] of this.folders) lastChanged.set(key, this.folderChanged[index]);
      lastChanged.set(SHOW_KEY, this.showChanged);
    }
    const show = this.showHash.copy().digest('hex');
    const made = new Map<string, string>();
    const print = (index: number) => {
      const end = index + 1 < this.folderStart.length ? this.folderStart[index + 1] : this.entryNames.length;
      const lines: string[] = [];
      for (let e = this.folderStart[index]; e < end; e++)
        lines.push(describeEntry(this.entryNames[e], this.entryNumbers[2 * e], this.entryNumbers[2 * e + 1]));
      return lines.join(''); // one flat string: prints built by `+=` are rope nodes, kept until the next scan
    };
    const folders = this.folders;
    return {
      has: (key) => key === SHOW_KEY || folders.has(key),
      *keys() {
        yield* folders.keys();
        yield SHOW_KEY;
      },
      get: (key) => {
        if (key === SHOW_KEY) return show;
        const index = folders.get(key);
        if (index === undefined) return undefined;
        let text = made.get(key);
        if (text === undefined) made.set(key, (text = print(index)));
        return text;
      },
    };
  }
}

/** An entry's size when it is a folder, or could not be stat'ed (a dangling link, a file removed mid-walk). */
const FOLDER = -1;
const DANGLING = -2;

function describeEntry(name: string, size: number, mtimeMs: number): string {
  if (size === DANGLING) return `dangling ${name}\n`;
  return size === FOLDER ? `d ${name}\n` : `f ${name} ${size} ${mtimeMs}\n`;
}

function listNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file); // follows symlinks: a link retargeted changes size/mtime
  } catch {
    return undefined;
  }
}
