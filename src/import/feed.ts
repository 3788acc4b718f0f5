// A podcast RSS feed, read from its XML tree into what an import needs. Pure: tree in, data and
// notes out. Every element is either read into the result or counted as having no place in
// netcaster (the report lists those), so nothing is dropped silently.
//
// Followed: RSS 2.0 (https://www.rssboard.org/rss-specification), Apple's tags
// (https://podcasters.apple.com/support/823-podcast-requirements), the Podcast Index namespace
// (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md), Podlove Simple
// Chapters (https://podlove.org/simple-chapters/), RFC 5005 (feed paging and archiving).
import type { Chapter } from '../contract/catalog.js';
import { descriptionText, safeAbsoluteUrl } from './html-markdown.js';
import { mapCategory, parseDuration, parseFeedDate, type ParsedDate } from './values.js';
import { childNamed, childText, childrenNamed, knownPrefixes, type XmlElement } from './xml.js';

const NS = {
  rss: '',
  itunes: knownPrefixes.itunes,
  podcast: knownPrefixes.podcast,
  content: knownPrefixes.content,
  atom: knownPrefixes.atom,
  psc: knownPrefixes.psc,
} as const;

/** Something the reader mended or could not keep; `where` is "channel" or "item N (title)". */
export interface FeedNote {
  where: string;
  message: string;
  /** True when something could not come over (else it was mended, and is only said). */
  lost?: boolean;
}

export interface SourceEnclosure {
  /** Absolute URL as the feed gives it (tracking prefixes still on). */
  url: string;
  type?: string;
  /** Declared length in bytes; 0 or absent means unknown. */
  length: number;
}

export interface SourceTranscript {
  url: string;
  type: string;
  language?: string;
}

/**
 * What an import keeps of every item of a feed before it downloads anything: enough to match it
 * with the show there, name its folder and seed the lock. The rest of an item (notes, chapters,
 * transcripts...) is read again when its turn comes, so a feed of thousands of items is never
 * held whole.
 */
export interface ItemSummary {
  /** 1-based position in the feed, for messages. */
  position: number;
  title: string;
  guid: string;
  date?: ParsedDate;
  number?: number;
  enclosure?: SourceEnclosure;
}

export const summaryOf = (item: SourceItem): ItemSummary => ({
  position: item.position,
  title: item.title,
  guid: item.guid,
  ...(item.date && { date: item.date }),
  ...(item.number !== undefined && { number: item.number }),
  ...(item.enclosure && { enclosure: item.enclosure }),
});

export interface SourceItem extends ItemSummary {
  season?: number;
  episodeType?: 'full' | 'trailer' | 'bonus';
  explicit?: boolean;
  summary?: string;
  notesHtml?: string;
  link?: string;
  /** Other files of the same episode: further <enclosure>s and podcast:alternateEnclosure. */
  alternates: SourceEnclosure[];
  duration?: number;
  imageUrl?: string;
  chaptersUrl?: string;
  simpleChapters?: Chapter[];
  transcripts: SourceTranscript[];
}

export interface SourceFeed {
  /** The URL (or file) the feed was read from. */
  source: string;
  selfUrl?: string;
  newFeedUrl?: string;
  /** <redirect><newLocation> (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/redirect.md is not it; this is the older RSS habit some hosts use). */
  newLocation?: string;
  /** RFC 5005: the next page of a paged feed, and the previous archive document of an archived one. */
  nextPage?: string;
  prevArchive?: string;
  title?: string;
  description?: string;
  author?: string;
  language?: string;
  categories: string[];
  explicit?: boolean;
  type?: 'episodic' | 'serial';
  owner?: { name?: string; email?: string };
  copyright?: string;
  link?: string;
  funding: { url: string; text: string }[];
  persons: { name: string; role?: string; group?: string; img?: string; href?: string }[];
  podcastGuid?: string;
  locked?: { locked: boolean; owner?: string };
  imageUrl?: string;
  medium?: string;
  items: ItemSummary[];
  notes: FeedNote[];
  /** Elements with no place in netcaster: "channel <itunes:keywords>" or "item <podcast:soundbite>" -> how many. */
  unmapped: Map<string, number>;
}

/** The name of an element as people know it: its usual prefix, else the prefix it was written with. */
function tagName(element: XmlElement): string {
  const prefix = Object.entries(knownPrefixes).find(([, uri]) => uri === element.ns)?.[0];
  return prefix ? `${prefix}:${element.local}` : element.name;
}

const yesNo = (text: string | undefined): boolean | undefined => {
  const t = text?.trim().toLowerCase();
  if (t === undefined || t === '') return undefined;
  if (['yes', 'true', 'explicit'].includes(t)) return true;
  if (['no', 'false', 'clean'].includes(t)) return false;
  return undefined;
};

/**
 * The URL relative URLs of a feed resolve against: the feed's own URL (RFC 3986 section 5.1.3:
 * the retrieval URI); a feed read from a file has only the URL it says is its own (`root`, the
 * document read without its items, has it).
 */
export function feedBase(source: string, root: XmlElement | undefined): string | undefined {
  if (/^https?:\/\//i.test(source)) return source;
  const channel = root && childNamed(root, '', 'channel');
  const selfHref =
    channel &&
    childrenNamed(channel, NS.atom, 'link')
      .find((l) => l.attrs.rel === 'self')
      ?.attrs.href?.trim();
  return selfHref && /^https?:\/\//i.test(selfHref) ? selfHref : undefined;
}

/** Reads the items of one feed document one at a time, as the parser hands them over (xml.ts, mode 'each'). */
export class ItemReader {
  readonly notes: FeedNote[] = [];
  readonly unmapped = new Map<string, number>();
  private readonly url: UrlReader;

  /** `base`: feedBase of the document. */
  constructor(base: string | undefined) {
    this.url = urlReader(base, this.notes);
  }

  read(element: XmlElement, position: number): SourceItem | undefined {
    return readItem(element, position, this.url, this.notes, this.unmapped);
  }
}

function urlReader(base: string | undefined, notes: FeedNote[]): UrlReader {
  return (raw, where, what) => {
    if (raw === undefined) return undefined;
    const trimmed = raw.trim();
    if (!trimmed) return undefined;
    if (trimmed !== raw) notes.push({ where, message: `spaces around the ${what} URL removed` });
    const absolute = safeAbsoluteUrl(trimmed, base);
    if (!absolute) {
      notes.push({
        where,
        message: `the ${what} URL "${trimmed}" is not an http(s) URL${base ? '' : ' (a relative URL in a feed read from a file cannot be resolved)'}`,
        lost: true,
      });
      return undefined;
    }
    if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) notes.push({ where, message: `the relative ${what} URL "${trimmed}" read as ${absolute}` });
    return absolute;
  };
}

/**
 * Reads one feed document (the <rss> root, read without its items), and takes the items that
 * `items` read from it: their summaries, notes and unmapped tags.
 */
export function readFeed(root: XmlElement, source: string, items: { summaries: ItemSummary[]; reader: ItemReader }): SourceFeed {
  const notes: FeedNote[] = [];
  const unmapped = new Map<string, number>();
  const feed: SourceFeed = { source, categories: [], funding: [], persons: [], items: [], notes, unmapped };
  const withItems = () => {
    feed.items = items.summaries;
    notes.push(...items.reader.notes);
    for (const [key, count] of items.reader.unmapped) unmapped.set(key, (unmapped.get(key) ?? 0) + count);
    return feed;
  };
  if (root.local !== 'rss') {
    notes.push({ where: 'feed', message: `the root element is <${root.name}>, not <rss>: not a podcast RSS feed`, lost: true });
    return feed;
  }
  const channel = childNamed(root, '', 'channel');
  if (!channel) {
    notes.push({ where: 'feed', message: 'no <channel>', lost: true });
    return feed;
  }
  const url = urlReader(feedBase(source, root), notes);

  const consumed = new Set<XmlElement>();
  const take = (parent: XmlElement, ns: string, local: string): XmlElement | undefined => {
    const found = childNamed(parent, ns, local);
    if (found) consumed.add(found);
    return found;
  };
  const takeAll = (parent: XmlElement, ns: string, local: string): XmlElement[] => {
    const found = childrenNamed(parent, ns, local);
    for (const f of found) consumed.add(f);
    return found;
  };
  const text = (parent: XmlElement, ns: string, local: string): string | undefined => {
    const t = take(parent, ns, local)?.text.trim();
    return t ? t : undefined;
  };

  // --- The channel ---
  feed.title = text(channel, NS.rss, 'title') ?? text(channel, NS.itunes, 'title');
  const description = text(channel, NS.rss, 'description');
  const itunesSummary = text(channel, NS.itunes, 'summary');
  // The first of them with any text once its HTML is read (an empty <p></p> is none).
  feed.description = [description, itunesSummary, text(channel, NS.itunes, 'subtitle')]
    .map((t) => (t === undefined ? '' : descriptionText(t)))
    .find((t) => t !== '');
  if (description && itunesSummary && itunesSummary !== description)
    notes.push({ where: 'channel', message: 'itunes:summary differs from <description>: the description was kept' });
  const ownerElement = take(channel, NS.itunes, 'owner');
  if (ownerElement) {
    feed.owner = { name: childText(ownerElement, NS.itunes, 'name'), email: childText(ownerElement, NS.itunes, 'email') };
  }
  feed.author = text(channel, NS.itunes, 'author') ?? feed.owner?.name ?? text(channel, NS.rss, 'managingEditor');
  feed.language = text(channel, NS.rss, 'language');
  for (const category of takeAll(channel, NS.itunes, 'category')) {
    const parent = category.attrs.text?.trim();
    if (!parent) continue;
    const subs = childrenNamed(category, NS.itunes, 'category')
      .map((c) => c.attrs.text?.trim())
      .filter((s): s is string => !!s);
    for (const sub of subs.length ? subs : [undefined]) {
      const mapped = mapCategory(parent, sub);
      if (mapped.mapped) notes.push({ where: 'channel', message: `category ${mapped.mapped}` });
      if (mapped.name) {
        if (!feed.categories.includes(mapped.name)) feed.categories.push(mapped.name);
      } else notes.push({ where: 'channel', message: `category not imported: ${mapped.message}`, lost: true });
    }
  }
  feed.explicit = yesNo(text(channel, NS.itunes, 'explicit'));
  const type = text(channel, NS.itunes, 'type')?.toLowerCase();
  if (type === 'episodic' || type === 'serial') feed.type = type;
  feed.copyright = text(channel, NS.rss, 'copyright');
  feed.link = url(text(channel, NS.rss, 'link'), 'channel', '<link>');
  for (const f of takeAll(channel, NS.podcast, 'funding')) {
    const u = url(f.attrs.url, 'channel', 'podcast:funding');
    if (u) feed.funding.push({ url: u, text: f.text.trim().slice(0, 128) || 'Support the show' });
  }
  for (const p of takeAll(channel, NS.podcast, 'person')) {
    const name = p.text.trim();
    if (!name) continue;
    const img = url(p.attrs.img, 'channel', 'podcast:person img');
    const href = url(p.attrs.href, 'channel', 'podcast:person href');
    feed.persons.push({
      name,
      ...(p.attrs.role && { role: p.attrs.role }),
      ...(p.attrs.group && { group: p.attrs.group }),
      ...(img && { img }),
      ...(href && { href }),
    });
  }
  feed.podcastGuid = text(channel, NS.podcast, 'guid');
  const locked = take(channel, NS.podcast, 'locked');
  if (locked) feed.locked = { locked: yesNo(locked.text) === true, owner: locked.attrs.owner?.trim() || undefined };
  feed.imageUrl = url(take(channel, NS.itunes, 'image')?.attrs.href, 'channel', 'itunes:image');
  const rssImage = take(channel, NS.rss, 'image');
  feed.imageUrl ??= url(rssImage ? childText(rssImage, NS.rss, 'url') : undefined, 'channel', '<image>');
  feed.medium = text(channel, NS.podcast, 'medium');
  feed.newFeedUrl = url(text(channel, NS.itunes, 'new-feed-url'), 'channel', 'itunes:new-feed-url');
  const redirect = take(channel, NS.rss, 'redirect');
  if (redirect) feed.newLocation = url(childText(redirect, NS.rss, 'newLocation'), 'channel', '<redirect><newLocation>');
  for (const link of takeAll(channel, NS.atom, 'link')) {
    const rel = link.attrs.rel ?? 'alternate';
    const href = url(link.attrs.href, 'channel', `atom:link rel="${rel}"`);
    if (!href) continue;
    if (rel === 'self') feed.selfUrl = href;
    else if (rel === 'next') feed.nextPage = href;
    else if (rel === 'prev-archive') feed.prevArchive = href;
    else if (rel !== 'first' && rel !== 'last' && rel !== 'hub' && rel !== 'current' && rel !== 'previous' && rel !== 'prev') {
      unmapped.set(`channel <atom:link rel="${rel}">`, (unmapped.get(`channel <atom:link rel="${rel}">`) ?? 0) + 1);
    }
  }

  // Whatever the channel holds beyond what we read.
  for (const child of channel.children) {
    if (consumed.has(child)) continue;
    const key = `channel <${tagName(child)}>`;
    unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
  }
  // The items, read as the parser went: their notes after the channel's.
  return withItems();
}

type UrlReader = (raw: string | undefined, where: string, what: string) => string | undefined;

function readItem(
  element: XmlElement,
  position: number,
  url: UrlReader,
  notes: FeedNote[],
  unmapped: Map<string, number>,
): SourceItem | undefined {
  const consumed = new Set<XmlElement>();
  const take = (ns: string, local: string) => {
    const found = childNamed(element, ns, local);
    if (found) consumed.add(found);
    return found;
  };
  const takeAll = (ns: string, local: string) => {
    const found = childrenNamed(element, ns, local);
    for (const f of found) consumed.add(f);
    return found;
  };
  const text = (ns: string, local: string) => {
    const t = take(ns, local)?.text.trim();
    return t ? t : undefined;
  };
  const rawTitle = text(NS.rss, 'title') ?? text(NS.itunes, 'title');
  const where = `item ${position}${rawTitle ? ` (${rawTitle.slice(0, 60)})` : ''}`;
  const item: SourceItem = { position, title: rawTitle ?? '', guid: '', alternates: [], transcripts: [] };

  const enclosures = takeAll(NS.rss, 'enclosure')
    .map((e): SourceEnclosure | undefined => {
      const u = url(e.attrs.url, where, 'enclosure');
      const length = Number(e.attrs.length?.trim());
      return u
        ? { url: u, type: e.attrs.type?.trim() || undefined, length: Number.isFinite(length) && length > 0 ? length : 0 }
        : undefined;
    })
    .filter((e): e is SourceEnclosure => e !== undefined);
  if (enclosures.length > 1)
    notes.push({
      where,
      message: `${enclosures.length} <enclosure>s (RSS allows one): the first is this feed's, the others are imported as other formats`,
    });
  [item.enclosure] = enclosures;
  item.alternates.push(...enclosures.slice(1));
  if (item.enclosure && item.enclosure.length === 0)
    notes.push({
      where,
      message: 'the enclosure length is 0 or missing: the download is checked by its Content-Length and its probe instead',
    });
  for (const alt of takeAll(NS.podcast, 'alternateEnclosure')) {
    const source = childrenNamed(alt, NS.podcast, 'source')
      .map((s) => url(s.attrs.uri, where, 'podcast:alternateEnclosure source'))
      .find((u) => u !== undefined);
    if (!source) continue;
    const length = Number(alt.attrs.length);
    item.alternates.push({ url: source, type: alt.attrs.type, length: Number.isFinite(length) && length > 0 ? length : 0 });
  }

  const guid = take(NS.rss, 'guid');
  const guidText = guid?.text ?? '';
  if (guidText.trim()) {
    item.guid = guidText.trim();
    if (item.guid !== guidText) notes.push({ where, message: 'spaces around the guid removed (apps compare it without them)' });
  } else if (item.enclosure) {
    // What podcast apps already use as the identity of an item without a guid.
    item.guid = item.enclosure.url;
    notes.push({ where, message: `no <guid>: its enclosure URL is kept as the guid, as apps already identify it by that` });
  } else {
    notes.push({ where, message: 'no <guid> and no enclosure: not an episode, skipped', lost: true });
    return undefined;
  }
  if (!rawTitle) {
    item.title = `Episode ${position}`;
    notes.push({ where, message: `no <title>: named "${item.title}"` });
  }

  const dateText = text(NS.rss, 'pubDate');
  if (dateText) {
    item.date = parseFeedDate(dateText);
    if (!item.date) notes.push({ where, message: `the pubDate "${dateText}" is not a date`, lost: true });
    else if (item.date.quirk) notes.push({ where, message: `the pubDate "${dateText}" has ${item.date.quirk}: read as ${item.date.iso}` });
  } else notes.push({ where, message: 'no <pubDate>', lost: true });

  const whole = (t: string | undefined, what: string, min: number) => {
    if (t === undefined) return undefined;
    const n = Number(t);
    if (Number.isInteger(n) && n >= min) return n;
    notes.push({ where, message: `${what} "${t}" is not a whole number from ${min}: not imported`, lost: true });
    return undefined;
  };
  item.number = whole(text(NS.itunes, 'episode') ?? take(NS.podcast, 'episode')?.text.trim(), 'itunes:episode', 0);
  item.season = whole(text(NS.itunes, 'season') ?? take(NS.podcast, 'season')?.text.trim(), 'itunes:season', 1);
  const episodeType = text(NS.itunes, 'episodeType')?.toLowerCase();
  if (episodeType === 'full' || episodeType === 'trailer' || episodeType === 'bonus') item.episodeType = episodeType;
  else if (episodeType)
    notes.push({ where, message: `itunes:episodeType "${episodeType}" is not full, trailer or bonus: not imported`, lost: true });
  item.explicit = yesNo(text(NS.itunes, 'explicit'));

  // Plain text, as episode.yaml's summary is: hosts (Megaphone, Anchor, some Libsyn) put HTML in it.
  const summary = text(NS.itunes, 'summary');
  const subtitle = text(NS.itunes, 'subtitle');
  const plain = summary ?? subtitle;
  if (plain !== undefined) item.summary = descriptionText(plain);
  const encoded = text(NS.content, 'encoded');
  const description = text(NS.rss, 'description');
  item.notesHtml = encoded ?? description;
  // Read as the base of the notes' relative links, and listed: the episode's page is netcaster's now.
  item.link = url(childText(element, NS.rss, 'link'), where, '<link>');

  const durationText = text(NS.itunes, 'duration');
  if (durationText) {
    const parsed = parseDuration(durationText);
    if (parsed) item.duration = parsed.seconds;
    else notes.push({ where, message: `itunes:duration "${durationText}" is not a duration; the file's own duration is used` });
  }
  item.imageUrl = url(take(NS.itunes, 'image')?.attrs.href, where, 'itunes:image');
  const chapters = take(NS.podcast, 'chapters');
  if (chapters) item.chaptersUrl = url(chapters.attrs.url, where, 'podcast:chapters');
  const simple = take(NS.psc, 'chapters');
  if (simple) item.simpleChapters = readSimpleChapters(simple, where, url, notes);
  for (const t of takeAll(NS.podcast, 'transcript')) {
    const u = url(t.attrs.url, where, 'podcast:transcript');
    if (u)
      item.transcripts.push({
        url: u,
        type: t.attrs.type?.trim().toLowerCase() ?? '',
        ...(t.attrs.language && { language: t.attrs.language }),
      });
  }

  for (const child of element.children) {
    if (consumed.has(child)) continue;
    const key = `item <${tagName(child)}>`;
    unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
  }
  // Read and kept in other forms, so not listed as lost: a subtitle next to a summary, the
  // description next to content:encoded (the same notes twice, in most feeds).
  return item;
}

/** Podlove Simple Chapters (https://podlove.org/simple-chapters/): start as normal play time "HH:MM:SS.mmm". */
function readSimpleChapters(element: XmlElement, where: string, url: UrlReader, notes: FeedNote[]): Chapter[] {
  const chapters: Chapter[] = [];
  for (const c of childrenNamed(element, NS.psc, 'chapter')) {
    const start = c.attrs.start ? parseDuration(c.attrs.start.trim()) : undefined;
    const title = c.attrs.title?.trim();
    if (!start || !title) {
      notes.push({
        where,
        message: `a psc:chapter without a readable start and title (start="${c.attrs.start ?? ''}") skipped`,
        lost: true,
      });
      continue;
    }
    const href = url(c.attrs.href, where, 'psc:chapter href');
    const img = url(c.attrs.image, where, 'psc:chapter image');
    chapters.push({ startTime: start.seconds, title, ...(href && { url: href }), ...(img && { img }) });
  }
  return chapters;
}
