// podcast:integrity: the SHA-256 (SRI form) of every file that a feed lists as an alternate
// enclosure (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md#integrity).
//
// A stage of its own, after the check: hashing is the one cost of publishing that grows with the
// files' length (every byte of every alternate), and only the feeds need it. So `check` never
// pays for it. Each hash is computed once per file and kept in a cache keyed on path, size and
// modification time.
//
// `build` starts the hashing early, from the manifests (hashFromManifests), so the workers hash
// while the main thread probes and renders; the stage then takes the hashes already under way.
import { JsonCache } from './cache.js';
import { fileInFolder, realpathOr } from './files.js';
import type { Catalog, Episode, FeedDef } from '../contract/catalog.js';
import type { LoadedShow } from '../show/load.js';
import { MediaPool } from '../media/pool.js';
import type { CheckedFile } from '../media/sri-hash.js';

/**
 * Whether a file of format `format` is listed as a podcast:alternateEnclosure in some feed: in a
 * feed whose enclosure format the episode has (so it is an item there), every other format is an
 * alternate (see alternates() in feeds/rss.ts). An episode in one format alone is nobody's alternate.
 */
function isAlternateSomewhere(format: string, episodeFormats: readonly string[], feeds: readonly Pick<FeedDef, 'enclosure'>[]): boolean {
  return feeds.some((feed) => feed.enclosure !== format && episodeFormats.includes(feed.enclosure));
}

const formatsOf = (episode: Episode) => episode.media.map((m) => m.format);

/**
 * A file to hash could not be hashed: gone, unreadable, or no longer the file the check saw (its
 * size or time changed, something else put in its place). A state of the show, not a fault of the
 * program: a build stops without writing, a server tries again at its next scan.
 */
export class HashFailed extends Error {
  override name = 'HashFailed';
}

/** The hashes of one show's alternates: from the cache, else computed on `media`'s workers. */
export class IntegrityHashes {
  private cacheRead?: JsonCache<string>;
  private readonly underWay = new Map<string, { stat: CheckedFile; sha256: Promise<string> }>();
  private pool: MediaPool | undefined;
  /** The show folder's real path, which every file hashed must still be inside (show-file.ts's guard). */
  private realShowDir: string | undefined;

  /** Without `media`, a pool of its own is made when a file needs hashing, and closed by withIntegrity. */
  constructor(
    private readonly showDir: string,
    private readonly media?: MediaPool,
  ) {
    this.pool = media;
  }

  // Read when first needed: a build made before the check must not read it when the site is up to date.
  private get cache(): JsonCache<string> {
    return (this.cacheRead ??= new JsonCache<string>('integrity', this.showDir));
  }

  /**
   * Starts hashing every file that the manifests list as an alternate somewhere, before the check
   * has probed them. Only a regular file inside the show folder is read (files.ts); whatever is
   * wrong with the others, the check reports.
   */
  hashFromManifests(loaded: LoadedShow): void {
    const feeds = Object.values(loaded.manifest?.feeds ?? {});
    const realShowDir = realpathOr(loaded.dir);
    for (const episode of loaded.episodes) {
      const formats = Object.keys(episode.manifest.media ?? {});
      for (const [format, name] of Object.entries(episode.manifest.media ?? {})) {
        if (!isAlternateSomewhere(format, formats, feeds)) continue;
        const found = fileInFolder(episode.dir, realShowDir, name);
        // Should the check then reject the file, nobody asks for this hash: its failure is nobody's.
        if (!('message' in found)) this.of(found.path, found.stat).catch(() => undefined);
      }
    }
  }

  /** The SRI hash of a file as it is now (size, mtime): cached, under way, or started here. */
  of(file: string, stat: CheckedFile): Promise<string> {
    const cached = this.cache.get(file, stat);
    if (cached) return Promise.resolve(cached);
    const started = this.underWay.get(file);
    if (started && started.stat.size === stat.size && started.stat.mtimeMs === stat.mtimeMs) return started.sha256;
    this.pool ??= new MediaPool();
    this.realShowDir ??= realpathOr(this.showDir);
    const sha256 = this.pool.hash(file, stat, this.realShowDir).then((hash) => {
      this.cache.set(file, stat, hash);
      return hash;
    });
    this.underWay.set(file, { stat: { size: stat.size, mtimeMs: stat.mtimeMs }, sha256 });
    return sha256;
  }

  /**
   * The catalog with `facts.sha256` set on every alternate file (a new catalog; the given one is
   * not changed). The cache keeps exactly these files.
   */
  async apply(catalog: Catalog): Promise<Catalog> {
    try {
      const hashes = new Map<string, Promise<string>>();
      for (const episode of catalog.episodes) {
        for (const m of episode.media) {
          if (isAlternateSomewhere(m.format, formatsOf(episode), catalog.show.feeds) && !hashes.has(m.path))
            hashes.set(
              m.path,
              this.of(m.path, m.facts).catch((err: Error) => {
                throw new HashFailed(`cannot hash ${episode.slug}/${m.fileName} for podcast:integrity: ${err.message}`, { cause: err });
              }),
            );
        }
      }
      const files = [...hashes.keys()];
      const done = new Map((await Promise.all(hashes.values())).map((sha256, i) => [files[i], sha256]));
      this.cache.retain(new Set(files));
      this.cache.save();
      return {
        ...catalog,
        episodes: catalog.episodes.map((episode) => ({
          ...episode,
          media: episode.media.map((m) => (done.has(m.path) ? { ...m, facts: { ...m.facts, sha256: done.get(m.path) } } : m)),
        })),
      };
    } finally {
      if (this.pool && this.pool !== this.media) await this.pool.close();
    }
  }
}

/** The catalog with its alternates' hashes (see IntegrityHashes.apply), hashed on `media` or a pool of its own. */
export function withIntegrity(catalog: Catalog, showDir: string, media?: MediaPool): Promise<Catalog> {
  return new IntegrityHashes(showDir, media).apply(catalog);
}
