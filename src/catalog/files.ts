// Files that manifests name, resolved the one safe way: a plain name inside its episode folder,
// whose real path (after symlinks) stays inside the show folder. Used by the check (assemble.ts)
// and by the hashing that a build starts before the check has seen the files (integrity.ts).
import fs from 'node:fs';
import path from 'node:path';

/** The real path of a folder, or the path as given when it cannot be resolved. */
export function realpathOr(dir: string): string {
  try {
    return fs.realpathSync.native(dir);
  } catch {
    return dir;
  }
}

/** A file a manifest names, as found: its path in the episode folder and its stat (of the real file). */
export interface FoundFile {
  path: string;
  stat: fs.Stats;
}

/**
 * Resolves a file named in a manifest. It must be a plain file name inside the folder, and its
 * real path (after symlinks) must stay inside the show folder: nothing outside is ever published.
 * The stat goes along so that nobody stats the file again (the facts cache is keyed on it).
 */
export function fileInFolder(folder: string, realShowDir: string, name: string): FoundFile | { message: string } {
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..' || path.isAbsolute(name)) {
    return { message: `must be a file name in the episode folder, not a path: ${name}` };
  }
  const abs = path.join(folder, name);
  let real: string;
  try {
    real = fs.realpathSync.native(abs);
  } catch {
    return { message: `file not found: ${name}` };
  }
  if (!real.startsWith(realShowDir + path.sep)) return { message: `${name} is a link to a file outside the show folder` };
  const stat = fs.statSync(real);
  if (!stat.isFile()) return { message: `${name} is not a regular file` };
  return { path: abs, stat };
}
