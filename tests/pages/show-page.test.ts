import test from 'node:test';
import assert from 'node:assert/strict';
import { renderShowPage, podcastAppUrl } from '../../src/pages/show-page.js';
import type { PageOptions } from '../../src/pages/html.js';
import { needTool } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureCatalog, hostileTitle } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

const catalog = fixtureCatalog();
const artwork = fixtureArtwork(catalog);
const options = (over: Partial<PageOptions> = {}): PageOptions => ({
  baseUrl: 'https://virtzine.example',
  now: fixedNow,
  artwork,
  downloadLinks: 'attribute',
  ...over,
});

test('drafts and scheduled episodes appear nowhere on the show page, not even their artwork', () => {
  const html = renderShowPage(catalog, options());
  for (const hidden of ['Secret Draft Episode', '048-secret-draft', 'Future Scheduled Episode', '049-future'])
    assert.ok(!html.includes(hidden), hidden);
  const futureImage = catalog.episodes.find((e) => e.slug === '049-future')!.image!;
  for (const v of artwork.get(futureImage.path)!) assert.ok(!html.includes(v.fileName), v.fileName);
});

test('a scheduled episode appears once its time has come', () => {
  const html = renderShowPage(catalog, options({ now: new Date('2030-01-01T00:00:00Z') }));
  assert.ok(html.includes('Future Scheduled Episode'));
  assert.ok(!html.includes('Secret Draft Episode'));
});

test('published episodes are listed newest first with date, duration and summary', () => {
  const html = renderShowPage(catalog, options());
  const slugs = [...html.matchAll(/<h3><a href="episodes\/([^/]+)\/">/g)].map((m) => m[1]);
  assert.deepEqual(slugs, ['046-the-mega-edition', '045-audio-only']);
  assert.ok(html.includes('<time datetime="2024-05-01T22:00:00.000Z">May 1, 2024</time>'));
  assert.ok(html.includes('<time datetime="PT1H2M3S">1:02:03</time>'));
  assert.ok(html.includes('<time datetime="PT59S">0:00:59</time>'));
  assert.ok(html.includes('Summary with &lt;/script&gt; &amp; &lt;i&gt;tags&lt;/i&gt;'));
});

test('hostile show and episode titles are escaped', () => {
  const html = renderShowPage(catalog, options());
  assert.ok(html.includes('<h1 id="show-title">VirtZine &amp; Friends &lt;Show&gt;</h1>'));
  assert.ok(html.includes('Tom &amp; Jerry &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; 🎙️'));
  assert.ok(!html.includes(hostileTitle));
  assert.ok(!html.includes('<Show>') && !html.includes('<tags>'));
  assert.deepEqual(
    [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
    ['<script src="static/player.js" defer>'],
  );
});

test('each feed has a subscribe block: URL to copy, podcast:// link and its format', () => {
  const html = renderShowPage(catalog, options());
  assert.ok(html.includes('<input id="feed-url-video" type="url" readonly value="https://virtzine.example/feeds/video.xml">'));
  assert.ok(html.includes('<a class="button" href="podcast://virtzine.example/feeds/audio.xml">Open in podcast app</a>'));
  assert.ok(html.includes('<p class="feed-format">M4V Video (also WebM Video)</p>'));
  assert.ok(html.includes('<p class="feed-format">MP3 Audio</p>'));
  assert.ok(
    html.includes(
      '<link rel="alternate" type="application/rss+xml" title="VirtZine - Audio" href="https://virtzine.example/feeds/audio.xml">',
    ),
  );
  assert.equal(podcastAppUrl('http://example.org:8080/sub/feeds/a.xml'), 'podcast://example.org:8080/sub/feeds/a.xml');
});

test('the show artwork is a <picture> with AVIF and WebP sources, a JPEG fallback and alt text', () => {
  const html = renderShowPage(catalog, options());
  const page = artwork.get(catalog.show.artwork.path)!.filter((v) => v.purpose === 'page');
  const [avif, webp, jpeg] = ['avif', 'webp', 'jpeg'].map((f) => page.find((v) => v.format === f)!.fileName);
  assert.ok(
    html.includes(
      `<picture><source type="image/avif" srcset="artwork/${avif}"><source type="image/webp" srcset="artwork/${webp}"><img src="artwork/${jpeg}" width="600" height="600" alt="VirtZine &amp; Friends &lt;Show&gt; artwork"></picture>`,
    ),
  );
});

test('the show page is well-formed HTML (xmllint)', (t) => {
  if (!needTool(t, 'xmllint')) return;
  assert.deepEqual(htmlErrors(renderShowPage(catalog, options())), []);
});
