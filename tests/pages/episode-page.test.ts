import test from 'node:test';
import assert from 'node:assert/strict';
import { renderEpisodePage } from '../../src/pages/episode-page.js';
import type { PageOptions } from '../../src/pages/html.js';
import { needTool } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureCatalog, hostileTitle } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

const catalog = fixtureCatalog();
const full = catalog.episodes.find((e) => e.slug === '046-the-mega-edition')!;
const audioOnly = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
const options = (over: Partial<PageOptions> = {}): PageOptions => ({
  baseUrl: 'https://virtzine.example',
  now: fixedNow,
  artwork: fixtureArtwork(catalog),
  downloadLinks: 'route',
  ...over,
});
const pageUrl = 'https://virtzine.example/episodes/046-the-mega-edition/';

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

interface Anchor {
  attrs: Record<string, string>;
  text: string;
}
function anchors(html: string): Anchor[] {
  return [...html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => ({
    attrs: Object.fromEntries([...m[1].matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], unescape(a[2] ?? '')])),
    text: unescape(m[2].replace(/<[^>]+>/g, '')),
  }));
}

test('a hostile title, summary, chapter title and notes come out as inert text', () => {
  const html = renderEpisodePage(catalog, full, options());
  assert.ok(html.includes('<h1 id="episode-title">Tom &amp; Jerry &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; 🎙️ &#39;single&#39;</h1>'));
  assert.ok(html.includes('<title>Tom &amp; Jerry &lt;b&gt;'));
  assert.ok(!html.includes('<b>"quoted"</b>'));
  assert.ok(html.includes('Flocker &amp; &lt;Docker&gt;'));
  // Only our two scripts: the player and the JSON-LD block.
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="application/ld+json">', '<script src="../../static/player.js" defer>']);
  assert.doesNotMatch(html, /<[^>]*\sonerror\s*=/i, 'no element carries an onerror attribute');
  assert.doesNotMatch(html, /href="javascript:/i);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'raw HTML in the notes is shown as text');
});

test('the JSON-LD is a parseable PodcastEpisode and cannot close its script block', () => {
  const html = renderEpisodePage(catalog, full, options());
  const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1];
  assert.ok(!block.includes('<'), 'no < inside the block');
  const data = JSON.parse(block);
  assert.equal(data['@type'], 'PodcastEpisode');
  assert.equal(data.name, hostileTitle);
  assert.equal(data.description, full.summary);
  assert.equal(data.datePublished, '2024-05-01T22:00:00.000Z');
  assert.equal(data.timeRequired, 'PT1H2M3S');
  assert.equal(data.partOfSeries['@type'], 'PodcastSeries');
  assert.equal(data.partOfSeries.name, catalog.show.title);
  assert.equal(data.partOfSeries.webFeed, 'https://virtzine.example/feeds/video.xml');
  assert.deepEqual(
    data.associatedMedia.map((m: { '@type': string; contentUrl: string; encodingFormat: string }) => [
      m['@type'],
      m.contentUrl,
      m.encodingFormat,
    ]),
    [
      ['VideoObject', 'https://virtzine.example/media/046-the-mega-edition/virtzine-046.m4v', 'video/mp4'],
      ['VideoObject', 'https://virtzine.example/media/046-the-mega-edition/virtzine-046.webm', 'video/webm'],
      ['AudioObject', 'https://virtzine.example/media/046-the-mega-edition/virtzine-046.mp3', 'audio/mpeg'],
    ],
  );
});

test('every format has a Stream link to /media/ and a Download link to /download/ (route mode)', () => {
  const links = anchors(renderEpisodePage(catalog, full, options({ downloadLinks: 'route' })));
  for (const [label, file] of [
    ['M4V Video', 'virtzine-046.m4v'],
    ['WebM Video', 'virtzine-046.webm'],
    ['MP3 Audio', 'virtzine-046.mp3'],
  ]) {
    const stream = links.find((a) => a.text === `Streaming ${label}`);
    const download = links.find((a) => a.text === `Download ${label}`);
    assert.ok(stream && download, `links for ${label}`);
    assert.equal(new URL(stream.attrs.href, pageUrl).pathname, `/media/046-the-mega-edition/${file}`);
    assert.equal(new URL(download.attrs.href, pageUrl).pathname, `/download/046-the-mega-edition/${file}`);
    assert.equal(download.attrs.download, undefined);
  }
});

test('in attribute mode Download links point at /media/ with the download attribute', () => {
  const links = anchors(renderEpisodePage(catalog, full, options({ downloadLinks: 'attribute' })));
  const downloads = links.filter((a) => a.text.startsWith('Download '));
  assert.equal(downloads.length, 3);
  for (const a of downloads) {
    assert.match(new URL(a.attrs.href, pageUrl).pathname, /^\/media\/046-the-mega-edition\/virtzine-046\.(m4v|webm|mp3)$/);
    assert.equal(a.attrs.download, a.attrs.href.split('/').pop());
  }
});

test('with a media base URL the player and Stream links use the media host', () => {
  const html = renderEpisodePage(catalog, full, options({ mediaBaseUrl: 'https://cdn.example/vz/' }));
  const stream = anchors(html).find((a) => a.text === 'Streaming M4V Video')!;
  assert.equal(stream.attrs.href, 'https://cdn.example/vz/046-the-mega-edition/virtzine-046.m4v');
  assert.ok(html.includes('<source src="https://cdn.example/vz/046-the-mega-edition/virtzine-046.webm" type="video/webm">'));
});

test('the player offers video sources browsers can match, an audio-only switch and captions', () => {
  const html = renderEpisodePage(catalog, full, options());
  // Regression: preload="metadata" made every page view fetch media, which download counting would see.
  assert.match(html, /<video controls preload="none"/);
  // video/x-m4v is unknown to browsers: the source says video/mp4.
  assert.ok(html.includes('<source src="../../media/046-the-mega-edition/virtzine-046.m4v" type="video/mp4">'));
  assert.ok(html.includes('<source src="../../media/046-the-mega-edition/virtzine-046.mp3" type="audio/mpeg">'));
  assert.ok(!html.includes('video/x-m4v'));
  assert.match(html, /<div class="player-switch"[^>]*data-player-switch hidden>/);
  assert.match(html, /<track kind="captions" src="..\/..\/media\/046-the-mega-edition\/transcript.vtt" srclang="en-US"/);
  assert.ok(html.includes('Read the transcript'));
  assert.ok(anchors(html).some((a) => a.text === 'Also available on YouTube' && a.attrs.href === 'https://www.youtube.com/watch?v=x&y=1'));
});

test('an audio-only episode gets an <audio> player and no video or switch', () => {
  const html = renderEpisodePage(catalog, audioOnly, options());
  assert.ok(!html.includes('<video'));
  assert.ok(!html.includes('data-player-switch'));
  assert.match(html, /<audio controls preload="none"/);
  assert.ok(html.includes('<meta property="og:audio" content="https://virtzine.example/media/045-audio-only/virtzine-045.mp3">'));
});

test('chapters are links with data-start that also work without script', () => {
  const html = renderEpisodePage(catalog, full, options());
  const chapters = anchors(html).filter((a) => a.attrs['data-start'] !== undefined);
  assert.deepEqual(
    chapters.map((a) => [a.attrs['data-start'], a.text]),
    [
      ['0', '0:00:00 Intro'],
      ['125.5', '0:02:06 Flocker & <Docker>'],
      ['3600', '1:00:00 Outro'],
    ],
  );
  assert.equal(new URL(chapters[1].attrs.href, pageUrl).hash, '#t=125.5');
});

test('Open Graph tags point at absolute URLs and the og artwork', () => {
  const html = renderEpisodePage(catalog, full, options());
  const og = Object.fromEntries([...html.matchAll(/<meta property="(og:[\w:]+)" content="([^"]*)">/g)].map((m) => [m[1], unescape(m[2])]));
  assert.equal(og['og:title'], hostileTitle);
  assert.equal(og['og:type'], 'video.episode');
  assert.equal(og['og:url'], pageUrl);
  const episodeOg = options()
    .artwork.get(full.image!.path)!
    .find((v) => v.purpose === 'og')!;
  assert.equal(og['og:image'], `https://virtzine.example/artwork/${episodeOg.fileName}`); // the episode's own image, not the show's
  assert.equal(og['og:video'], 'https://virtzine.example/media/046-the-mega-edition/virtzine-046.m4v');
  assert.equal(og['og:video:type'], 'video/mp4');
});

test('newer and older links skip drafts and scheduled episodes', () => {
  const html = renderEpisodePage(catalog, full, options());
  assert.ok(!html.includes('Secret Draft') && !html.includes('Future Scheduled'));
  assert.ok(html.includes('<a href="../045-audio-only/" rel="prev">Older: Audio Only</a>'));
  assert.ok(!html.includes('rel="next"'));
});

test('episode pages are well-formed HTML (xmllint)', (t) => {
  if (!needTool(t, 'xmllint')) return;
  assert.deepEqual(
    htmlErrors('<!doctype html><html><body><p><b>x</p></i></body></html>').length > 0,
    true,
    'the check itself catches broken HTML',
  );
  for (const e of [full, audioOnly]) {
    for (const downloadLinks of ['route', 'attribute'] as const)
      assert.deepEqual(htmlErrors(renderEpisodePage(catalog, e, options({ downloadLinks }))), [], e.slug);
  }
});
