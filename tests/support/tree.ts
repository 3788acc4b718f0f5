// Everything under a folder as one comparable value: what a command left untouched compares equal.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Relative path -> sha256 of each file, a symlink's target (links not followed), or 'folder'. */
export async function treeContents(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, abs);
    if (entry.isSymbolicLink()) found.set(rel, `-> ${await fs.readlink(abs)}`);
    else if (entry.isFile())
      found.set(
        rel,
        createHash('sha256')
          .update(await fs.readFile(abs))
          .digest('hex'),
      );
    else found.set(rel, 'folder');
  }
  return found;
}
