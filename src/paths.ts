// Where netcaster's own files are, wherever it is installed or run from.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: the nearest folder above this file with a package.json (works from dist/src and from src). */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`netcaster: no package.json above ${from}`);
  }
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const publicDir = path.join(packageRoot, 'public');
