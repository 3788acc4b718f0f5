// Per-folder fingerprints of a show: the names, sizes and mtimes of the files in each episode
// folder, and of the show folder's own files. Cheap synchronous stats, no reads, so a scan every
// few seconds costs next to nothing. Two equal fingerprints a few seconds apart mean nobody is
// still writing into that folder (see live-catalog.ts for why a passing check is not enough).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { LOCK_FILE } from '../catalog/lock.js';
import { SHOW_KEY } from './live-catalog.js';

/**
 * `lastChanged`, when given, receives for each key the latest modification time (ms) among what
 * its fingerprint covers (and, for an episode, the folder itself: a file added or removed), or
 * Infinity when something could not be stat'ed: live-catalog.ts takes a folder unchanged for long
 * enough without waiting for a second scan.
 */
export function fingerprintFolders(showDir: string, lastChanged?: Map<string, number>): Map<string, string> {
  const dir = path.resolve(showDir);
  const prints = new Map<string, string>();
  const showHash = createHash('sha1');
  let showChanged = 0;
  for (const name of listNames(dir)) {
    // Hidden files and the lock netcaster writes itself are not the podcaster's edits.
    if (name.startsWith('.') || name === LOCK_FILE) continue;
    const st = statOrUndefined(path.join(dir, name));
    if (st?.isDirectory()) {
      // Same rule as the manifest loader (src/show/load.ts): "." and "_" folders are not episodes.
      if (!name.startsWith('_')) prints.set(name, fingerprintFolder(path.join(dir, name), name, st, lastChanged));
    } else {
      showHash.update(describeEntry(name, st));
      showChanged = Math.max(showChanged, st ? st.mtimeMs : Infinity);
    }
  }
  prints.set(SHOW_KEY, showHash.digest('hex'));
  lastChanged?.set(SHOW_KEY, showChanged);
  return prints;
}

/**
 * The folder's description itself, not a hash of it: an episode folder holds a few files, so it
 * is a few hundred characters, and a show of 10,000 episodes would otherwise make 10,000 hashes
 * every scan.
 */
function fingerprintFolder(folder: string, key: string, folderStat: fs.Stats, lastChanged?: Map<string, number>): string {
  let print = '';
  let changed = folderStat.mtimeMs;
  for (const name of listNames(folder)) {
    const st = statOrUndefined(path.join(folder, name));
    print += describeEntry(name, st);
    changed = Math.max(changed, st ? st.mtimeMs : Infinity);
  }
  lastChanged?.set(key, changed);
  return print;
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
