// Feed XML -> a small element tree. The one module that imports saxes (a strict, namespace-aware
// XML parser: https://github.com/lddubeau/saxes).
//
// Real feeds are often not well-formed XML. We parse strictly first; when that fails we parse
// again leniently and say what was mended, so the podcaster learns what their old host got wrong:
// - a byte-order mark or whitespace before the XML declaration (https://www.w3.org/TR/xml/#sec-prolog-dtd);
// - HTML entities (&nbsp; &eacute; ...) that XML does not define: decoded as HTML defines them;
//   a name neither defines (&zzz;) is kept as the text it was written as;
// - a bare "&" in text: read as "&amp;";
// - characters XML forbids (most C0 controls): dropped;
// - a prefix such as itunes: used without its xmlns declaration: bound to the namespace every
//   podcast app assumes for it.
// In either pass, a namespace declared by one of its other addresses (the podcast namespace's
// first home on GitHub, the iTunes DTD as Apple's old documents spelled it) is read as the
// namespace it is, and said.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { decodeHtmlEntity } from './html-markdown.js';

export interface XmlElement {
  /** Namespace URI ('' for none). */
  ns: string;
  /** Local name (without prefix). */
  local: string;
  /** The name as written, with its prefix ("itunes:image"). */
  name: string;
  /** Attributes by local name (podcast attributes are never namespaced in practice). */
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
  line: number;
}

export interface ParsedXml {
  root?: XmlElement;
  /** What the lenient pass mended (empty when the document was well-formed). */
  fixes: string[];
  /** Why the document could not be read at all (then root is undefined). */
  error?: string;
}

/** Prefixes podcast apps understand without a declaration, and the namespaces they mean. */
export const knownPrefixes: Readonly<Record<string, string>> = {
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  content: 'http://purl.org/rss/1.0/modules/content/',
  atom: 'http://www.w3.org/2005/Atom',
  psc: 'http://podlove.org/simple-chapters',
  googleplay: 'http://www.google.com/schemas/play-podcasts/1.0',
  media: 'http://search.yahoo.com/mrss/',
  dc: 'http://purl.org/dc/elements/1.1/',
  sy: 'http://purl.org/rss/1.0/modules/syndication/',
  fireside: 'http://fireside.fm/modules/rss/fireside',
  spotify: 'http://www.spotify.com/ns/rss',
};

/**
 * Other addresses real feeds declare the same namespaces by. The podcast namespace lived on GitHub
 * before podcastindex.org (https://github.com/Podcastindex-org/podcast-namespace, "Namespace
 * declaration"): the early Podcasting 2.0 feeds, and podcast-partytime's own test feeds, still
 * declare it there; a feed read without it would lose its podcast:locked, chapters and transcripts.
 * Apple's old RSS samples spelled the iTunes DTD with capitals (DTDs/Podcast-1.0.dtd).
 */
const namespaceAliases: Readonly<Record<string, string>> = {
  'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md': knownPrefixes.podcast,
  'https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md': knownPrefixes.podcast,
  'http://www.itunes.com/DTDs/Podcast-1.0.dtd': knownPrefixes.itunes,
  'https://www.itunes.com/dtds/podcast-1.0.dtd': knownPrefixes.itunes,
};

/** The characters of `bytes` in the encoding the XML declaration names (UTF-8 when it names none). */
export function decodeXml(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // UTF-16 without a BOM: "<" and a zero byte (XML 1.0, appendix F).
  if (bytes[0] === 0x3c && bytes[1] === 0) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0 && bytes[1] === 0x3c) return new TextDecoder('utf-16be').decode(bytes);
  let decoder: TextDecoder;
  try {
    // The BOM is kept: alone it is fine XML, before whitespace it is a fault the report names.
    decoder = new TextDecoder(declared ?? 'utf-8', { ignoreBOM: true });
  } catch {
    decoder = new TextDecoder('utf-8'); // an encoding name TextDecoder does not know
  }
  // ISO-8859-1 and its aliases mean windows-1252 (https://encoding.spec.whatwg.org/#names-and-labels),
  // which Node 20's decoder gets wrong: it gives 0x80-0x9F as C1 controls, so a feed's curly quotes
  // and dashes became invisible characters, then nothing.
  return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
}

/** What windows-1252 has at 0x80-0x9F (five of them unassigned, kept as the C1 control they are in Latin-1). */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
}

export function parseXml(text: string): ParsedXml {
  return parseFeedXml(text, 'tree');
}

/**
 * What the parser does with the channel's <item> elements: keep them in the tree ('tree'), hand
 * each to `onItem` once it is closed and keep only the rest of the tree ('each': a feed of
 * thousands of items is never held whole), or leave them out ('skip').
 */
export type ItemMode = 'tree' | 'each' | 'skip';

/**
 * parseXml, with the items as `mode` says. Strict first, then leniently on the mended text (see
 * the top); `text` in the result is what was parsed, for a later pass (XmlStream) to read again.
 * A strict pass that failed may have handed items to `onItem` already: `onRestart` is called
 * before the lenient pass, to throw them away.
 */
export function parseFeedXml(
  text: string,
  mode: ItemMode,
  onItem?: (item: XmlElement) => void,
  onRestart?: () => void,
): ParsedXml & { text?: string; lenient?: boolean } {
  const strict = parseWhole(text, false, mode, onItem);
  if (!strict.error) return { root: strict.root, fixes: strict.fixes, text, lenient: false };
  onRestart?.();
  const { mended, fixes } = mend(text);
  const lenient = parseWhole(mended, true, mode, onItem);
  if (lenient.error) return { fixes, error: strict.error };
  return { root: lenient.root, fixes: [...fixes, ...lenient.fixes], text: mended, lenient: true };
}

function parseWhole(
  text: string,
  lenient: boolean,
  mode: ItemMode,
  onItem?: (item: XmlElement) => void,
): { root?: XmlElement; error?: string; fixes: string[] } {
  const stream = new XmlStream(lenient, mode, onItem);
  stream.write(text);
  return stream.close();
}

/** The mending of the lenient pass that is done on the text itself, and what it did. */
function mend(text: string): { mended: string; fixes: string[] } {
  const fixes: string[] = [];
  let mended = text;
  const start = mended.search(/<[?!a-zA-Z]/);
  if (start > 0) {
    const before = mended.slice(0, start);
    const boms = before.replace(/[^\ufeff]/g, '').length;
    const others = before.length - boms;
    fixes.push(
      `${[boms && 'a byte-order mark', others && `${others} character(s)`].filter(Boolean).join(' and ')} before the XML declaration dropped`,
    );
    mended = mended.slice(start);
  }
  let controls = 0;
  mended = mended.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, () => {
    controls++;
    return '';
  });
  if (controls) fixes.push(`${controls} control character(s) that XML forbids were dropped`);
  let bare = 0;
  mended = mended.replace(/&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)/g, () => {
    bare++;
    return '&amp;';
  });
  if (bare) fixes.push(`${bare} bare "&" read as "&amp;"`);
  return { mended, fixes };
}

/** Is `element`, opened under `stack`, an item of the channel (rss > channel > item)? */
const isChannelItem = (stack: XmlElement[], ns: string, local: string) =>
  stack.length === 2 && ns === '' && local === 'item' && stack[1].local === 'channel' && stack[1].ns === '';

/**
 * One pass of the parser over a document written to it in pieces (a piece may end anywhere).
 * With mode 'each', items go to `onItem` as they close, so a reader that writes a piece at a
 * time holds one piece's items at most.
 */
export class XmlStream {
  private readonly parser: SaxesParser<{ xmlns: true; position: true }>;
  private readonly entities = new Map<string, number>();
  private readonly unknownEntities = new Set<string>();
  private readonly prefixes = new Set<string>();
  /** Namespace addresses read as another (namespaceAliases). */
  private readonly aliased = new Set<string>();
  private readonly stack: XmlElement[] = [];
  private root?: XmlElement;
  private error?: string;
  /** Depth inside a skipped item (0: not in one). */
  private skipping = 0;

  constructor(lenient: boolean, mode: ItemMode, onItem?: (item: XmlElement) => void) {
    const { entities, unknownEntities, prefixes, aliased, stack } = this;
    const parser = new SaxesParser({
      xmlns: true,
      position: true,
      ...(lenient && {
        resolvePrefix: (prefix: string) => {
          const uri = knownPrefixes[prefix];
          if (uri) prefixes.add(prefix);
          return uri;
        },
      }),
    });
    this.parser = parser;
    if (lenient) {
      // Names XML does not define are looked up in HTML's table (as every browser reads a feed).
      const xmlEntities = parser.ENTITIES;
      parser.ENTITIES = new Proxy(xmlEntities, {
        get(target, name) {
          if (typeof name !== 'string' || name in target) return Reflect.get(target, name);
          const decoded = decodeHtmlEntity(name);
          if (decoded !== undefined) entities.set(name, (entities.get(name) ?? 0) + 1);
          else unknownEntities.add(name);
          return decoded ?? `&${name};`;
        },
      });
    }
    parser.on('error', (err) => {
      this.error ??= err.message;
    });
    parser.on('opentag', (tag: SaxesTagNS) => {
      if (this.skipping) {
        this.skipping++;
        return;
      }
      let ns = tag.uri ?? '';
      if (namespaceAliases[ns]) {
        aliased.add(ns);
        ns = namespaceAliases[ns];
      }
      const local = tag.local ?? tag.name;
      const item = mode !== 'tree' && isChannelItem(stack, ns, local);
      if (item && mode === 'skip') {
        this.skipping = 1;
        return;
      }
      const attrs: Record<string, string> = {};
      for (const attr of Object.values(tag.attributes))
        if (attr.prefix !== 'xmlns' && attr.name !== 'xmlns') attrs[attr.local] = attr.value;
      const element: XmlElement = { ns, local, name: tag.name, attrs, text: '', children: [], line: parser.line };
      const parent = stack.at(-1);
      if (parent && !item) parent.children.push(element);
      else if (!parent) this.root ??= element;
      stack.push(element);
    });
    const onText = (text: string) => {
      if (this.skipping) return;
      const current = stack.at(-1);
      if (current) current.text += text;
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', () => {
      if (this.skipping) {
        this.skipping--;
        return;
      }
      const element = stack.pop();
      if (element && mode === 'each' && onItem && isChannelItem(stack, element.ns, element.local)) onItem(element);
    });
  }

  write(chunk: string): void {
    try {
      this.parser.write(chunk);
    } catch (err) {
      this.error ??= (err as Error).message;
    }
  }

  close(): { root?: XmlElement; error?: string; fixes: string[] } {
    try {
      this.parser.close();
    } catch (err) {
      this.error ??= (err as Error).message;
    }
    const fixes: string[] = [];
    if (this.entities.size)
      fixes.push(`HTML entities that XML does not define were decoded: ${[...this.entities.keys()].map((n) => `&${n};`).join(' ')}`);
    if (this.unknownEntities.size)
      fixes.push(
        `entities that neither XML nor HTML defines were kept as written: ${[...this.unknownEntities].map((n) => `&${n};`).join(' ')}`,
      );
    if (this.prefixes.size)
      fixes.push(
        `namespace prefixes used without a declaration were bound to their usual namespace: ${[...this.prefixes].map((p) => `${p}:`).join(' ')}`,
      );
    for (const uri of this.aliased) fixes.push(`the namespace declared as ${uri} was read as ${namespaceAliases[uri]}, its address now`);
    const error = this.error ?? (this.root ? undefined : 'no root element');
    return { root: this.root, error, fixes };
  }
}

/** The children of `element` in namespace `ns` named `local`. */
export function childrenNamed(element: XmlElement, ns: string, local: string): XmlElement[] {
  return element.children.filter((c) => c.ns === ns && c.local === local);
}

export function childNamed(element: XmlElement, ns: string, local: string): XmlElement | undefined {
  return element.children.find((c) => c.ns === ns && c.local === local);
}

/** The trimmed text of the first such child, or undefined when it is absent or empty. */
export function childText(element: XmlElement, ns: string, local: string): string | undefined {
  const text = childNamed(element, ns, local)?.text.trim();
  return text ? text : undefined;
}
