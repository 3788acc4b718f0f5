// What Apple Podcasts requires of a show and other apps do not
// (https://podcasters.apple.com/support/823-podcast-requirements): a category, and a description of
// 4000 bytes at most. A show without them passed check silently and was refused by Apple only once
// submitted: they are warnings, named by file and field. And a guid a feed cannot carry as it is.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import type { EpisodeFiles, ShowFiles } from '../../src/catalog/read-files.js';
import type { EpisodeMedia } from '../../src/contract/catalog.js';
import type { ShowManifest } from '../../src/show/schema.js';
import { artworkFacts } from '../support/catalog-data.js';

const showDir = '/show';

function episode(guid = 'guid-001-a'): EpisodeFiles {
  const media: EpisodeMedia = {
    format: 'mp3',
    fileName: 'a.mp3',
    path: `${showDir}/001-a/a.mp3`,
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
      slug: '001-a',
      dir: `${showDir}/001-a`,
      manifest: { title: 'A', date: '2024-01-01T00:00:00Z', summary: 'S.', guid, media: { mp3: 'a.mp3' } },
      files: [],
    },
    problems: [],
    media: [media],
  };
}

function show(over: Partial<ShowManifest>, episodes = [episode()]): ShowFiles {
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

const problemsOf = (files: ShowFiles) => assembleCatalog(files).problems.map((p) => `${p.level} ${p.file} ${p.field}`);

test('a show with no category is a warning on categories; with one, nothing', () => {
  assert.deepEqual(problemsOf(show({ categories: undefined })), ['warning show.yaml categories']);
  assert.deepEqual(problemsOf(show({ categories: [] })), ['warning show.yaml categories']);
  assert.deepEqual(problemsOf(show({})), []);
});

test('a description over 4000 bytes of UTF-8 is a warning; 4000 bytes is not', () => {
  assert.deepEqual(problemsOf(show({ description: 'é'.repeat(2000) })), []);
  assert.deepEqual(problemsOf(show({ description: `${'é'.repeat(2000)}x` })), ['warning show.yaml description']);
});

test('a guid holding a character XML 1.0 cannot carry is an error; DEL and C1, which it can, are not', () => {
  assert.deepEqual(problemsOf(show({}, [episode('g\u0001x')])), ['error 001-a/episode.yaml guid']);
  assert.deepEqual(problemsOf(show({}, [episode('g\u0085x\u007f')])), []);
});
