// The show page, `/`: artwork, description, a subscribe block per feed, episodes newest first.
// Pure: (catalog, options) -> HTML. Only what is published at options.now appears.
import type { Catalog, FeedDef } from '../catalog/types.js';
import { publishedEpisodes } from '../catalog/status.js';
import { absolute, feedUrl, paths } from '../site/urls.js';
import { clock, episodeDuration, esc, formatLabel, isoDuration, longDate, ogImageUrl, picture, rel, type PageOptions } from './html.js';
import { layout } from './layout.js';

const pagePath = paths.home();

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

export function renderShowPage(catalog: Catalog, options: PageOptions): string {
  const { show } = catalog;
  const episodes = publishedEpisodes(catalog, options.now);
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
${items.length ? `<ol class="episode-list">\n${items.join('\n')}\n</ol>` : '<p>No episodes yet.</p>'}
</section>`;

  const ogImage = ogImageUrl(options, show.artwork);
  const head = [
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${esc(show.title)}">`,
    `<meta property="og:description" content="${esc(show.description)}">`,
    `<meta property="og:url" content="${esc(absolute(options, pagePath))}">`,
    ogImage ? `<meta property="og:image" content="${esc(ogImage)}">` : '',
  ].filter(Boolean);

  return layout({
    title: show.title,
    description: show.description,
    lang: show.language,
    canonical: absolute(options, pagePath),
    head: head.join('\n'),
    main,
    catalog,
    feedLinks: show.feeds.map((f) => ({ title: f.title, url: feedUrl(options, f) })),
    link,
  });
}
