// Benchmark: `netcaster serve` on a show of 10,000 MP3-only episodes, with the media facts cached.
// Measures, beside `node -e 0` from the same run:
//   - the time from spawning `serve` to its first 200 on `/` (polling every 20 ms);
//   - its resident memory after asking for the show page, the feed and a few episode pages.
// The show is bench/big-show.ts's, generated once into bench/tmp.
//
//   node dist/bench/big-serve.js           prints one JSON document
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';
import { BIG_EPISODES, makeTenThousandShow } from './big-show.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp');
const cli = path.join(root, 'bin', 'netcaster'); // what `netcaster` runs
/** Polling step while waiting for the first 200. */
const POLL_MS = 20;
/** Runs of the start-up measurement (median). */
const RUNS = 3;

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
/**
 * Five published episodes (date not ahead) spread over the show: the newest, the oldest and three
 * between. The generated show runs past today, so its last folders are scheduled, not published.
 */
function publishedSample(show: string): string[] {
  const now = Date.now();
  const published = fs
    .readdirSync(show)
    .filter((name) => /^\d/.test(name))
    .sort()
    .filter((slug) => {
      const date = /^date: (.+)$/m.exec(fs.readFileSync(path.join(show, slug, 'episode.yaml'), 'utf8'))?.[1];
      return date !== undefined && Date.parse(date) <= now;
    });
  const at = (f: number) => published[Math.min(published.length - 1, Math.floor(f * (published.length - 1)))];
  return [at(1), at(0), at(0.25), at(0.5), at(0.75)];
}

async function serveOnce(
  show: string,
  cache: string,
): Promise<{ firstOkMs: number; firstOkCpuMs: number; rssMb: number; peakMb: number; pages: Record<string, number> }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(cli, ['serve', show, '--host', '127.0.0.1', '--port', String(port)], {
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
    const asked = ['/', '/feeds/audio.xml', ...publishedSample(show).map((slug) => `/episodes/${slug}/`)];
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
  const show = makeTenThousandShow(tmp);
  const cache = path.join(tmp, `cache-${BIG_EPISODES}-mp3`);
  // Facts cached: one check fills the cache (slow the first time only).
  const t = process.hrtime.bigint();
  const check = spawnSync(cli, ['check', show], {
    env: { ...process.env, NETCASTER_CACHE_DIR: cache },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (check.status !== 0) throw new Error(`check failed on the huge show:\n${(check.stdout + check.stderr).slice(0, 2000)}`);
  const checkMs = Number(process.hrtime.bigint() - t) / 1e6;
  const nodeRuns = Array.from({ length: 9 }, () => {
    const s = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - s) / 1e6;
  });
  const nodeCpu = spawnSync(
    process.execPath,
    ['-e', 'const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000))'],
    { encoding: 'utf8' },
  );
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
