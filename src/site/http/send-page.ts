// Small answers the server makes itself: a whole page in one buffer (error pages, /stats/), and
// the redirect of a folder URL to its trailing slash.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sent } from './file-body.js';
import { setHeaders, setPageSecurityHeaders } from './headers.js';

/** A page of ours, whole: status, headers and body (none for HEAD). */
export function sendPage(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, page: string): Sent {
  const body = Buffer.from(page);
  res.statusCode = status;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (/^text\/html/.test(headers['Content-Type'] ?? '')) setPageSecurityHeaders(res);
  setHeaders(res, { ...headers, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return { bodyBytes: req.method === 'HEAD' ? 0 : body.length };
}

/** An error page, never cached: the same address may answer tomorrow. */
export function sendErrorPage(req: IncomingMessage, res: ServerResponse, status: number, page: string): Sent {
  return sendPage(req, res, status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }, page);
}

/** /episodes/x -> /episodes/x/ (301), keeping the query of `url`; the target is a site key, so never another host. */
export function redirect(res: ServerResponse, location: string, url: string): Sent {
  const query = url.indexOf('?');
  res.statusCode = 301;
  res.setHeader('Location', query >= 0 ? location + url.slice(query) : location);
  res.setHeader('Content-Length', '0');
  res.end();
  return { bodyBytes: 0 };
}
