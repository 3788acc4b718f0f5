// npm run bench [-- check|build|podcast|big|cold|big-serve|mp3|serve|import|encode|audience ...]
// Times netcaster against baselines measured in the same run, and writes BENCHMARKS.md.
// Every figure is a ratio against something this machine did in the same run (node -e 0,
// reading the files once with cat, ffprobe, nginx), so figures stay comparable across machines.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIG_EPISODES, makeTenThousandShow } from './big-show.js';
import { creationMs, settle } from './import.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp');
/** What `netcaster` runs (package.json's bin): bin/netcaster, then the bundled CLI with its code cache (scripts/bundle.mjs). */
const cli = path.join(root, 'bin', 'netcaster');
/** The same CLI as tsc compiles it, one module file each: only to show what the bundle saves. */
const unbundledCli = path.join(root, 'dist', 'src', 'cli.js');
const EPISODES = 300;
/** Realistic length: minutes, not seconds. Every episode gets its own copies of the files. */
const MINUTES = 3;

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; code: number | null; out: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, code: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/**
 * Node's own start as bin/netcaster gives it to check, build, publish-due, status and new: without
 * NODE_EXTRA_CA_CERTS, which Node 20 reads at start-up (the launcher says why). That is the floor
 * of those commands, and so their rows' baseline; serve's keeps the variable, as serve does.
 */
function nodeStartMs(): number {
  return sh(process.execPath, ['-e', '0'], { NODE_EXTRA_CA_CERTS: undefined }).ms;
}

/**
 * A cache or output folder for a cold run: one that no earlier run used, rather than the last
 * one removed. On this machine's ext4 (mounted with `discard`), making folders and files soon
 * after a big removal costs several times as much: 600 folders with a page each take 40 ms in a
 * fresh place, 200-900 ms after removing the previous 600, more with each round, `sync` or not.
 * That is the bench's cost, not the command's. All of them go when the bench ends.
 */
const coldDirs = path.join(tmp, 'cold');
let coldRuns = 0;
function unusedDir(name: string): string {
  return path.join(coldDirs, `${name}-${++coldRuns}`);
}

/** Empties the kernel's page cache, where allowed (root): the next reads come from the disk. */
function dropPageCache(): boolean {
  spawnSync('sync');
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

/** Median of n runs, after one discarded warm-up when `warmup` is set. */
function median(n: number, fn: () => number, warmup = false): number {
  if (warmup) fn();
  const xs = Array.from({ length: n }, () => fn()).sort((a, b) => a - b); // fn() alone: Array.from would pass it (value, index)
  return xs[Math.floor(n / 2)];
}

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/**
 * A show of 300 episodes, each a few minutes long, in the given formats: the netcast (m4v, webm,
 * mp3) or an MP3-only podcast. Made once, kept in bench/tmp.
 */
function makeBigShow(formats: readonly string[] = ['m4v', 'webm', 'mp3']): string {
  const audioOnly = formats.length === 1 && formats[0] === 'mp3';
  const dir = path.join(tmp, audioOnly ? `show-${EPISODES}-mp3` : `show-${EPISODES}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(tmp, 'src');
  fs.mkdirSync(src, { recursive: true });
  const feeds = audioOnly
    ? '  audio: { title: Audio, enclosure: mp3 }\n'
    : '  video: { title: Video, enclosure: m4v, alternates: [webm] }\n  audio: { title: Audio, enclosure: mp3 }\n';
  const secs = String(MINUTES * 60);
  const av = [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x180:rate=15:duration=${secs}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=330:sample_rate=44100:duration=${secs}`,
  ];
  console.error(`bench: generating ${EPISODES} episodes x ${formats.join(', ')} of ${MINUTES} min (once)…`);
  const made = (ext: string) => fs.existsSync(path.join(src, `a.${ext}`));
  if (!made('m4v'))
    ffmpeg([
      ...av,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '150k',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-movflags',
      '+faststart',
      path.join(src, 'a.m4v'),
    ]);
  if (!made('webm'))
    ffmpeg([
      ...av,
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '150k',
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      path.join(src, 'a.webm'),
    ]);
  if (!made('mp3'))
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=330:sample_rate=44100:duration=${secs}`,
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      path.join(src, 'a.mp3'),
    ]);
  // Artwork: a plain 1400 px JPEG.
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x336699:size=1400x1400', '-frames:v', '1', path.join(dir, 'artwork.jpg')]);
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    `title: Bench Show\ndescription: A generated show for benchmarks.\nauthor: Bench\nlanguage: en\nbaseUrl: https://bench.example\nartwork: artwork.jpg\nowner: { name: Bench, email: bench@example.com }\ncategories: [Technology]\nfeeds:\n${feeds}`,
  );
  for (let i = 1; i <= EPISODES; i++) {
    const n = String(i).padStart(3, '0');
    const ep = path.join(dir, `${n}-episode`);
    fs.mkdirSync(ep);
    for (const ext of formats) fs.copyFileSync(path.join(src, `a.${ext}`), path.join(ep, `show-${n}.${ext}`));
    const date = new Date(Date.UTC(2020, 0, 1) + i * 86400000).toISOString();
    fs.writeFileSync(
      path.join(ep, 'episode.yaml'),
      `title: Episode ${i}\ndate: ${date}\nnumber: ${i}\nsummary: Episode ${i} of the bench show.\nguid: bench-${n}\nmedia:\n${formats.map((ext) => `  ${ext}: show-${n}.${ext}\n`).join('')}`,
    );
    fs.writeFileSync(path.join(ep, 'notes.md'), `# Episode ${i}\n\nSome *notes* with [a link](https://example.com/${i}).\n`);
  }
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

function mediaFiles(show: string): string[] {
  const files: string[] = [];
  for (const d of fs.readdirSync(show)) {
    const p = path.join(show, d);
    if (!fs.statSync(p).isDirectory()) continue;
    for (const f of fs.readdirSync(p)) if (/\.(m4v|webm|mp3)$/.test(f)) files.push(path.join(p, f));
  }
  return files;
}

interface Row {
  what: string;
  ms: number;
  baseline: string;
  baselineMs: number;
  target: string;
  met: boolean;
}

const rows: Row[] = [];
const notes: string[] = [];
const row = (what: string, ms: number, baseline: string, baselineMs: number, target: string, met: boolean) => {
  rows.push({ what, ms, baseline, baselineMs, target, met });
  console.error(`${met ? 'ok  ' : 'MISS'} ${what}: ${ms.toFixed(0)} vs ${baseline} ${baselineMs.toFixed(0)} (${target})`);
};

function benchCheckAndBuild(which: Set<string>): void {
  const show = makeBigShow();
  const files = mediaFiles(show);
  const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const list = path.join(tmp, 'files.txt');
  fs.writeFileSync(list, files.join('\n'));
  notes.push(
    `Generated show: ${EPISODES} episodes x 3 formats (M4V H.264/AAC, WebM VP9/Opus, MP3 CBR), ${MINUTES} min each, ${files.length} media files, ${(totalBytes / 1e9).toFixed(2)} GB.`,
  );
  const cacheDir = path.join(tmp, 'cache');
  const nodeStart = median(9, nodeStartMs, true);
  const cat = () => sh('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...files]).ms;

  if (which.has('check')) {
    const check = (cache = cacheDir) => {
      const r = sh(cli, ['check', show], { NETCASTER_CACHE_DIR: cache });
      if (r.code !== 0) throw new Error(`check failed on the bench show:\n${r.out.slice(0, 2000)}`);
      return r.ms;
    };
    // Cold = no facts cache. Where the files themselves are matters as much: in the kernel's page
    // cache (just written or read), or only on the disk (after a reboot, or once the kernel has
    // reclaimed them). Each baseline is timed in the same state as the check it stands beside.
    const cold = median(3, () => {
      const cache = unusedDir('cache');
      cat(); // the files in the page cache, untimed
      return check(cache);
    });
    const catCached = median(3, () => (cat(), cat()));
    const warm = median(9, check, true);
    // ffprobe once per file, two at a time (the machine's two cores), as a script would.
    const ffprobe = sh('sh', ['-c', `xargs -P 2 -n 1 -d '\\n' ffprobe -v error -show_format -show_streams < "${list}" > /dev/null`]).ms;
    row(
      `check, cold (no cache), ${files.length} files in the page cache`,
      cold,
      'cat all files once, from the page cache',
      catCached,
      'under 2000 ms and faster than cat',
      cold < 2000 && cold < catCached,
    );
    if (dropPageCache()) {
      const coldDisk = median(3, () => (dropPageCache(), check(unusedDir('cache'))));
      const catDisk = median(3, () => (dropPageCache(), cat()));
      row(
        `check, cold (no cache), ${files.length} files on the disk only`,
        coldDisk,
        'cat all files once, from the disk',
        catDisk,
        'under 2000 ms and faster than cat',
        coldDisk < 2000 && coldDisk < catDisk,
      );
    } else {
      notes.push('Not measured: check and cat with the page cache emptied first (writing /proc/sys/vm/drop_caches needs root).');
    }
    row('check, cold', cold, 'ffprobe over every file (2 parallel)', ffprobe, 'faster than ffprobe', cold < ffprobe);
    row('check, warm (nothing changed)', warm, 'node -e 0', nodeStart, 'within 100 ms of node -e 0', warm - nodeStart < 100);
  }
  if (which.has('build')) {
    const build = (cache = cacheDir, out = path.join(tmp, 'out')) => {
      const r = sh(cli, ['build', show, '--out', out], { NETCASTER_CACHE_DIR: cache });
      if (r.code !== 0) throw new Error(`build failed on the bench show:\n${r.out.slice(0, 2000)}`);
      return r.ms;
    };
    // Five cold runs: a build is seconds of both cores and disk, and this VM's timings wander.
    const cold = median(5, () => {
      const [cache, out] = [unusedDir('cache'), unusedDir('out')];
      cat(); // the files in the page cache, as for check
      return build(cache, out);
    });
    const warm = median(5, build, true);
    // What podcast:integrity alone costs: every byte of every file through SHA-256, both cores busy.
    const sha256sum = median(3, () => (cat(), sh('sh', ['-c', `xargs -P 2 -n 50 -d '\\n' sha256sum < "${list}" > /dev/null`]).ms));
    row('build, cold (no cache, no output)', cold, 'node -e 0', nodeStart, 'under 3000 ms', cold < 3000);
    row('build, cold', cold, 'sha256sum of every file (2 parallel)', sha256sum, 'none (what hashing alone costs)', true);
    row('build, warm (nothing changed)', warm, 'node -e 0', nodeStart, 'within 100 ms of node -e 0', warm - nodeStart < 100);
  }
}

/**
 * An MP3-only podcast of 300 episodes: the case issue 12 compares with a PHP directory-to-feed
 * tool (dir2cast: PHP + getID3). The baseline is our own script of what such a tool does
 * (bench/mp3-folder-feed.php: getID3 on every MP3, one RSS 2.0 file), run by Debian's php-cli
 * with php-getid3, alternated with netcaster's cold build so both see the same load.
 */
function benchAudioOnlyBuild(): void {
  const show = makeBigShow(['mp3']);
  const files = mediaFiles(show);
  const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  notes.push(
    `MP3-only show: ${EPISODES} episodes, ${MINUTES} min each, ${files.length} files, ${(totalBytes / 1e6).toFixed(0)} MB; one audio feed, so no alternates to hash.`,
  );
  const build = (cache = path.join(tmp, 'cache-mp3'), out = path.join(tmp, 'out-mp3')) => {
    const r = sh(cli, ['build', show, '--out', out], { NETCASTER_CACHE_DIR: cache });
    if (r.code !== 0) throw new Error(`build failed on the MP3-only bench show:\n${r.out.slice(0, 2000)}`);
    return r.ms;
  };
  const phpScript = path.join(root, 'bench', 'mp3-folder-feed.php');
  const php = () => {
    const out = path.join(unusedDir('php'), 'feed.xml');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const r = sh('php', [phpScript, show, out]);
    if (r.code !== 0) throw new Error(`the PHP + getID3 baseline failed (php-cli and php-getid3 installed?):\n${r.out.slice(0, 2000)}`);
    const items = fs.readFileSync(out, 'utf8').split('<enclosure ').length - 1;
    if (items !== files.length) throw new Error(`the PHP + getID3 baseline wrote ${items} enclosures for ${files.length} files`);
    return r.ms;
  };
  // The files in the page cache, and each side run once, untimed.
  build(unusedDir('cache-mp3'), unusedDir('out-mp3'));
  php();
  // Cold = a new facts cache and a new output folder each time; PHP keeps nothing between runs.
  // Alternated (netcaster, PHP, node -e 0, ...): this machine is shared and its load wanders.
  const ours: number[] = [];
  const phps: number[] = [];
  const node: number[] = [];
  const load = os.loadavg()[0];
  // A cold build creates some 1,200 files and folders where PHP writes one: the disk's state weighs
  // on it alone (see creationMs), so the timed runs wait for it to settle. What the probes create
  // stays until coldDirs goes: deleted now, it would slow down the very runs it describes.
  fs.mkdirSync(coldDirs, { recursive: true });
  const settledAfter = settle(coldDirs);
  const creations = creationMs(coldDirs, EPISODES, true);
  for (let i = 0; i < 7; i++) {
    ours.push(build(unusedDir('cache-mp3'), unusedDir('out-mp3')));
    phps.push(php());
    node.push(nodeStartMs());
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [cold, phpCold, nodeStart] = [mid(ours), mid(phps), mid(node)];
  const warm = median(9, build, true);
  row(
    `build, MP3-only show, cold (${files.length} files)`,
    cold,
    'PHP + getID3 (bench/mp3-folder-feed.php)',
    phpCold,
    'within 2.5x of PHP + getID3',
    cold <= 2.5 * phpCold,
  );
  row('build, MP3-only show, warm', warm, 'node -e 0', nodeStart, 'within 100 ms of node -e 0', warm - nodeStart < 100);
  notes.push(
    `Cold MP3-only build against PHP + getID3, alternated (medians of 7, load ${load.toFixed(1)} at the start): netcaster ${ours.map((x) => x.toFixed(0)).join(', ')}; PHP ${phps.map((x) => x.toFixed(0)).join(', ')}; node -e 0 ${nodeStart.toFixed(0)} ms, the floor of any netcaster command. Creating the folders and files of ${EPISODES} episodes (4 each) in the bench's folder took ${creations} ms just before (bench/import.ts, creationMs: some 25 ms when the disk is in its usual state), after ${settledAfter} s of waiting for the disk to settle (settle).`,
  );
}

/**
 * A show of 10,000 MP3 episodes (issue 12): a warm check and a warm build (nothing changed) must
 * cost work that grows with what changed, not with the show: within 8x Node's own start-up.
 */
function benchTenThousand(): void {
  const show = makeTenThousandShow(tmp);
  const cache = path.join(tmp, 'cache-10000');
  const out = path.join(tmp, 'out-10000');
  const run = (args: string[]) => {
    const r = sh(cli, args, { NETCASTER_CACHE_DIR: cache });
    if (r.code !== 0) throw new Error(`${args[0]} failed on the 10,000-episode show:\n${r.out.slice(0, 2000)}`);
    return r.ms;
  };
  // The first check probes 10,000 files and the first build writes 20,000: made once, untimed.
  run(['check', show]);
  run(['build', show, '--out', out]);
  run(['build', show, '--out', out]); // the second renders the feed guids the first recorded in netcaster.lock
  // Alternated with node -e 0, so both see the same load on this shared machine.
  const check: number[] = [];
  const build: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < 9; i++) {
    node.push(nodeStartMs());
    check.push(run(['check', show]));
    build.push(run(['build', show, '--out', out]));
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const nodeStart = mid(node);
  row(
    `check, ${BIG_EPISODES} MP3 episodes, warm (nothing changed)`,
    mid(check),
    'node -e 0',
    nodeStart,
    'within 8x node -e 0',
    mid(check) <= 8 * nodeStart,
  );
  row(
    `build, ${BIG_EPISODES} MP3 episodes, warm (nothing changed)`,
    mid(build),
    'node -e 0',
    nodeStart,
    'within 8x node -e 0',
    mid(build) <= 8 * nodeStart,
  );
  notes.push(
    `${BIG_EPISODES}-episode show: one 2 s MP3 hard-linked into every episode folder, with episode.yaml and notes.md; warm runs alternate with node -e 0 (medians of 9).`,
  );
}

/**
 * A cold build of the 300-episode MP3-only show (no facts cache, no output), alternated with
 * node -e 0 and with the same CLI unbundled: Node's module loading is most of a cold start.
 */
function benchColdBuild(): void {
  const show = makeBigShow(['mp3']);
  const build = (entry: string) => {
    const command = entry === cli ? [cli] : [process.execPath, entry];
    // Both without NODE_EXTRA_CA_CERTS, as the launcher starts a build: the rows compare loading, not that.
    const r = sh(command[0], [...command.slice(1), 'build', show, '--out', unusedDir('out-mp3')], {
      NETCASTER_CACHE_DIR: unusedDir('cache-mp3'),
      NODE_EXTRA_CA_CERTS: undefined,
    });
    if (r.code !== 0) throw new Error(`build failed on the MP3-only bench show:\n${r.out.slice(0, 2000)}`);
    return r.ms;
  };
  const bundled: number[] = [];
  const unbundled: number[] = [];
  const node: number[] = [];
  build(cli); // the files in the page cache
  for (let i = 0; i < 7; i++) {
    node.push(nodeStartMs());
    bundled.push(build(cli));
    unbundled.push(build(unbundledCli));
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  row(
    `build, MP3-only show, cold (${EPISODES} files; bundled CLI)`,
    mid(bundled),
    'node -e 0',
    mid(node),
    'none (the PHP tool took 175 ms beside 950 ms before)',
    true,
  );
  notes.push(
    `Cold MP3-only build, the same run: bundled ${mid(bundled).toFixed(0)} ms, unbundled (dist/src/cli.js) ${mid(unbundled).toFixed(0)} ms, node -e 0 ${mid(node).toFixed(0)} ms (medians of 7, alternated).`,
  );
}

async function benchMp3(): Promise<void> {
  const { benchMp3Scan } = await import('./mp3-scan.js');
  const r = (await benchMp3Scan()) as {
    trueDuration: number;
    ours: { seconds: number; duration: number };
    musicMetadata: { seconds: number; duration?: number };
    ffprobe: { seconds: number; duration?: number };
  };
  const err = Math.abs(r.ours.duration - r.trueDuration);
  row(
    `60-min VBR MP3 without Xing: duration scan (ours ${r.ours.duration.toFixed(2)} s, true ${r.trueDuration.toFixed(2)} s)`,
    r.ours.seconds * 1000,
    'ffprobe',
    r.ffprobe.seconds * 1000,
    'under 500 ms and within 0.5 s',
    r.ours.seconds < 0.5 && err <= 0.5,
  );
  notes.push(
    `60-min VBR MP3 without Xing: true ${r.trueDuration.toFixed(2)} s; ours ${r.ours.duration.toFixed(2)} s in ${(r.ours.seconds * 1000).toFixed(0)} ms; music-metadata (duration: true) ${r.musicMetadata.duration?.toFixed(2) ?? 'none'} s in ${(r.musicMetadata.seconds * 1000).toFixed(0)} ms; ffprobe ${r.ffprobe.duration?.toFixed(2) ?? 'none'} s in ${(r.ffprobe.seconds * 1000).toFixed(0)} ms.`,
  );
}

interface Load {
  requestsPerSecond: number;
  megabytesPerSecond: number;
}
interface ServeFigures {
  setup: { streams: number; connections: number; rangeBytes: number; mediaBytes: number };
  ranges: { netcaster: Load; nginx: Load };
  rangesWrk: { netcaster: Load; nginx: Load };
  feed: { netcaster: Load; nginx: Load };
  memory: { baselineMb: number; peakMb: number };
}

async function benchHttp(): Promise<void> {
  const { benchServe } = await import('./serve.js');
  const r = (await benchServe()) as ServeFigures;
  const mb = (x: Load) => x.megabytesPerSecond;
  // wrk is the honest media figure: autocannon itself tops out near 60 MB/s here, below both servers.
  row(
    `media: random ${r.setup.rangeBytes / 2 ** 20} MB ranges of a ${r.setup.mediaBytes / 2 ** 20} MB file, wrk (MB/s, higher is better)`,
    mb(r.rangesWrk.netcaster),
    'nginx MB/s',
    mb(r.rangesWrk.nginx),
    '>= 70% of nginx',
    mb(r.rangesWrk.netcaster) >= 0.7 * mb(r.rangesWrk.nginx),
  );
  row(
    'media: the same with autocannon (MB/s, client-bound)',
    mb(r.ranges.netcaster),
    'nginx MB/s',
    mb(r.ranges.nginx),
    '>= 70% of nginx',
    mb(r.ranges.netcaster) >= 0.7 * mb(r.ranges.nginx),
  );
  row(
    'feed: whole feed requests (req/s, higher is better)',
    r.feed.netcaster.requestsPerSecond,
    'nginx req/s',
    r.feed.nginx.requestsPerSecond,
    'none',
    true,
  );
  row(
    `memory: resident MB with ${r.setup.streams} concurrent streams`,
    r.memory.peakMb,
    'at start, MB',
    r.memory.baselineMb,
    'under 150 MB',
    r.memory.peakMb < 150,
  );
  notes.push(
    `Serving, raw figures (netcaster vs nginx on 127.0.0.1, same files, load generator on the same 2 cores): \`${JSON.stringify(r)}\``,
  );
}

interface ImportFigures {
  episodes: number;
  mediaMb: number;
  importMs: number;
  wgetMs: number;
  memory: Record<string, { peakMb: number; seconds: number }>;
}

async function benchImportRows(): Promise<void> {
  const { benchImport } = await import('./import.js');
  const r = (await benchImport()) as ImportFigures;
  row(
    `import: a ${r.episodes}-episode feed from 127.0.0.1 (${r.mediaMb} MB of MP3), checked`,
    r.importMs,
    'wget of the same enclosures',
    r.wgetMs,
    'within 1.2x of wget',
    r.importMs <= 1.2 * r.wgetMs,
  );
  const [small, big] = Object.keys(r.memory)
    .map(Number)
    .sort((a, b) => a - b);
  const flat = r.memory[big].peakMb <= r.memory[small].peakMb * 1.25;
  row(
    `import: peak resident MB, feed of ${big} items`,
    r.memory[big].peakMb,
    `${small} items, MB`,
    r.memory[small].peakMb,
    'flat (within 25%)',
    flat,
  );
  notes.push(`Import, raw figures: \`${JSON.stringify(r)}\``);
}

async function benchEncodeRow(): Promise<void> {
  const { benchEncode } = await import('./encode.js');
  const r = benchEncode();
  for (const [what, x] of [
    ['10-min audio master to', r.audio],
    ['1-min video master to', r.video],
  ] as const) {
    row(
      `encode: ${what} ${x.formats.join(' and ')} (${x.speed.toFixed(1)}x real time over all outputs)`,
      x.netcaster * 1000,
      'an ffmpeg run with loudnorm per output',
      x.plain * 1000,
      'at most 0.7x',
      x.netcaster <= 0.7 * x.plain,
    );
  }
  notes.push(`encode, raw figures (seconds): \`${JSON.stringify(r)}\``);
}

interface AudienceFigures {
  setup: { logLines: number; logMb: number; streams: number };
  throughput: { countingOnMBs: number; countingOffMBs: number };
  memory: { baselineMb: number; peakMb: number; streamsOpen: number };
  import: {
    netcaster: { seconds: number; peakMb: number; code: number | null };
    netcasterAgain: { seconds: number };
    goaccess?: { seconds: number; peakMb: number };
  };
  targets: { throughputWithCounting: { met: boolean }; rssWith200Streams: { met: boolean } };
}

async function benchCounting(): Promise<void> {
  const { benchAudience } = await import('./audience.js');
  const r = (await benchAudience()) as AudienceFigures;
  row(
    'media with download counting on: random 1 MB ranges, wrk (MB/s)',
    r.throughput.countingOnMBs,
    'counting off, MB/s',
    r.throughput.countingOffMBs,
    '>= 95% of off',
    r.targets.throughputWithCounting.met,
  );
  row(
    `memory: resident MB with ${r.setup.streams} concurrent streams, counting on`,
    r.memory.peakMb,
    'at start, MB',
    r.memory.baselineMb,
    'under 200 MB',
    r.targets.rssWith200Streams.met,
  );
  if (r.import.goaccess) {
    row(
      `stats import of a ${r.setup.logLines.toLocaleString('en')}-line nginx log (${r.setup.logMb} MB)`,
      r.import.netcaster.seconds * 1000,
      'GoAccess, ms',
      r.import.goaccess.seconds * 1000,
      'none (reported)',
      r.import.netcaster.code === 0,
    );
  }
  notes.push(`Download counting, raw figures: \`${JSON.stringify(r)}\``);
}

interface BigShowFigures {
  episodes: number;
  nodeStartMs: number;
  nodeRssMb: number;
  firstOkMs: number;
  rssMb: number;
  peakRssMb: number;
}

/** serve on a show of 10,000 MP3-only episodes, facts cached: start-up to the first 200, and memory (bench/big-serve.ts). */
async function benchBigShow(): Promise<void> {
  const { benchBigShow: run } = await import('./big-serve.js');
  const r = (await run()) as BigShowFigures;
  row(
    `serve, ${r.episodes} MP3-only episodes, facts cached: start to first 200 on /`,
    r.firstOkMs,
    'node -e 0',
    r.nodeStartMs,
    'about 1000 ms',
    r.firstOkMs < 1500,
  );
  row(
    `serve, ${r.episodes} episodes: resident MB after the show page, the feed and 5 episode pages`,
    r.rssMb,
    'node -e 0, MB',
    r.nodeRssMb,
    'under 250 MB',
    r.rssMb < 250,
  );
  notes.push(`Serving ${r.episodes} episodes, raw figures: \`${JSON.stringify(r)}\``);
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

/** Where the bench's environment sets NODE_EXTRA_CA_CERTS: what Node's start costs with it, beside the floor the rows use. */
function certificatesNote(): void {
  if (!process.env.NODE_EXTRA_CA_CERTS) return;
  const runs = Array.from({ length: 9 }, (_, i) => (i % 2 ? nodeStartMs() : sh(process.execPath, ['-e', '0']).ms));
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [without, withIt] = [mid(runs.filter((_, i) => i % 2)), mid(runs.filter((_, i) => i % 2 === 0))];
  notes.push(
    `NODE_EXTRA_CA_CERTS is set in this environment: \`node -e 0\` takes ${withIt.toFixed(0)} ms with it and ${without.toFixed(0)} ms without (alternated). check, build, publish-due, status and new start without it (bin/netcaster), so their rows' \`node -e 0\` is the one without; serve keeps it, and so does its row's.`,
  );
}

function writeReport(): void {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}.`,
    'Each figure stands beside a baseline measured in the same run; medians of several runs (cold: 3 for check, 5 for builds; warm: 9, or 5 for the big build; wrk: 5 rounds alternating with nginx).',
    '',
    '| what | netcaster | baseline | ratio | target | met |',
    '|---|---:|---|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.ms.toFixed(0)} | ${r.baseline}: ${r.baselineMs.toFixed(0)} | ${(r.ms / r.baselineMs).toFixed(2)} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`,
    ),
    '',
    'Times in ms unless the row says otherwise; for throughput rows the ratio is netcaster / nginx.',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), lines.join('\n'));
  console.error('bench: wrote BENCHMARKS.md');
}

const wanted = new Set(process.argv.slice(2));
const all = wanted.size === 0;
fs.mkdirSync(tmp, { recursive: true });
fs.rmSync(coldDirs, { recursive: true, force: true }); // left by a run that was stopped
const cb = new Set<string>([...wanted].filter((w) => w === 'check' || w === 'build'));
if (all) for (const w of ['check', 'build']) cb.add(w);
/**
 * Runs one piece; a piece that fails (a tool missing, a server that did not answer) is reported
 * as a row of its own, and the pieces after it still run and their figures still reach the report.
 */
async function piece(name: string, fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    console.error(`bench: ${name} failed: ${(err as Error).stack ?? err}`);
    notes.push(`**${name} failed** in this run: ${(err as Error).message}`);
  }
}

if (cb.size) await piece('check/build', () => benchCheckAndBuild(cb));
if (all || wanted.has('podcast')) await piece('podcast', benchAudioOnlyBuild);
if (all || wanted.has('big')) await piece('big', benchTenThousand);
if (all || wanted.has('cold')) await piece('cold', benchColdBuild);
if (all || wanted.has('mp3')) await piece('mp3', benchMp3);
if (all || wanted.has('serve')) await piece('serve', benchHttp);
if (all || wanted.has('import')) await piece('import', benchImportRows);
if (all || wanted.has('encode')) await piece('encode', benchEncodeRow);
if (all || wanted.has('audience')) await piece('audience', benchCounting);
if (all || wanted.has('big-serve')) await piece('big-serve', benchBigShow);
certificatesNote();
writeReport();
fs.rmSync(coldDirs, { recursive: true, force: true });
