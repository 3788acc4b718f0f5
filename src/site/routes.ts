// The catalog -> every URL of the site at options.now. Pure: the server serves this map and the
// static export writes it out, so both publish exactly the same things. Drafts and scheduled
// episodes (and their media, chapters and artwork) are left out entirely.
//
// The map holds what each URL is and how to render it, not the rendered bytes: a page or a feed
// is rendered the first time its body is read (the export reads every one; the
// server only those that are asked for), and kept in a bounded cache of the map's own. A show of
// 10,000 episodes is then served as soon as its catalog is read, instead of after rendering 10,000
// pages nobody asked for yet, and its memory does not grow with every page a crawler visits.
import type { Catalog, Episode, FeedDef, ImageFacts } from '../contract/catalog.js';
import { publishedEpisodes } from '../catalog/status.js';
import { renderChapters } from '../feeds/chapters-json.js';
import { renderFeed } from '../feeds/rss.js';
import { renderEpisodePage } from '../pages/episode-page.js';
import type { PageOptions } from '../pages/html.js';
import { renderShowPage, showPagePaths } from '../pages/show-page.js';
import type { SiteEntry, SiteRoutes } from './types.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet } from '../contract/artwork.js';
import { paths } from '../contract/urls.js';
import { compareNames } from '../show/name-order.js';

export interface RoutesOptions extends SiteOptions {
  artwork: ArtworkSet;
  downloadLinks: 'route' | 'attribute';
  /** The files of public/ by name ('style.css' -> its text), served under /static/. Read by readPublicFiles in export.ts. */
  publicFiles: Record<string, string>;
  /** False: leave the feeds out, for addFeeds to add (a build adds them once the alternates are hashed). */
  feeds?: boolean;
  /** Where the rendered bodies are kept; by default a new cache of the default size for this map. */
  rendered?: RenderedBodies;
  /** Renders a feed elsewhere (serve: src/site/feed-worker.ts), for shows of at least OFF_THREAD_FROM episodes. */
  feedsOffThread?: FeedRenderer;
}

/** Renders a feed elsewhere; gives its text as UTF-8 bytes (kept as such: see RenderedBodies). */
export type FeedRenderer = (catalog: Catalog, feed: FeedDef, options: SiteOptions & { artwork: ArtworkSet }) => Promise<Buffer>;

/** Published episodes from which a feed is rendered off the main thread, when the caller offers a way: below it, starting a worker costs more than it saves. */
export const OFF_THREAD_FROM = 500;

/** Characters of rendered bodies a map keeps by default: the feeds of a big show and a few thousand pages. */
const RENDERED_CHARS = 48 * 1024 * 1024;

/**
 * The bodies of a map's content entries, rendered when first read and kept, least recently read
 * going first once they hold more than `maxChars` characters (a body kept as bytes counts its
 * bytes). An evicted body is rendered again when read again: the builders are pure, so it comes
 * out the same.
 * A body rendered elsewhere (prepare) is kept as the UTF-8 bytes it came as, and the server sends
 * those (bytes()); only a reader of its text (body) gets a string, decoded for that read.
 */
export class RenderedBodies {
  private readonly bodies = new Map<object, string | Buffer>();
  private chars = 0;
  /** Renders under way elsewhere, by owner: asked for twice, made once. */
  private readonly pending = new Map<object, Promise<void>>();

  constructor(private readonly maxChars = RENDERED_CHARS) {}

  /** The body of `owner`, from the cache or from `render`. */
  get(owner: object, render: () => string): string {
    const body = this.bodies.get(owner) ?? render();
    this.keep(owner, body);
    return typeof body === 'string' ? body : body.toString('utf8');
  }

  /** The body of `owner` as the bytes prepare() kept, if it is kept so (else undefined: read get()). */
  bytes(owner: object): Buffer | undefined {
    const body = this.bodies.get(owner);
    if (typeof body === 'string' || body === undefined) return undefined;
    this.keep(owner, body);
    return body;
  }

  /** Makes the body of `owner` with `render` (elsewhere: another process) unless it is kept already; one render at a time per owner. */
  prepare(owner: object, render: () => Promise<Buffer>): Promise<void> {
    if (this.bodies.has(owner)) return Promise.resolve();
    let made = this.pending.get(owner);
    if (!made) {
      made = render()
        .then((body) => this.keep(owner, body))
        .finally(() => this.pending.delete(owner));
      this.pending.set(owner, made);
    }
    return made;
  }

  private keep(owner: object, body: string | Buffer): void {
    const old = this.bodies.get(owner);
    if (old !== undefined) {
      this.bodies.delete(owner); // re-inserted below: most recently read last
      this.chars -= old.length;
    }
    this.bodies.set(owner, body);
    this.chars += body.length;
    for (const [key, kept] of this.bodies) {
      if (this.chars <= this.maxChars || key === owner) break;
      this.bodies.delete(key);
      this.chars -= kept.length;
    }
  }
}

/**
 * A content entry whose body is rendered when first read (and again only if the cache let it go).
 * With `renderElsewhere`, the entry's prepare() renders it that way first (the server awaits it),
 * and its bytes() give what came back.
 */
export function lazyContent(
  contentType: string,
  render: () => string,
  rendered: RenderedBodies,
  renderElsewhere?: () => Promise<Buffer>,
): SiteEntry {
  const entry = new LazyContent(contentType, render, rendered);
  if (renderElsewhere) {
    entry.prepare = () => rendered.prepare(entry, renderElsewhere);
    entry.bytes = () => rendered.bytes(entry);
  }
  return entry;
}

/**
 * A class, not an object literal with a getter: V8 makes such a literal through its runtime, one
 * by one (a show of 10,000 episodes has that many pages), and a class's getter is on its prototype.
 */
class LazyContent {
  readonly kind = 'content';
  prepare?: () => Promise<void>;
  bytes?: () => Buffer | undefined;

  constructor(
    readonly contentType: string,
    private readonly render: () => string,
    private readonly rendered: RenderedBodies,
  ) {}

  get body(): string {
    return this.rendered.get(this, this.render);
  }
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

export function buildRoutes(catalog: Catalog, options: RoutesOptions): SiteRoutes {
  const site: SiteRoutes = new Map();
  const rendered = options.rendered ?? new RenderedBodies();
  const content = (contentType: string, body: string): SiteEntry => ({ kind: 'content', contentType, body });
  const pageOptions: PageOptions = options;
  const episodes = publishedEpisodes(catalog, options.now);

  // The episode list: the newest on `/`, older ones on /page/2/, ... each rendered when first read.
  showPagePaths(catalog, options.now).forEach((pagePath, i) =>
    site.set(
      pagePath,
      lazyContent(html, () => renderShowPage(catalog, pageOptions, i + 1), rendered),
    ),
  );
  if (options.feeds !== false) addFeeds(site, catalog, { ...options, rendered });

  const images: (ImageFacts | undefined)[] = [catalog.show.artwork];
  for (const episode of episodes) {
    site.set(
      paths.episode(episode.slug),
      lazyContent(html, () => renderEpisodePage(catalog, episode, pageOptions), rendered),
    );
    // Rendered now: whether the URL exists depends on it, and it is small and rare.
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
      site.set(paths.artwork(v.fileName), {
        kind: 'file',
        contentType: imageTypes[v.format] ?? 'application/octet-stream',
        path: v.path,
        size: v.size,
        ...origin,
      });
    }
  }

  for (const [name, text] of Object.entries(options.publicFiles).sort(([a], [b]) => compareNames(a, b))) {
    const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    site.set(paths.static(name), content(staticTypes[ext] ?? 'application/octet-stream', text));
  }
  return site;
}

/** The show's feeds, from `catalog` (whose alternates carry their hashes when podcast:integrity is wanted). */
export function addFeeds(
  site: SiteRoutes,
  catalog: Catalog,
  options: SiteOptions & { artwork: ArtworkSet; rendered?: RenderedBodies; feedsOffThread?: FeedRenderer },
): SiteRoutes {
  const rendered = options.rendered ?? new RenderedBodies();
  const offThread =
    options.feedsOffThread && publishedEpisodes(catalog, options.now).length >= OFF_THREAD_FROM ? options.feedsOffThread : undefined;
  for (const feed of catalog.show.feeds) {
    const elsewhere = offThread && (() => offThread(catalog, feed, options));
    site.set(
      paths.feed(feed.name),
      lazyContent(feedContentType, () => renderFeed(catalog, feed, options), rendered, elsewhere),
    );
  }
  return site;
}

function addEpisodeFiles(site: SiteRoutes, episode: Episode, root: string): void {
  for (const m of episode.media) {
    site.set(paths.media(episode.slug, m.fileName), {
      kind: 'file',
      contentType: m.facts.mime,
      path: m.path,
      size: m.facts.size,
      mtimeMs: m.facts.mtimeMs,
      root,
    });
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
