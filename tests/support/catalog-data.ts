// Catalog data for tests that need no files: a show and episodes as checkShow would make them.
import type { Episode, ImageFacts, Show } from '../../src/contract/catalog.js';

/** The facts of a good 1400 px JPEG show artwork in `dir`, as the probe reports them. */
export const artworkFacts = (dir: string, size = 1): ImageFacts => ({
  path: `${dir}/artwork.jpg`,
  file: 'artwork.jpg',
  size,
  mtimeMs: 1,
  format: 'jpeg',
  width: 1400,
  height: 1400,
  space: 'srgb',
  hasAlpha: false,
});

export const show = (title = 'Tiny Show'): Show => ({
  dir: '/shows/tiny',
  title,
  description: 'A show',
  author: 'Tests',
  language: 'en',
  baseUrl: 'https://tiny.example',
  artwork: artworkFacts('/shows/tiny'),
  categories: [],
  explicit: false,
  type: 'episodic',
  funding: [],
  persons: [],
  hubs: [],
  feeds: [{ name: 'audio', title: 'Audio', enclosure: 'mp3', alternates: [] }],
});

export const episode = (slug: string, date: string, title = slug, size = 1000): Episode => ({
  slug,
  dir: `/shows/tiny/${slug}`,
  title,
  date: new Date(date).toISOString(),
  summary: 'An episode',
  guid: `guid-${slug}`,
  episodeType: 'full',
  draft: false,
  media: [
    {
      format: 'mp3',
      fileName: `${slug}.mp3`,
      path: `/shows/tiny/${slug}/${slug}.mp3`,
      facts: {
        size,
        mtimeMs: 1,
        container: 'MPEG',
        mime: 'audio/mpeg',
        hasAudio: true,
        hasVideo: false,
        duration: 60,
        tags: {},
        chapters: [],
      },
    },
  ],
  links: [],
});
