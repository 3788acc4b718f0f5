// `limit: N` on a feed: only its newest N published episodes; another feed without it keeps all.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from 'podcast-partytime';
import type { Catalog, FeedDef } from '../../src/contract/catalog.js';
import { renderFeed } from '../../src/feeds/rss.js';
import { fixedNow, fixtureArtwork, fixtureWithEpisodes } from '../support/catalog-fixture.js';

const showWith = (count: number): Catalog => fixtureWithEpisodes(count);

const recent: FeedDef = { name: 'recent', title: 'Recent', enclosure: 'mp3', alternates: [], limit: 10 };
const archive: FeedDef = { name: 'archive', title: 'Archive', enclosure: 'mp3', alternates: [] };

function guids(catalog: Catalog, feed: FeedDef, now = fixedNow): string[] {
  const xml = renderFeed(catalog, feed, { baseUrl: 'https://virtzine.example', now, artwork: fixtureArtwork(catalog) });
  const parsed = parseFeed(xml);
  assert.ok(parsed, 'podcast-partytime reads the feed');
  return parsed.items.map((item) => item.guid ?? '');
}

test('a feed with limit: 10 lists the newest 10 published episodes, newest first; one without lists all', () => {
  const catalog = showWith(25);
  assert.deepEqual(
    guids(catalog, recent),
    Array.from({ length: 10 }, (_, i) => `guid-ep-${String(25 - i).padStart(3, '0')}`),
  );
  assert.equal(guids(catalog, archive).length, 25);
});

test('the limit counts published episodes only: drafts and scheduled ones take no place', () => {
  const catalog = showWith(3);
  assert.deepEqual(guids(catalog, { ...recent, limit: 2 }), ['guid-ep-003', 'guid-ep-002']);
  // Once the scheduled episode is due, it is the newest and pushes the oldest out.
  assert.deepEqual(guids(catalog, { ...recent, limit: 2 }, new Date('2030-06-01T00:00:00Z')), ['guid-049-future', 'guid-ep-003']);
});

test('a limit larger than the show lists every episode', () => {
  assert.equal(guids(showWith(4), { ...recent, limit: 100 }).length, 4);
});

test('the limit keeps only the newest by date, whatever order the catalog holds them in', () => {
  const catalog = showWith(5);
  const shuffled = { ...catalog, episodes: [...catalog.episodes].reverse() };
  assert.deepEqual(guids(shuffled, { ...recent, limit: 2 }), ['guid-ep-005', 'guid-ep-004']);
});
