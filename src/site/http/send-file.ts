// A file of the site (media, artwork, transcripts) sent from the descriptor the site published:
// validators, conditional requests and byte ranges (RFC 9110 §13, §14), a download's
// Content-Disposition, and one log line when a file is refused.
// https://www.rfc-editor.org/rfc/rfc9110
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SiteEntry } from '../types.js';
import { parseRange, MAX_RANGES, type ByteRange } from './ranges.js';
import { fileEtag, httpDate, ifRangeHolds, preconditions } from './conditional.js';
import { attachment } from './content-disposition.js';
import { sendFileBody, type BodyPart, type Sent } from './file-body.js';
import { cacheControl, header, setHeaders } from './headers.js';
import type { PublishedFiles } from './published-files.js';

type FileEntry = Extract<SiteEntry, { kind: 'file' }>;

export interface FileRequest {
  /** The site key asked for (/media/..., /download/..., /artwork/...). */
  key: string;
  entry: FileEntry;
  /** Set for /download/: the file name the browser saves it under. */
  downloadName?: string;
  files: PublishedFiles;
  refusals: RefusalLog;
  /** How the server answers with an error page. */
  sendError: (status: number, message: string) => Sent;
}

export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  { key, entry, downloadName, files, refusals, sendError }: FileRequest,
): Sent {
  // The bytes the site promised, or none: a file replaced, truncated or turned into a link since
  // the site was published is never sent under the old promise (published-files.ts).
  const opened = files.open(entry);
  if (!opened.ok) {
    refusals.note(entry.path, key, opened.reason);
    if (opened.status === 503) {
      res.setHeader('Retry-After', '30');
      return sendError(503, 'This file is being replaced; try again in a moment.');
    }
    return sendError(404, 'This file is no longer there.');
  }
  refusals.clear(entry.path);
  const { file } = opened;
  // Released when the body is sent or the client has gone, whichever path the response takes.
  res.once('close', () => file.close());
  const { stat } = file;
  const size = stat.size;
  const etag = fileEtag(size, stat.mtimeMs);
  // Never later than the response's Date: a file stamped in the future says now (RFC 9110 §8.8.2.1).
  const lastModifiedMs = Math.min(stat.mtimeMs, Date.now());
  setHeaders(res, {
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': httpDate(lastModifiedMs),
    'Cache-Control': cacheControl(key),
  });
  if (downloadName !== undefined) res.setHeader('Content-Disposition', attachment(downloadName));

  const condition = preconditions(req.headers, etag, lastModifiedMs);
  if (condition !== 'send') return endEmpty(res, condition === 'failed' ? 412 : 304);

  // Range handling is defined for GET only (RFC 9110 §14.2); If-Range turns a stale Range into a full response (§13.1.5).
  const range =
    req.method === 'GET' && ifRangeHolds(header(req, 'if-range'), etag, lastModifiedMs)
      ? parseRange(header(req, 'range'), size)
      : ({ kind: 'ignore' } as const);

  if (range.kind === 'unsatisfiable') {
    // 416 names the current length so the client can retry (RFC 9110 §15.5.17).
    res.statusCode = 416;
    setHeaders(res, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
    res.end();
    return { bodyBytes: 0 };
  }
  res.setHeader('Content-Type', entry.contentType);

  let parts: BodyPart[];
  if (range.kind === 'ranges' && range.ranges.length === 1) {
    const [{ start, end }] = range.ranges;
    res.statusCode = 206;
    setHeaders(res, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
    parts = [{ start, end }];
  } else if (range.kind === 'ranges' && range.ranges.length <= MAX_RANGES) {
    parts = multipartBody(res, entry.contentType, range.ranges, size);
  } else {
    res.statusCode = 200;
    res.setHeader('Content-Length', String(size));
    parts = size > 0 ? [{ start: 0, end: size - 1 }] : [];
  }
  if (req.method === 'HEAD') {
    res.end();
    return { bodyBytes: 0 };
  }
  return { fileParts: parts, bodyBytes: sendFileBody(res, file, parts).bytesSent };
}

/** 304 Not Modified (no body by definition, RFC 9110 §15.4.5) or 412 Precondition Failed (§15.5.13), sent without one. */
export function endEmpty(res: ServerResponse, status: 304 | 412): Sent {
  res.statusCode = status;
  if (status === 412) res.setHeader('Content-Length', '0');
  res.end();
  return { bodyBytes: 0 };
}

/** One log line when a file is refused (at /media/ or /download/), and again only when the reason changes: a client retrying must not flood the log. */
export class RefusalLog {
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

/**
 * Several ranges: one multipart/byteranges body (RFC 9110 §14.6), each part with its own
 * Content-Type and Content-Range. Sets the status and headers; returns the body's parts.
 */
function multipartBody(res: ServerResponse, contentType: string, ranges: ByteRange[], size: number): BodyPart[] {
  const boundary = randomBytes(12).toString('hex');
  const heads = ranges.map((r) =>
    Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = ranges.reduce((sum, r, i) => sum + heads[i].length + (r.end - r.start + 1), tail.length);
  res.statusCode = 206;
  setHeaders(res, { 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': String(length) });
  return [...ranges.flatMap((r, i) => [heads[i], r]), tail];
}
