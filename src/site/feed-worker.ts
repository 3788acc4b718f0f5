// Feeds rendered off the server's thread, for `serve`. The feed of a big show is the heaviest thing the
// server makes: for 10,000 episodes about 10 MB of XML, a second or more of CPU, and some 150 MB
// of short-lived objects in the XML library (src/feeds/podcast-adapter.ts). On the main thread
// that second would hold up every other request, and the heap, once grown, keeps the process's
// resident memory up long after. So it runs in a child process of its own, not a worker thread:
// a thread's heap goes when it ends, but the allocator keeps the memory its thread used (measured
// on 10,000 episodes: the server stayed about 50 MB bigger), where a process gives it all back.
// The catalog goes to the child as lines of JSON on its stdin (one per episode), never as one block
// of bytes. Why: IPC would put the serialized catalog (some 15 MB) in a single malloc'd block, and
// freeing a block that big raises glibc's mmap threshold to its size for the rest of the process
// (mallopt(3), M_MMAP_THRESHOLD), after which buffers up to that size come from heaps glibc seldom
// gives back: measured on 10,000 episodes, the server stayed some 13 MB bigger after its first feed.
// The feed comes back on the child's stdout in pieces of PIECE_CHARS characters and is kept as the
// UTF-8 bytes it is sent as (one Buffer, held as long as the site holds the feed), not as a string:
// the string (9 MB in V8's heap) and a fresh copy of its bytes for each request that sent it whole
// or compressed it (another 9 MB, garbage until V8's next collection, then kept by the allocator)
// kept the server of 10,000 episodes about 7 MB bigger after its first feed (bench/big-serve.ts, 3
// runs each, alternated, load 3.5: 213 MB instead of 220).
// The builder is the same pure renderFeed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Catalog, FeedDef } from '../contract/catalog.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet, ImageVariant } from '../contract/artwork.js';

/** What the child reads on its stdin: plain JSON (the catalog is JSON already: the check snapshot is its file form). */
interface FeedJob {
  catalog: Catalog;
  feedName: string;
  options: { baseUrl: string; mediaBaseUrl?: string; nowMs: number; artwork: [string, ImageVariant[]][] };
}

/** Marks the child process that renders (the same file is also imported by the server). */
const CHILD_FLAG = '--netcaster-feed-renderer';

/** Characters written at a time: bytes well under glibc's first mmap threshold (128 KB) even when a character takes three. */
const PIECE_CHARS = 32 * 1024;

/** One render at a time: two big feeds at once would need both heaps at once. */
let queue: Promise<unknown> = Promise.resolve();

/** renderFeed(catalog, feed, options), run in a child process of its own: its text in UTF-8. */
export function renderFeedOffThread(catalog: Catalog, feed: FeedDef, options: SiteOptions & { artwork: ArtworkSet }): Promise<Buffer> {
  const job: FeedJob = {
    catalog,
    feedName: feed.name,
    options: { baseUrl: options.baseUrl, mediaBaseUrl: options.mediaBaseUrl, nowMs: options.now.getTime(), artwork: [...options.artwork] },
  };
  const run = queue.then(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        // This very module, by its file name: dist/src/site/feed-worker.js, or the bundle's entry of that name.
        const child = spawn(process.execPath, [fileURLToPath(new URL('./feed-worker.js', import.meta.url)), CHILD_FLAG], {
          stdio: ['pipe', 'pipe', 'inherit'],
          env: rendererEnvironment(),
        });
        const parts: Buffer[] = [];
        child.stdout.on('data', (bytes: Buffer) => parts.push(bytes));
        child.once('error', reject);
        child.once('close', (code) =>
          code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`feed renderer ended (${code}) without a feed`)),
        );
        // A child that ends early closes its stdin: its exit code says what went wrong, not this write,
        // nor the wait for 'drain' that the write's error (EPIPE) rejects: left unhandled, that
        // rejection ended the whole server when a renderer died mid-job (killed for memory, say).
        child.stdin.on('error', () => undefined);
        writeJob(child.stdin, job).catch(() => undefined);
      }),
  );
  // Not run.catch(): that promise would hold the feed (its value) until the next render, after the site let it go.
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * The server's environment less NODE_EXTRA_CA_CERTS: Node 20 reads the certificates it names at
 * every start (bin/netcaster says more), 85-90 ms of each renderer's start where it is set, and a
 * renderer opens no connection.
 */
function rendererEnvironment(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _notNeeded, ...environment } = process.env;
  return environment;
}

/**
 * Writes the job as lines of JSON: the job without its episodes, then one line per episode (JSON
 * escapes every newline inside a string). No string of the whole catalog is made: one would be
 * some 15 MB of the server's heap, kept until its next full collection.
 */
async function writeJob(out: Writable, job: FeedJob): Promise<void> {
  const { episodes, ...rest } = job.catalog;
  const head = JSON.stringify({ ...job, catalog: { ...rest, episodes: [] } });
  if (!out.write(`${head}\n`)) await once(out, 'drain');
  for (const episode of episodes) if (!out.write(`${JSON.stringify(episode)}\n`)) await once(out, 'drain');
  out.end();
}

/** Writes `text` in pieces of at most PIECE_CHARS characters, never cutting a surrogate pair, then ends the stream. */
export async function writeInPieces(out: Writable, text: string): Promise<void> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + PIECE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep a pair's halves together
    if (!out.write(text.slice(at, end))) await once(out, 'drain');
    at = end;
  }
  out.end();
}

async function renderInChild(): Promise<void> {
  process.stdin.setEncoding('utf8');
  const parts: string[] = [];
  for await (const text of process.stdin) parts.push(text as string);
  const [head, ...episodes] = parts
    .join('')
    .split('\n')
    .filter((line) => line !== '');
  const { catalog, feedName, options } = JSON.parse(head) as FeedJob;
  catalog.episodes = episodes.map((line) => JSON.parse(line) as Catalog['episodes'][number]);
  const { renderFeed } = await import('../feeds/rss.js');
  const feed = catalog.show.feeds.find((f) => f.name === feedName);
  if (!feed) {
    process.stderr.write(`netcaster feed renderer: no feed named ${feedName}\n`);
    process.exitCode = 1;
    return;
  }
  const { nowMs, artwork, ...rest } = options;
  await writeInPieces(process.stdout, renderFeed(catalog, feed, { ...rest, now: new Date(nowMs), artwork: new Map(artwork) }));
}

if (process.argv.includes(CHILD_FLAG)) void renderInChild();
