// Bundles the CLI (and the media pool's worker) into dist/bundle/ with esbuild: what `bin` runs.
// Why: Node spends most of a cold command resolving, reading and compiling hundreds of module
// files (issue 12: a cold build of a 300-MP3 show was 5x a PHP tool's); one file per entry
// loads in a fraction of that. Code splitting keeps each command's dynamic imports lazy, so
// `check` still never loads express or sharp. Run by `npm run build` and `prepare`.
// https://esbuild.github.io/api/#splitting
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true }); // chunks are named by content: none left over from an earlier bundle

await build({
  absWorkingDir: root,
  // Same folder for all: pool.ts and feed-worker.ts start their workers as new URL('./<name>.js', import.meta.url).
  entryPoints: { cli: 'src/cli.ts', 'pool-worker': 'src/media/pool-worker.ts', 'feed-worker': 'src/site/feed-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks beside the entries (not in a subfolder): code that lands in a chunk finds a worker
  // entry as './<name>.js' from its own import.meta.url, in the bundle as in dist/src.
  chunkNames: '[name]-[hash]',
  // Native modules (and pg, whose optional native binding is looked up at run time), found in
  // node_modules as before. sharp's JavaScript is bundled (some 70 small CommonJS files, most of them semver's, were
  // 40 ms of every cold build: issue 12); its native binding (@img/sharp-<platform>/sharp.node,
  // with libvips) is required from node_modules at run time. Its @img/colour is JavaScript and is
  // bundled too: imported from node_modules, its 45 KB of CommonJS went through Node's CommonJS
  // export scanner at every first use of sharp (loading sharp: 43 -> 33 ms, medians of 8 alternated).
  external: ['@duckdb/node-api', 'pg', '@img/sharp-*', '*.node'],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __netcasterRequire } from 'node:module'; const require = __netcasterRequire(import.meta.url);" },
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
