// Apps poll feeds with If-None-Match / If-Modified-Since, and are answered 304 on every day the
// feed has not changed: those subscribers were not counted at all (only a 200 counted), so the
// feed listeners per day fell to the few apps that fetch unconditionally.
import assert from 'node:assert/strict';
import test from 'node:test';
import { Counter, type Hit } from '../../src/audience/engine.js';
import { loadRules } from '../../src/audience/user-agents.js';

const counter = () =>
  new Counter({ window: 'calendar-utc', rules: loadRules(undefined), hashListener: (identity, day) => `${day}|${identity}` });
const feedHit = (over: Partial<Hit>): Hit => ({
  time: Date.parse('2026-11-02T10:00:00Z'),
  ip: '192.0.2.1',
  userAgent: 'AntennaPod/3.2.0',
  method: 'GET',
  status: 200,
  target: { kind: 'feed', feed: 'audio' },
  sent: [],
  ...over,
});

test('a feed fetch answered 304 Not Modified counts its listener', () => {
  const c = counter();
  assert.ok(c.add(feedHit({ status: 304 })).feedFetch);
  assert.equal(c.add(feedHit({ status: 200 })).rejected, 'duplicate');
  assert.ok(c.add(feedHit({ status: 304, ip: '192.0.2.2' })).feedFetch);
});

test('a media file answered 304, a feed answered HEAD or 404, still do not count', () => {
  const c = counter();
  const media = { kind: 'media', episode: 'e', format: 'mp3', file: 'e/e.mp3' } as const;
  assert.equal(c.add(feedHit({ status: 304, target: media, threshold: 10 })).rejected, 'status');
  assert.equal(c.add(feedHit({ status: 304, method: 'HEAD' })).rejected, 'method');
  assert.equal(c.add(feedHit({ status: 404 })).rejected, 'status');
});
