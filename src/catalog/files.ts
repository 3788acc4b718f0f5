// Files that manifests name, resolved the one safe way: a plain name inside its episode folder,
// a regular file whose real path (after symlinks) stays inside the show folder. Used by the
// check (assemble.ts) and by the hashing that a build starts before the check has seen the files
// (integrity.ts). The rules themselves live in src/show/show-file.ts, which every read of a show
// file goes through.
import fs from 'node:fs';
import path from 'node:path';
import { isRefusal, openShowFile, readShowFileHead, readShowText, realpathOr } from '../show/show-file.js';

export { realpathOr };

/** A file a manifest names, as found: its path in the episode folder and its stat (of the real file). */
export interface FoundFile {
  path: string;
  stat: fs.Stats;
}

/**
 * Resolves a file named in a manifest. It must be a plain file name inside the folder, a regular
 * file (never a FIFO or device), and its real path (after symlinks) must stay inside the show
 * folder: nothing outside is ever published. The stat (of the descriptor opened to check it) goes
 * along so that nobody stats the file again (the facts cache is keyed on it). `maxBytes` bounds
 * files that a later reader takes whole (artwork).
 */
export function fileInFolder(
  folder: string,
  realShowDir: string,
  name: string,
  maxBytes = Infinity,
): FoundFile | { message: string; missing?: boolean } {
  const found = openInFolder(folder, realShowDir, name, maxBytes);
  if ('message' in found) return found;
  fs.closeSync(found.fd);
  return { path: found.path, stat: found.stat };
}

/**
 * fileInFolder, with the descriptor it checked left open for the caller to read from (and close):
 * what is read then is the very file that was checked, whatever the path names meanwhile.
 */
export function openInFolder(
  folder: string,
  realShowDir: string,
  name: string,
  maxBytes = Infinity,
): (FoundFile & { fd: number }) | { message: string; missing?: boolean } {
  const notPlain = notAPlainName(name);
  if (notPlain) return notPlain;
  const abs = path.join(folder, name);
  const opened = openShowFile(abs, realShowDir, name, maxBytes);
  if (isRefusal(opened)) return { message: opened.message, ...(opened.reason === 'missing' && { missing: true }) };
  return { path: abs, stat: opened.stat, fd: opened.fd };
}

/** A file a manifest names, read whole (at most `maxBytes`) as text, with the checks of fileInFolder. */
export function readTextInFolder(
  folder: string,
  realShowDir: string,
  name: string,
  maxBytes: number,
): (FoundFile & { text: string }) | { message: string } {
  const notPlain = notAPlainName(name);
  if (notPlain) return notPlain;
  const abs = path.join(folder, name);
  const read = readShowText(abs, realShowDir, name, maxBytes);
  return isRefusal(read) ? { message: read.message } : { path: abs, stat: read.stat, text: read.text };
}

/** The first `headBytes` of a file a manifest names (at most `maxBytes` long), with the checks of fileInFolder. */
export function readHeadInFolder(
  folder: string,
  realShowDir: string,
  name: string,
  headBytes: number,
  maxBytes: number,
): (FoundFile & { head: Buffer }) | { message: string } {
  const notPlain = notAPlainName(name);
  if (notPlain) return notPlain;
  const abs = path.join(folder, name);
  const read = readShowFileHead(abs, realShowDir, name, headBytes, maxBytes);
  return isRefusal(read) ? { message: read.message } : { path: abs, stat: read.stat, head: read.bytes };
}

function notAPlainName(name: unknown): { message: string } | undefined {
  if (
    typeof name !== 'string' ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('\0') ||
    name === '.' ||
    name === '..' ||
    path.isAbsolute(name)
  ) {
    return { message: `must be the name of a file in the same folder as its manifest, not a path: ${String(name)}` };
  }
  // A hidden file is left out of the show's fingerprint (src/catalog/snapshot.ts), so a change to it
  // would go unseen by the next check, and many web servers refuse to serve such names.
  if (name.startsWith('.')) return { message: `must not start with "." (a hidden file): rename ${name}` };
  return undefined;
}
