// The frame around every page: head (meta, style sheet, feed discovery), header, footer.
// One small style sheet and one small script, both under /static/; the page works without the script.
import type { Catalog } from '../contract/catalog.js';
import { paths } from '../contract/urls.js';
import { esc } from './html.js';

export interface LayoutInput {
  /** <title>, already plain text (escaped here). */
  title: string;
  description?: string;
  /** BCP 47 language of the page (the show's). */
  lang: string;
  /** Absolute URL of this page, for <link rel=canonical>. */
  canonical?: string;
  /** Extra head elements, already escaped HTML (Open Graph, JSON-LD). */
  head?: string;
  /** The page's content, already escaped HTML; placed inside <main>. */
  main: string;
  /** The show, for the header and footer and feed discovery; absent on a bare error page. */
  catalog?: Catalog;
  /** Absolute URL of each feed, for <link rel=alternate> (RSS autodiscovery: https://www.rssboard.org/rss-autodiscovery). */
  feedLinks?: { title: string; url: string }[];
  /** How this page links to a site path (relative to the page, or root-relative on error pages). */
  link: (sitePath: string) => string;
}

export function layout(input: LayoutInput): string {
  const show = input.catalog?.show;
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(input.title)}</title>`,
    input.description ? `<meta name="description" content="${esc(input.description)}">` : '',
    input.canonical ? `<link rel="canonical" href="${esc(input.canonical)}">` : '',
    '<meta name="color-scheme" content="light dark">',
    `<link rel="stylesheet" href="${esc(input.link(paths.static('style.css')))}">`,
    ...(input.feedLinks ?? []).map((f) => `<link rel="alternate" type="application/rss+xml" title="${esc(f.title)}" href="${esc(f.url)}">`),
    input.head ?? '',
    `<script src="${esc(input.link(paths.static('player.js')))}" defer></script>`,
  ].filter(Boolean);
  const header = show
    ? `<header class="site-header"><a class="brand" href="${esc(input.link(paths.home()))}">${esc(show.title)}</a></header>`
    : '';
  const footerParts = show ? [show.copyright ? esc(show.copyright) : `© ${esc(show.author)}`] : [];
  footerParts.push('Published with netcaster');
  return `<!doctype html>
<html lang="${esc(input.lang)}">
<head>
${head.join('\n')}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${header}
<main id="main">
${input.main}
</main>
<footer class="site-footer"><p>${footerParts.join(' · ')}</p></footer>
</body>
</html>
`;
}
