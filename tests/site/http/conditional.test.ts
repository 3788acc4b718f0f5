import test from 'node:test';
import assert from 'node:assert/strict';
import { fileEtag, httpDate, ifRangeHolds, notModified } from '../../../src/site/http/conditional.js';

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
