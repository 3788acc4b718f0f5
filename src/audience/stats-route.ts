// /stats/ in `serve`: only when NETCASTER_STATS_TOKEN is set (else nothing is there: 404), and only
// for whoever presents the token, as an HTTP Basic password (any user name) or a Bearer token
// (RFC 7617, RFC 6750); else 401. The comparison takes the same time whatever is sent: both sides
// are hashed to 32 bytes and compared with timingSafeEqual. Never part of a `build`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Catalog } from '../contract/catalog.js';
import { utcDay } from './engine.js';
import { buildReport } from './report.js';
import { storeWindow } from './session.js';
import { renderStatsPage } from './stats-page.js';
import { openStore } from './open-store.js';
import { FORMATS } from '../media/formats.js';
import { ShowTargets } from './targets.js';

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The token the request presents, if any. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

export function tokenMatches(presented: string | undefined, token: string): boolean {
  // Hashing first makes both sides 32 bytes, so neither the length nor the content leaks through timing.
  const ok = timingSafeEqual(digest(presented ?? ''), digest(token));
  return ok && presented !== undefined;
}

const unauthorized: PageResponse = {
  status: 401,
  headers: {
    'WWW-Authenticate': 'Basic realm="netcaster stats", charset="UTF-8"',
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  },
  body: 'The download numbers need the stats token (NETCASTER_STATS_TOKEN) as the password.\n',
};

/**
 * Answers /stats and /stats/ when the token is set; undefined for every other path (and for these
 * when it is not set, so the site answers them: 404).
 */
export function statsRoute(getCatalog: () => Catalog | undefined, env: NodeJS.ProcessEnv = process.env) {
  return async (
    path: string,
    method: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<PageResponse | undefined> => {
    const token = env.NETCASTER_STATS_TOKEN;
    if (!token || (path !== '/stats/' && path !== '/stats')) return undefined;
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const authorization = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
    if (!tokenMatches(presentedToken(authorization), token)) return unauthorized;
    if (path === '/stats') return { status: 301, headers: { Location: '/stats/', 'Cache-Control': 'no-store' }, body: '' };
    const catalog = getCatalog();
    let store;
    try {
      store = await openStore(env);
    } catch (err) {
      return {
        status: 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' },
        body: `The download counts cannot be read: ${(err as Error).message}\n`,
      };
    }
    try {
      const window = await storeWindow(store, undefined);
      const [rows, feeds] = [await store.downloads({}), await store.feeds({})];
      const targets = catalog ? new ShowTargets(catalog) : undefined;
      const now = Date.now();
      const report = buildReport({
        window,
        rows,
        feeds,
        today: utcDay(now),
        until: utcDay(now),
        since: rows.length ? undefined : utcDay(now),
        episodes:
          catalog?.episodes
            .filter((e) => !e.draft && Date.parse(e.date) <= now)
            .map((e) => ({ slug: e.slug, title: e.title, date: e.date })) ?? [],
        isVideo: (format) => targets?.isVideoFormat(format) ?? FORMATS[format]?.video ?? format === 'webm',
      });
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
        body: renderStatsPage(report, rows, catalog),
      };
    } finally {
      await store.close();
    }
  };
}
