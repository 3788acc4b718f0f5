import test from 'node:test';
import assert from 'node:assert/strict';
import { fileEtag, httpDate, ifRangeHolds, notModified, parseHttpDate, preconditions } from '../../../src/site/http/conditional.js';

const mtime = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const etag = fileEtag(1234, mtime);

test('file ETags are strong and change with size or time', () => {
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert.notEqual(fileEtag(1235, mtime), etag);
  assert.notEqual(fileEtag(1234, mtime + 1000), etag);
});

test('If-None-Match uses weak comparison and wins over If-Modified-Since', () => {
  assert.equal(notModified({ 'if-none-match': etag }, etag, mtime), true);
  assert.equal(notModified({ 'if-none-match': `"x", W/${etag}` }, etag, mtime), true);
  assert.equal(notModified({ 'if-none-match': '*' }, etag, mtime), true);
  assert.equal(notModified({ 'if-none-match': '"other"', 'if-modified-since': httpDate(mtime) }, etag, mtime), false);
});

test('If-Modified-Since compares whole seconds', () => {
  assert.equal(notModified({ 'if-modified-since': httpDate(mtime) }, etag, mtime), true);
  assert.equal(notModified({ 'if-modified-since': httpDate(mtime - 1000) }, etag, mtime), false);
  assert.equal(notModified({ 'if-modified-since': 'yesterday' }, etag, mtime), false);
});

test('If-Range: strong ETag match or exact date', () => {
  assert.equal(ifRangeHolds(undefined, etag, mtime), true);
  assert.equal(ifRangeHolds(etag, etag, mtime), true);
  assert.equal(ifRangeHolds(`W/${etag}`, etag, mtime), false);
  assert.equal(ifRangeHolds('"stale"', etag, mtime), false);
  assert.equal(ifRangeHolds(httpDate(mtime), etag, mtime), true);
  assert.equal(ifRangeHolds(httpDate(mtime - 1000), etag, mtime), false);
});

test('regression: If-Match that does not match got 200; now 412, compared strongly, before If-None-Match', () => {
  assert.equal(preconditions({ 'if-match': '"other"' }, etag, mtime), 'failed');
  assert.equal(preconditions({ 'if-match': `W/${etag}` }, etag, mtime), 'failed', 'a weak tag never matches strongly');
  assert.equal(preconditions({ 'if-match': `"other", ${etag}` }, etag, mtime), 'send');
  assert.equal(preconditions({ 'if-match': '*' }, etag, mtime), 'send');
  // §13.2.2: If-Match is evaluated first, so a failed one wins over a matching If-None-Match.
  assert.equal(preconditions({ 'if-match': '"other"', 'if-none-match': etag }, etag, mtime), 'failed');
  assert.equal(preconditions({ 'if-match': etag, 'if-none-match': etag }, etag, mtime), 'not-modified');
});

test('regression: an old If-Unmodified-Since got 200; now 412, and If-Match makes it ignored', () => {
  assert.equal(preconditions({ 'if-unmodified-since': httpDate(mtime - 60_000) }, etag, mtime), 'failed');
  assert.equal(preconditions({ 'if-unmodified-since': httpDate(mtime) }, etag, mtime), 'send', 'same second: not modified since');
  assert.equal(preconditions({ 'if-unmodified-since': httpDate(mtime - 60_000), 'if-match': etag }, etag, mtime), 'send');
  assert.equal(preconditions({ 'if-unmodified-since': 'not a date' }, etag, mtime), 'send', 'an invalid date is ignored');
});

test('regression: a malformed If-Modified-Since got 304; invalid dates are ignored, the three HTTP-date forms are read', () => {
  for (const junk of [
    '2099',
    'tomorrow 2099',
    'Foo, 31 Dec 2099',
    '1',
    'Sat, 31 Feb 2099 00:00:00 GMT',
    'Fri, 31 Dec 2099 25:00:00 GMT',
    `${httpDate(mtime)}, ${httpDate(mtime)}`,
  ]) {
    assert.equal(preconditions({ 'if-modified-since': junk }, etag, mtime), 'send', junk);
  }
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(preconditions({ 'if-modified-since': 'Fri, 31 Dec 2099 23:59:59 GMT' }, etag, mtime), 'not-modified');
});
