// How fast and how lean is `netcaster import`? A 300-episode feed served on 127.0.0.1, imported
// by the CLI, against `wget` fetching the same enclosures from the same server (the floor for
// moving those bytes); then memory with the feed at 300 and at 3,000 items. Prints one JSON object.
// Run: node dist/bench/import.js   (bench/run.ts calls benchImport() for BENCHMARKS.md)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp', 'import');
const cli = path.join(root, 'bin', 'netcaster'); // what `netcaster` runs, as bench/run.ts measures
const EPISODES = 300;
const MEMORY_EPISODES = [300, 3000];
const MINUTES = 3;

/** Made once and kept: a 3-minute MP3 (the enclosure every item points at) and 1400 px artwork. */
export function makeMedia(): { mp3: Buffer; small: Buffer; artwork: Buffer } {
  fs.mkdirSync(tmp, { recursive: true });
  const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  const mp3 = path.join(tmp, 'episode.mp3');
  const small = path.join(tmp, 'small.mp3');
  const artwork = path.join(tmp, 'artwork.jpg');
  if (!fs.existsSync(mp3))
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=330:sample_rate=44100:duration=${MINUTES * 60}`,
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      mp3,
    ]);
  if (!fs.existsSync(small))
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=22050:duration=2', '-c:a', 'libmp3lame', '-b:a', '32k', small]);
  if (!fs.existsSync(artwork)) ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x336699:size=1400x1400', '-frames:v', '1', artwork]);
  return { mp3: fs.readFileSync(mp3), small: fs.readFileSync(small), artwork: fs.readFileSync(artwork) };
}

export function feedXml(base: string, count: number, bytes: number): string {
  const items: string[] = [];
  for (let n = count; n >= 1; n--) {
    const date = new Date(Date.UTC(2014, 0, 1) + n * 86_400_000).toUTCString();
    items.push(
      `<item><title>Episode ${n}</title><guid isPermaLink="false">bench-${n}</guid><pubDate>${date}</pubDate><itunes:episode>${n}</itunes:episode>` +
        `<itunes:duration>${MINUTES * 60}</itunes:duration><description><![CDATA[<p>Notes for episode ${n}, with <a href="https://example.com/${n}">a link</a>.</p>]]></description>` +
        `<enclosure url="${base}/media/${n}.mp3" length="${bytes}" type="audio/mpeg"/></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Bench</title><description>A big feed.</description><language>en</language><itunes:author>Bench</itunes:author><itunes:image href="${base}/artwork.jpg"/><itunes:category text="Technology"/>${items.join('')}</channel></rss>`;
}

/** One host for both: every /media/<n>.mp3 answers with the same bytes, ranges not needed here. */
export async function startServer(
  files: { mp3: Buffer; artwork: Buffer },
  feeds: Map<string, string>,
): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p.startsWith('/media/'))
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': files.mp3.length, etag: '"bench"' }).end(files.mp3);
    else if (p === '/artwork.jpg')
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': files.artwork.length }).end(files.artwork);
    else if (feeds.has(p)) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feeds.get(p));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Milliseconds to create what an import of `episodes` episodes creates at least (a folder, its
 * media file, episode.yaml and notes.md each), inside `parent`. Said beside the figures because it
 * varies by 20x between folders of one disk here: ext4 without a journal skips every inode freed in
 * the last 60 s of the block group (360 s while its inode table block is not yet written out) when
 * it allocates one (fs/ext4/ialloc.c, recently_deleted(), RECENTCY_MIN and RECENTCY_DIRTY), so in
 * a folder near others that see many deletions (other benches and test runs) each creation
 * costs ~0.6 ms of kernel time, against ~0.03 ms in /tmp. The import makes four per episode and
 * wget one, so that cost weighs four times on the import.
 */
export function creationMs(parent: string, episodes: number, keep = false): number {
  const dir = fs.mkdtempSync(path.join(parent, 'creations-'));
  const started = process.hrtime.bigint();
  for (let n = 0; n < episodes; n++) {
    fs.mkdirSync(path.join(dir, String(n)));
    for (const name of ['a.mp3', 'episode.yaml', 'notes.md']) fs.writeFileSync(path.join(dir, String(n), name), 'x');
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // `keep`: left for the caller's clean-up, when timed runs follow that deleting would slow down.
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  return Math.round(ms);
}

/**
 * Waits until creating files in `parent` costs what it does on a settled disk, for at most 75 s,
 * writing the disk out meanwhile (see creationMs): the deletions of an earlier piece of the bench,
 * or of an earlier run, would otherwise slow the timed runs, the import four times as much as wget.
 * What the probes create stays in `parent`. Returns the seconds waited.
 */
export function settle(parent: string): number {
  const started = Date.now();
  // 50 episodes' creations: 4-8 ms on a settled disk here (300 episodes': 23-31 ms, and 230-660 ms
  // in the slow state). A probe this small can miss a slow stretch further on: best effort.
  while (creationMs(parent, 50, true) > 20 && Date.now() - started < 75_000) {
    spawnSync('sync');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000); // nothing else runs meanwhile
  }
  return Math.round((Date.now() - started) / 1000);
}

/** Runs a command without blocking this process (it serves the files); peak resident memory from /proc. */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ ms: number; code: number | null; peakMb: number; out: string }> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // gone already
      }
    }, 25);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, peakMb: peakKb / 1024, out });
    });
  });
}

export async function benchImport(): Promise<object> {
  const files = makeMedia();
  const feeds = new Map<string, string>();
  const server = await startServer(files, feeds);
  try {
    feeds.set('/feed.xml', feedXml(server.base, EPISODES, files.mp3.length));
    const urls = path.join(tmp, 'urls.txt');
    fs.writeFileSync(urls, Array.from({ length: EPISODES }, (_, i) => `${server.base}/media/${i + 1}.mp3`).join('\n') + '\n');
    const env = { NETCASTER_CACHE_DIR: path.join(tmp, 'cache') };
    const rounds = 5;
    const ours: number[] = [];
    const wget: number[] = [];
    // Every timed run writes into a folder of its own, and none is deleted until all have run: on
    // this machine's ext4 (no journal) a file created within 60 s of deletions near it costs ~20x
    // (see creationMs), so deleting the last run's output just before the next one would time the
    // bench's own clean-up, four times over for the import (it creates four things an episode,
    // wget one).
    // And each starts with the disk written out (sync), not with the last run's 412 MB still being
    // written behind it.
    const runs = fs.mkdtempSync(path.join(tmp, 'runs-'));
    const settledAfter = settle(runs);
    // Alternating, so both see the same moments of a shared machine.
    for (let i = 0; i < rounds; i++) {
      spawnSync('sync');
      const w = await run('wget', ['-q', '-i', urls, '-P', path.join(runs, `wget-${i}`)]);
      if (w.code !== 0) throw new Error(`wget failed: ${w.out.slice(0, 500)}`);
      wget.push(w.ms);
      spawnSync('sync');
      const r = await run(cli, ['import', `${server.base}/feed.xml`, path.join(runs, `show-${i}`)], {
        NETCASTER_CACHE_DIR: path.join(runs, `cache-${i}`),
      });
      if (r.code !== 0) throw new Error(`import failed:\n${r.out.slice(-3000)}`);
      ours.push(r.ms);
    }
    // After the timed runs and before their output goes: these create and delete what they time.
    const creations = { benchFolder: creationMs(tmp, EPISODES), tmp: creationMs(os.tmpdir(), EPISODES) };
    fs.rmSync(runs, { recursive: true, force: true });
    // The round whose ratio is the median: each round runs both tools within a few seconds, and
    // the shared disk here has stretches in which both take 2-2.5 times as long (the full bench
    // of this session: wget 746, 1466 and 1890 ms in three rounds), which the median of each side
    // alone would pair with the other side's ordinary rounds.
    const byRatio = ours.map((_, i) => i).sort((a, b) => ours[a] / wget[a] - ours[b] / wget[b]);
    const mid = byRatio[Math.floor(rounds / 2)];

    // Memory: the same import with small enclosures, the feed at 300 and at 3,000 items.
    files.mp3 = files.small;
    const memory: Record<string, { peakMb: number; seconds: number }> = {};
    for (const count of MEMORY_EPISODES) {
      feeds.set(`/feed-${count}.xml`, feedXml(server.base, count, files.small.length));
      const dir = path.join(tmp, `memory-${count}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(env.NETCASTER_CACHE_DIR, { recursive: true, force: true });
      const r = await run(cli, ['import', `${server.base}/feed-${count}.xml`, dir], env);
      if (r.code !== 0) throw new Error(`import of ${count} items failed:\n${r.out.slice(-3000)}`);
      memory[count] = { peakMb: Math.round(r.peakMb), seconds: Math.round(r.ms / 100) / 10 };
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const [small, large] = MEMORY_EPISODES.map((n) => memory[n].peakMb);
    return {
      episodes: EPISODES,
      mediaMb: Math.round((EPISODES * fs.statSync(path.join(tmp, 'episode.mp3')).size) / 2 ** 20),
      importMs: Math.round(ours[mid]),
      wgetMs: Math.round(wget[mid]),
      /** Target: at most 1.2. */
      vsWget: Math.round((ours[mid] / wget[mid]) * 100) / 100,
      rounds: { import: ours.map(Math.round), wget: wget.map(Math.round) },
      memory,
      /** Peak resident memory at the larger feed over the smaller: flat is at most 1.25. */
      memoryGrowth: Math.round((large / small) * 100) / 100,
      /** ms to create the folders and files of EPISODES episodes (4 each) in the bench's folder and in /tmp: see creationMs. */
      creationMs: creations,
      /** Seconds waited before the timed runs for the disk to settle (see settle). */
      settledAfter,
      // The machine may be shared: its load says how much the figures are worth.
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    };
  } finally {
    await server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(JSON.stringify(await benchImport(), null, 2));
}
