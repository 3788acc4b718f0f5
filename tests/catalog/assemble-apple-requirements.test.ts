// What Apple Podcasts requires of a show and other apps do not
// (https://podcasters.apple.com/support/823-podcast-requirements): a category, and a description of
// 4000 bytes at most. A show without them passed check silently and was refused by Apple only once
// submitted: they are warnings, named by file and field. And a guid a feed cannot carry as it is.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import type { ShowFiles } from '../../src/catalog/read-files.js';
import type { ShowManifest } from '../../src/show/schema.js';
import { episode as episodeFiles, show as showFiles, showManifest } from '../support/assemble-files.js';

const episode = (guid = 'guid-001-a') => episodeFiles('001-a', { manifest: { guid } });
const show = (over: Partial<ShowManifest>, episodes = [episode()]) => showFiles(episodes, showManifest(over));

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

test('an episode numbered 0 is a warning on number (Apple takes 1 or more); 1 is not', () => {
  const numbered = (number: number) => {
    const e = episode();
    e.loaded.manifest = { ...e.loaded.manifest, number };
    return e;
  };
  assert.deepEqual(problemsOf(show({}, [numbered(0)])), ['warning 001-a/episode.yaml number']);
  assert.deepEqual(problemsOf(show({}, [numbered(1)])), []);
});
