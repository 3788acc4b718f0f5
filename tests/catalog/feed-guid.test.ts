import test from 'node:test';
import assert from 'node:assert/strict';
import { podcastGuid, podcastGuidNamespace } from '../../src/catalog/feed-guid.js';
import { uuidV5 } from '../../src/catalog/uuid-v5.js';

// Moved here from tests/catalog/uuid-v5.test.ts: it tests podcastGuid, this module's contract.
test('podcast:guid of the spec example: podnews.net/rss, with or without its scheme and trailing slash', () => {
  // https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md
  for (const url of ['https://podnews.net/rss', 'http://podnews.net/rss/', 'podnews.net/rss']) {
    assert.equal(podcastGuid(url), '9b024349-ccf0-5f69-a609-6b82873eab3c', url);
  }
});

test('podcast:guid keeps what follows the host: another path, port or query is another feed', () => {
  const base = podcastGuid('https://tiny.example/feeds/audio.xml');
  for (const other of [
    'https://tiny.example/feeds/video.xml',
    'https://tiny.example:8443/feeds/audio.xml',
    'https://tiny.example/feeds/audio.xml?x=1',
  ]) {
    assert.notEqual(podcastGuid(other), base, other);
  }
  // Only the scheme goes (any scheme, any case), and every trailing slash.
  assert.equal(podcastGuid('HTTPS://tiny.example/feeds/audio.xml//'), base);
  assert.equal(podcastGuid('feed://tiny.example/feeds/audio.xml'), base);
});

test('podcast:guid is the UUIDv5 of the seed in the namespace the spec fixes', () => {
  assert.equal(podcastGuid('https://tiny.example/rss'), uuidV5('tiny.example/rss', podcastGuidNamespace));
  assert.match(podcastGuid('https://tiny.example/rss'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
