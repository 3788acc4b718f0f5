// Apple Podcasts takes itunes:episode as "a non-zero integer (1, 2, 3, etc.)"
// (https://podcasters.apple.com/support/823-podcast-requirements); the schema allows `number: 0`
// (a pilot), which was written as <itunes:episode>0</itunes:episode> while check --strict passed.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/contract/catalog.js';
import { renderFeed } from '../../src/feeds/rss.js';
import { fixedNow, fixtureArtwork, fixtureWithEpisodes } from '../support/catalog-fixture.js';

function feedOf(numbers: (number | undefined)[]): string {
  const base = fixtureWithEpisodes(numbers.length);
  const catalog: Catalog = {
    ...base,
    // ep-001 gets numbers[0], ep-002 numbers[1], ...
    episodes: base.episodes.map((e) => {
      const i = e.slug.startsWith('ep-') ? Number(e.slug.slice(3)) - 1 : -1;
      if (i < 0) return e;
      const { number: _, ...rest } = e;
      return numbers[i] === undefined ? rest : { ...rest, number: numbers[i] };
    }),
  };
  const feed = { name: 'audio', title: 'Audio', enclosure: 'mp3', alternates: [] };
  return renderFeed(catalog, feed, { baseUrl: 'https://show.example', now: fixedNow, artwork: fixtureArtwork(catalog) });
}

test('an episode numbered 0 gets no itunes:episode; numbered ones keep theirs', () => {
  const xml = feedOf([0, 1, 2]);
  assert.doesNotMatch(xml, /<itunes:episode>0<\/itunes:episode>/);
  assert.match(xml, /<itunes:episode>1<\/itunes:episode>/);
  assert.match(xml, /<itunes:episode>2<\/itunes:episode>/);
  assert.equal(xml.match(/<itunes:episode>/g)?.length, 2);
});
