// Benchmark: `netcaster serve` on a show of 10,000 MP3-only episodes, with the media facts cached.
// Measures, beside `node -e 0` from the same run:
//   - the time from spawning `serve` to its first 200 on `/` (polling every 20 ms);
//   - its resident memory after asking for the show page, the feed and a few episode pages.
// The show is generated once into bench/tmp: one tiny MP3 made by ffmpeg, hard-linked (or copied
// where links are refused) into every episode folder, manifests and notes written here.
//
//   node dist/bench/big-show.js            prints one JSON document
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp');
const cli = path.join(root, 'dist', 'src', 'cli.js');
export const BIG_EPISODES = 10_000;
/** Polling step while waiting for the first 200. */
const POLL_MS = 20;
/** Runs of the start-up measurement (median). */
const RUNS = 3;

/** The 10,000-episode MP3-only show, made once and kept in bench/tmp. */
export function makeHugeShow(episodes = BIG_EPISODES): string {
  const dir = path.join(tmp, `show-${episodes}-mp3`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  console.error(`bench: generating ${episodes} MP3-only episodes (once)…`);
  const mp3 = path.join(tmp, 'src', 'tiny.mp3');
  fs.mkdirSync(path.dirname(mp3), { recursive: true });
  if (!fs.existsSync(mp3)) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=22050:duration=3', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '32k', mp3]);
  }
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x336699:size=1400x1400', '-frames:v', '1', path.join(dir, 'artwork.jpg')]);
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    'title: Huge Bench Show\ndescription: A generated show of ten thousand episodes for benchmarks.\nauthor: Bench\nlanguage: en\nbaseUrl: https://bench.example\nartwork: artwork.jpg\nowner: { name: Bench, email: bench@example.com }\ncategories: [Technology]\nfeeds:\n  audio: { title: Audio, enclosure: mp3 }\n',
  );
  let link = true;
  for (let i = 1; i <= episodes; i++) {
    const n = String(i).padStart(5, '0');
    const ep = path.join(dir, `${n}-episode`);
    fs.mkdirSync(ep);
    const target = path.join(ep, `show-${n}.mp3`);
    if (link) {
      try {
        fs.linkSync(mp3, target);
      } catch {
        link = false; // another file system, say: copies are small
      }
    }
    if (!link) fs.copyFileSync(mp3, target);
    const date = new Date(Date.UTC(1999, 0, 1) + i * 86400000).toISOString();
    fs.writeFileSync(path.join(ep, 'episode.yaml'), `title: Episode ${i}\ndate: ${date}\nnumber: ${i}\nsummary: Episode ${i} of the huge bench show.\nguid: huge-${n}\nmedia:\n  mp3: show-${n}.mp3\n`);
    fs.writeFileSync(path.join(ep, 'notes.md'), `# Episode ${i}\n\nSome *notes* with [a link](https://example.com/${i}) and a list:\n\n- one\n- two\n`);
  }
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function get(port: number, urlPath: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', () => resolve({ status: 0, bytes: 0 }));
  });
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time (user + system, ms) the process has used: on a loaded machine, what start-up cost apart from waiting for a core. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One `serve` from spawn to the first 200 on `/`, then the requests, then its memory. */
async function serveOnce(show: string, cache: string): Promise<{ firstOkMs: number; firstOkCpuMs: number; rssMb: number; peakMb: number; pages: Record<string, number> }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, 'serve', show, '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, NETCASTER_CACHE_DIR: cache },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let firstOkMs = NaN;
    let firstOkCpuMs = NaN;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const { status } = await get(port, '/');
      if (status === 200) {
        firstOkMs = Number(process.hrtime.bigint() - started) / 1e6;
        firstOkCpuMs = cpuMs(child.pid!);
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (!(firstOkMs >= 0)) throw new Error(`serve gave no 200 on / within 120 s:\n${stderr.slice(0, 2000)}`);
    const pages: Record<string, number> = {};
    const asked = ['/', '/feeds/audio.xml', '/episodes/10000-episode/', '/episodes/05000-episode/', '/episodes/00001-episode/', '/episodes/00002-episode/', '/episodes/09999-episode/'];
    for (const urlPath of asked) {
      const t = process.hrtime.bigint();
      const { status } = await get(port, urlPath);
      if (status !== 200) throw new Error(`serve answered ${status} for ${urlPath}`);
      pages[urlPath] = Math.round(Number(process.hrtime.bigint() - t) / 1e6);
    }
    // Let the background compression of the big feed finish: memory as it stays, not mid-pass.
    await new Promise((r) => setTimeout(r, 1500));
    const { rss, peak } = rssMb(child.pid!);
    return { firstOkMs, firstOkCpuMs, rssMb: rss, peakMb: peak, pages };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchBigShow() {
  const show = makeHugeShow();
  const cache = path.join(tmp, `cache-${BIG_EPISODES}-mp3`);
  // Facts cached: one check fills the cache (slow the first time only).
  const t = process.hrtime.bigint();
  const check = spawnSync(process.execPath, [cli, 'check', show], { env: { ...process.env, NETCASTER_CACHE_DIR: cache }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (check.status !== 0) throw new Error(`check failed on the huge show:\n${(check.stdout + check.stderr).slice(0, 2000)}`);
  const checkMs = Number(process.hrtime.bigint() - t) / 1e6;
  const nodeRuns = Array.from({ length: 9 }, () => {
    const s = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - s) / 1e6;
  });
  const nodeCpu = spawnSync(process.execPath, ['-e', 'const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000))'], { encoding: 'utf8' });
  const nodeMem = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], { encoding: 'utf8' });
  const loadAverage = os.loadavg()[0];
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await serveOnce(show, cache));
  return {
    episodes: BIG_EPISODES,
    checkMsToFillCache: Math.round(checkMs),
    nodeStartMs: Math.round(median(nodeRuns)),
    nodeRssMb: Math.round(Number(nodeMem.stdout) / 2 ** 20),
    /** Load average when the runs began: figures from a machine busy with other work are slower. */
    loadAverage,
    nodeCpuMs: Math.round(Number(nodeCpu.stdout)),
    firstOkMs: Math.round(median(runs.map((r) => r.firstOkMs))),
    firstOkCpuMs: Math.round(median(runs.map((r) => r.firstOkCpuMs))),
    rssMb: Math.round(median(runs.map((r) => r.rssMb))),
    peakRssMb: Math.round(median(runs.map((r) => r.peakMb))),
    runs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(tmp, { recursive: true });
  process.stdout.write(`${JSON.stringify(await benchBigShow(), null, 2)}\n`);
}
