// The HTTP server over a SiteRoutes: the one module that imports express. Thin on purpose: it looks
// a request up and hands it to a sender in site/http/ (send-file.ts for files, send-content.ts
// for generated bodies, send-page.ts for its own pages), which set the headers the RFCs ask for.
//
// It serves exactly the URLs that are keys of the map (plus a /download/ twin of each /media/
// entry), so nothing else of the disk is reachable: a request path is decoded and re-encoded
// segment by segment and then looked up, never joined onto a folder.
// https://www.rfc-editor.org/rfc/rfc9110
import express, { type NextFunction, type Request, type Response } from 'express';
import { renderErrorPage } from '../pages/error-page.js';
import type { SiteEntry, SiteRoutes } from './types.js';
import { CompressionCache } from './http/compression.js';
import type { BodyPart, Sent } from './http/file-body.js';
import { allowedMethods, corsHeaders, header, isHtml, setHeaders, setPageSecurityHeaders } from './http/headers.js';
import { PublishedFiles } from './http/published-files.js';
import { ContentValidators, sendContent } from './http/send-content.js';
import { RefusalLog, sendFile } from './http/send-file.js';
import { redirect, sendErrorPage, sendPage } from './http/send-page.js';
import type { ServedResponse } from '../contract/served-response.js';

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
  /** Pages outside the routes table (`serve`'s /stats/): an answer, or undefined to go on to the site. */
  extraPage?: (
    path: string,
    method: string,
    headers: Record<string, string | string[] | undefined>,
  ) => Promise<{ status: number; headers: Record<string, string>; body: string } | undefined>;
}

/** `getSite` gives undefined while the first site is still being built (a server reading its show). */
export function createApp(getSite: () => SiteRoutes | undefined, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const compression = new CompressionCache();
  const contents = new ContentValidators();
  const files = options.files ?? new PublishedFiles();
  const refusals = new RefusalLog(options.log);
  const errorPage = options.errorPage ?? ((status: number, message: string) => renderErrorPage(status, message));
  const sendError = (req: Request, res: Response, status: number, message: string) =>
    sendErrorPage(req, res, status, errorPage(status, message));
  // What each response sent, for the access log and download counting (accessLog, servedHook).
  const record = (res: Response, sent: Sent) => {
    res.locals.bodyBytes = sent.bodyBytes;
    if (sent.fileParts) res.locals.fileParts = sent.fileParts;
  };

  if (options.log) app.use(accessLog(options.log));
  if (options.onServed) app.use(servedHook(options.onServed));
  // More than one Host line is answered 400 (RFC 9112 §3.2): Node keeps the first, and a proxy in
  // front may have routed by another.
  app.use((req: Request, res: Response, next: NextFunction) => {
    let hosts = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'host') hosts++;
    if (hosts > 1) return record(res, sendError(req, res, 400, 'This request names its host more than once.'));
    next();
  });
  if (options.extraPage) {
    const extraPage = options.extraPage;
    app.use(async (req: Request, res: Response, next: NextFunction) => {
      const page = await extraPage(req.path, req.method, req.headers);
      if (!page) return next();
      record(res, sendPage(req, res, page.status, page.headers, page.body));
    });
  }

  app.use(async (req: Request, res: Response) => {
    // Take the map once: a live server may swap it mid-request, and one request sees one site.
    const site = getSite();
    if (!site) {
      // Not "nothing here" (404, which apps and crawlers remember) but "ask again soon" (RFC 9110 §15.6.4).
      res.setHeader('Retry-After', '2');
      return record(res, sendError(req, res, 503, 'The show is being read; try again in a moment.'));
    }
    files.hold(site);
    const key = siteKey(req.path);
    const found = key === undefined ? undefined : lookup(site, key);
    if (!found) {
      // Relative to the request (RFC 9110 §10.2.2), "./<last segment>/": behind a proxy that serves the
      // site under a path (https://example.com/pod/ -> this server's /), a root-relative /episodes/x/
      // would leave that path and land on another site's 404.
      if (key !== undefined && site.has(key + '/'))
        return record(res, redirect(res, `./${key.slice(key.lastIndexOf('/') + 1)}/`, req.originalUrl));
      return record(res, sendError(req, res, 404, 'There is nothing at this address.'));
    }
    const { entry, downloadName } = found;
    const cors = !isHtml(entry.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (cors) setHeaders(res, corsHeaders);
    else setPageSecurityHeaders(res);

    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allowedMethods);
      // CORS preflight: a cross-origin player asking whether it may send Range.
      if (cors) {
        setHeaders(res, {
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': 'Range',
          'Access-Control-Max-Age': '86400',
        });
      }
      res.statusCode = 204;
      res.end();
      return record(res, { bodyBytes: 0 });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', allowedMethods);
      return record(res, sendError(req, res, 405, 'This address can only be read.'));
    }
    if (entry.kind === 'file') {
      const sendFileError = (status: number, message: string) => sendError(req, res, status, message);
      return record(res, sendFile(req, res, { key: key!, entry, downloadName, files, refusals, sendError: sendFileError }));
    }
    record(res, await sendContent(req, res, entry, contents, compression, key));
  });

  // Faults of the program or the machine: a plain 500 page, the details in the log only.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    options.log?.(`error ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`);
    if (res.headersSent) return void res.destroy();
    record(res, sendError(req, res, 500, 'Something went wrong on the server.'));
  });
  return app;
}

/**
 * The map key for a request path: each segment decoded then encoded the way src/contract/urls.ts
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

function lookup(site: SiteRoutes, key: string): { entry: SiteEntry; downloadName?: string } | undefined {
  const entry = site.get(key);
  if (entry) return { entry };
  // /download/<slug>/<file> is the /media/<slug>/<file> entry with Content-Disposition: attachment.
  if (key.startsWith('/download/')) {
    const media = site.get('/media/' + key.slice('/download/'.length));
    if (media?.kind === 'file') return { entry: media, downloadName: decodeURIComponent(key.slice(key.lastIndexOf('/') + 1)) };
  }
  return undefined;
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
      onServed({
        time,
        ip: ip ?? req.socket.remoteAddress ?? '',
        userAgent: header(req, 'user-agent') ?? '',
        method: req.method,
        status: res.statusCode,
        range: header(req, 'range'),
        key,
        sent,
      });
    });
    next();
  };
}
