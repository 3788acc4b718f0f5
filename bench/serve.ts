// Benchmark: netcaster's server (createApp over a hand-made SiteRoutes) against nginx serving the
// same files, on 127.0.0.1 only, bounded in time. Measures
//   - random 1 MB byte ranges of a 50 MB media file (what players and podcast apps do),
//   - whole-feed requests (what podcast directories and apps poll),
//   - resident memory of the netcaster process while 200 clients stream the file at once.
// Targets: netcaster >= 70 % of nginx's media throughput; RSS < 150 MB with 200 streams.
//
//   node dist/bench/serve.js            prints one JSON document
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';

const MEDIA_BYTES = 50 * 1024 * 1024;
const RANGE_BYTES = 1024 * 1024;
const FEED_ITEMS = 300;
const DURATION_S = 5;
const CONNECTIONS = 16;
const STREAMS = 200;
const WRK_ROUNDS = 5;

interface WrkResult {
  requestsPerSecond: number;
  megabytesPerSecond: number;
}
// Between reads of one stream client: about 64 KB per 100 ms, 5 Mbit/s, a video listener's pace rather than a download storm.
const STREAM_PAUSE_MS = Number(process.env.STREAM_PAUSE_MS ?? 100);
const NGINX = '/usr/sbin/nginx';

interface AutocannonResult {
  requests: { average: number; total: number };
  throughput: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A feed about as big as a show with a few hundred episodes. */
function feedXml(): string {
  const items = Array.from(
    { length: FEED_ITEMS },
    (_, i) =>
      `<item><title>Episode ${i}</title><guid isPermaLink="false">${randomBytes(16).toString('hex')}</guid><pubDate>${new Date(Date.UTC(2014, 0, 1) + i * 864e5).toUTCString()}</pubDate><description><![CDATA[<p>Notes for episode ${i}: hypervisors, containers and clouds.</p>]]></description><enclosure url="http://127.0.0.1/media/ep/${i}.mp3" length="${1e7 + i}" type="audio/mpeg"/></item>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bench</title>\n${items}\n</channel></rss>\n`;
}

/** The netcaster side, run in a child process so its memory is its own: `serve.js --server DIR`. */
async function runServer(dir: string): Promise<void> {
  // The young generation kept as `serve` keeps it (src/commands/serve.ts, keepYoungGenerationSmall),
  // so these figures are those of the server a podcaster runs.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  const { createApp } = await import('../src/site/app.js');
  const media = path.join(dir, 'www', 'media', 'ep', 'big.mp3');
  const stat = fs.statSync(media);
  const site = new Map([
    ['/media/ep/big.mp3', { kind: 'file' as const, contentType: 'audio/mpeg', path: media, size: stat.size, mtimeMs: stat.mtimeMs }],
    [
      '/feeds/audio.xml',
      {
        kind: 'content' as const,
        contentType: 'application/rss+xml; charset=utf-8',
        body: fs.readFileSync(path.join(dir, 'www', 'feeds', 'audio.xml'), 'utf8'),
      },
    ],
  ]);
  const server = createApp(() => site).listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

async function waitForPort(port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listening on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** nginx with a throwaway config: one worker (netcaster is one process), no access log, no root paths. */
async function startNginx(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const prefix = path.join(dir, 'nginx');
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { audio/mpeg mp3; application/rss+xml xml; }
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
  }
}
`;
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs', 'error.log')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port);
  return { port, child };
}

async function startNetcaster(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--server', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`netcaster bench server exited with ${code}`)));
  });
  return { port, child };
}

/**
 * The same random 1 MB ranges with wrk, a C load generator: autocannon parses every body in
 * JavaScript and tops out near 50-60 MB/s here, below both servers, so its media ratio is mostly
 * the client's. wrk shows the servers' own ceiling (one thread, so it keeps to one core).
 */
function wrkRanges(port: number, dir: string): WrkResult | undefined {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0)
    throw new Error('wrk is not installed: the media figure needs it (scripts/install-test-tools.sh installs it)');
  const script = path.join(dir, 'ranges.lua');
  fs.writeFileSync(
    script,
    `math.randomseed(os.time())\nrequest = function()\n  local s = math.random(0, ${MEDIA_BYTES - RANGE_BYTES})\n  return wrk.format("GET", "/media/ep/big.mp3", { Range = "bytes=" .. s .. "-" .. (s + ${RANGE_BYTES - 1}) })\nend\n`,
  );
  const r = spawnSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '-s', script, `http://127.0.0.1:${port}/media/ep/big.mp3`], {
    encoding: 'utf8',
    timeout: (DURATION_S + 10) * 1000,
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const transfer = /Transfer\/sec:\s+([\d.]+)([KMG]?)B/.exec(r.stdout);
  if (!transfer || Number.isNaN(rps)) return undefined;
  const scale = { '': 1 / 1024 / 1024, K: 1 / 1024, M: 1, G: 1024 }[transfer[2] as '' | 'K' | 'M' | 'G'];
  return { requestsPerSecond: Math.round(rps), megabytesPerSecond: Math.round(Number(transfer[1]) * scale * 10) / 10 };
}

/**
 * wrk against each server in turn, WRK_ROUNDS times, and the median of each: neighbours on a
 * shared machine move single runs by a third, and alternating rounds meet the same neighbours.
 */
function wrkRangesInterleaved(netcasterPort: number, nginxPort: number, dir: string) {
  const runs: { netcaster: WrkResult[]; nginx: WrkResult[] } = { netcaster: [], nginx: [] };
  for (let round = 0; round < WRK_ROUNDS; round++) {
    const a = wrkRanges(netcasterPort, dir);
    const b = wrkRanges(nginxPort, dir);
    if (!a || !b) return { netcaster: undefined, nginx: undefined };
    runs.netcaster.push(a);
    runs.nginx.push(b);
  }
  const median = (results: WrkResult[]) => [...results].sort((x, y) => x.megabytesPerSecond - y.megabytesPerSecond)[results.length >> 1];
  return { netcaster: median(runs.netcaster), nginx: median(runs.nginx), rounds: runs };
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function load(port: number, what: 'ranges' | 'feed') {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${what === 'ranges' ? '/media/ep/big.mp3' : '/feeds/audio.xml'}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: { headers?: Record<string, string> }) => {
          if (what === 'feed') return req;
          const start = Math.floor(Math.random() * (MEDIA_BYTES - RANGE_BYTES));
          return { ...req, headers: { ...req.headers, range: `bytes=${start}-${start + RANGE_BYTES - 1}` } };
        },
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    megabytesPerSecond: Math.round((result.throughput.average / 1024 / 1024) * 10) / 10,
    latencyP50ms: result.latency.p50,
    latencyP99ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * STREAMS clients each stream the whole 50 MB file at a throttled pace (as listeners do), all at
 * once; the peak VmRSS of the server process while they are all open.
 */
async function memoryUnderStreams(
  port: number,
  pid: number,
): Promise<{ baselineMb: number; peakMb: number; streamsOpen: number; megabytesSent: number }> {
  const baselineMb = rssMb(pid);
  const agent = new http.Agent({ maxSockets: STREAMS });
  const requests: http.ClientRequest[] = [];
  let open = 0;
  let received = 0;
  for (let i = 0; i < STREAMS; i++) {
    const req = http.get({ host: '127.0.0.1', port, path: '/media/ep/big.mp3', agent }, (res) => {
      open++;
      // Read a little, then pause a little: the server must hold back (backpressure), not buffer.
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        res.pause();
        setTimeout(() => res.resume(), STREAM_PAUSE_MS);
      });
    });
    req.on('error', () => undefined);
    requests.push(req);
  }
  let peakMb = baselineMb;
  const until = Date.now() + 4000;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    peakMb = Math.max(peakMb, rssMb(pid));
  }
  const streamsOpen = open;
  for (const req of requests) req.destroy();
  agent.destroy();
  return { baselineMb, peakMb, streamsOpen, megabytesSent: Math.round(received / 1024 / 1024) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

export async function benchServe(): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-bench-serve-'));
  // nginx's worker may run as another user: the throwaway tree must be readable.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'www', 'media', 'ep'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'www', 'feeds'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www', 'media', 'ep', 'big.mp3'), randomBytes(MEDIA_BYTES));
  fs.writeFileSync(path.join(dir, 'www', 'feeds', 'audio.xml'), feedXml());
  const children: ChildProcess[] = [];
  try {
    const nginx = await startNginx(dir);
    children.push(nginx.child);
    const netcaster = await startNetcaster(dir);
    children.push(netcaster.child);

    // Memory first, on the fresh process: what 200 streams cost, not what the heap kept from the load tests.
    const memory = await memoryUnderStreams(netcaster.port, netcaster.child.pid!);
    const ranges = { netcaster: await load(netcaster.port, 'ranges'), nginx: await load(nginx.port, 'ranges') };
    const feed = { netcaster: await load(netcaster.port, 'feed'), nginx: await load(nginx.port, 'feed') };
    const rangesWrk = wrkRangesInterleaved(netcaster.port, nginx.port, dir);
    const rssAfterLoadMb = rssMb(netcaster.child.pid!);
    const mediaRatio = Math.round((ranges.netcaster.megabytesPerSecond / ranges.nginx.megabytesPerSecond) * 100) / 100;
    const wrkRatio =
      rangesWrk.netcaster && rangesWrk.nginx
        ? Math.round((rangesWrk.netcaster.megabytesPerSecond / rangesWrk.nginx.megabytesPerSecond) * 100) / 100
        : undefined;
    return {
      setup: {
        mediaBytes: MEDIA_BYTES,
        rangeBytes: RANGE_BYTES,
        feedBytes: fs.statSync(path.join(dir, 'www', 'feeds', 'audio.xml')).size,
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
        streams: STREAMS,
        cpus: os.cpus().length,
      },
      ranges,
      rangesWrk,
      feed,
      memory: { ...memory, rssAfterLoadMb },
      targets: {
        mediaThroughputVsNginx: { value: mediaRatio, target: '>= 0.7', met: mediaRatio >= 0.7 },
        mediaThroughputVsNginxWrk: wrkRatio === undefined ? undefined : { value: wrkRatio, target: '>= 0.7', met: wrkRatio >= 0.7 },
        rssWith200Streams: { valueMb: memory.peakMb, target: '< 150', met: memory.peakMb < 150 && memory.streamsOpen === STREAMS },
      },
    };
  } finally {
    await Promise.all(children.map(stopChild));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--server') {
  await runServer(process.argv[3]);
} else if (isMain) {
  console.log(JSON.stringify(await benchServe(), null, 2));
}
