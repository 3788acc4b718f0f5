// Publication status is derived from the manifest and a clock that is passed in, never read here,
// so schedules are testable (and the same catalog can be asked "what is public at time T?").
import type { Catalog, CatalogBrief, Episode, EpisodeBrief, ImageFacts } from '../contract/catalog.js';

export type Status = 'draft' | 'scheduled' | 'published';

export function episodeStatus(episode: Pick<Episode, 'draft' | 'date'>, now: Date): Status {
  if (episode.draft) return 'draft';
  return Date.parse(episode.date) > now.getTime() ? 'scheduled' : 'published';
}

/** The episodes a listener may see at `now`, newest first. */
export function publishedEpisodes<E extends EpisodeBrief>(catalog: { episodes: readonly E[] }, now: Date): readonly E[] {
  const known = publishedAt.get(catalog);
  if (known?.at === now.getTime()) return known.episodes as readonly E[];
  const episodes = catalog.episodes.filter((e) => episodeStatus(e, now) === 'published');
  publishedAt.set(catalog, { at: now.getTime(), episodes });
  return episodes;
}

// Every episode page asks (for its links to the newer and older episode): 300 pages would filter
// 300 episodes each. A catalog is never changed once made, so the answer for one moment is kept.
const publishedAt = new WeakMap<object, { at: number; episodes: readonly EpisodeBrief[] }>();

/**
 * Where an episode stands in publishedEpisodes(catalog, now) (0: the newest), or -1 when it is not
 * published then. Every episode page asks, for its links to the newer and older episode: a search
 * of the list for each page grew with the square of the show (10,000 pages, 50 million comparisons).
 */
export function publishedPosition(catalog: Catalog, now: Date, slug: string): number {
  const episodes = publishedEpisodes(catalog, now);
  let positions = positionsOf.get(episodes);
  if (!positions) {
    positions = new Map(episodes.map((e, i) => [e.slug, i]));
    positionsOf.set(episodes, positions);
  }
  return positions.get(slug) ?? -1;
}

const positionsOf = new WeakMap<readonly Episode[], Map<string, number>>();

/** The images a listener may see at `now`: the show's artwork and that of published episodes. */
export function publishedImages(catalog: Catalog, now: Date): ImageFacts[] {
  return [catalog.show.artwork, ...publishedEpisodes(catalog, now).flatMap((e) => (e.image ? [e.image] : []))];
}

/** The next moment at which the set of published episodes changes, if any. */
export function nextRelease(catalog: CatalogBrief, now: Date): Date | undefined {
  let next: number | undefined;
  for (const e of catalog.episodes) {
    if (episodeStatus(e, now) !== 'scheduled') continue;
    const t = Date.parse(e.date);
    if (next === undefined || t < next) next = t;
  }
  return next === undefined ? undefined : new Date(next);
}
