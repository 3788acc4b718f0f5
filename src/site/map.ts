// The catalog -> every URL of the site at options.now. Pure: the server serves this map and the
// static export writes it out, so both publish exactly the same things. Drafts and scheduled
// episodes (and their media, chapters and artwork) are left out entirely.
import type { Catalog, Episode, ImageFacts } from '../catalog/types.js';
import { publishedEpisodes } from '../catalog/status.js';
import { renderChapters } from '../feeds/chapters-json.js';
import { renderFeed } from '../feeds/rss.js';
import { renderEpisodePage } from '../pages/episode-page.js';
import type { PageOptions } from '../pages/html.js';
import { renderShowPage, showPagePaths } from '../pages/show-page.js';
import type { ArtworkSet, SiteEntry, SiteMap, SiteOptions } from './types.js';
import { paths } from './urls.js';

export interface SiteMapOptions extends SiteOptions {
  artwork: ArtworkSet;
  downloadLinks: 'route' | 'attribute';
  /** The files of public/ by name ('style.css' -> its text), served under /static/. Read by readPublicFiles in export.ts. */
  publicFiles: Record<string, string>;
  /** False: leave the feeds out, for addFeeds to add (a build adds them once the alternates are hashed). */
  feeds?: boolean;
}

const html = 'text/html; charset=utf-8';
// The type the feed's <podcast:chapters type="application/json+chapters"> declares is a label for
// the feed reader (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md#chapters);
// over HTTP the file is sent as plain JSON: it is not a registered media type (a suffix would be
// "+json"), apps JSON.parse the body whatever the header, and browsers, CDNs and compressors
// recognise application/json (so it is shown, gzipped and cached like JSON).
export const chaptersContentType = 'application/json; charset=utf-8';
export const feedContentType = 'application/rss+xml; charset=utf-8';

const staticTypes: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
  ico: 'image/x-icon',
  webmanifest: 'application/manifest+json',
};

const imageTypes: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif' };

export function buildSiteMap(catalog: Catalog, options: SiteMapOptions): SiteMap {
  const site: SiteMap = new Map();
  const content = (contentType: string, body: string): SiteEntry => ({ kind: 'content', contentType, body });
  const pageOptions: PageOptions = options;
  const episodes = publishedEpisodes(catalog, options.now);

  // The episode list: the newest on `/`, older ones on /page/2/, ...
  showPagePaths(catalog, options.now).forEach((pagePath, i) => site.set(pagePath, content(html, renderShowPage(catalog, pageOptions, i + 1))));
  if (options.feeds !== false) addFeeds(site, catalog, options);

  const images: (ImageFacts | undefined)[] = [catalog.show.artwork];
  for (const episode of episodes) {
    site.set(paths.episode(episode.slug), content(html, renderEpisodePage(catalog, episode, pageOptions)));
    const chapters = renderChapters(episode);
    if (chapters !== undefined) site.set(paths.chapters(episode.slug), content(chaptersContentType, chapters));
    addEpisodeFiles(site, episode, catalog.show.dir);
    images.push(episode.image);
  }

  // Only the artwork of what is published: a scheduled episode's image must not leak early.
  for (const image of images) {
    if (!image) continue;
    for (const v of options.artwork.get(image.path) ?? []) {
      // The 'feed' variant is the show's own image file; the others are netcaster's, in the artwork cache.
      const origin = v.purpose === 'feed' ? { mtimeMs: image.mtimeMs, root: catalog.show.dir } : { mtimeMs: v.mtimeMs ?? image.mtimeMs };
      site.set(paths.artwork(v.fileName), { kind: 'file', contentType: imageTypes[v.format] ?? 'application/octet-stream', path: v.path, size: v.size, ...origin });
    }
  }

  for (const [name, text] of Object.entries(options.publicFiles).sort(([a], [b]) => a.localeCompare(b))) {
    const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    site.set(paths.static(name), content(staticTypes[ext] ?? 'application/octet-stream', text));
  }
  return site;
}

/** The show's feeds, from `catalog` (whose alternates carry their hashes when podcast:integrity is wanted). */
export function addFeeds(site: SiteMap, catalog: Catalog, options: SiteOptions & { artwork: ArtworkSet }): SiteMap {
  for (const feed of catalog.show.feeds) site.set(paths.feed(feed.name), { kind: 'content', contentType: feedContentType, body: renderFeed(catalog, feed, options) });
  return site;
}

function addEpisodeFiles(site: SiteMap, episode: Episode, root: string): void {
  for (const m of episode.media) {
    site.set(paths.media(episode.slug, m.fileName), { kind: 'file', contentType: m.facts.mime, path: m.path, size: m.facts.size, mtimeMs: m.facts.mtimeMs, root });
  }
  const t = episode.transcript;
  if (t) {
    site.set(paths.media(episode.slug, t.fileName), {
      kind: 'file',
      contentType: `${t.mime}; charset=utf-8`,
      path: t.path,
      size: t.size,
      mtimeMs: t.mtimeMs,
      root,
    });
  }
}
