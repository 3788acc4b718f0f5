// A generated body of the site (a page, a feed, chapters JSON): rendered on demand (routes.ts), sent
// with a strong ETag and Last-Modified, answered 304 when the client has it, and compressed as
// the client accepts (RFC 9110 §8.8, §12.5.3, §13).
// https://www.rfc-editor.org/rfc/rfc9110
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SiteEntry } from '../types.js';
import { httpDate, preconditions } from './conditional.js';
import { negotiate, type CompressionCache } from './compression.js';
import type { Sent } from './file-body.js';
import { header, setHeaders } from './headers.js';
import { endEmpty } from './send-file.js';

type ContentEntry = Extract<SiteEntry, { kind: 'content' }>;

/** Bytes of generated bodies kept ready to send: the entries' bodies are rendered on demand (routes.ts), and so are these. */
const CONTENT_BYTES = 32 * 1024 * 1024;
/** Bodies up to this size keep their bytes ready; a bigger one (the feed of a long show) only its validators. */
const KEEP_BYTES_UP_TO = 1024 * 1024;
/** URLs whose last body and Last-Modified are remembered; one let go gets a fresh (later) Last-Modified. */
const SEEN_URLS = 16_384;

/**
 * The bytes, a strong ETag (a hash of the bytes) and a Last-Modified for each generated body, for
 * the bodies sent most recently, up to CONTENT_BYTES: a crawler reading every page of a big show
 * must not keep them all. A body let go is made again from its entry when asked for again.
 */
export class ContentValidators {
  /**
   * Each entry's validators, for as long as its site lives. A WeakMap: an entry of a site no
   * longer served holds that site's catalog and rendered bodies, and keying a Map by it kept every
   * site a live server ever published whose feed was asked for (a feed over KEEP_BYTES_UP_TO
   * counted no bytes, so nothing ever evicted it).
   */
  private readonly byEntry = new WeakMap<ContentEntry, { etag: string; lastModifiedMs: number }>();
  /** The bytes of the bodies sent most recently, by ETag, up to CONTENT_BYTES (least recently sent first out). */
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;
  /**
   * The body each URL (or, without one, each body) was last seen with, and the Last-Modified it
   * was given: a rebuilt site with the same body keeps its Last-Modified, and a URL whose body
   * changes (back to an earlier one too) gets the time of the change. Keyed by body alone, an edit
   * undone gave the URL back its old date, and a client holding the edited body was told 304 by
   * If-Modified-Since (RFC 9110 §13.1.3).
   */
  private readonly lastSeen = new Map<string, { etag: string; lastModifiedMs: number }>();

  /** `url`: the site key the body is sent at. */
  get(entry: ContentEntry, url?: string): { body: Buffer; etag: string; lastModifiedMs: number } {
    const info = this.byEntry.get(entry);
    if (info) {
      // A big body is kept once, by its entry (routes.ts), not twice: as the bytes a feed rendered
      // elsewhere came as, else as text whose bytes are made again for each request that wants
      // them whole (most take a compressed copy, kept apart).
      const kept = this.bodies.get(info.etag);
      if (kept) this.keep(info.etag, kept);
      return { body: kept ?? bodyBytes(entry), etag: info.etag, lastModifiedMs: info.lastModifiedMs };
    }
    const body = bodyBytes(entry);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    const seenKey = url ?? etag;
    const seen = this.lastSeen.get(seenKey);
    // Whole seconds, as HTTP dates carry them, and never later than now (RFC 9110 §8.8.2.1).
    const lastModifiedMs = seen?.etag === etag ? seen.lastModifiedMs : Math.floor(Date.now() / 1000) * 1000;
    this.lastSeen.delete(seenKey); // re-inserted: most recently seen last
    this.lastSeen.set(seenKey, { etag, lastModifiedMs });
    if (this.lastSeen.size > SEEN_URLS) this.lastSeen.delete(this.lastSeen.keys().next().value as string);
    this.byEntry.set(entry, { etag, lastModifiedMs });
    if (body.length <= KEEP_BYTES_UP_TO) this.keep(etag, body);
    return { body, etag, lastModifiedMs };
  }

  /** Keeps `body` as the most recently sent, and lets the least recently sent go beyond CONTENT_BYTES. */
  private keep(etag: string, body: Buffer): void {
    const old = this.bodies.get(etag);
    if (old) {
      this.bodies.delete(etag); // re-inserted below: most recently sent last
      this.bytes -= old.length;
    }
    this.bodies.set(etag, body);
    this.bytes += body.length;
    for (const [key, held] of this.bodies) {
      if (this.bytes <= CONTENT_BYTES || key === etag) break;
      this.bodies.delete(key);
      this.bytes -= held.length;
    }
  }
}

/** The entry's body in UTF-8: the bytes it keeps, if it keeps them, else its text encoded. */
function bodyBytes(entry: ContentEntry): Buffer {
  return entry.bytes?.() ?? Buffer.from(entry.body, 'utf8');
}

export async function sendContent(
  req: IncomingMessage,
  res: ServerResponse,
  entry: ContentEntry,
  contents: ContentValidators,
  compression: CompressionCache,
  /** The site key of the request: its Last-Modified follows this URL's body (ContentValidators). */
  url?: string,
): Promise<Sent> {
  // A body rendered off the main thread (a big show's feed); should that fail, reading it renders it here.
  if (entry.prepare) await entry.prepare().catch(() => undefined);
  const { body, etag: identityEtag, lastModifiedMs } = contents.get(entry, url);
  const coding = negotiate(header(req, 'accept-encoding'), body.length);
  // Each coding, and each level of it (a big body gets a quick pass first, a better one later), is
  // its own representation with its own bytes, so its own strong ETag (RFC 9110 §8.8.3).
  const compressed = coding === 'identity' ? undefined : compression.get(identityEtag, coding, body);
  const etag = compressed ? `${identityEtag.slice(0, -1)}-${compressed.tag}"` : identityEtag;
  setHeaders(res, {
    'Content-Type': entry.contentType,
    ETag: etag,
    'Last-Modified': httpDate(lastModifiedMs),
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
  });
  const condition = preconditions(req.headers, etag, lastModifiedMs);
  if (condition !== 'send') return endEmpty(res, condition === 'failed' ? 412 : 304);
  const bytes = compressed ? await compressed.bytes : body;
  if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
  res.statusCode = 200;
  res.setHeader('Content-Length', String(bytes.length));
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return { bodyBytes: req.method === 'HEAD' ? 0 : bytes.length };
}
