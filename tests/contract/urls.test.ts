// Every URL of the site: one segment per name, percent-encoded (RFC 3986), so a slug or file name
// can never add a path segment, a query or a fragment; base URLs joined without doubled slashes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { absolute, mediaUrl, paths } from '../../src/contract/urls.js';
import { episode } from '../support/catalog-data.js';

test('the first page of the episode list is the home page; older pages live under /page/N/', () => {
  assert.equal(paths.showPage(1), '/');
  assert.equal(paths.showPage(0), '/');
  assert.equal(paths.showPage(2), '/page/2/');
  assert.equal(paths.home(), '/');
});

test('a slug or file name is one percent-encoded segment: no slash, query or fragment gets through', () => {
  assert.equal(paths.episode('a b/c?d#e'), '/episodes/a%20b%2Fc%3Fd%23e/');
  assert.equal(paths.media('001-ep', 'Ünï code.mp3'), '/media/001-ep/%C3%9Cn%C3%AF%20code.mp3');
  assert.equal(paths.download('001-ep', 'a.mp3'), '/download/001-ep/a.mp3');
  assert.equal(paths.feed('audio'), '/feeds/audio.xml');
  assert.equal(paths.chapters('001-ep'), '/episodes/001-ep/chapters.json');
  assert.equal(paths.artwork('show 1400.jpg'), '/artwork/show%201400.jpg');
  assert.equal(paths.static('style.css'), '/static/style.css');
});

test('absolute joins a base URL with or without trailing slashes to a path, with one slash between', () => {
  assert.equal(absolute({ baseUrl: 'https://show.example' }, '/feeds/audio.xml'), 'https://show.example/feeds/audio.xml');
  assert.equal(absolute({ baseUrl: 'https://show.example/podcast//' }, '/'), 'https://show.example/podcast/');
});

test('an enclosure points at the media base URL when media sits elsewhere, else at /media/ on the site', () => {
  const e = episode('001 first', '2024-01-01T00:00:00Z');
  const site = { baseUrl: 'https://show.example/', now: new Date(0) };
  assert.equal(mediaUrl(site, e, { fileName: 'a b.mp3' }), 'https://show.example/media/001%20first/a%20b.mp3');
  assert.equal(
    mediaUrl({ ...site, mediaBaseUrl: 'https://cdn.example/show/' }, e, { fileName: 'a b.mp3' }),
    'https://cdn.example/show/001%20first/a%20b.mp3',
  );
});
