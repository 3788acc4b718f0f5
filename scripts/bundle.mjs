// Bundles netcaster with esbuild into dist/bundle/: the CLI as one CommonJS file with a V8 code
// cache beside it (what bin/netcaster.cjs runs), and the worker entries (the media pool's, the
// feed renderer's) as ES modules. Run by `npm run build` and `prepare`.
// Why: a cold command spent most of its time resolving, reading and compiling hundreds of module
// files (issue 12: a cold build of a 300-MP3 show was 5x a PHP tool's); one file loads in a
// fraction of that, and with the code cache V8 compiles next to none of it.
// https://esbuild.github.io/api/
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import http from 'node:http';
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

// The code caches: V8's compiled code of every function one run of the CLI compiled, made by that
// very run (bin/netcaster.cjs writes it on exit when NETCASTER_CODE_CACHE_OUT names a file). Two,
// as bin/netcaster.cjs picks them: one made by a check of the sample show (cold: its cache folder
// is new), for every command but import; one made by an import of that show's audio feed from a
// host on 127.0.0.1, since an import runs code a check never does (the feed's XML, downloads, HTML
// to Markdown): with it, an import of 300 episodes took 10-21 ms less (bench/import.ts's feed into
// a tmpfs, three sets of 8-10 alternated runs: 797 against 818 ms on average in the last), 20 ms
// less on its main thread.
// A check, not a build, because every command but import starts by checking the show, and V8
// reads a whole cache at every start, whatever of it the command runs: a warm command (nothing or
// little changed, the usual case) runs little more than the check. What a build adds (pages,
// feeds, the export, artwork copies) V8 compiles when it first runs, about as fast as it reads it
// from a cache. Measured on the 300-MP3 bench show, alternated, against a cache made by a build
// (1.8 MB; this one 0.9 MB): a warm check 150 against 162 ms (15 pairs), a warm build 150 against
// 157 (20), a cold build 654 against 682 (16) and 787 against 794 (10).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-code-cache-'));
const site = path.join(work, 'site');
const host = http.createServer((req, res) => {
  // The built site, as a static host serves it (the import checks each file's type against its bytes).
  let file;
  try {
    file = path.join(site, decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname));
  } catch {
    return res.writeHead(400).end();
  }
  if (!file.startsWith(site + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end();
  const body = fs.readFileSync(file);
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length }).end(body);
});
// What the audio feed of the sample show links to: the feed, MP3s, artwork, chapters, transcripts.
const types = {
  '.xml': 'application/rss+xml',
  '.mp3': 'audio/mpeg',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.vtt': 'text/vtt',
};
try {
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${host.address().port}`;
  const netcaster = (args, extraEnv) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'netcaster.cjs'), ...args], {
        env: { ...process.env, NETCASTER_CACHE_DIR: path.join(work, 'cache'), ...extraEnv },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`netcaster ${args.join(' ')}, made for the code cache, failed:\n${out}`)),
      );
    });
  const sample = path.join(root, 'episodes');
  // Each made in the work folder and moved beside the bundle only once its run has passed. The
  // check runs first, on a new cache folder; the build writes the site the import then reads.
  await netcaster(['check', sample], { NETCASTER_CODE_CACHE_OUT: path.join(work, 'check.v8-cache') });
  await netcaster(['build', sample, '--out', site, '--base-url', base]);
  await netcaster(['import', `${base}/feeds/audio.xml`, path.join(work, 'imported')], {
    NETCASTER_CODE_CACHE_OUT: path.join(work, 'import.v8-cache'),
  });
  fs.renameSync(path.join(work, 'check.v8-cache'), `${cli}.v8-cache`);
  fs.renameSync(path.join(work, 'import.v8-cache'), `${cli}.import.v8-cache`);
} finally {
  host.close();
  fs.rmSync(work, { recursive: true, force: true });
}
