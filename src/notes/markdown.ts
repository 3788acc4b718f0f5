// Show notes: Markdown as the podcaster writes it -> HTML that is safe to put in a page or in a
// feed's <content:encoded>. The only module that imports markdown-it.
//
// Safety comes from markdown-it itself, not from scrubbing its output afterwards:
// - `html: false`: raw HTML in the notes (`<script>`, `<img onerror=...>`) is escaped as text;
// - `validateLink`: only http(s), mailto and relative URLs become links or images, so no
//   javascript:, vbscript:, file: or data: URL reaches an href or src;
// - every attribute value is escaped by markdown-it's renderer.
// Feeds are read far from the site, so relative links are made absolute against the episode page.
import MarkdownIt, { type Token } from 'markdown-it';

// Schemes a listener's app can follow from show notes. Anything else with a scheme is dropped.
const allowedScheme = /^(https?|mailto):/i;
const hasScheme = /^[a-z][a-z0-9+.-]*:/i;

function isSafeUrl(url: string): boolean {
  // Control characters and whitespace inside a scheme ("java\tscript:") are how filters are fooled;
  // the URL parser ignores them, so judge the URL the way a browser will read it.
  const squeezed = url.replace(/[\u0000-\u0020\u007f]/g, '');
  if (!hasScheme.test(squeezed)) return true; // relative: resolved against the page below
  return allowedScheme.test(squeezed);
}

function createRenderer() {
  const md = new MarkdownIt({
    html: false, // raw HTML is shown as text, never run
    linkify: true, // bare URLs in notes are the norm for netcasts
    typographer: false, // keep the podcaster's quotes and dashes as typed
  });
  md.validateLink = isSafeUrl;
  return md;
}

const md = createRenderer();

/** Makes `url` absolute against `baseUrl`; undefined when it cannot be parsed (then it is dropped). */
function absoluteUrl(url: string, baseUrl: string): string | undefined {
  try {
    return new URL(url, baseUrl).href;
  } catch {
    return undefined;
  }
}

function rewriteUrls(tokens: Token[], baseUrl: string): void {
  const siteOrigin = new URL(baseUrl).origin;
  for (const token of tokens) {
    if (token.children) rewriteUrls(token.children, baseUrl);
    if (token.type === 'link_open') {
      const href = absoluteUrl(String(token.attrGet('href') ?? ''), baseUrl);
      if (href === undefined) {
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'href');
        continue;
      }
      token.attrSet('href', href);
      // Off-site pages must not get a handle on ours (window.opener).
      if (/^https?:/.test(href) && new URL(href).origin !== siteOrigin) token.attrSet('rel', 'noopener');
    } else if (token.type === 'image') {
      const src = absoluteUrl(String(token.attrGet('src') ?? ''), baseUrl);
      if (src === undefined) token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'src');
      else token.attrSet('src', src);
    }
  }
}

/**
 * Markdown show notes -> HTML fragment. Raw HTML is escaped, unsafe URLs are not linked,
 * relative links and images are made absolute against `baseUrl` (the episode page URL),
 * and links to other sites get `rel="noopener"`.
 */
export function renderNotes(markdown: string, baseUrl: string): string {
  // An episode's notes go into its page and into every feed it is in: rendered once.
  const key = `${baseUrl}\0${markdown}`;
  const kept = renderedNotes.get(key);
  if (kept !== undefined) return kept;
  const html = renderNotesNow(markdown, baseUrl);
  if (renderedNotes.size >= KEPT_NOTES) renderedNotes.delete(renderedNotes.keys().next().value!);
  renderedNotes.set(key, html);
  return html;
}

/** Notes rendered lately, oldest first: enough for a build's pages and then its feeds of a show of some hundred episodes. */
export const KEPT_NOTES = 1024;
const renderedNotes = new Map<string, string>();

function renderNotesNow(markdown: string, baseUrl: string): string {
  const env = {};
  const tokens = md.parse(withoutControls(markdown), env);
  rewriteUrls(tokens, baseUrl);
  return md.renderer.render(tokens, md.options, env);
}

/**
 * Controls and noncharacters have no place in notes, and markdown-it passes them through (only
 * NUL it replaces): HTML forbids C0 controls but whitespace, DEL, C1 and noncharacters in a page
 * (https://html.spec.whatwg.org/multipage/parsing.html#preprocessing-the-input-stream), XML 1.0 most of them in a feed.
 */
const withoutControls = (text: string) =>
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/g, '');
