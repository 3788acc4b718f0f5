// A host on 127.0.0.1 for import tests: feeds, media with byte ranges (Range, If-Range, ETag),
// redirects and misbehaviour on purpose, and a log of what was asked, so a test can tell a
// resumed download from a new one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fixturesDir, sampleShowDir } from '../support/env.js';

export interface Served {
  status?: number;
  type?: string;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Send only this many bytes of the body, then drop the connection. */
  cutAfter?: number;
  /** With cutAfter: keep the connection open and send nothing more (a host that hangs). */
  stall?: boolean;
  /** Bytes per second (a slow host, for interrupting). */
  throttle?: number;
}

export type Route = (req: http.IncomingMessage) => Served;

export interface LoggedRequest {
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
  bytes: number;
}

export class FeedServer {
  readonly routes = new Map<string, Route>();
  readonly log: LoggedRequest[] = [];
  private server?: http.Server;
  base = '';
  /** Paths with no route are served from this folder (a `build --out` output), if set. */
  root?: string;
  /** Answers paths with no route (a whole host's worth of addresses), if set. */
  fallback?: (path: string) => Served | undefined;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  url(p: string): string {
    return `${this.base}${p}`;
  }

  /** Serves `body` at `p`, answering ranges as a real host does. */
  file(p: string, body: Buffer, options: Omit<Served, 'body'> = {}): string {
    this.routes.set(p, () => ({ type: 'application/octet-stream', ...options, body }));
    return this.url(p);
  }

  fixture(p: string, name: string, type: string, options: Omit<Served, 'body' | 'type'> = {}): string {
    return this.file(p, fs.readFileSync(path.join(fixturesDir, 'media', name)), { type, ...options });
  }

  feed(p: string, xml: string, type = 'application/rss+xml; charset=utf-8'): string {
    this.routes.set(p, () => ({ type, body: xml }));
    return this.url(p);
  }

  redirect(p: string, to: string, status = 301): void {
    this.routes.set(p, () => ({ status, headers: { location: to } }));
  }

  requests(p: string): LoggedRequest[] {
    return this.log.filter((r) => r.path === p);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    let route = this.routes.get(p);
    const fallback = route ? undefined : this.fallback?.(p);
    if (fallback) route = () => fallback;
    if (!route && this.root) {
      const file = path.join(this.root, decodeURIComponent(p), p.endsWith('/') ? 'index.html' : '');
      if (file.startsWith(this.root) && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        const body = fs.readFileSync(file);
        route = () => ({ body, type: contentType(file) });
      }
    }
    const entry: LoggedRequest = {
      path: p,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      status: 404,
      bytes: 0,
    };
    this.log.push(entry);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
      return;
    }
    const served = route(req);
    const body = typeof served.body === 'string' ? Buffer.from(served.body) : served.body;
    const headers: Record<string, string> = { ...(served.type && { 'content-type': served.type }), ...served.headers };
    let status = served.status ?? 200;
    let start = 0;
    let end = body ? body.length : 0;
    if (body && status === 200) {
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      headers.etag = etag;
      headers['accept-ranges'] = 'bytes';
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const ifRange = req.headers['if-range'];
      if (range && (!ifRange || ifRange === etag)) {
        start = Number(range[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
          entry.status = 416;
          return;
        }
        status = 206;
        headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      }
      headers['content-length'] = String(end - start);
    }
    entry.status = status;
    res.writeHead(status, headers);
    if (!body || req.method === 'HEAD') {
      res.end();
      return;
    }
    const slice = body.subarray(start, end);
    const limit = served.cutAfter !== undefined ? Math.min(served.cutAfter, slice.length) : slice.length;
    const finish = () => {
      if (limit < slice.length && served.stall) return;
      if (limit < slice.length) res.destroy();
      else res.end();
    };
    if (!served.throttle) {
      entry.bytes = limit;
      // Dropped only once the bytes are on their way, as a connection that breaks mid-file.
      res.write(slice.subarray(0, limit), () => finish());
      return;
    }
    // A slow host: a chunk every 50 ms.
    const chunk = Math.max(1, Math.round(served.throttle / 20));
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const next = Math.min(offset + chunk, limit);
      res.write(slice.subarray(offset, next));
      entry.bytes += next - offset;
      offset = next;
      if (offset >= limit) {
        clearInterval(timer);
        finish();
      }
    }, 50);
    res.on('close', () => clearInterval(timer));
    void end;
  }
}

export const artworkBytes = () => fs.readFileSync(path.join(sampleShowDir, 'artwork.jpg'));
export const coverBytes = () => fs.readFileSync(path.join(sampleShowDir, '047-clouds-have-outages-too', 'cover.jpg'));
export const media = (name: string) => fs.readFileSync(path.join(fixturesDir, 'media', name));

function contentType(file: string): string {
  const types: Record<string, string> = {
    '.xml': 'application/rss+xml',
    '.mp3': 'audio/mpeg',
    '.m4v': 'video/x-m4v',
    '.webm': 'video/webm',
    '.jpg': 'image/jpeg',
    '.png': 'image/png',
    '.json': 'application/json',
    '.vtt': 'text/vtt',
    '.html': 'text/html',
  };
  return types[path.extname(file)] ?? 'application/octet-stream';
}
