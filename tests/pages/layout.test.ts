import test from 'node:test';
import assert from 'node:assert/strict';
import { layout } from '../../src/pages/layout.js';
import { fixtureCatalog } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

const catalog = fixtureCatalog();
/** Links as an episode page two folders down makes them. */
const relative = (sitePath: string) => `../..${sitePath}`;

const page = (over: Partial<Parameters<typeof layout>[0]> = {}) =>
  layout({ title: 'A <title> & "more"', lang: 'en-US', main: '<p>Content</p>', catalog, link: relative, ...over });

test('a whole valid page: language, title escaped, content in <main>, skip link to it', () => {
  const html = page();
  assert.deepEqual(htmlErrors(html), []);
  assert.match(html, /^<!doctype html>\n<html lang="en-US">/);
  assert.ok(html.includes('<title>A &lt;title&gt; &amp; &quot;more&quot;</title>'));
  assert.match(html, /<main id="main">\n<p>Content<\/p>\n<\/main>/);
  assert.match(html, /<a class="skip-link" href="#main">/);
});

test('style sheet, script and home link go through the page own link function', () => {
  const html = page();
  assert.ok(html.includes('<link rel="stylesheet" href="../../static/style.css">'));
  assert.ok(html.includes('<script src="../../static/player.js" defer></script>'));
  assert.ok(html.includes(`<a class="brand" href="../../">${'VirtZine &amp; Friends &lt;Show&gt;'}</a>`));
  assert.ok(page({ link: (p) => p }).includes('href="/static/style.css"'));
});

test('description, canonical URL and feed discovery links appear only when given, escaped', () => {
  const bare = page();
  assert.doesNotMatch(bare, /name="description"|rel="canonical"|rel="alternate"/);
  const full = page({
    description: 'About "this" <page>',
    canonical: 'https://virtzine.example/episodes/a/?x=1&y=2',
    feedLinks: [
      { title: 'Audio & more', url: 'https://virtzine.example/feeds/audio.xml' },
      { title: 'Video', url: 'https://virtzine.example/feeds/video.xml' },
    ],
    head: '<meta property="og:title" content="x">',
  });
  assert.ok(full.includes('<meta name="description" content="About &quot;this&quot; &lt;page&gt;">'));
  assert.ok(full.includes('<link rel="canonical" href="https://virtzine.example/episodes/a/?x=1&amp;y=2">'));
  assert.equal(full.match(/<link rel="alternate" type="application\/rss\+xml"/g)?.length, 2);
  assert.ok(full.includes('title="Audio &amp; more" href="https://virtzine.example/feeds/audio.xml"'));
  assert.ok(full.includes('<meta property="og:title" content="x">'));
  assert.deepEqual(htmlErrors(full), []);
});

test('the footer credits the copyright when the show has one, else the author', () => {
  assert.match(page(), /<footer class="site-footer"><p>© The Crew · Published with netcaster<\/p><\/footer>/);
  const withCopyright = { ...catalog, show: { ...catalog.show, copyright: '© 2024 <Crew> & Co' } };
  assert.match(page({ catalog: withCopyright }), /<p>© 2024 &lt;Crew&gt; &amp; Co · Published with netcaster<\/p>/);
});

test('a bare error page (no show): no header, only the netcaster credit', () => {
  const html = page({ catalog: undefined, link: (p) => p });
  assert.doesNotMatch(html, /site-header/);
  assert.match(html, /<p>Published with netcaster<\/p>/);
  assert.deepEqual(htmlErrors(html), []);
});
