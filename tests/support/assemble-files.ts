// What read-files.ts hands assembleCatalog, built in memory (facts as data, no disk), for the
// tests of the pure assembly: one show folder at /show, an MP3 per episode unless told otherwise.
import type { EpisodeFiles, ShowFiles } from '../../src/catalog/read-files.js';
import type { EpisodeMedia, ImageFacts, MediaFacts } from '../../src/contract/catalog.js';
import type { EpisodeManifest, ShowManifest } from '../../src/show/schema.js';
import { artworkFacts } from './catalog-data.js';

const showDir = '/show';

export const artwork: ImageFacts = artworkFacts(showDir, 200_000);

export function showManifest(over: Partial<ShowManifest> = {}): ShowManifest {
  return {
    title: 'Show',
    description: 'A show.',
    author: 'Host',
    language: 'en',
    baseUrl: 'https://show.example',
    artwork: 'artwork.jpg',
    categories: ['Technology'],
    feeds: { audio: { title: 'Audio', enclosure: 'mp3' } },
    ...over,
  };
}

function facts(over: Partial<MediaFacts> = {}): MediaFacts {
  return {
    size: 1_000_000,
    mtimeMs: 1,
    container: 'MPEG',
    mime: 'audio/mpeg',
    hasAudio: true,
    hasVideo: false,
    duration: 600,
    tags: {},
    chapters: [],
    ...over,
  };
}

export function media(slug: string, format: string, over: Partial<MediaFacts> = {}): EpisodeMedia {
  const fileName = `${slug}.${format}`;
  return { format, fileName, path: `${showDir}/${slug}/${fileName}`, facts: facts(over) };
}

export interface EpisodeSetup {
  manifest?: Partial<EpisodeManifest>;
  /** The media as read; default one MP3. An undefined entry: that file could not be published. */
  media?: (EpisodeMedia | undefined)[];
  files?: Partial<Omit<EpisodeFiles, 'loaded' | 'media'>>;
}

export function episode(slug: string, setup: EpisodeSetup = {}): EpisodeFiles {
  const found = setup.media ?? [media(slug, 'mp3')];
  const manifest: EpisodeManifest = {
    title: `Episode ${slug}`,
    date: '2024-01-01T10:00:00Z',
    summary: 'S.',
    guid: `guid-${slug}`,
    media: Object.fromEntries(found.map((m, i) => (m ? [m.format, m.fileName] : [`f${i}`, `missing-${i}`]))),
    ...setup.manifest,
  };
  return { loaded: { slug, dir: `${showDir}/${slug}`, manifest, files: [] }, problems: [], media: found, ...setup.files };
}

export function show(episodes: EpisodeFiles[], manifest = showManifest()): ShowFiles {
  return {
    loaded: { dir: showDir, manifest, episodes: episodes.map((e) => e.loaded), brokenEpisodes: [], problems: [] },
    problems: [],
    showArtwork: artwork,
    episodes,
  };
}
