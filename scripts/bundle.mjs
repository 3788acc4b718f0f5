// Bundles netcaster with esbuild into dist/bundle/: the CLI as one CommonJS file with a V8 code
// cache beside it (what bin/netcaster.cjs runs), and the worker entries (the media pool's, the
// feed renderer's) as ES modules. Run by `npm run build` and `prepare`.
// Why: a cold command spent most of its time resolving, reading and compiling hundreds of module
// files (issue 12: a cold build of a 300-MP3 show was 5x a PHP tool's); one file loads in a
// fraction of that, and with the code cache V8 compiles next to none of it.
// https://esbuild.github.io/api/
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
fs.rmSync(outdir, { recursive: true, force: true }); // chunks are named by content: none left over from an earlier bundle

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Native modules (and pg, whose optional native binding is looked up at run time), found in
  // node_modules as before. sharp's JavaScript is bundled (some 70 small CommonJS files, most of
  // them semver's, were 40 ms of every cold build: issue 12), its @img/colour too (imported from
  // node_modules by the ES module workers, its 45 KB went through Node's CommonJS export scanner
  // at every first use of sharp: 43 -> 33 ms); its native binding (@img/sharp-<platform>/sharp.node,
  // with libvips) is required from node_modules at run time.
  external: ['@duckdb/node-api', 'pg', '@img/sharp-*', '*.node'],
  legalComments: 'linked',
  logLevel: 'warning',
};

// The workers, started as new URL('./<name>.js', import.meta.url) by pool.ts and feed-worker.ts:
// ES modules, their shared code split into chunks beside them.
await build({
  ...common,
  entryPoints: { 'pool-worker': 'src/media/pool-worker.ts', 'feed-worker': 'src/site/feed-worker.ts' },
  splitting: true,
  format: 'esm',
  chunkNames: '[name]-[hash]',
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __netcasterRequire } from 'node:module'; const require = __netcasterRequire(import.meta.url);" },
  sourcemap: true,
});

// The CLI: one CommonJS file, for vm.Script and its code cache (bin/netcaster.cjs). Each
// command's dynamic import() becomes a lazy initialiser, so `check` still never runs express's or
// sharp's module code. import.meta.url (paths.ts, and the workers' file names) is the bundle's own
// URL, which bin/netcaster.cjs passes in.
const cli = path.join(outdir, 'netcaster.cjs');
await build({
  ...common,
  entryPoints: { netcaster: 'src/cli.ts' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__netcasterUrl' },
  charset: 'ascii',
});
// ASCII only, so that the loader may read it as latin1: esbuild escapes strings but leaves a few
// characters in regular expressions and comments, where \uXXXX means the same. The hashbang goes:
// the file is wrapped in a function, where a hashbang is a syntax error.
const text = fs.readFileSync(cli, 'utf8').replace(/^#!.*\n/, '');
fs.writeFileSync(
  cli,
  text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
);

// The code cache: V8's compiled code of every function a build of the sample show runs, made by
// that very build (bin/netcaster.cjs writes it on exit when NETCASTER_CODE_CACHE_OUT names a file).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-code-cache-'));
try {
  const made = path.join(work, 'v8-cache');
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'netcaster.cjs'), 'build', path.join(root, 'episodes'), '--out', path.join(work, 'out')],
    {
      env: { ...process.env, NETCASTER_CODE_CACHE_OUT: made, NETCASTER_CACHE_DIR: path.join(work, 'cache') },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`the build of the sample show that makes the code cache failed:\n${run.stdout}${run.stderr}`);
  fs.renameSync(made, `${cli}.v8-cache`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
