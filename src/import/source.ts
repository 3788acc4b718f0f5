// SOURCE (an http(s) URL or a file) -> the whole feed: the feed's moves followed, its pages and
// archives joined, loops stopped. Moves, in the order a podcast app honours them:
// - HTTP redirects (3xx with Location);
// - <itunes:new-feed-url> (https://podcasters.apple.com/support/837-change-the-rss-feed-url);
// - <redirect><newLocation> (the RSS habit some hosts use when a show leaves them).
// Pages: RFC 5005 paged feeds (atom:link rel="next", section 3) and archived feeds
// (rel="prev-archive", section 4): the items of every page are joined, each guid once.
//
// A feed is read twice, so that it is never held whole as objects (a feed of 3,000 items, whole,
// took more memory than the rest of the import): first for its channel and a summary of each
// item (feed.ts, ItemSummary: what matching, naming and the lock need), then, item by item as
// the import takes them (`items()`), for the rest. Only the text of each document is kept
// between the two.
import fs from 'node:fs';
import { readRegularFile } from '../show/show-file.js';
import { feedBase, ItemReader, readFeed, summaryOf, type ItemSummary, type SourceFeed, type SourceItem } from './feed.js';
import { discard, get, HttpError, readBody, statusError, withRetries, type HttpOptions } from './http.js';
import { decodeXml, parseFeedXml, XmlStream, type XmlElement } from './xml.js';

/** A feed document larger than this is not a podcast feed (the largest real ones are ~30 MB). */
const MAX_FEED_BYTES = 100 * 1024 * 1024;
/**
 * The text of every document is kept until the items have been read again (see the top): the
 * pages and archives of one feed together stop being read past this, so a feed of endless large
 * pages cannot take the memory of the machine.
 */
export const MAX_FEED_TOTAL_BYTES = 100 * 1024 * 1024;
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
  /**
   * Every item of the feed in full, in the order of feed.items (the same positions and guids),
   * read again from the documents a piece at a time: a few items are in memory at once.
   */
  items: () => Generator<SourceItem>;
}

/** A document of the feed as read: its text (mended when it had to be), to read its items from again. */
interface FeedDocument {
  text: string;
  lenient: boolean;
  base?: string;
  /** A page or archive after the first document: its items that repeat a guid are left out. */
  page: boolean;
}

/** Characters parsed at a time when the items are read again (a few items' worth). */
const PIECE = 64 * 1024;

/** The items of one document, in full, as the parser reaches them. */
function* itemElements(doc: FeedDocument): Generator<XmlElement> {
  const queue: XmlElement[] = [];
  const stream = new XmlStream(doc.lenient, 'each', (item) => queue.push(item));
  for (let at = 0; at < doc.text.length; at += PIECE) {
    stream.write(doc.text.slice(at, at + PIECE));
    yield* queue.splice(0);
  }
  stream.close();
  yield* queue.splice(0);
}

/** Every item of the documents, numbered and deduplicated as readSource did for feed.items. */
function* allItems(docs: FeedDocument[]): Generator<SourceItem> {
  const seen = new Set<string>();
  let count = 0;
  for (const doc of docs) {
    const reader = new ItemReader(doc.base);
    let n = 0;
    for (const element of itemElements(doc)) {
      const item = reader.read(element, ++n);
      reader.notes.length = 0; // said when the feed was first read
      if (!item) continue;
      if (doc.page) {
        if (seen.has(item.guid)) continue;
        item.position = count + 1;
      }
      seen.add(item.guid);
      count++;
      yield item;
    }
  }
}

/**
 * The first reading of a document: its channel, and the summary of each item (read as the parser
 * goes, then let go). A feed read from a file resolves relative URLs against its own
 * atom:link rel="self", which may come after the items: its channel is read first.
 */
function scanDocument(
  text: string,
  url: string,
  page: boolean,
): { feed?: SourceFeed; doc?: FeedDocument; fixes: string[]; error?: string } {
  const base = /^https?:\/\//i.test(url) ? url : feedBase(url, parseFeedXml(text, 'skip').root);
  let reader = new ItemReader(base);
  let summaries: ItemSummary[] = [];
  let n = 0;
  const parsed = parseFeedXml(
    text,
    'each',
    (element) => {
      const item = reader.read(element, ++n);
      if (item) summaries.push(summaryOf(item));
    },
    () => {
      // The strict reading failed part way: the lenient one starts again.
      reader = new ItemReader(base);
      summaries = [];
      n = 0;
    },
  );
  if (!parsed.root || parsed.text === undefined) return { fixes: parsed.fixes, error: parsed.error };
  const feed = readFeed(parsed.root, url, { summaries, reader });
  return { feed, doc: { text: parsed.text, lenient: parsed.lenient === true, base, page }, fixes: parsed.fixes };
}

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

async function readDocument(
  location: string,
  http: HttpOptions,
  signal?: AbortSignal,
): Promise<{ bytes: Buffer; url: string; moves: string[] }> {
  if (!isUrl(location)) {
    const stat = fs.statSync(location, { throwIfNoEntry: false });
    if (!stat) throw new HttpError(`${location}: no such file`, false);
    if (!stat.isFile()) throw new HttpError(`${location}: not a regular file (a folder, a FIFO or a device is never read)`, false);
    if (stat.size > MAX_FEED_BYTES) throw new HttpError(`${location}: larger than ${MAX_FEED_BYTES / 1024 / 1024} MB: not a feed`, false);
    // Opened non-blocking and read with the bound, so a file swapped for a FIFO meanwhile cannot hang the import.
    const bytes = readRegularFile(location, MAX_FEED_BYTES);
    if (!bytes)
      throw new HttpError(`${location}: could not be read as a regular file of at most ${MAX_FEED_BYTES / 1024 / 1024} MB`, false);
    return { bytes, url: location, moves: [] };
  }
  return withRetries(
    async () => {
      const fetched = await get(location, {
        signal,
        http,
        headers: { accept: 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5' },
      });
      const failed = statusError(fetched);
      if (failed) {
        discard(fetched);
        throw failed;
      }
      const bytes = await readBody(fetched, MAX_FEED_BYTES, http);
      return { bytes, url: fetched.url, moves: fetched.redirects.map((r) => `${r.from} -> ${r.to} (HTTP ${r.status})`) };
    },
    http,
    signal,
  );
}

export async function readSource(
  source: string,
  http: HttpOptions,
  signal?: AbortSignal,
  maxTotalBytes = MAX_FEED_TOTAL_BYTES,
): Promise<ReadSource> {
  const moves: string[] = [];
  const fixes: string[] = [];
  const visited = new Set<string>();
  let location = source;
  let feed: SourceFeed | undefined;
  let url = source;
  let docs: FeedDocument[] = [];
  const items = () => allItems(docs);
  try {
    // The feed itself, following its moves.
    for (let move = 0; ; move++) {
      visited.add(location);
      const doc = await readDocument(location, http, signal);
      moves.push(...doc.moves);
      for (const m of doc.moves) visited.add(m.split(' -> ')[1].split(' ')[0]);
      url = doc.url;
      const scanned = scanDocument(decodeXml(doc.bytes), url, false);
      fixes.push(...scanned.fixes.map((f) => `${url}: ${f}`));
      if (!scanned.feed || !scanned.doc) return { url, moves, fixes, error: `${url}: not XML (${scanned.error})`, items };
      feed = scanned.feed;
      docs = [scanned.doc];
      const next = [
        feed.newFeedUrl && ['itunes:new-feed-url', feed.newFeedUrl],
        feed.newLocation && ['<redirect><newLocation>', feed.newLocation],
      ]
        .filter((x): x is [string, string] => !!x)
        .find(([, target]) => target !== url && target !== location && target !== feed?.selfUrl);
      if (!next || (!isUrl(url) && !isUrl(next[1]))) break;
      const [why, target] = next;
      if (visited.has(target)) {
        return {
          url,
          moves,
          fixes,
          error: `redirect loop: ${[...visited, target].join(' -> ')} (${why}); the feed never settles at one URL`,
          items,
        };
      }
      if (move >= MAX_MOVES)
        return { url, moves, fixes, error: `the feed moved more than ${MAX_MOVES} times (${[...visited].join(' -> ')})`, items };
      moves.push(`${url} -> ${target} (${why})`);
      location = target;
    }
    // Its pages and archives.
    const seenGuids = new Set(feed.items.map((i) => i.guid));
    const pages = new Set<string>([url]);
    let kept = docs[0].text.length;
    let next = feed.nextPage ?? feed.prevArchive;
    while (next) {
      if (kept >= maxTotalBytes) {
        feed.notes.push({
          where: 'feed',
          message: `the pages read so far hold more than ${Math.round(maxTotalBytes / 1024 / 1024)} MB: the page ${next} and those after it were not read`,
          lost: true,
        });
        break;
      }
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
      const scanned = scanDocument(decodeXml(doc.bytes), doc.url, true);
      fixes.push(...scanned.fixes.map((f) => `${next}: ${f}`));
      if (!scanned.feed || !scanned.doc) {
        feed.notes.push({
          where: 'feed',
          message: `the page ${next} is not XML (${scanned.error}): its episodes were not imported`,
          lost: true,
        });
        break;
      }
      const page = scanned.feed;
      docs.push(scanned.doc);
      kept += scanned.doc.text.length;
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
    return { feed, url, moves, fixes, items };
  } catch (err) {
    if (signal?.aborted) throw err;
    if (err instanceof HttpError) return { url: location, moves, fixes, error: err.message, items };
    throw err;
  }
}
