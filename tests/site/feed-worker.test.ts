// Feeds rendered in a child process: the same bytes as renderFeed on this thread.
import test from 'node:test';
import assert from 'node:assert/strict';
import { renderFeed } from '../../src/feeds/rss.js';
import { renderFeedOffThread } from '../../src/site/feed-worker.js';
import { fixedNow, fixtureArtwork, fixtureCatalog } from '../support/catalog-fixture.js';

const catalog = fixtureCatalog();
const options = {
  baseUrl: 'https://virtzine.example',
  mediaBaseUrl: 'https://cdn.example',
  now: fixedNow,
  artwork: fixtureArtwork(catalog),
};

test('each feed rendered off the thread is byte for byte what renderFeed makes; a feed the catalog lacks is an error, never a feed body', async () => {
  const [video, audio] = catalog.show.feeds;
  // Asked at once, they run one after the other; the failure in the middle does not stop the queue.
  const [offVideo, missing, offAudio] = await Promise.allSettled([
    renderFeedOffThread(catalog, video, options),
    renderFeedOffThread(catalog, { name: 'nope', title: 'Nope', enclosure: 'mp3', alternates: [] }, options),
    renderFeedOffThread(catalog, audio, options),
  ]);
  assert.deepEqual(offVideo, { status: 'fulfilled', value: renderFeed(catalog, video, options) });
  assert.deepEqual(offAudio, { status: 'fulfilled', value: renderFeed(catalog, audio, options) });
  assert.equal(missing.status, 'rejected');
  assert.match(String((missing as PromiseRejectedResult).reason), /no feed named nope/);
});
