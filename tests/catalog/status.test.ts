import test from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, Episode } from '../../src/contract/catalog.js';
import { episodeStatus, nextRelease, publishedEpisodes, publishedImages, publishedPosition } from '../../src/catalog/status.js';
import { episode, show } from '../support/catalog-data.js';

const now = new Date('2024-06-01T12:00:00Z');
const withImage = (e: Episode): Episode => ({ ...e, image: { ...show().artwork, path: `${e.dir}/cover.jpg`, file: 'cover.jpg' } });

/** Newest first, as checkShow orders them: one scheduled tomorrow, one next week, one draft, two published. */
function catalog(): Catalog {
  return {
    show: show(),
    episodes: [
      withImage(episode('next-week', '2024-06-08T12:00:00Z')),
      episode('tomorrow', '2024-06-02T09:00:00Z'),
      { ...withImage(episode('draft', '2024-05-20T00:00:00Z')), draft: true },
      withImage(episode('now', now.toISOString())),
      episode('old', '2024-01-01T00:00:00Z'),
    ],
  } as Catalog;
}

test('an episode is a draft whatever its date, scheduled while its date is ahead, published from its date on', () => {
  const e = episode('e', '2024-06-01T12:00:00Z');
  assert.equal(episodeStatus(e, new Date(now.getTime() - 1)), 'scheduled');
  assert.equal(episodeStatus(e, now), 'published');
  assert.equal(episodeStatus({ ...e, draft: true }, new Date('2030-01-01')), 'draft');
  assert.equal(episodeStatus({ ...e, draft: true }, new Date('2020-01-01')), 'draft');
});

test('publishedEpisodes lists only what is published at the given now, in catalog order', () => {
  const c = catalog();
  assert.deepEqual(
    publishedEpisodes(c, now).map((e) => e.slug),
    ['now', 'old'],
  );
  assert.deepEqual(
    publishedEpisodes(c, new Date('2024-06-02T09:00:00Z')).map((e) => e.slug),
    ['tomorrow', 'now', 'old'],
  );
  // Asked again for an earlier moment (its answer for the later one is kept): the earlier answer.
  assert.deepEqual(
    publishedEpisodes(c, now).map((e) => e.slug),
    ['now', 'old'],
  );
});

test('publishedImages: the show artwork and the images of published episodes only (not drafts, not scheduled)', () => {
  const c = catalog();
  assert.deepEqual(
    publishedImages(c, now).map((i) => i.path),
    [c.show.artwork.path, '/shows/tiny/now/cover.jpg'],
  );
});

test('nextRelease is the earliest scheduled date, ignoring drafts, and undefined when nothing is scheduled', () => {
  const c = catalog();
  assert.equal(nextRelease(c, now)?.toISOString(), '2024-06-02T09:00:00.000Z');
  assert.equal(nextRelease(c, new Date('2024-06-02T09:00:00Z'))?.toISOString(), '2024-06-08T12:00:00.000Z');
  assert.equal(nextRelease(c, new Date('2024-06-08T12:00:00Z')), undefined);
});

test('publishedPosition is where an episode stands among those published at the given now, -1 when it is not published', () => {
  const c = catalog();
  assert.equal(publishedPosition(c, now, 'now'), 0);
  assert.equal(publishedPosition(c, now, 'old'), 1);
  for (const slug of ['tomorrow', 'next-week', 'draft', 'no-such-episode']) assert.equal(publishedPosition(c, now, slug), -1, slug);
  const later = new Date('2024-06-02T09:00:00Z');
  assert.deepEqual(
    ['tomorrow', 'now', 'old', 'draft'].map((slug) => publishedPosition(c, later, slug)),
    [0, 1, 2, -1],
  );
});
