// A manifest's `date` that has the right form but names no real moment (a 30th of February, 25:61,
// an offset of +99:99, a leap second) is an error naming the file and field: never an internal
// error, never a date rolled over to another day.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog, publicationTime } from '../../src/catalog/assemble.js';
import { episode as episodeFiles, show } from '../support/assemble-files.js';

const episode = (slug: string, date: string) => episodeFiles(slug, { manifest: { date } });

for (const date of [
  '2014-02-30T18:00:00-04:00',
  '2015-02-29T00:00:00Z',
  '2014-04-31T00:00:00Z',
  '2014-13-01T00:00:00Z',
  '2014-00-10T00:00:00Z',
  '2014-09-15T25:00:00Z',
  '2014-09-15T18:61:00Z',
  '2014-09-15T23:59:60Z',
  '2014-09-15T18:00:00+99:99',
]) {
  test(`date ${date} is an error on the date field, the episode left out`, () => {
    const { catalog, problems } = assembleCatalog(show([episode('001-bad', date), episode('002-good', '2014-09-15T18:00:00Z')]));
    assert.deepEqual(
      problems.filter((p) => p.level === 'error').map((p) => `${p.file} ${p.field}: ${p.message}`),
      [`001-bad/episode.yaml date: not a real date: ${date}`],
    );
    assert.deepEqual(
      catalog?.episodes.map((e) => e.slug),
      ['002-good'],
    );
  });
}

test('real dates keep the moment Date.parse gives them', () => {
  for (const date of [
    '2014-09-01T18:00:00-04:00',
    '2016-02-29T00:00:00Z',
    '2000-02-29T12:30Z',
    '2014-09-15 18:00:00.123+0530',
    '1969-12-31T23:59:59.5-00:30',
  ]) {
    assert.equal(publicationTime(date), Date.parse(date.replace(' ', 'T')), date);
  }
  assert.equal(publicationTime('1900-02-29T00:00:00Z'), undefined);
});
