// Compressed bodies for generated content (pages, feeds, chapters JSON), made once per body and
// kept in a small cache keyed by the body's ETag, so a popular feed is not recompressed per request.
// Media is never compressed: it is already compressed, and byte ranges must address the file's bytes.
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Coding = 'br' | 'gzip' | 'identity';

/** Bodies shorter than this gain nothing from compression (nginx's gzip_min_length is similar). */
const MIN_COMPRESS_BYTES = 1024;
/** Bodies kept compressed; pages and feeds of one show are far fewer. */
const CACHE_ENTRIES = 256;

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

export class CompressionCache {
  private readonly cache = new Map<string, Promise<Buffer>>();

  /** The body in `coding`; made at most once per (etag, coding) while it stays in the cache. */
  get(etag: string, coding: Exclude<Coding, 'identity'>, body: Buffer): Promise<Buffer> {
    const key = `${coding} ${etag}`;
    let compressed = this.cache.get(key);
    if (compressed) {
      // Least recently used goes first: re-insert to move this one to the end.
      this.cache.delete(key);
    } else {
      compressed =
        coding === 'br'
          ? brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
          : gzip(body, { level: 9 });
      compressed.catch(() => this.cache.delete(key));
    }
    this.cache.set(key, compressed);
    while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    return compressed;
  }

  /** How many compressed bodies are held (for tests). */
  get size(): number {
    return this.cache.size;
  }
}
