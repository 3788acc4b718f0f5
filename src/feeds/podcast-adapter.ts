// The one module that imports `podcast` (node-podcast 2.0.1, which writes its XML through the
// `rss` and `xml` packages). Feeds are described here in our own small types; this file turns
// them into the library's options and returns the RSS text.
//
// What the library gets wrong, and how each is worked around (read in
// node_modules/podcast/dist/esm/index.js and node_modules/rss/lib/index.js):
// - It writes the iTunes elements itself, with an empty <itunes:email> when no owner is given
//   and an <itunes:summary> copied from the description. We switch its iTunes namespace off
//   (`namespaces.iTunes: false`), declare the prefix ourselves and build every itunes: element.
// - It has no podcast: elements at all (only the namespace); they go in as `customElements`.
// - It never writes the RSS <image> (`imageUrl` is not passed on to `rss`): a custom element.
// - Its simple-chapters (psc) namespace is on by default: switched off, we use podcast:chapters.
// - `rss` stamps <lastBuildDate> with the wall clock. There is no option for it, so the one
//   place we edit the finished XML is that element (see `stampLastBuildDate`).
import { Podcast } from 'podcast';

/** An XML element in our own terms; `text` is escaped, `cdata` is wrapped in CDATA. */
export interface XmlNode {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  text?: string | number;
  cdata?: string;
  children?: XmlNode[];
}

export interface RssChannel {
  title: string;
  /** HTML allowed (it goes in CDATA). */
  description: string;
  /** The site's home page. */
  link: string;
  /** The feed's own URL: <atom:link rel="self">. */
  feedUrl: string;
  language: string;
  copyright?: string;
  generator: string;
  /** When the feed's content last changed (a date from the data, never the clock); absent: no element. */
  lastBuildDate?: Date;
  /** Prefix -> namespace URI, besides the ones the library always declares (dc, content, atom, podcast). */
  namespaces: Record<string, string>;
  /** itunes:, podcast:, atom:link rel="hub", <image> ... in this order. */
  elements: XmlNode[];
}

export interface RssItem {
  title: string;
  link: string;
  /** Written with isPermaLink="false". */
  guid: string;
  date: Date;
  /** HTML (CDATA). */
  description: string;
  /** HTML for <content:encoded> (CDATA). */
  contentHtml?: string;
  enclosure: { url: string; length: number; type: string };
  elements: XmlNode[];
}

// XML 1.0 forbids most control characters (https://www.w3.org/TR/xml/#charsets) even escaped;
// one stray byte in a title would make the whole feed unreadable, so they are dropped. DEL and the
// C1 controls it allows but discourages (section 2.2), and no text means them: dropped too.
const notXmlChar = /[^\u0009\u000A\u000D\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const clean = (s: string) => s.replace(notXmlChar, '');
/**
 * A guid is an identity, kept byte for byte (an imported feed's guid with a C1 control in it,
 * which XML 1.0 allows, is the episode apps know): only what XML 1.0 cannot carry at all is
 * dropped, and check refuses a guid holding that (src/catalog/assemble.ts).
 */
const forbiddenInXml = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const cleanGuid = (s: string) => s.replace(forbiddenInXml, '');

/** Our node -> the `xml` package's object form, which `podcast` passes through as a custom element. */
function toXmlObject(node: XmlNode): Record<string, unknown> {
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(node.attrs ?? {})) {
    if (value !== undefined) attrs[key] = clean(String(value));
  }
  const hasAttrs = Object.keys(attrs).length > 0;
  let value: unknown;
  if (node.children) {
    value = [...(hasAttrs ? [{ _attr: attrs }] : []), ...node.children.map(toXmlObject)];
  } else if (node.cdata !== undefined) {
    value = { ...(hasAttrs ? { _attr: attrs } : {}), _cdata: clean(node.cdata) };
  } else if (node.text !== undefined) {
    value = hasAttrs ? [{ _attr: attrs }, clean(String(node.text))] : clean(String(node.text));
  } else {
    value = hasAttrs ? { _attr: attrs } : '';
  }
  return { [node.name]: value };
}

/**
 * `rss` writes `<lastBuildDate>` from `new Date()` and offers no option, so a rebuild of an
 * unchanged show would differ. Post-processing is the only way: replace (or drop) that one
 * element, which it writes exactly once, right after <generator>.
 */
function stampLastBuildDate(xml: string, date: Date | undefined): string {
  const element = /<lastBuildDate>[^<]*<\/lastBuildDate>\n?[ \t]*/;
  if (!element.test(xml)) throw new Error('podcast/rss no longer writes <lastBuildDate>; update src/feeds/podcast-adapter.ts');
  if (date === undefined) return xml.replace(element, '');
  return xml.replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${date.toUTCString()}</lastBuildDate>`);
}

/** Renders a podcast RSS 2.0 document. Pure: the same input gives the same bytes. */
export function renderRss(channel: RssChannel, items: RssItem[]): string {
  const podcast = new Podcast({
    title: clean(channel.title),
    description: clean(channel.description),
    // URLs too: they are made from the base URL, which is checked, but one bad byte must never cost the whole feed.
    siteUrl: clean(channel.link),
    feedUrl: clean(channel.feedUrl),
    language: channel.language,
    copyright: channel.copyright === undefined ? undefined : clean(channel.copyright),
    generator: channel.generator,
    // Channel <pubDate>: the same data-derived moment as lastBuildDate (never the clock).
    pubDate: channel.lastBuildDate,
    namespaces: { iTunes: false, simpleChapters: false, podcast: true },
    customNamespaces: channel.namespaces,
    customElements: channel.elements.map(toXmlObject),
  });
  for (const item of items) {
    podcast.addItem({
      title: clean(item.title),
      description: clean(item.description),
      url: clean(item.link),
      guid: cleanGuid(item.guid),
      date: item.date,
      enclosure: { url: clean(item.enclosure.url), size: item.enclosure.length, type: item.enclosure.type },
      content: item.contentHtml === undefined ? undefined : clean(item.contentHtml),
      customElements: item.elements.map(toXmlObject),
    });
  }
  return stampLastBuildDate(podcast.buildXml({ indent: '  ' }), channel.lastBuildDate) + '\n';
}
