// Where netcaster's own files are, wherever it is installed or run from.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: this file is compiled to dist/src/paths.js. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const publicDir = path.join(packageRoot, 'public');
