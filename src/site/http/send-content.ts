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

/**
 * The bytes, a strong ETag (a hash of the bytes) and a Last-Modified for each generated body, for
 * the bodies sent most recently, up to CONTENT_BYTES: a crawler reading every page of a big show
 * must not keep them all. A body let go is made again from its entry when asked for again.
 */
export class ContentValidators {
  private readonly byEntry = new Map<ContentEntry, { body?: Buffer; length: number; etag: string; lastModifiedMs: number }>();
  private bytes = 0;
  /** When each body was first seen: a rebuilt map with the same body keeps its Last-Modified. */
  private readonly firstSeen = new Map<string, number>();

  get(entry: ContentEntry): { body: Buffer; etag: string; lastModifiedMs: number } {
    let info = this.byEntry.get(entry);
    if (info) {
      this.byEntry.delete(entry); // re-inserted below: most recently sent last
      this.byEntry.set(entry, info);
      // A big body is kept once, by its entry (routes.ts), not twice: as the bytes a feed rendered
      // elsewhere came as, else as text whose bytes are made again for each request that wants
      // them whole (most take a compressed copy, kept apart).
      return { body: info.body ?? bodyBytes(entry), etag: info.etag, lastModifiedMs: info.lastModifiedMs };
    }
    const body = bodyBytes(entry);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    let lastModifiedMs = this.firstSeen.get(etag);
    if (lastModifiedMs === undefined) {
      lastModifiedMs = Math.floor(Date.now() / 1000) * 1000;
      this.firstSeen.set(etag, lastModifiedMs);
      if (this.firstSeen.size > 4096) this.firstSeen.delete(this.firstSeen.keys().next().value as string);
    }
    const kept = body.length <= KEEP_BYTES_UP_TO;
    info = { ...(kept && { body }), length: kept ? body.length : 0, etag, lastModifiedMs };
    this.byEntry.set(entry, info);
    this.bytes += info.length;
    for (const [old, held] of this.byEntry) {
      if (this.bytes <= CONTENT_BYTES || old === entry) break;
      this.byEntry.delete(old);
      this.bytes -= held.length;
    }
    return { body, etag, lastModifiedMs };
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
): Promise<Sent> {
  // A body rendered off the main thread (a big show's feed); should that fail, reading it renders it here.
  if (entry.prepare) await entry.prepare().catch(() => undefined);
  const { body, etag: identityEtag, lastModifiedMs } = contents.get(entry);
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
