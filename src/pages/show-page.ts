// The show page, `/`: artwork, description, a subscribe block per feed, the newest episodes; the
// older ones on /page/2/, /page/3/, ..., each page linking to the next and the previous with
// rel="next"/"prev" (https://html.spec.whatwg.org/multipage/links.html#link-type-next), so every
// episode is reachable by plain links, for listeners and crawlers alike, without one page of
// thousands of episodes.
// Pure: (catalog, options, page) -> HTML. Only what is published at options.now appears.
import type { Catalog, Episode, FeedDef } from '../contract/catalog.js';
import { publishedEpisodes } from '../catalog/status.js';
import { absolute, feedUrl, paths } from '../contract/urls.js';
import { clock, episodeDuration, esc, formatLabel, isoDuration, longDate, ogImageUrl, picture, rel, type PageOptions } from './html.js';
import { layout } from './layout.js';

/** Episodes per page of the list: enough for a year of a daily show, a page of about 50 kB. */
export const EPISODES_PER_PAGE = 50;

/** How many pages the episode list has at `now` (one, even with no episode). */
export function showPageCount(catalog: Catalog, now: Date): number {
  return Math.max(1, Math.ceil(publishedEpisodes(catalog, now).length / EPISODES_PER_PAGE));
}

/** The page (1, 2, ...) that lists the published episode at `index` (0 is the newest). */
export const showPageOf = (index: number) => Math.floor(index / EPISODES_PER_PAGE) + 1;

/** The site path of every page of the episode list at `now`: '/', '/page/2/', ... */
export function showPagePaths(catalog: Catalog, now: Date): string[] {
  return Array.from({ length: showPageCount(catalog, now) }, (_, i) => paths.showPage(i + 1));
}

/** Plain text with blank lines between paragraphs -> <p>s. */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('\n');
}

/**
 * `podcast://host/path`: the feed URL with its scheme replaced, which podcast apps on phones and
 * desktops register for (Apple Podcasts, Overcast, Pocket Casts, AntennaPod, gPodder).
 */
export function podcastAppUrl(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, 'podcast://');
}

function feedFormat(catalog: Catalog, feed: FeedDef): string {
  const label = (format: string) => {
    for (const episode of catalog.episodes) {
      const media = episode.media.find((m) => m.format === format);
      if (media) return formatLabel(media);
    }
    return format.toUpperCase();
  };
  const also = feed.alternates.length ? ` (also ${feed.alternates.map(label).join(', ')})` : '';
  return `${label(feed.enclosure)}${also}`;
}

function subscribeBlock(catalog: Catalog, feed: FeedDef, options: PageOptions): string {
  const url = feedUrl(options, feed);
  const id = `feed-url-${feed.name}`;
  return `<li class="feed">
<h3>${esc(feed.title)}</h3>
<p class="feed-format">${esc(feedFormat(catalog, feed))}</p>
<div class="feed-url"><label for="${esc(id)}">Feed URL</label>
<div class="copy-row"><input id="${esc(id)}" type="url" readonly value="${esc(url)}"><button type="button" class="copy" data-copy="${esc(id)}" hidden>Copy</button></div></div>
<p class="feed-actions"><a class="button" href="${esc(podcastAppUrl(url))}">Open in podcast app</a> <a href="${esc(url)}">RSS feed</a></p>
</li>`;
}

/** The page numbers a pager shows: the first, the last, and two either side of `current`; null for a gap. */
export function pagerNumbers(current: number, count: number): (number | null)[] {
  const shown: (number | null)[] = [];
  for (let n = 1; n <= count; n++) {
    if (n === 1 || n === count || Math.abs(n - current) <= 2) shown.push(n);
    else if (shown[shown.length - 1] !== null) shown.push(null);
  }
  return shown;
}

/** Links to the newer and older pages (rel="prev"/"next") and to pages by number. */
function pager(current: number, count: number, link: (to: string) => string): string {
  if (count <= 1) return '';
  const href = (n: number) => esc(link(paths.showPage(n)));
  const numbers = pagerNumbers(current, count).map((n) => {
    if (n === null) return '<li class="gap" aria-hidden="true">…</li>';
    if (n === current) return `<li><a href="${href(n)}" aria-current="page">${n}</a></li>`;
    return `<li><a href="${href(n)}">${n}</a></li>`;
  });
  const parts = [
    current > 1 ? `<a class="newer" href="${href(current - 1)}" rel="prev">Newer episodes</a>` : '',
    `<ol class="page-numbers">${numbers.join('')}</ol>`,
    current < count ? `<a class="older" href="${href(current + 1)}" rel="next">Older episodes</a>` : '',
  ];
  return `<nav class="pager" aria-label="Episode pages">\n${parts.filter(Boolean).join('\n')}\n</nav>`;
}

/**
 * Page `page` of the show (1: the home page, `/`). `page` must be one of 1..showPageCount: the site
 * map asks only for those, so another is a fault of the program.
 */
export function renderShowPage(catalog: Catalog, options: PageOptions, page = 1): string {
  const { show } = catalog;
  const count = showPageCount(catalog, options.now);
  if (!Number.isInteger(page) || page < 1 || page > count)
    throw new RangeError(`the show has ${count} page(s) at ${options.now.toISOString()}, not a page ${page}`);
  const pagePath = paths.showPage(page);
  const first = (page - 1) * EPISODES_PER_PAGE;
  const episodes: readonly Episode[] = publishedEpisodes(catalog, options.now).slice(first, first + EPISODES_PER_PAGE);
  const link = (to: string) => rel(pagePath, to);

  const items = episodes.map((episode) => {
    const href = esc(link(paths.episode(episode.slug)));
    const duration = episodeDuration(episode);
    const meta = [
      `<time datetime="${esc(episode.date)}">${esc(longDate(episode.date, show.language))}</time>`,
      duration !== undefined ? `<time datetime="${isoDuration(duration)}">${clock(duration)}</time>` : '',
      episode.number !== undefined ? `Episode ${episode.number}` : '',
    ].filter(Boolean);
    // The thumbnail repeats the title's link, so it is hidden from screen readers and the tab order.
    const thumb = picture(pagePath, options, episode.image ?? show.artwork, 'thumbnail', '', true);
    return `<li><article class="episode-card">
${thumb ? `<a class="thumb" href="${href}" tabindex="-1" aria-hidden="true">${thumb}</a>` : ''}
<div class="episode-text">
<h3><a href="${href}">${esc(episode.title)}</a></h3>
<p class="meta">${meta.join(' <span aria-hidden="true">·</span> ')}</p>
<p class="summary">${esc(episode.summary)}</p>
</div>
</article></li>`;
  });

  const list = items.length
    ? `<ol class="episode-list"${first ? ` start="${first + 1}"` : ''}>\n${items.join('\n')}\n</ol>`
    : '<p>No episodes yet.</p>';
  const nav = pager(page, count, link);
  // Prev and next in the head too, for agents that read only the head (RSS readers, some crawlers).
  const pageLinks = [
    page > 1 ? `<link rel="prev" href="${esc(absolute(options, paths.showPage(page - 1)))}">` : '',
    page < count ? `<link rel="next" href="${esc(absolute(options, paths.showPage(page + 1)))}">` : '',
  ];
  const feedLinks = show.feeds.map((f) => ({ title: f.title, url: feedUrl(options, f) }));

  if (page > 1) {
    // An older page: the list alone; the header links home, where the show and its feeds are.
    const title = `Episodes, page ${page} of ${count}`;
    return layout({
      title: `${show.title}: ${title}`,
      description: show.description,
      lang: show.language,
      canonical: absolute(options, pagePath),
      head: pageLinks.filter(Boolean).join('\n'),
      main: `<section class="episodes" aria-labelledby="episodes-title">
<h1 id="episodes-title">${esc(title)}</h1>
${list}
${nav}
</section>`,
      catalog,
      feedLinks,
      link,
    });
  }

  const main = `<section class="show-intro" aria-labelledby="show-title">
${picture(pagePath, options, show.artwork, 'page', `${show.title} artwork`)}
<div class="show-text">
<h1 id="show-title">${esc(show.title)}</h1>
<p class="author">by ${esc(show.author)}</p>
<div class="description">${paragraphs(show.description)}</div>
</div>
</section>
<section class="subscribe" aria-labelledby="subscribe-title">
<h2 id="subscribe-title">Subscribe</h2>
<ul class="feeds">
${show.feeds.map((f) => subscribeBlock(catalog, f, options)).join('\n')}
</ul>
<p class="copy-status" role="status" aria-live="polite"></p>
</section>
<section class="episodes" aria-labelledby="episodes-title">
<h2 id="episodes-title">Episodes</h2>
${list}${nav ? `\n${nav}` : ''}
</section>`;

  const ogImage = ogImageUrl(options, show.artwork);
  const head = [
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${esc(show.title)}">`,
    `<meta property="og:description" content="${esc(show.description)}">`,
    `<meta property="og:url" content="${esc(absolute(options, pagePath))}">`,
    ogImage ? `<meta property="og:image" content="${esc(ogImage)}">` : '',
    ...pageLinks,
  ].filter(Boolean);

  return layout({
    title: show.title,
    description: show.description,
    lang: show.language,
    canonical: absolute(options, pagePath),
    head: head.join('\n'),
    main,
    catalog,
    feedLinks,
    link,
  });
}
