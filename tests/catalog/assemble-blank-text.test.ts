// A title, summary, author or description of only spaces or control characters passes the schema
// (minLength 1), but XML 1.0 cannot carry control characters: the feed dropped them and published
// an item titled "No title" (the RSS library's stand-in) and an empty <itunes:author>. Refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import type { EpisodeFiles, ShowFiles } from '../../src/catalog/read-files.js';
import type { EpisodeMedia } from '../../src/contract/catalog.js';
import type { ShowManifest } from '../../src/show/schema.js';
import { artworkFacts } from '../support/catalog-data.js';

const showDir = '/show';

function episode(slug: string, title: string, summary = 'S.'): EpisodeFiles {
  const media: EpisodeMedia = {
    format: 'mp3',
    fileName: 'a.mp3',
    path: `${showDir}/${slug}/a.mp3`,
    facts: {
      size: 1000,
      mtimeMs: 1,
      container: 'MPEG',
      mime: 'audio/mpeg',
      hasAudio: true,
      hasVideo: false,
      duration: 60,
      tags: {},
      chapters: [],
    },
  };
  return {
    loaded: {
      slug,
      dir: `${showDir}/${slug}`,
      manifest: { title, date: '2024-01-01T00:00:00Z', summary, guid: `guid-${slug}`, media: { mp3: 'a.mp3' } },
      files: [],
    },
    problems: [],
    media: [media],
  };
}

function show(episodes: EpisodeFiles[], over: Partial<ShowManifest> = {}): ShowFiles {
  const manifest: ShowManifest = {
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
  return {
    loaded: { dir: showDir, manifest, episodes: episodes.map((e) => e.loaded), brokenEpisodes: [], problems: [] },
    problems: [],
    showArtwork: artworkFacts(showDir, 200_000),
    episodes,
  };
}

const errors = (files: ShowFiles) =>
  assembleCatalog(files)
    .problems.filter((p) => p.level === 'error')
    .map((p) => `${p.file} ${p.field}`);

test('an episode title or summary of control characters or spaces is an error', () => {
  assert.deepEqual(errors(show([episode('001-a', '\u0001\u0002'), episode('002-b', '   ', '\u007f'), episode('003-c', 'Fine 🙂')])), [
    '001-a/episode.yaml title',
    '002-b/episode.yaml title',
    '002-b/episode.yaml summary',
  ]);
});

test('a show title, author, description or feed title with no visible text is an error', () => {
  assert.deepEqual(
    errors(
      show([episode('001-a', 'A')], {
        title: '\u007f',
        author: '\u0001',
        description: ' \u200b ',
        feeds: { audio: { title: '\u0085', enclosure: 'mp3' } },
      }),
    ).sort(),
    ['show.yaml author', 'show.yaml description', 'show.yaml feeds.audio.title', 'show.yaml title'],
  );
});
