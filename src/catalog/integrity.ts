// podcast:integrity: the SHA-256 (SRI form) of every file that a feed lists as an alternate
// enclosure (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md#integrity).
//
// A stage of its own, after the check: hashing is the one cost of publishing that grows with the
// files' length (every byte of every alternate), and only the feeds need it. So `check` never
// pays for it, and `build` renders its pages while the hashes are computed. Each hash is computed
// once per file and kept in a cache keyed on path, size and modification time.
import { JsonCache } from './cache.js';
import type { Catalog, Episode, FeedDef } from './types.js';
import { MediaPool } from '../media/pool.js';

/**
 * Whether a file of format `format` is listed as a podcast:alternateEnclosure in some feed: in a
 * feed whose enclosure format the episode has (so it is an item there), every other format is an
 * alternate (see alternates() in feeds/rss.ts). An episode in one format alone is nobody's alternate.
 */
export function isAlternateSomewhere(format: string, episode: Episode, feeds: readonly FeedDef[]): boolean {
  return feeds.some((feed) => feed.enclosure !== format && episode.media.some((m) => m.format === feed.enclosure));
}

/**
 * The catalog with `facts.sha256` set on every alternate file (a new catalog; the given one is
 * not changed). Files are hashed on `media`'s workers, or on a pool of its own when none is given.
 */
export async function withIntegrity(catalog: Catalog, showDir: string, media?: MediaPool): Promise<Catalog> {
  const cache = new JsonCache<string>('integrity', showDir);
  let pool = media;
  const hashes = new Map<string, Promise<string>>();
  for (const episode of catalog.episodes) {
    for (const m of episode.media) {
      if (!isAlternateSomewhere(m.format, episode, catalog.show.feeds) || hashes.has(m.path)) continue;
      const hit = cache.get(m.path, m.facts);
      if (hit) {
        hashes.set(m.path, Promise.resolve(hit));
        continue;
      }
      pool ??= new MediaPool();
      hashes.set(
        m.path,
        pool.hash(m.path, m.facts.size).then((sha256) => {
          cache.set(m.path, m.facts, sha256);
          return sha256;
        }),
      );
    }
  }
  try {
    const files = [...hashes.keys()];
    const done = new Map((await Promise.all(hashes.values())).map((sha256, i) => [files[i], sha256]));
    cache.retain(new Set(files));
    cache.save();
    return {
      ...catalog,
      episodes: catalog.episodes.map((episode) => ({
        ...episode,
        media: episode.media.map((m) => (done.has(m.path) ? { ...m, facts: { ...m.facts, sha256: done.get(m.path) } } : m)),
      })),
    };
  } finally {
    if (pool && pool !== media) await pool.close();
  }
}
