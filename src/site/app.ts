// The HTTP server over a SiteMap: the one module that imports express.
//
// It serves exactly the URLs that are keys of the map (plus a /download/ twin of each /media/
// entry), so nothing else of the disk is reachable: a request path is decoded and re-encoded
// segment by segment and then looked up, never joined onto a folder. Files are streamed from
// descriptors opened and checked when the site is published (http/published-files.ts: only the
// bytes the catalog promised), with byte ranges (RFC 9110 §14, which obsoletes RFC 7233); generated content is served
// with validators and a negotiated compression (RFC 9110 §8.8, §12.5.3, §13).
// https://www.rfc-editor.org/rfc/rfc9110
import { createHash, randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { renderErrorPage } from '../pages/error-page.js';
import type { SiteEntry, SiteMap } from './types.js';
import { parseRange, MAX_RANGES, type ByteRange } from './http/ranges.js';
import { fileEtag, httpDate, ifRangeHolds, preconditions } from './http/conditional.js';
import { CompressionCache, negotiate } from './http/compression.js';
import { attachment } from './http/content-disposition.js';
import { sendFileBody, type BodyPart } from './http/file-body.js';
import { PublishedFiles } from './http/published-files.js';

export interface AppOptions {
  /** Receives one access-log line per request: method, path, status, body bytes, milliseconds. */
  log?: (line: string) => void;
  /** The HTML of an error page; `serve` passes one that knows the show (title, language, home link). */
  errorPage?: (status: number, message: string) => string;
  /**
   * The descriptors of the site's files. `serve` passes the one it hands each new site to before
   * publishing it, so a file replaced afterwards still sends its last good bytes; by default each
   * site is held when first asked for.
   */
  files?: PublishedFiles;
  /** Told of each media, download and feed response once it has ended (download counting, src/audience/live.ts). */
  onServed?: (response: ServedResponse) => void;
  /** Pages outside the site map (`serve`'s /stats/): an answer, or undefined to go on to the site. */
  extraPage?: (path: string, method: string, headers: Record<string, string | string[] | undefined>) => Promise<{ status: number; headers: Record<string, string>; body: string } | undefined>;
}

/** A finished response as download counting needs it: who (as Express's trust-proxy setting says), what, which bytes. */
export interface ServedResponse {
  time: number;
  ip: string;
  userAgent: string;
  method: string;
  status: number;
  range?: string;
  /** The path asked for, /media/<slug>/<file>, /download/<slug>/<file> or /feeds/<name>.xml (percent-encoded or not). */
  key: string;
  /** The file's byte intervals actually sent, inclusive. */
  sent: [number, number][];
}

type FileEntry = Extract<SiteEntry, { kind: 'file' }>;
type ContentEntry = Extract<SiteEntry, { kind: 'content' }>;

const allowedMethods = 'GET, HEAD, OPTIONS';

/**
 * Pages only load the site's own scripts, styles and media; artwork may be inlined as data: URLs.
 * frame-ancestors (with X-Frame-Options for older browsers) stops the pages being framed.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Style attributes only (no <style> elements): pages size the <video> box with style="aspect-ratio: ...";
  // an attribute cannot run script. CSP Level 3 style-src-attr: https://www.w3.org/TR/CSP3/#directive-style-src-attr
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers that let web players and podcast web apps elsewhere read feeds, media, chapters and transcripts (Fetch standard, CORS protocol). */
const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
};

/** `getSite` gives undefined while the first site is still being built (a server reading its show). */
export function createApp(getSite: () => SiteMap | undefined, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const compression = new CompressionCache();
  const contents = new ContentValidators();
  const files = options.files ?? new PublishedFiles();
  const refusals = new RefusalLog(options.log);

  if (options.log) app.use(accessLog(options.log));
  if (options.onServed) app.use(servedHook(options.onServed));
  if (options.extraPage) {
    const extraPage = options.extraPage;
    app.use(async (req: Request, res: Response, next: NextFunction) => {
      const page = await extraPage(req.path, req.method, req.headers);
      if (!page) return next();
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (/^text\/html/.test(page.headers['Content-Type'] ?? '')) setPageSecurityHeaders(res);
      const body = Buffer.from(page.body);
      res.status(page.status).set({ ...page.headers, 'Content-Length': String(body.length) });
      res.locals.bodyBytes = req.method === 'HEAD' ? 0 : body.length;
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }

  const errorPage = options.errorPage ?? ((status: number, message: string) => renderErrorPage(status, message));
  const sendError = (req: Request, res: Response, status: number, message: string) => sendErrorPage(req, res, status, message, errorPage);

  app.use(async (req: Request, res: Response) => {
    // Take the map once: a live server may swap it mid-request, and one request sees one site.
    const site = getSite();
    if (!site) {
      // Not "nothing here" (404, which apps and crawlers remember) but "ask again soon" (RFC 9110 §15.6.4).
      res.setHeader('Retry-After', '2');
      return sendError(req, res, 503, 'The show is being read; try again in a moment.');
    }
    files.hold(site);
    const key = siteKey(req.path);
    const found = key === undefined ? undefined : lookup(site, key);
    if (!found) {
      if (key !== undefined && site.has(key + '/')) return redirect(req, res, key + '/');
      return sendError(req, res, 404, 'There is nothing at this address.');
    }
    const { entry, downloadName } = found;
    const cors = !isHtml(entry.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (cors) res.set(corsHeaders);
    else setPageSecurityHeaders(res);

    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allowedMethods);
      // CORS preflight: a cross-origin player asking whether it may send Range.
      if (cors) {
        res.set({ 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range', 'Access-Control-Max-Age': '86400' });
      }
      res.statusCode = 204;
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', allowedMethods);
      return sendError(req, res, 405, 'This address can only be read.');
    }
    if (entry.kind === 'file') return sendFile(req, res, key!, entry, downloadName, sendError, files, refusals);
    return sendContent(req, res, entry, contents, compression);
  });

  // Faults of the program or the machine: a plain 500 page, the details in the log only.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    options.log?.(`error ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`);
    if (res.headersSent) return void res.destroy();
    sendError(req, res, 500, 'Something went wrong on the server.');
  });
  return app;
}

/**
 * The map key for a request path: each segment decoded then encoded the way src/site/urls.ts
 * encodes it, so `/media/a%20b/x.mp3` and `/media/a b/x.mp3` agree. Encoded dots, slashes and
 * backslashes stay inside their segment (`%2e%2e` becomes the literal segment `..`, encoded
 * again) and so can only ever name a key that is not there. Malformed escapes name nothing.
 */
export function siteKey(pathname: string): string | undefined {
  if (!pathname.startsWith('/')) return undefined;
  try {
    return pathname
      .split('/')
      .map((segment) => encodeURIComponent(decodeURIComponent(segment)))
      .join('/');
  } catch {
    return undefined;
  }
}

function lookup(site: SiteMap, key: string): { entry: SiteEntry; downloadName?: string } | undefined {
  const entry = site.get(key);
  if (entry) return { entry };
  // /download/<slug>/<file> is the /media/<slug>/<file> entry with Content-Disposition: attachment.
  if (key.startsWith('/download/')) {
    const media = site.get('/media/' + key.slice('/download/'.length));
    if (media?.kind === 'file') return { entry: media, downloadName: decodeURIComponent(key.slice(key.lastIndexOf('/') + 1)) };
  }
  return undefined;
}

const isHtml = (contentType: string) => /^text\/html\b/i.test(contentType);

function setPageSecurityHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  });
}

/** /episodes/x -> /episodes/x/ (301), keeping the query; the target is a map key, so never another host. */
function redirect(req: Request, res: Response, location: string): void {
  const query = req.originalUrl.indexOf('?');
  res.statusCode = 301;
  res.setHeader('Location', query >= 0 ? location + req.originalUrl.slice(query) : location);
  res.setHeader('Content-Length', '0');
  res.end();
}

type SendError = (req: Request, res: Response, status: number, message: string) => void;

function sendErrorPage(req: Request, res: Response, status: number, message: string, errorPage: (status: number, message: string) => string): void {
  const body = Buffer.from(errorPage(status, message));
  res.statusCode = status;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  setPageSecurityHeaders(res);
  res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' });
  res.locals.bodyBytes = req.method === 'HEAD' ? 0 : body.length;
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Media may be replaced under the same name, so it is revalidated hourly; artwork names are content hashes, so they never change. */
function cacheControl(key: string): string {
  if (key.startsWith('/artwork/')) return 'public, max-age=31536000, immutable';
  if (key.startsWith('/media/') || key.startsWith('/download/')) return 'public, max-age=3600';
  return 'no-cache';
}

function sendFile(
  req: Request,
  res: Response,
  key: string,
  entry: FileEntry,
  downloadName: string | undefined,
  sendError: SendError,
  files: PublishedFiles,
  refusals: RefusalLog,
): void {
  // The bytes the site promised, or none: a file replaced, truncated or turned into a link since
  // the site was published is never sent under the old promise (http/published-files.ts).
  const opened = files.open(entry);
  if (!opened.ok) {
    refusals.note(entry.path, key, opened.reason);
    if (opened.status === 503) {
      res.setHeader('Retry-After', '30');
      return sendError(req, res, 503, 'This file is being replaced; try again in a moment.');
    }
    return sendError(req, res, 404, 'This file is no longer there.');
  }
  refusals.clear(entry.path);
  const { file } = opened;
  // Released when the body is sent or the client has gone, whichever path the response takes.
  res.once('close', () => file.close());
  const { stat } = file;
  const size = stat.size;
  const etag = fileEtag(size, stat.mtimeMs);
  res.set({
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': httpDate(stat.mtimeMs),
    'Cache-Control': cacheControl(key),
  });
  if (downloadName !== undefined) res.setHeader('Content-Disposition', attachment(downloadName));

  const condition = preconditions(req.headers, etag, stat.mtimeMs);
  if (condition !== 'send') return void endEmpty(res, condition === 'failed' ? 412 : 304);

  // Range handling is defined for GET only (RFC 9110 §14.2); If-Range turns a stale Range into a full response (§13.1.5).
  const range =
    req.method === 'GET' && ifRangeHolds(header(req, 'if-range'), etag, stat.mtimeMs)
      ? parseRange(header(req, 'range'), size)
      : ({ kind: 'ignore' } as const);

  if (range.kind === 'unsatisfiable') {
    // 416 names the current length so the client can retry (RFC 9110 §15.5.17).
    res.statusCode = 416;
    res.set({ 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
    return void res.end();
  }
  res.setHeader('Content-Type', entry.contentType);

  let parts: BodyPart[];
  if (range.kind === 'ranges' && range.ranges.length === 1) {
    const [{ start, end }] = range.ranges;
    res.statusCode = 206;
    res.set({ 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
    parts = [{ start, end }];
  } else if (range.kind === 'ranges' && range.ranges.length <= MAX_RANGES) {
    parts = multipartBody(res, entry.contentType, range.ranges, size);
  } else {
    res.statusCode = 200;
    res.setHeader('Content-Length', String(size));
    parts = size > 0 ? [{ start: 0, end: size - 1 }] : [];
  }
  if (req.method === 'HEAD') return void res.end();
  res.locals.fileParts = parts;
  res.locals.bodyBytes = sendFileBody(res, file, parts).bytesSent;
}

/** 304 Not Modified (no body by definition, RFC 9110 §15.4.5) or 412 Precondition Failed (§15.5.13), sent without one. */
function endEmpty(res: Response, status: 304 | 412): void {
  res.statusCode = status;
  if (status === 412) res.setHeader('Content-Length', '0');
  res.end();
}

/** One log line when a file is refused (at /media/ or /download/), and again only when the reason changes: a client retrying must not flood the log. */
class RefusalLog {
  private readonly last = new Map<string, string>();
  constructor(private readonly log?: (line: string) => void) {}

  note(file: string, url: string, reason: string): void {
    if (this.last.get(file) === reason) return;
    this.last.set(file, reason);
    if (this.last.size > 4096) this.last.delete(this.last.keys().next().value as string);
    this.log?.(`refused ${url}: the file ${reason}`);
  }

  clear(file: string): void {
    if (this.last.size) this.last.delete(file);
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Several ranges: one multipart/byteranges body (RFC 9110 §14.6), each part with its own
 * Content-Type and Content-Range. Sets the status and headers; returns the body's parts.
 */
function multipartBody(res: Response, contentType: string, ranges: ByteRange[], size: number): BodyPart[] {
  const boundary = randomBytes(12).toString('hex');
  const heads = ranges.map((r) =>
    Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = ranges.reduce((sum, r, i) => sum + heads[i].length + (r.end - r.start + 1), tail.length);
  res.statusCode = 206;
  res.set({ 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': String(length) });
  return [...ranges.flatMap((r, i) => [heads[i], r]), tail];
}

/** Bytes of generated bodies kept ready to send: the entries' bodies are rendered on demand (map.ts), and so are these. */
const CONTENT_BYTES = 32 * 1024 * 1024;

/**
 * The bytes, a strong ETag (a hash of the bytes) and a Last-Modified for each generated body, for
 * the bodies sent most recently, up to CONTENT_BYTES: a crawler reading every page of a big show
 * must not keep them all. A body let go is made again from its entry when asked for again.
 */
class ContentValidators {
  private readonly byEntry = new Map<ContentEntry, { body: Buffer; etag: string; lastModifiedMs: number }>();
  private bytes = 0;
  /** When each body was first seen: a rebuilt map with the same body keeps its Last-Modified. */
  private readonly firstSeen = new Map<string, number>();

  get(entry: ContentEntry) {
    let info = this.byEntry.get(entry);
    if (info) {
      this.byEntry.delete(entry); // re-inserted below: most recently sent last
      this.byEntry.set(entry, info);
    } else {
      const body = Buffer.from(entry.body, 'utf8');
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
      let lastModifiedMs = this.firstSeen.get(etag);
      if (lastModifiedMs === undefined) {
        lastModifiedMs = Math.floor(Date.now() / 1000) * 1000;
        this.firstSeen.set(etag, lastModifiedMs);
        if (this.firstSeen.size > 4096) this.firstSeen.delete(this.firstSeen.keys().next().value as string);
      }
      info = { body, etag, lastModifiedMs };
      this.byEntry.set(entry, info);
      this.bytes += body.length;
      for (const [old, kept] of this.byEntry) {
        if (this.bytes <= CONTENT_BYTES || old === entry) break;
        this.byEntry.delete(old);
        this.bytes -= kept.body.length;
      }
    }
    return info;
  }
}

async function sendContent(req: Request, res: Response, entry: ContentEntry, contents: ContentValidators, compression: CompressionCache): Promise<void> {
  // A body rendered off the main thread (a big show's feed); should that fail, reading it renders it here.
  if (entry.prepare) await entry.prepare().catch(() => undefined);
  const { body, etag: identityEtag, lastModifiedMs } = contents.get(entry);
  const coding = negotiate(header(req, 'accept-encoding'), body.length);
  // Each coding, and each level of it (a big body gets a quick pass first, a better one later), is
  // its own representation with its own bytes, so its own strong ETag (RFC 9110 §8.8.3).
  const compressed = coding === 'identity' ? undefined : compression.get(identityEtag, coding, body);
  const etag = compressed ? `${identityEtag.slice(0, -1)}-${compressed.tag}"` : identityEtag;
  res.set({
    'Content-Type': entry.contentType,
    ETag: etag,
    'Last-Modified': httpDate(lastModifiedMs),
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
  });
  const condition = preconditions(req.headers, etag, lastModifiedMs);
  if (condition !== 'send') return void endEmpty(res, condition === 'failed' ? 412 : 304);
  const bytes = compressed ? await compressed.bytes : body;
  if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
  res.statusCode = 200;
  res.setHeader('Content-Length', String(bytes.length));
  res.locals.bodyBytes = req.method === 'HEAD' ? 0 : bytes.length;
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** One line per request once it is over: `GET /media/x/y.mp3 206 1048576 12ms`, with `aborted` when the client left early. */
function accessLog(log: (line: string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const counted = res.locals.bodyBytes as number | (() => number) | undefined;
      const bytes = typeof counted === 'function' ? counted() : (counted ?? 0);
      log(`${req.method} ${req.path} ${res.statusCode} ${bytes} ${ms.toFixed(1)}ms${res.writableFinished ? '' : ' aborted'}`);
    });
    next();
  };
}

/** Calls `onServed` when a media, download or feed response has ended, with the file bytes it really sent. */
function servedHook(onServed: (response: ServedResponse) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Pages, artwork and assets are never counted: no listener, no work for them. A path without
    // a percent sign is its own site key but for encoding, which the recorder undoes anyway.
    const pathname = req.path;
    const key = pathname.includes('%') ? siteKey(pathname) : pathname;
    if (!key || !(key.startsWith('/media/') || key.startsWith('/download/') || key.startsWith('/feeds/'))) return next();
    const time = Date.now();
    res.once('close', () => {
      const counted = res.locals.bodyBytes as number | (() => number) | undefined;
      let remaining = typeof counted === 'function' ? counted() : (counted ?? 0);
      // Walk the body's parts in order (multipart heads are not file bytes) until the bytes sent run out.
      const sent: [number, number][] = [];
      for (const part of (res.locals.fileParts as BodyPart[] | undefined) ?? []) {
        if (remaining <= 0) break;
        if (Buffer.isBuffer(part)) remaining -= part.length;
        else {
          const n = Math.min(remaining, part.end - part.start + 1);
          if (n > 0) sent.push([part.start, part.start + n - 1]);
          remaining -= n;
        }
      }
      // Without X-Forwarded-For, req.ip is the socket's address whatever --trust-proxy says; asking
      // Express (proxy-addr) anyway cost 1 % of the server's time under load.
      const ip = req.headers['x-forwarded-for'] === undefined ? req.socket.remoteAddress : req.ip;
      onServed({ time, ip: ip ?? req.socket.remoteAddress ?? '', userAgent: header(req, 'user-agent') ?? '', method: req.method, status: res.statusCode, range: header(req, 'range'), key, sent });
    });
    next();
  };
}
