// The headers every answer of the server carries by kind: security headers for pages, CORS for
// what players and web apps elsewhere read, caching by URL. One place, so a page, an error page
// and a stats page are sent alike.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const allowedMethods = 'GET, HEAD, OPTIONS';

/**
 * Pages only load the site's own scripts, styles and media; artwork may be inlined as data: URLs.
 * Images may also come from other sites: show notes link them by absolute http(s) URL (a podcaster's
 * `![diagram](https://...)`, and every <img> an imported feed's notes carried), and src/notes/markdown.ts
 * keeps exactly those; an image cannot run script.
 * frame-ancestors (with X-Frame-Options for older browsers) stops the pages being framed.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Style attributes only (no <style> elements): pages size the <video> box with style="aspect-ratio: ...";
  // an attribute cannot run script. CSP Level 3 style-src-attr: https://www.w3.org/TR/CSP3/#directive-style-src-attr
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: https: http:",
  "media-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers that let web players and podcast web apps elsewhere read feeds, media, chapters and transcripts (Fetch standard, CORS protocol). */
export const corsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
};

export const isHtml = (contentType: string) => /^text\/html\b/i.test(contentType);

export function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

export function setPageSecurityHeaders(res: ServerResponse): void {
  setHeaders(res, {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  });
}

/** Media may be replaced under the same name, so it is revalidated hourly; artwork names are content hashes, so they never change. */
export function cacheControl(key: string): string {
  if (key.startsWith('/artwork/')) return 'public, max-age=31536000, immutable';
  if (key.startsWith('/media/') || key.startsWith('/download/')) return 'public, max-age=3600';
  return 'no-cache';
}

/** A request header as one string (repeated headers joined, as RFC 9110 §5.3 allows for lists). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
