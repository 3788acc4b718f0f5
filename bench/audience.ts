// Benchmark: download counting.
//   - media throughput of netcaster's server with counting on against off (random 1 MB ranges of
//     a 50 MB file, wrk, rounds alternated, each server warmed first), target >= 95 %;
//   - resident memory with 200 concurrent streams, counting on, target < 200 MB;
//   - `stats import` of a generated 1,000,000-line nginx log against GoAccess reading the same file.
//
//   node dist/bench/audience.js           prints one JSON document (bench/run.ts `audience` uses it)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

/** The size of the bench's MP3, set when it is made (about 50 MB). */
let MEDIA_BYTES = 0;
const RANGE_BYTES = 1024 * 1024;
const DURATION_S = 5;
const CONNECTIONS = 16;
const ROUNDS = 6;
const WARMUP_S = 1;
const STREAMS = 200;
const LOG_LINES = Number(process.env.AUDIENCE_LOG_LINES ?? 1_000_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli.js');

/** The server side, in a child process so its memory is its own: `audience.js --server DIR on|off`. */
async function runServer(dir: string, counting: boolean): Promise<void> {
  // The young generation kept as `serve` keeps it (src/commands/serve.ts, keepYoungGenerationSmall).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  const { createApp } = await import('../src/site/app.js');
  const { LiveRecorder } = await import('../src/audience/live.js');
  const media = path.join(dir, 'big.mp3');
  const stat = fs.statSync(media);
  const site = new Map([
    ['/media/ep/big.mp3', { kind: 'file' as const, contentType: 'audio/mpeg', path: media, size: stat.size, mtimeMs: stat.mtimeMs }],
  ]);
  // The catalog the recorder needs to know the file: one episode, one format.
  const catalog = {
    show: { feeds: [] },
    episodes: [{ slug: 'ep', media: [{ format: 'mp3', fileName: 'big.mp3', path: media, facts: { hasVideo: false } }] }],
  } as never;
  const recorder = counting
    ? new LiveRecorder({
        getCatalog: () => catalog,
        log: (line) => process.stderr.write(line + '\n'),
        env: { ...process.env, NETCASTER_DATA_DIR: path.join(dir, 'data') },
      })
    : undefined;
  // Started as `serve` starts it, before traffic comes: the database is open by then.
  await recorder?.start();
  const server = createApp(() => site as never, { onServed: recorder ? (r) => recorder.record(r) : undefined }).listen(
    0,
    '127.0.0.1',
    () => {
      process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
    },
  );
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(async () => {
      await recorder?.stop();
      process.exit(0);
    });
  });
}

async function startServer(dir: string, counting: boolean): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--server', dir, counting ? 'on' : 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (c: Buffer) => resolve(JSON.parse(c.toString()).port));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

/** Random 1 MB ranges with wrk; each request another User-Agent, so the engine tracks many listeners. */
function wrk(port: number, dir: string, seconds = DURATION_S): number {
  const script = path.join(dir, 'ranges.lua');
  fs.writeFileSync(
    script,
    `math.randomseed(os.time())\nrequest = function()\n  local s = math.random(0, ${MEDIA_BYTES - RANGE_BYTES})\n  return wrk.format("GET", "/media/ep/big.mp3", { Range = "bytes=" .. s .. "-" .. (s + ${RANGE_BYTES - 1}), ["User-Agent"] = "AntennaPod/3." .. math.random(0, 999) })\nend\n`,
  );
  const r = spawnSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/media/ep/big.mp3`], {
    encoding: 'utf8',
    timeout: (seconds + 10) * 1000,
  });
  const m = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(r.stdout);
  if (!m) throw new Error(`wrk: ${r.stdout}${r.stderr}`);
  const unit = { B: 1 / 2 ** 20, KB: 1 / 1024, MB: 1, GB: 1024 }[m[2]] ?? 1;
  return Math.round(Number(m[1]) * unit * 10) / 10;
}

/** CPU time a process has used so far, all its threads (utime + stime, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** STREAMS clients stream the whole file at a listener's pace, all at once; the server's peak RSS. */
async function memoryUnderStreams(port: number, pid: number): Promise<{ baselineMb: number; peakMb: number; streamsOpen: number }> {
  const baselineMb = rssMb(pid);
  const agent = new http.Agent({ maxSockets: STREAMS });
  const requests: http.ClientRequest[] = [];
  let open = 0;
  for (let i = 0; i < STREAMS; i++) {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/media/ep/big.mp3', agent, headers: { 'User-Agent': `Overcast/3.${i}` } },
      (res) => {
        open++;
        res.on('data', () => {
          res.pause();
          setTimeout(() => res.resume(), 100);
        });
      },
    );
    req.on('error', () => undefined);
    requests.push(req);
  }
  let peakMb = baselineMb;
  for (const until = Date.now() + 4000; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100));
    peakMb = Math.max(peakMb, rssMb(pid));
  }
  const streamsOpen = open;
  for (const req of requests) req.destroy(); // 200 responses end at once: 200 records for the recorder
  agent.destroy();
  for (const until = Date.now() + 2000; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100));
    peakMb = Math.max(peakMb, rssMb(pid));
  }
  return { baselineMb, peakMb, streamsOpen };
}

/** A show with one real MP3 episode, and a log of `lines` requests against it. */
export function makeShowAndLog(dir: string, lines: number): { show: string; log: string } {
  const show = path.join(dir, 'show');
  fs.mkdirSync(path.join(show, 'ep'), { recursive: true });
  fs.copyFileSync(path.join(root, 'episodes', 'artwork.jpg'), path.join(show, 'artwork.jpg'));
  fs.copyFileSync(path.join(root, 'tests', 'fixtures', 'media', 'good-cbr.mp3'), path.join(show, 'ep', 'a.mp3'));
  fs.writeFileSync(
    path.join(show, 'show.yaml'),
    'title: Bench\ndescription: B.\nauthor: B\nlanguage: en\nbaseUrl: https://bench.example\nartwork: artwork.jpg\nfeeds:\n  audio: { title: Audio, enclosure: mp3 }\n',
  );
  fs.writeFileSync(
    path.join(show, 'ep', 'episode.yaml'),
    'title: E\ndate: 2020-01-01T10:00:00Z\nsummary: S.\nguid: bench-ep\nmedia:\n  mp3: a.mp3\n',
  );
  const size = fs.statSync(path.join(show, 'ep', 'a.mp3')).size;
  const uas = [
    'gPodder/3.11.1 (+http://gpodder.org/) Linux',
    'AntennaPod/3.2.0',
    'Podcasts/1650.20 CFNetwork/1333.0.4 Darwin/21.5.0',
    'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
    'Spotify/8.6.0 iOS/15.1 (iPhone13,2)',
  ];
  const months = ['Oct', 'Nov'];
  const log = path.join(dir, 'access.log');
  const fd = fs.openSync(log, 'w');
  let chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ip = `10.${(i * 7) % 200}.${(i * 13) % 250}.${i % 97}`;
    const day = String(1 + (Math.floor(i / (lines / 60)) % 30)).padStart(2, '0');
    const time = `${day}/${months[Math.floor((i / lines) * 2)]}/2026:${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0000`;
    const ua = uas[i % uas.length];
    const kind = i % 10;
    const line =
      kind < 5
        ? `${ip} - - [${time}] "GET /media/ep/a.mp3 HTTP/1.1" 200 ${size} "-" "${ua}"`
        : kind < 7
          ? `${ip} - - [${time}] "GET /media/ep/a.mp3 HTTP/1.1" 206 ${size - 1000} "-" "${ua}" "bytes=1000-"`
          : kind < 8
            ? `${ip} - - [${time}] "HEAD /media/ep/a.mp3 HTTP/1.1" 200 0 "-" "${ua}"`
            : `${ip} - - [${time}] "GET /feeds/audio.xml HTTP/1.1" 200 4000 "-" "${ua}"`;
    chunk.push(line);
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  return { show, log };
}

/** Wall time and peak RSS of a command (GNU time's format, read from its own output file). */
function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { seconds: number; peakMb: number; code: number | null; out: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  const seconds = Math.round((Number(process.hrtime.bigint() - started) / 1e9) * 100) / 100;
  const kb = Number(/(\d+)\s*$/.exec(r.stderr.trim())?.[1] ?? NaN);
  return { seconds, peakMb: Math.round(kb / 1024), code: r.status, out: (r.stdout + r.stderr).slice(-500) };
}

/**
 * A real 128 kb/s CBR MP3 of 55 minutes (about 53 MB), as a podcast episode is: the engine works
 * out its one-minute offset from its frames (about 1 MB in), so most random ranges fall past it, as
 * a listener's seeks do. Random bytes, which no reader can parse, would make the whole file the
 * threshold: every range would then add to every listener's window, a case no real show has.
 */
function writePodcastMp3(dir: string): number {
  const minute = path.join(dir, 'minute.mp3');
  const big = path.join(dir, 'big.mp3');
  const ffmpeg = (args: string[]) => {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr || r.error?.message}`);
  };
  ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=60:a=0.1', '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', minute]);
  ffmpeg(['-stream_loop', '54', '-i', minute, '-c', 'copy', big]);
  fs.rmSync(minute);
  return fs.statSync(big).size;
}

export async function benchAudience(): Promise<object> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-bench-audience-'));
  try {
    MEDIA_BYTES = writePodcastMp3(dir);
    // Throughput, on and off alternated (off-on, then on-off: neither always goes first); each
    // server warmed by a second of the same load first (its JIT, the database's first writes), so
    // both are measured in their steady state. Medians; each server's CPU time per GB (all its
    // threads, from /proc) is shown beside, a figure that the machine's other load moves less.
    const on: number[] = [];
    const off: number[] = [];
    const cpu: { on: number[]; off: number[] } = { on: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const counting of round % 2 ? [true, false] : [false, true]) {
        const s = await startServer(dir, counting);
        // Stopped whatever happens: a server left running kept the bench from ever exiting.
        try {
          wrk(s.port, dir, WARMUP_S);
          const cpuBefore = cpuMs(s.child.pid!);
          const mbs = wrk(s.port, dir);
          const cpuUsed = cpuMs(s.child.pid!) - cpuBefore;
          (counting ? on : off).push(mbs);
          cpu[counting ? 'on' : 'off'].push(Math.round(cpuUsed / ((mbs * DURATION_S) / 1024)));
        } finally {
          await stopChild(s.child);
        }
      }
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    const throughput = {
      countingOnMBs: median(on),
      countingOffMBs: median(off),
      serverCpuMsPerGB: { countingOn: median(cpu.on), countingOff: median(cpu.off) },
      rounds: { on, off, cpuMsPerGB: cpu },
    };
    // Memory with counting on.
    const s = await startServer(dir, true);
    const memory = await memoryUnderStreams(s.port, s.child.pid!);
    await stopChild(s.child);

    // stats import against GoAccess.
    const { show, log } = makeShowAndLog(dir, LOG_LINES);
    const logMb = Math.round(fs.statSync(log).size / 2 ** 20);
    const data = path.join(dir, 'import-data');
    const imported = timed(process.execPath, [cli, 'stats', 'import', show, log, '--format', 'nginx'], {
      NETCASTER_DATA_DIR: data,
      NETCASTER_DATABASE_URL: '',
      NETCASTER_CACHE_DIR: path.join(dir, 'cache'),
    });
    const again = timed(process.execPath, [cli, 'stats', 'import', show, log, '--format', 'nginx'], {
      NETCASTER_DATA_DIR: data,
      NETCASTER_DATABASE_URL: '',
      NETCASTER_CACHE_DIR: path.join(dir, 'cache'),
    });
    const goaccess =
      spawnSync('sh', ['-c', 'command -v goaccess']).status === 0
        ? timed('goaccess', [log, '--log-format=COMBINED', '--no-global-config', '-o', path.join(dir, 'report.json')])
        : undefined;
    const ratio = throughput.countingOnMBs / throughput.countingOffMBs;
    return {
      setup: {
        mediaBytes: MEDIA_BYTES,
        rangeBytes: RANGE_BYTES,
        connections: CONNECTIONS,
        durationS: DURATION_S,
        rounds: ROUNDS,
        warmupS: WARMUP_S,
        streams: STREAMS,
        logLines: LOG_LINES,
        logMb,
      },
      throughput,
      memory,
      import: { netcaster: imported, netcasterAgain: again, goaccess },
      targets: {
        throughputWithCounting: { value: Math.round(ratio * 1000) / 1000, target: '>= 0.95', met: ratio >= 0.95 },
        rssWith200Streams: { valueMb: memory.peakMb, target: '< 200', met: memory.peakMb < 200 && memory.streamsOpen === STREAMS },
        importAgainstGoAccess: goaccess
          ? { value: Math.round((imported.seconds / goaccess.seconds) * 100) / 100, target: 'none (reported)', met: imported.code === 0 }
          : undefined,
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain && process.argv[2] === '--server') {
  await runServer(process.argv[3], process.argv[4] === 'on');
} else if (isMain) {
  console.log(JSON.stringify(await benchAudience(), null, 2));
}
