// Per-folder fingerprints of a show: the names, sizes and mtimes of the files in each episode
// folder, and of the show folder's own files. Cheap synchronous stats, no reads, so a scan every
// few seconds costs next to nothing. Two equal fingerprints a few seconds apart mean nobody is
// still writing into that folder (see live-catalog.ts for why a passing check is not enough).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { LOCK_FILE } from '../catalog/lock.js';
import type { WalkObserver } from '../catalog/snapshot.js';
import { SHOW_KEY } from './live-catalog.js';

/**
 * `lastChanged`, when given, receives for each key the latest modification time (ms) among what
 * its fingerprint covers (and, for an episode, the folder itself: a file added or removed), or
 * Infinity when something could not be stat'ed: live-catalog.ts takes a folder unchanged for long
 * enough without waiting for a second scan.
 */
export function fingerprintFolders(showDir: string, lastChanged?: Map<string, number>): Map<string, string> {
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
 */
export class FolderPrints implements WalkObserver {
  /** Each folder's entry lines, joined into one flat string at the end: 10,000 prints built by `+=` were 200,000 rope nodes kept for the next scan. */
  private readonly lines = new Map<string, string[]>();
  private readonly changed = new Map<string, number>();
  private readonly showHash = createHash('sha1');
  private showChanged = 0;

  folder(rel: string, stat: fs.Stats): void {
    // Same rule as the manifest loader (src/show/load.ts): "." and "_" folders are not episodes.
    if (rel === '' || rel.startsWith('_') || rel.startsWith('.')) return;
    this.lines.set(rel, []);
    this.changed.set(rel, stat.mtimeMs);
  }

  entry(rel: string, name: string, stat: fs.Stats | undefined): void {
    if (rel === '') {
      // Hidden files and the lock netcaster writes itself are not the podcaster's edits; folders have prints of their own.
      if (name.startsWith('.') || name === LOCK_FILE || stat?.isDirectory()) return;
      this.showHash.update(describeEntry(name, stat));
      this.showChanged = Math.max(this.showChanged, stat ? stat.mtimeMs : Infinity);
      return;
    }
    const lines = this.lines.get(rel);
    if (lines === undefined) return; // not an episode folder
    // The folder's description itself, not a hash of it: an episode folder holds a few files, so
    // it is a few hundred characters, and a show of 10,000 episodes would otherwise make 10,000
    // hashes every scan.
    lines.push(describeEntry(name, stat));
    this.changed.set(rel, Math.max(this.changed.get(rel)!, stat ? stat.mtimeMs : Infinity));
  }

  /** The prints by key (slug, or SHOW_KEY for the show folder's own files); `lastChanged` receives the times. */
  result(lastChanged?: Map<string, number>): Map<string, string> {
    const prints = new Map<string, string>();
    for (const [key, lines] of this.lines) prints.set(key, lines.join(''));
    prints.set(SHOW_KEY, this.showHash.copy().digest('hex'));
    if (lastChanged) {
      for (const [key, ms] of this.changed) lastChanged.set(key, ms);
      lastChanged.set(SHOW_KEY, this.showChanged);
    }
    return prints;
  }
}

function describeEntry(name: string, st: fs.Stats | undefined): string {
  if (!st) return `dangling ${name}\n`; // a link whose target is gone (or a file removed mid-scan)
  return st.isDirectory() ? `d ${name}\n` : `f ${name} ${st.size} ${st.mtimeMs}\n`;
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
