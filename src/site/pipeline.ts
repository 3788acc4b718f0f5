// The one site pipeline, for `build` and for `serve`: checked catalog -> artwork variants -> site
// map. The map holds what each URL is and how to render it (routes.ts); the export then reads every
// body (build), the server only those asked for (serve). Both therefore publish the same URLs
// with the same bytes, and differ only in what they do with the map.
// Light to import (a warm `build` that has nothing to write never loads the renderers): the map,
// the renderers and sharp load when a site is first made.
import { writableCacheDir } from '../catalog/cache.js';
import { publishedImages } from '../catalog/status.js';
import type { Catalog, ImageFacts } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import type { RoutesOptions } from './routes.js';
import type { SiteRoutes } from './types.js';
import type { ArtworkSet, ImageVariant } from '../contract/artwork.js';

/** Where generated artwork is kept between builds (content-named, so it is safe to share): beside the catalog's caches. */
export const artworkCacheDir = () => writableCacheDir('artwork');

export type PipelineOptions = Omit<RoutesOptions, 'artwork' | 'publicFiles'>;

/** A site made by the pipeline, with what made it (a build adds its feeds later with the same options). */
export interface PipelineSite {
  site: SiteRoutes;
  mapOptions: RoutesOptions;
}

const imageKey = (image: ImageFacts) => `${image.path}\0${image.size}\0${image.mtimeMs}`;

/**
 * Makes site maps of a show, one per publication: `build` makes one, `serve` one per change.
 * Artwork variants are made only for images not published before by this pipeline. An image whose
 * facts did not change keeps its variants without being read again: the site holds its bytes
 * already, and the file on disk may meanwhile be anything (a link to /etc/passwd or /dev/zero
 * while the show waits at its last good version), which a republication, say a scheduled episode
 * coming due, must not read.
 */
export class SitePipeline {
  private madeVariants = new Map<string, ImageVariant[]>();
  private publicFiles: Promise<Record<string, string>> | undefined;

  private readonly artworkDir: () => string;
  /** Where a problem with an image met while making its variants goes (the command's printer, serve's log). */
  private readonly report: ((problem: Problem) => void) | undefined;

  constructor(options: { artworkDir?: () => string; report?: (problem: Problem) => void } = {}) {
    this.artworkDir = options.artworkDir ?? artworkCacheDir;
    this.report = options.report;
  }

  async site(catalog: Catalog, options: PipelineOptions): Promise<PipelineSite> {
    const [{ buildRoutes }, { readPublicFiles }] = await Promise.all([import('./routes.js'), import('./export.js')]);
    this.publicFiles ??= readPublicFiles();
    const artwork = await this.variantsFor(publishedImages(catalog, options.now));
    const mapOptions: RoutesOptions = { ...options, artwork, publicFiles: await this.publicFiles };
    return { site: buildRoutes(catalog, mapOptions), mapOptions };
  }

  private async variantsFor(images: ImageFacts[]): Promise<ArtworkSet> {
    const fresh = images.filter((image) => !this.madeVariants.has(imageKey(image)));
    // sharp loads only when there is an image to make variants of.
    const made = fresh.length
      ? await (await import('../artwork/variants.js')).makeVariants(fresh, this.artworkDir(), this.report)
      : new Map<string, ImageVariant[]>();
    const artwork: ArtworkSet = new Map();
    const next = new Map<string, ImageVariant[]>();
    for (const image of images) {
      const variants = made.get(image.path) ?? this.madeVariants.get(imageKey(image));
      if (!variants) continue;
      artwork.set(image.path, variants);
      next.set(imageKey(image), variants);
    }
    this.madeVariants = next;
    return artwork;
  }
}
