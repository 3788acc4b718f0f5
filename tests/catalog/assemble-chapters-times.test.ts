// chapters.json times that JSON.parse reads as numbers but are no times: 1e400 is Infinity (and
// null once the catalog is cached as JSON), so a chapter meant for "never" was published at 0:00,
// and an endTime before its startTime went out as it was. Such a startTime is an error; such an
// endTime is left out, with a warning.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import { episode, media, show as showFiles } from '../support/assemble-files.js';

/** One episode, 001-a, with a chapters.json of `chapters` (its media: a minute of MP3). */
const show = (chapters: string) =>
  showFiles([
    episode('001-a', {
      media: [media('001-a', 'mp3', { duration: 60 })],
      files: { chaptersFile: { name: 'chapters.json', text: chapters } },
    }),
  ]);

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

test('regression: once a bad chapter is left out, the later problems still name the chapters by their place in the file', () => {
  const { problems } = assembleCatalog(
    show(
      '{"chapters":[{"startTime":-1,"title":"x"},{"startTime":100,"title":"late"},{"startTime":5,"title":5},{"startTime":3,"title":"back"}]}',
    ),
  );
  assert.deepEqual(
    problems.map((p) => `${p.level} ${p.field}: ${p.message}`),
    [
      'error chapters.0.startTime: must be a number of seconds, 0 or more',
      'error chapters.2.title: must be a text, not empty',
      'warning chapters.3.startTime: chapters are not in time order',
      'warning chapters.1.startTime: starts after the end of the media (60 s)',
    ],
  );
});
