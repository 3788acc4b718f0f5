// chapters.json times that JSON.parse reads as numbers but are no times: 1e400 is Infinity (and
// null once the catalog is cached as JSON), so a chapter meant for "never" was published at 0:00,
// and an endTime before its startTime went out as it was. Such a startTime is an error; such an
// endTime is left out, with a warning.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import type { EpisodeFiles, ShowFiles } from '../../src/catalog/read-files.js';
import type { EpisodeMedia } from '../../src/contract/catalog.js';
import { artworkFacts } from '../support/catalog-data.js';

const showDir = '/show';

function show(chapters: string): ShowFiles {
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
  const episode: EpisodeFiles = {
    loaded: {
      slug: '001-a',
      dir: `${showDir}/001-a`,
      manifest: { title: 'A', date: '2024-01-01T00:00:00Z', summary: 'S.', guid: 'guid-a', media: { mp3: 'a.mp3' } },
      files: ['chapters.json'],
    },
    problems: [],
    media: [media],
    chaptersFile: { name: 'chapters.json', text: chapters },
  };
  const manifest = {
    title: 'Show',
    description: 'A show.',
    author: 'Host',
    language: 'en',
    baseUrl: 'https://show.example',
    artwork: 'artwork.jpg',
    categories: ['Technology'],
    feeds: { audio: { title: 'Audio', enclosure: 'mp3' } },
  };
  return {
    loaded: { dir: showDir, manifest, episodes: [episode.loaded], brokenEpisodes: [], problems: [] },
    problems: [],
    showArtwork: artworkFacts(showDir, 200_000),
    episodes: [episode],
  };
}

test('a startTime of 1e400 (Infinity) is an error on that chapter', () => {
  const { problems } = assembleCatalog(show('{"chapters":[{"startTime":0,"title":"A"},{"startTime":1e400,"title":"Never"}]}'));
  const p = problems.find((x) => x.level === 'error');
  assert.equal(p?.file, '001-a/chapters.json');
  assert.equal(p?.field, 'chapters.1.startTime');
});

test('an endTime that is Infinity, or before its startTime, is left out with a warning', () => {
  const { catalog, problems } = assembleCatalog(
    show(
      '{"chapters":[{"startTime":0,"title":"A","endTime":1e999},{"startTime":5,"title":"B","endTime":2},{"startTime":9,"title":"C","endTime":12}]}',
    ),
  );
  assert.deepEqual(
    problems.map((p) => `${p.level} ${p.field}`),
    ['warning chapters.0.endTime', 'warning chapters.1.endTime'],
  );
  assert.deepEqual(catalog?.episodes[0].chapters?.chapters, [
    { startTime: 0, title: 'A' },
    { startTime: 5, title: 'B' },
    { startTime: 9, title: 'C', endTime: 12 },
  ]);
});
