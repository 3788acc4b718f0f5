// SOURCE (an http(s) URL or a file) -> the whole feed: the feed's moves followed, its pages and
// archives joined, loops stopped. Moves, in the order a podcast app honours them:
// - HTTP redirects (3xx with Location);
// - <itunes:new-feed-url> (https://podcasters.apple.com/support/837-change-the-rss-feed-url);
// - <redirect><newLocation> (the RSS habit some hosts use when a show leaves them).
// Pages: RFC 5005 paged feeds (atom:link rel="next", section 3) and archived feeds
// (rel="prev-archive", section 4): the items of every page are joined, each guid once.
import fs from 'node:fs';
import { readRegularFile } from '../show/show-file.js';
import { readFeed, type SourceFeed } from './feed.js';
import { discard, get, HttpError, readBody, statusError, withRetries, type HttpOptions } from './http.js';
import { decodeXml, parseXml } from './xml.js';

/** A feed document larger than this is not a podcast feed (the largest real ones are ~30 MB). */
const MAX_FEED_BYTES = 100 * 1024 * 1024;
/** Pages of one feed at most (a 10,000-episode show in pages of 50 is 200). */
const MAX_PAGES = 500;
const MAX_MOVES = 5;

export interface ReadSource {
  feed?: SourceFeed;
  /** The URL the feed was finally read from (or the file). */
  url: string;
  /** Every move followed, for the report ("http://a -> https://b (301)"). */
  moves: string[];
  /** What was mended in the XML, per document. */
  fixes: string[];
  /** Why the feed could not be read (then feed is undefined). */
  error?: string;
}

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

async function readDocument(location: string, http: HttpOptions, signal?: AbortSignal): Promise<{ bytes: Buffer; url: string; moves: string[] }> {
  if (!isUrl(location)) {
    const stat = fs.statSync(location, { throwIfNoEntry: false });
    if (!stat) throw new HttpError(`${location}: no such file`, false);
    if (!stat.isFile()) throw new HttpError(`${location}: not a regular file (a folder, a FIFO or a device is never read)`, false);
    if (stat.size > MAX_FEED_BYTES) throw new HttpError(`${location}: larger than ${MAX_FEED_BYTES / 1024 / 1024} MB: not a feed`, false);
    // Opened non-blocking and read with the bound, so a file swapped for a FIFO meanwhile cannot hang the import.
    const bytes = readRegularFile(location, MAX_FEED_BYTES);
    if (!bytes) throw new HttpError(`${location}: could not be read as a regular file of at most ${MAX_FEED_BYTES / 1024 / 1024} MB`, false);
    return { bytes, url: location, moves: [] };
  }
  return withRetries(async () => {
    const fetched = await get(location, { signal, http, headers: { accept: 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5' } });
    const failed = statusError(fetched);
    if (failed) {
      discard(fetched);
      throw failed;
    }
    const bytes = await readBody(fetched, MAX_FEED_BYTES);
    return { bytes, url: fetched.url, moves: fetched.redirects.map((r) => `${r.from} -> ${r.to} (HTTP ${r.status})`) };
  }, http, signal);
}

export async function readSource(source: string, http: HttpOptions, signal?: AbortSignal): Promise<ReadSource> {
  const moves: string[] = [];
  const fixes: string[] = [];
  const visited = new Set<string>();
  let location = source;
  let feed: SourceFeed | undefined;
  let url = source;
  try {
    // The feed itself, following its moves.
    for (let move = 0; ; move++) {
      visited.add(location);
      const doc = await readDocument(location, http, signal);
      moves.push(...doc.moves);
      for (const m of doc.moves) visited.add(m.split(' -> ')[1].split(' ')[0]);
      url = doc.url;
      const parsed = parseXml(decodeXml(doc.bytes));
      fixes.push(...parsed.fixes.map((f) => `${url}: ${f}`));
      if (!parsed.root) return { url, moves, fixes, error: `${url}: not XML (${parsed.error})` };
      feed = readFeed(parsed.root, url);
      const next = [feed.newFeedUrl && ['itunes:new-feed-url', feed.newFeedUrl], feed.newLocation && ['<redirect><newLocation>', feed.newLocation]]
        .filter((x): x is [string, string] => !!x)
        .find(([, target]) => target !== url && target !== location && target !== feed?.selfUrl);
      if (!next || !isUrl(url) && !isUrl(next[1])) break;
      const [why, target] = next;
      if (visited.has(target)) {
        return { url, moves, fixes, error: `redirect loop: ${[...visited, target].join(' -> ')} (${why}); the feed never settles at one URL` };
      }
      if (move >= MAX_MOVES) return { url, moves, fixes, error: `the feed moved more than ${MAX_MOVES} times (${[...visited].join(' -> ')})` };
      moves.push(`${url} -> ${target} (${why})`);
      location = target;
    }
    // Its pages and archives.
    const seenGuids = new Set(feed.items.map((i) => i.guid));
    const pages = new Set<string>([url]);
    let next = feed.nextPage ?? feed.prevArchive;
    while (next) {
      if (pages.has(next)) {
        feed.notes.push({ where: 'feed', message: `the page ${next} links back to a page already read: paging stopped there` });
        break;
      }
      if (pages.size >= MAX_PAGES) {
        feed.notes.push({ where: 'feed', message: `more than ${MAX_PAGES} pages: the rest were not read`, lost: true });
        break;
      }
      pages.add(next);
      const doc = await readDocument(next, http, signal);
      const parsed = parseXml(decodeXml(doc.bytes));
      fixes.push(...parsed.fixes.map((f) => `${next}: ${f}`));
      if (!parsed.root) {
        feed.notes.push({ where: 'feed', message: `the page ${next} is not XML (${parsed.error}): its episodes were not imported`, lost: true });
        break;
      }
      const page = readFeed(parsed.root, doc.url);
      let added = 0;
      for (const item of page.items) {
        if (seenGuids.has(item.guid)) continue;
        seenGuids.add(item.guid);
        feed.items.push({ ...item, position: feed.items.length + 1 });
        added++;
      }
      feed.notes.push(...page.notes.map((n) => ({ ...n, where: `${next} ${n.where}` })));
      feed.notes.push({ where: 'feed', message: `page ${next} read (RFC 5005): ${added} more episode(s)` });
      next = page.nextPage ?? page.prevArchive;
    }
    return { feed, url, moves, fixes };
  } catch (err) {
    if (signal?.aborted) throw err;
    if (err instanceof HttpError) return { url: location, moves, fixes, error: err.message };
    throw err;
  }
}
