// One episode, `/episodes/<slug>/`: a player, a Stream and a Download link per format, show notes,
// chapters, transcript, links elsewhere; Open Graph and schema.org PodcastEpisode for sharing and search.
// Pure: (catalog, episode, options) -> HTML. public/player.js adds the video/audio switch,
// chapter seeking and copy buttons; without it the page still plays and links everything.
import type { Catalog, Episode, EpisodeMedia } from '../contract/catalog.js';
import { publishedEpisodes, publishedPosition } from '../catalog/status.js';
import { renderNotes } from '../notes/markdown.js';
import { showPageOf } from './show-page.js';
import { absolute, episodeUrl, feedUrl, mediaUrl, paths } from '../contract/urls.js';
import {
  browserMime,
  clock,
  episodeDuration,
  esc,
  formatLabel,
  isoDuration,
  longDate,
  megabytes,
  ogImageUrl,
  rel,
  scriptJson,
  variants,
  type PageOptions,
} from './html.js';
import { layout } from './layout.js';

export function renderEpisodePage(catalog: Catalog, episode: Episode, options: PageOptions): string {
  const { show } = catalog;
  const pagePath = paths.episode(episode.slug);
  const link = (to: string) => rel(pagePath, to);
  const pageUrl = episodeUrl(options, episode);
  const image = episode.image ?? show.artwork;
  const duration = episodeDuration(episode);

  // Where the player and Stream links fetch the bytes: the media host when there is one, else this site.
  const streamHref = (m: EpisodeMedia) =>
    options.mediaBaseUrl ? mediaUrl(options, episode, m) : link(paths.media(episode.slug, m.fileName));
  const downloadLink = (m: EpisodeMedia) =>
    options.downloadLinks === 'route'
      ? `<a class="button secondary" href="${esc(link(paths.download(episode.slug, m.fileName)))}">Download ${esc(formatLabel(m))}</a>`
      : `<a class="button secondary" href="${esc(streamHref(m))}" download="${esc(m.fileName)}">Download ${esc(formatLabel(m))}</a>`;

  const video = episode.media.filter((m) => m.facts.hasVideo);
  const audio = episode.media.filter((m) => !m.facts.hasVideo);

  const meta = [
    `<time datetime="${esc(episode.date)}">${esc(longDate(episode.date, show.language))}</time>`,
    duration !== undefined ? `<time datetime="${isoDuration(duration)}">${clock(duration)}</time>` : '',
    episode.number !== undefined ? `${episode.season !== undefined ? `Season ${episode.season}, ` : ''}Episode ${episode.number}` : '',
    episode.episodeType !== 'full' ? esc(episode.episodeType[0].toUpperCase() + episode.episodeType.slice(1)) : '',
  ].filter(Boolean);

  const main = `<article class="episode" aria-labelledby="episode-title">
<header class="episode-head">
<h1 id="episode-title">${esc(episode.title)}</h1>
<p class="meta">${meta.join(' <span aria-hidden="true">·</span> ')}</p>
<p class="summary">${esc(episode.summary)}</p>
</header>
${player(episode, image, show.language, options, video, audio, streamHref, link)}
<section class="formats" aria-labelledby="formats-title">
<h2 id="formats-title">Watch or listen</h2>
<ul class="format-list">
${episode.media
  .map(
    (
      m,
    ) => `<li><span class="format-name">${esc(formatLabel(m))}</span> <span class="format-facts">${megabytes(m.facts.size)}${m.facts.duration !== undefined ? ` · ${clock(m.facts.duration)}` : ''}</span>
<span class="format-links"><a class="button" href="${esc(streamHref(m))}">Streaming ${esc(formatLabel(m))}</a> ${downloadLink(m)}</span></li>`,
  )
  .join('\n')}
</ul>
</section>
${episode.notesMarkdown ? `<section class="notes" aria-labelledby="notes-title">\n<h2 id="notes-title">Show notes</h2>\n<div class="notes-body">\n${renderNotes(episode.notesMarkdown, pageUrl)}</div>\n</section>` : ''}
${chapters(episode, episode.media[0] ? streamHref(episode.media[0]) : undefined)}
${episode.transcript ? `<section class="transcript" aria-labelledby="transcript-title">\n<h2 id="transcript-title">Transcript</h2>\n<p><a href="${esc(link(paths.media(episode.slug, episode.transcript.fileName)))}">Read the transcript</a> (${episode.transcript.mime === 'text/vtt' ? 'WebVTT' : 'SRT'})</p>\n</section>` : ''}
${
  episode.links.length
    ? `<section class="elsewhere" aria-labelledby="elsewhere-title">\n<h2 id="elsewhere-title">Elsewhere</h2>\n<ul>${episode.links.map((l) => `<li><a href="${esc(l.url)}" rel="noopener">${esc(l.title)}</a></li>`).join('')}</ul>\n</section>`
    : ''
}
${neighbours(catalog, episode, options, link)}
</article>`;

  return layout({
    title: `${episode.title} · ${show.title}`,
    description: episode.summary,
    lang: show.language,
    canonical: pageUrl,
    head: [
      openGraph(catalog, episode, options, video, audio),
      `<script type="application/ld+json">${scriptJson(jsonLd(catalog, episode, options))}</script>`,
    ].join('\n'),
    main,
    catalog,
    feedLinks: show.feeds.map((f) => ({ title: f.title, url: feedUrl(options, f) })),
    link,
  });
}

function sources(media: EpisodeMedia[], streamHref: (m: EpisodeMedia) => string): string {
  return media.map((m) => `<source src="${esc(streamHref(m))}" type="${esc(browserMime(m.facts.mime))}">`).join('\n');
}

/**
 * The player: <video> with every video format as a <source> (the browser plays the first it can),
 * and the audio-only formats in an <audio>. Both are shown without script; player.js reveals the
 * switch, shows one of them and remembers the listener's choice.
 */
function player(
  episode: Episode,
  image: Episode['image'],
  language: string,
  options: PageOptions,
  video: EpisodeMedia[],
  audio: EpisodeMedia[],
  streamHref: (m: EpisodeMedia) => string,
  link: (to: string) => string,
): string {
  const poster = variants(options, image, 'page').find((v) => v.format === 'jpeg');
  const track =
    episode.transcript?.mime === 'text/vtt'
      ? `<track kind="captions" src="${esc(link(paths.media(episode.slug, episode.transcript.fileName)))}" srclang="${esc(language)}" label="Captions">`
      : '';
  const fallback = (m: EpisodeMedia[]) =>
    `<p>Your browser cannot play this here. <a href="${esc(streamHref(m[0]))}">Open the ${esc(formatLabel(m[0]))}</a> instead.</p>`;
  const parts: string[] = [];
  if (video.length && audio.length) {
    parts.push(`<div class="player-switch" role="group" aria-label="Play as" data-player-switch hidden>
<button type="button" data-mode="video" aria-pressed="true">Video</button><button type="button" data-mode="audio" aria-pressed="false">Audio only</button>
</div>`);
  }
  if (video.length) {
    // The frame size from the probed file reserves the right box before the video loads (no square poster jump).
    const sized = video.find((m) => m.facts.width && m.facts.height);
    // A fixed aspect-ratio keeps the square poster from setting the box (the poster's own size would win over width/height).
    const size = sized
      ? ` width="${sized.facts.width}" height="${sized.facts.height}" style="aspect-ratio: ${sized.facts.width} / ${sized.facts.height}"`
      : '';
    // preload="none": a visit to the page must never fetch media (it would look like a listener to
    // download counting, docs/how-we-count.md); the poster and the width/height hold the box.
    parts.push(`<div class="player-video" data-panel="video">
<video controls preload="none" playsinline${size}${poster ? ` poster="${esc(link(paths.artwork(poster.fileName)))}"` : ''} aria-label="Video player">
${sources(video, streamHref)}
${track}
${fallback(video)}
</video>
</div>`);
  }
  if (audio.length) {
    const label = video.length
      ? `<p class="player-label" id="audio-label">Audio only (${esc(audio.map(formatLabel).join(', '))})</p>\n`
      : '';
    parts.push(`<div class="player-audio" data-panel="audio">
${label}<audio controls preload="none" aria-label="Audio player">
${sources(audio, streamHref)}
${fallback(audio)}
</audio>
</div>`);
  }
  return `<section class="player" data-player aria-label="Player">\n${parts.join('\n')}\n</section>`;
}

/**
 * Chapters as links that seek the player (player.js reads data-start). Without script each link
 * opens the media at that moment with a Media Fragments time (https://www.w3.org/TR/media-frags/#naming-time).
 */
function chapters(episode: Episode, mediaHref: string | undefined): string {
  const list = episode.chapters?.chapters ?? [];
  if (!list.length) return '';
  const items = list.map((c) => {
    const start = Math.max(0, c.startTime);
    const href = mediaHref ? `${mediaHref}#t=${start}` : `#t=${start}`;
    return `<li><a href="${esc(href)}" data-start="${start}"><time datetime="${isoDuration(start)}">${clock(start)}</time> <span>${esc(c.title)}</span></a></li>`;
  });
  return `<section class="chapters" aria-labelledby="chapters-title">
<h2 id="chapters-title">Chapters</h2>
<ol class="chapter-list">
${items.join('\n')}
</ol>
</section>`;
}

/** Links to the next newer and older published episodes, and to the page of the episode list that lists this one. */
function neighbours(catalog: Catalog, episode: Episode, options: PageOptions, link: (to: string) => string): string {
  const i = publishedPosition(catalog, options.now, episode.slug);
  if (i < 0) return '';
  const published = publishedEpisodes(catalog, options.now);
  const newer = published[i - 1];
  const older = published[i + 1];
  const a = (e: Episode, rel: string, label: string) =>
    `<a href="${esc(link(paths.episode(e.slug)))}" rel="${rel}">${label}: ${esc(e.title)}</a>`;
  const parts = [
    newer ? a(newer, 'next', 'Newer') : '',
    older ? a(older, 'prev', 'Older') : '',
    `<a href="${esc(link(paths.showPage(showPageOf(i))))}">All episodes</a>`,
  ];
  return `<nav class="episode-nav" aria-label="More episodes">${parts.filter(Boolean).join('\n')}</nav>`;
}

/** Open Graph (https://ogp.me/): what a link preview in a chat or social app shows. */
function openGraph(catalog: Catalog, episode: Episode, options: PageOptions, video: EpisodeMedia[], audio: EpisodeMedia[]): string {
  const og = ogImageUrl(options, episode.image ?? catalog.show.artwork);
  const tags: [string, string | undefined][] = [
    ['og:type', video.length ? 'video.episode' : 'article'],
    ['og:site_name', catalog.show.title],
    ['og:title', episode.title],
    ['og:description', episode.summary],
    ['og:url', episodeUrl(options, episode)],
    ['og:image', og],
  ];
  if (video[0]) tags.push(['og:video', mediaUrl(options, episode, video[0])], ['og:video:type', browserMime(video[0].facts.mime)]);
  if (audio[0]) tags.push(['og:audio', mediaUrl(options, episode, audio[0])], ['og:audio:type', browserMime(audio[0].facts.mime)]);
  tags.push(['twitter:card', og ? 'summary_large_image' : 'summary']);
  return tags
    .filter((t): t is [string, string] => t[1] !== undefined)
    .map(([k, v]) => (k.startsWith('twitter:') ? `<meta name="${k}" content="${esc(v)}">` : `<meta property="${k}" content="${esc(v)}">`))
    .join('\n');
}

/** schema.org PodcastEpisode (https://schema.org/PodcastEpisode), as search engines read it. */
export function jsonLd(catalog: Catalog, episode: Episode, options: PageOptions): Record<string, unknown> {
  const duration = episodeDuration(episode);
  const og = ogImageUrl(options, episode.image ?? catalog.show.artwork);
  return {
    '@context': 'https://schema.org',
    '@type': 'PodcastEpisode',
    url: episodeUrl(options, episode),
    name: episode.title,
    description: episode.summary,
    datePublished: episode.date,
    ...(duration !== undefined ? { timeRequired: isoDuration(duration) } : {}),
    ...(episode.number !== undefined ? { episodeNumber: episode.number } : {}),
    ...(og ? { image: og } : {}),
    partOfSeries: {
      '@type': 'PodcastSeries',
      name: catalog.show.title,
      url: absolute(options, paths.home()),
      ...(catalog.show.feeds[0] ? { webFeed: feedUrl(options, catalog.show.feeds[0]) } : {}),
    },
    associatedMedia: episode.media.map((m) => ({
      '@type': m.facts.hasVideo ? 'VideoObject' : 'AudioObject',
      contentUrl: mediaUrl(options, episode, m),
      encodingFormat: browserMime(m.facts.mime),
      contentSize: megabytes(m.facts.size),
      ...(m.facts.duration !== undefined ? { duration: isoDuration(m.facts.duration) } : {}),
      ...(m.facts.hasVideo ? { name: episode.title, uploadDate: episode.date, ...(og ? { thumbnailUrl: og } : {}) } : {}),
    })),
  };
}
