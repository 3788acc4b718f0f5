// Compressed bodies for generated content (pages, feeds, chapters JSON), made once per body and
// kept in a small cache keyed by the body's ETag, so a popular feed is not recompressed per request.
// Media is never compressed: it is already compressed, and byte ranges must address the file's bytes.
//
// What compression costs grows much faster than what it gains: on the bench machine Brotli at
// quality 11 runs at about 0.35 MB/s (a 6 MB feed of a big show: 12-14 s of CPU, for 15 % of its
// size where quality 5 gives 18 %), quality 9 at 5 MB/s, quality 5 at 13 MB/s, quality 1 at
// 90 MB/s; gzip 9 at 4-7 MB/s, gzip 1 at 100 MB/s. So the level is picked by size, and a request
// never waits for more than a quick pass:
//  - up to 16 KB (an episode page): the best levels, at most about 50 ms once per body;
//  - up to 1 MB: middle levels, tens of ms (a crawler asking for every page of a big show must
//    not keep the thread pool busy);
//  - above (the feeds of a big show): a quick pass for the request, then one better pass in the
//    background, one body at a time, which replaces the quick one when it is done. Each pass has
//    its own bytes, so its own strong ETag (the level is part of it).
// zlib runs on libuv's thread pool, which media reads share: one background pass at a time keeps
// three of its four threads for them, and no request pins a core.
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Coding = 'br' | 'gzip' | 'identity';

/** Bodies shorter than this gain nothing from compression (nginx's gzip_min_length is similar). */
const MIN_COMPRESS_BYTES = 1024;
/** Bodies kept compressed; pages and feeds of one show are far fewer. */
const CACHE_ENTRIES = 256;
/** Compressed bytes kept at most: a few big feeds, many pages. */
const CACHE_BYTES = 64 * 1024 * 1024;
/** Bodies this big are compressed quickly for the request, and better in the background. */
const BACKGROUND_FROM_BYTES = 1024 * 1024;
/** Above this, the background pass is skipped: the quick pass is all a body this big gets (a second or more of CPU otherwise). */
const BACKGROUND_UP_TO_BYTES = 32 * 1024 * 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Picks a content coding from Accept-Encoding (RFC 9110 §12.5.3): the listed coding with the
 * highest q wins, br before gzip on a tie; `*` stands for any coding not listed; q=0 means "not this".
 */
export function negotiate(acceptEncoding: string | undefined, bodyLength: number): Coding {
  if (!acceptEncoding || bodyLength < MIN_COMPRESS_BYTES) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (coding: string) => q.get(coding) ?? q.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).reduce<{ coding: Coding; q: number }>(
    (acc, coding) => (weight(coding) > acc.q ? { coding, q: weight(coding) } : acc),
    { coding: 'identity', q: 0 },
  );
  return best.coding;
}

type Compressing = Exclude<Coding, 'identity'>;

/** The level a request waits for, by body size (Brotli quality 0-11, gzip level 1-9). */
export function requestLevel(coding: Compressing, length: number): number {
  if (length <= 16 * 1024) return coding === 'br' ? 11 : 9;
  if (length <= 256 * 1024) return 9;
  if (length <= BACKGROUND_FROM_BYTES) return coding === 'br' ? 5 : 6;
  return 1;
}

/** The level of the background pass for a body, or undefined when the request's level is all it gets. */
export function backgroundLevel(coding: Compressing, length: number): number | undefined {
  if (length <= BACKGROUND_FROM_BYTES || length > BACKGROUND_UP_TO_BYTES) return undefined;
  return coding === 'br' ? 5 : 6;
}

/**
 * Brotli's window, as a power of two: 1 MB, not its default 4 MB (22). A body up to 1 MB fits in
 * it whole; for the 8.7 MB feed of 10,000 episodes (items alike, about 1 KB each) quality 5 made
 * 195,857 bytes instead of 195,945, in 51 ms instead of 64, and its encoder's memory peaked 6.3 MB
 * above the process instead of 13.5 (what a zlib thread's malloc arena then keeps: `serve` of that
 * show stayed at 203 MB instead of 213 after its first feed, bench/big-serve.ts, 4 runs each,
 * alternated, load 4.4).
 * https://www.rfc-editor.org/rfc/rfc7932#section-9.1 (WBITS)
 */
const BROTLI_WINDOW_BITS = 20;

function compress(coding: Compressing, level: number, body: Buffer): Promise<Buffer> {
  return coding === 'br'
    ? brotli(body, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: level,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          [zlib.constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
        },
      })
    : gzip(body, { level });
}

/** One compressed version of a body: `tag` ('br5', 'gzip1') names its bytes, for its ETag. */
export interface Compressed {
  tag: string;
  bytes: Promise<Buffer>;
}

interface Cached extends Compressed {
  level: number;
  /** Known once the bytes are there (for the byte budget). */
  size: number;
}

export class CompressionCache {
  private readonly cache = new Map<string, Cached>();
  private bytes = 0;
  /** Background passes, one at a time. */
  private background: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();

  /** The body in `coding`, as good as it is now: made at most once per (etag, coding, level) while it stays in the cache. */
  get(etag: string, coding: Compressing, body: Buffer): Compressed {
    const key = `${coding} ${etag}`;
    let entry = this.cache.get(key);
    if (entry) {
      // Least recently used goes first: re-insert to move this one to the end.
      this.cache.delete(key);
      this.cache.set(key, entry);
    } else {
      entry = this.add(key, coding, requestLevel(coding, body.length), body);
      const better = backgroundLevel(coding, body.length);
      if (better !== undefined) this.improveLater(key, coding, better, body);
    }
    return { tag: entry.tag, bytes: entry.bytes };
  }

  /** Resolves once every background pass queued so far is done (for tests and benchmarks). */
  settled(): Promise<void> {
    return this.background;
  }

  private add(key: string, coding: Compressing, level: number, body: Buffer): Cached {
    const bytes = compress(coding, level, body);
    const entry: Cached = { tag: `${coding}${level}`, level, bytes, size: 0 };
    this.replace(key, entry);
    bytes.then(
      (b) => {
        if (this.cache.get(key) !== entry) return;
        entry.size = b.length;
        this.bytes += b.length;
        this.evict();
      },
      () => {
        if (this.cache.get(key) === entry) this.replace(key, undefined);
      },
    );
    return entry;
  }

  private replace(key: string, entry: Cached | undefined): void {
    const old = this.cache.get(key);
    if (old) {
      this.bytes -= old.size;
      this.cache.delete(key);
    }
    if (entry) this.cache.set(key, entry);
    this.evict();
  }

  private evict(): void {
    while (this.cache.size > CACHE_ENTRIES || (this.bytes > CACHE_BYTES && this.cache.size > 1)) {
      this.replace(this.cache.keys().next().value as string, undefined);
    }
  }

  /** Queues the better pass; it runs after the ones before it, and only if the body is still wanted (still cached). */
  private improveLater(key: string, coding: Compressing, level: number, body: Buffer): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.background = this.background.then(async () => {
      this.queued.delete(key);
      const current = this.cache.get(key);
      if (!current || current.level >= level) return;
      let better: Buffer;
      try {
        better = await compress(coding, level, body);
      } catch {
        return; // the quick version stays
      }
      // Still wanted, and not replaced meanwhile: swap in the better bytes without moving it in the LRU order.
      if (this.cache.get(key) !== current) return;
      this.bytes -= current.size;
      this.cache.set(key, { tag: `${coding}${level}`, level, bytes: Promise.resolve(better), size: better.length });
      this.bytes += better.length;
      this.evict();
    });
  }
}
