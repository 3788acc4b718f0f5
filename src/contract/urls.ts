// Every URL of the site in one place, so pages, feeds, the server and the export agree.
// Layout documented in docs/show-folder.md. Paths are percent-encoded per segment (RFC 3986).
import type { Episode, EpisodeMedia, FeedDef } from './catalog.js';
import type { SiteOptions } from './site-options.js';

const seg = (s: string) => encodeURIComponent(s);

export const paths = {
  home: () => '/',
  /** Page `n` of the show's episode list: the first is the home page, older episodes on /page/2/, /page/3/, ... */
  showPage: (n: number) => (n <= 1 ? '/' : `/page/${n}/`),
  episode: (slug: string) => `/episodes/${seg(slug)}/`,
  feed: (name: string) => `/feeds/${seg(name)}.xml`,
  media: (slug: string, fileName: string) => `/media/${seg(slug)}/${seg(fileName)}`,
  download: (slug: string, fileName: string) => `/download/${seg(slug)}/${seg(fileName)}`,
  /** Podcast Index JSON chapters, generated from chapters.json or the media's embedded chapters. */
  chapters: (slug: string) => `/episodes/${seg(slug)}/chapters.json`,
  artwork: (fileName: string) => `/artwork/${seg(fileName)}`,
  static: (fileName: string) => `/static/${seg(fileName)}`,
};

/** Absolute URL of a site path. */
export function absolute(options: Pick<SiteOptions, 'baseUrl'>, path: string): string {
  const { baseUrl } = options;
  // Usually given without the slash (the commands take it off): no regular expression run for each of a page's URLs then.
  return (baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') : baseUrl) + path;
}

export const feedUrl = (options: SiteOptions, feed: FeedDef) => absolute(options, paths.feed(feed.name));
export const episodeUrl = (options: SiteOptions, episode: Episode) => absolute(options, paths.episode(episode.slug));

/** Where an enclosure points: <mediaBaseUrl>/<slug>/<file> when media sits on a CDN, else /media/ on the site. */
export function mediaUrl(options: SiteOptions, episode: Episode, media: Pick<EpisodeMedia, 'fileName'>): string {
  if (options.mediaBaseUrl) return `${options.mediaBaseUrl.replace(/\/+$/, '')}/${seg(episode.slug)}/${seg(media.fileName)}`;
  return absolute(options, paths.media(episode.slug, media.fileName));
}
