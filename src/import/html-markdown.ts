// Show notes as a feed carries them (HTML in content:encoded or description) -> Markdown for
// notes.md. The one module that imports node-html-markdown
// (https://github.com/crosstype/node-html-markdown). Chosen over turndown because it needs no DOM
// (turndown brings an 8.8 MB one) and converted typical show notes 2.7x faster here (3,000 notes:
// 1.2 s against 3.2 s), and because it drops <script> and <style> contents instead of keeping
// their text.
//
// What comes out is safe before markdown-it (src/notes/markdown.ts) ever sees it: links and images
// are made absolute against the episode's page, and any that is not http(s) or mailto (javascript:,
// data:, vbscript:, file:) loses its URL and keeps only its text.
import { NodeHtmlMarkdown, type TranslatorConfig, type TranslatorConfigObject } from 'node-html-markdown';
import { READ_LIMITS } from '../show/show-file.js';

const safeScheme = /^(https?|mailto):/i;

/**
 * Show notes too large to convert. The library's conversion takes time in proportion to the number
 * of elements times the length of its output (it copies the whole result so far at each element),
 * and it is synchronous, so nothing can interrupt it: 6 MB of paragraphs did not end in 15 minutes
 * and ignored SIGINT and SIGTERM, 128 KB of "line<br>" took 11.7 s. Measured here, tags x
 * characters of 1e9 took at most 2 s, whatever the elements; 4 MB in one paragraph takes 0.2 s.
 * The text is also no longer than check reads of a notes.md.
 */
export function notesTooLarge(html: string): string | undefined {
  const kb = Math.ceil(html.length / 1024);
  if (html.length > READ_LIMITS.notes)
    return `${kb} KB of HTML, more than the ${READ_LIMITS.notes / 1024 / 1024} MB of notes netcaster reads`;
  let tags = 0;
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) tags++;
  if (tags * html.length > MAX_NOTES_WORK) return `${kb} KB of HTML in ${tags} tags, more than netcaster converts in reasonable time`;
  return undefined;
}

const MAX_NOTES_WORK = 1e9;

/** `url` made absolute against `base`, or undefined when it is not a URL a listener may follow. */
export function safeAbsoluteUrl(url: string, base: string | undefined): string | undefined {
  // The URL parser ignores whitespace and controls inside a scheme ("java\tscript:"): judge what it reads.
  let resolved: URL;
  try {
    resolved = base ? new URL(url.trim(), base) : new URL(url.trim());
  } catch {
    return undefined;
  }
  return safeScheme.test(resolved.protocol) ? resolved.href : undefined;
}

type Factory = (context: TranslatorContext) => TranslatorConfig;
type TranslatorContext = Parameters<Extract<TranslatorConfigObject[string], (...args: never[]) => unknown>>[0];

/**
 * The library writes a title as "..." and an image's alt as [...] without escaping them, so a
 * title with a double quote (title='Say "hi"') or an alt with a bracket ended the link early and
 * the notes showed the Markdown as text: the characters that would end them are escaped here.
 */
function markdownSafeAttribute(node: TranslatorContext['node'], name: string, special: RegExp): void {
  const value = node.getAttribute(name);
  if (value) node.setAttribute(name, value.replace(special, '\\$&'));
}

let converter: NodeHtmlMarkdown | undefined;
// The page the notes being converted belong to (conversion is synchronous, one at a time).
let currentBase: string | undefined;

function createConverter(): NodeHtmlMarkdown {
  // The library's own translators for <a> and <img>, run after our URL check.
  const defaults = new NodeHtmlMarkdown().translators;
  const link = defaults.get('a') as Factory;
  const image = defaults.get('img') as Factory;
  const custom: TranslatorConfigObject = {
    a: (context) => {
      const href = context.node.getAttribute('href');
      const safe = href ? safeAbsoluteUrl(href, currentBase) : undefined;
      if (safe) context.node.setAttribute('href', safe);
      else context.node.removeAttribute('href');
      markdownSafeAttribute(context.node, 'title', /["\\]/g);
      return link(context);
    },
    img: (context) => {
      const src = context.node.getAttribute('src');
      const safe = src ? safeAbsoluteUrl(src, currentBase) : undefined;
      if (!safe) return { ignore: true };
      context.node.setAttribute('src', safe);
      markdownSafeAttribute(context.node, 'title', /["\\]/g);
      markdownSafeAttribute(context.node, 'alt', /[[\]\\]/g);
      return image(context);
    },
    // Embedded players and forms have no Markdown form and nothing a listener can use in notes.
    'iframe,object,embed,form,input,button,noscript,style,script': { ignore: true },
  };
  return new NodeHtmlMarkdown({ useInlineLinks: true, maxConsecutiveNewlines: 2 }, custom);
}

/** Show notes HTML -> Markdown, with links absolute against `pageUrl` and nothing unsafe. */
export function htmlToMarkdown(html: string, pageUrl: string | undefined): string {
  converter ??= createConverter();
  currentBase = pageUrl;
  return converter.translate(html).trim();
}

/** HTML without its script and style elements, whose content is code, not text to show. */
const withoutScripts = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '');

/** Plain text of an HTML fragment (for a summary), whitespace collapsed. */
export function htmlToText(html: string): string {
  return markdownToText(htmlToMarkdown(withoutScripts(html), undefined));
}

/**
 * What marks a description as HTML: an element such descriptions have, or an entity reference left
 * after XML's own decoding (netcaster writes its text escaped, `A &amp; B`, inside CDATA). Without
 * either, it is plain text and kept as it is ("5 < 6", "write to <your name>").
 */
const htmlMarkup =
  /<\/?(?:p|br|a|b|i|u|em|strong|span|div|ul|ol|li|h[1-6]|blockquote|img|hr|small|sup|sub|code|pre)\b[^>]*>|&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);/i;

/**
 * A channel's description as a feed carries it -> the plain text show.yaml's description is (the
 * pages and feeds escape it). RSS 2.0 allows it as HTML (https://www.rssboard.org/rss-specification:
 * "entity-encoded HTML is allowed"), as most hosts write it (`<p>...</p>` in CDATA) and as netcaster
 * itself does: kept as it came, the show page and every app showed the tags, and each import and
 * build of netcaster's own feed added a layer (`&amp;` -> `&amp;amp;`). Paragraphs stay paragraphs
 * (a blank line between them).
 */
export function descriptionText(text: string): string {
  if (!htmlMarkup.test(text)) return text;
  const markdown = htmlToMarkdown(withoutScripts(text), undefined);
  return markdown
    .split(/\n\s*\n/)
    .map(markdownToText)
    .filter(Boolean)
    .join('\n\n');
}

/** Inline Markdown as the converter writes it: an escape, an image, a code span, a link's brackets, emphasis. */
const inlineMarkup = /\\([!-/:-@[-`{-~])|!\[([^\]]*)\]\((?:\\.|[^)\\])*\)|(`+)([^`]*?)\3|\[|\]\((?:\\.|[^)\\])*\)|\*|_|~~/g;

/**
 * Plain text of what htmlToMarkdown made (the notes already converted need not be converted again
 * for their summary). The converter escapes each character of the text that Markdown would read
 * as markup, so what is escaped is the text's own and stays, unescaped ("C# and my_var, 5 > 3,
 * 2*3"); only the markup it wrote goes: block markers at the start of a line, code fences, link
 * brackets and addresses, emphasis and strikethrough. Code and image descriptions, which it does
 * not escape, are kept as they are.
 */
export function markdownToText(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      else lines.push(line);
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    lines.push(
      line
        .replace(/^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|[*+-][ \t]+)?/, '')
        .replace(inlineMarkup, (_markup, escaped?: string, alt?: string, _ticks?: string, code?: string) => escaped ?? alt ?? code ?? ''),
    );
  }
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}

const entityCache = new Map<string, string | undefined>();

/** The characters an HTML named character reference (&eacute; without & and ;) stands for. */
export function decodeHtmlEntity(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9]{1,31}$/.test(name)) return undefined;
  if (entityCache.has(name)) return entityCache.get(name);
  // The library decodes text through its parser; a name it does not know comes back unchanged.
  const decoded = NodeHtmlMarkdown.translate(`<pre>&${name};</pre>`, { codeBlockStyle: 'fenced', codeFence: '```' })
    .replace(/^```\n?/, '')
    .replace(/\n?```$/, '');
  const result = decoded === `&${name};` || decoded === '' ? (name === 'nbsp' ? '\u00a0' : undefined) : decoded;
  entityCache.set(name, result);
  return result;
}
