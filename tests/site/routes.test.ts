import test from 'node:test';
import assert from 'node:assert/strict';
import { renderEpisodePage } from '../../src/pages/episode-page.js';
import { renderFeed } from '../../src/feeds/rss.js';
import { renderFeedOffThread } from '../../src/site/feed-worker.js';
import { buildRoutes, OFF_THREAD_FROM, type RoutesOptions } from '../../src/site/routes.js';
import { fixedNow, fixtureArtwork, fixtureCatalog, publicFiles } from '../support/catalog-fixture.js';
import { CountedBodies } from '../support/counted-bodies.js';

const catalog = fixtureCatalog('/show');
const artwork = fixtureArtwork(catalog, '/cache');
const options = (over: Partial<RoutesOptions> = {}): RoutesOptions => ({
  baseUrl: 'https://virtzine.example',
  now: fixedNow,
  artwork,
  downloadLinks: 'route',
  publicFiles,
  ...over,
});

test('the routes table has every URL of what is published, per the contract', () => {
  const site = buildRoutes(catalog, options());
  const artworkUrls = [catalog.show.artwork, catalog.episodes.find((e) => e.slug === '046-the-mega-edition')!.image!].flatMap((img) =>
    artwork.get(img.path)!.map((v) => `/artwork/${v.fileName}`),
  );
  assert.deepEqual(
    [...site.keys()].sort(),
    [
      '/',
      '/feeds/video.xml',
      '/feeds/audio.xml',
      '/episodes/046-the-mega-edition/',
      '/episodes/046-the-mega-edition/chapters.json',
      '/media/046-the-mega-edition/virtzine-046.m4v',
      '/media/046-the-mega-edition/virtzine-046.webm',
      '/media/046-the-mega-edition/virtzine-046.mp3',
      '/media/046-the-mega-edition/transcript.vtt',
      '/episodes/045-audio-only/',
      '/media/045-audio-only/virtzine-045.mp3',
      ...artworkUrls,
      '/static/style.css',
      '/static/player.js',
    ].sort(),
  );
});

test('drafts and scheduled episodes, their media and their artwork are not in the map', () => {
  const keys = [...buildRoutes(catalog, options()).keys()].join('\n');
  for (const hidden of ['048-secret-draft', '049-future', 'draft.mp3', 'future.mp3']) assert.ok(!keys.includes(hidden), hidden);
  const futureImage = catalog.episodes.find((e) => e.slug === '049-future')!.image!;
  for (const v of artwork.get(futureImage.path)!) assert.ok(!keys.includes(v.fileName));
  // ...until their time comes; a draft never.
  const later = [...buildRoutes(catalog, options({ now: new Date('2031-01-01T00:00:00Z') })).keys()].join('\n');
  assert.ok(later.includes('/episodes/049-future/') && later.includes('/media/049-future/future.mp3'));
  assert.ok(!later.includes('048-secret-draft'));
});

test('content types: pages, feeds, chapters, static files; media and transcripts as probed', () => {
  const site = buildRoutes(catalog, options());
  const type = (p: string) => site.get(p)!.contentType;
  assert.equal(type('/'), 'text/html; charset=utf-8');
  assert.equal(type('/episodes/045-audio-only/'), 'text/html; charset=utf-8');
  assert.equal(type('/feeds/audio.xml'), 'application/rss+xml; charset=utf-8');
  assert.equal(type('/episodes/046-the-mega-edition/chapters.json'), 'application/json; charset=utf-8');
  assert.equal(type('/static/style.css'), 'text/css; charset=utf-8');
  assert.equal(type('/static/player.js'), 'text/javascript; charset=utf-8');
  assert.equal(type('/media/046-the-mega-edition/virtzine-046.m4v'), 'video/x-m4v');
  assert.equal(type('/media/046-the-mega-edition/transcript.vtt'), 'text/vtt; charset=utf-8');
  const og = artwork.get(catalog.show.artwork.path)!.find((v) => v.purpose === 'page' && v.format === 'webp')!;
  assert.equal(type(`/artwork/${og.fileName}`), 'image/webp');
});

test('file entries point at the media, transcript and variant files with their sizes, times and the folder they must be in', () => {
  const site = buildRoutes(catalog, options());
  const media = catalog.episodes.find((e) => e.slug === '046-the-mega-edition')!.media[1];
  const root = catalog.show.dir;
  assert.deepEqual(site.get('/media/046-the-mega-edition/virtzine-046.webm'), {
    kind: 'file',
    contentType: 'video/webm',
    path: media.path,
    size: media.facts.size,
    mtimeMs: media.facts.mtimeMs,
    root,
  });
  assert.deepEqual(site.get('/media/046-the-mega-edition/transcript.vtt'), {
    kind: 'file',
    contentType: 'text/vtt; charset=utf-8',
    path: '/show/046-the-mega-edition/transcript.vtt',
    size: 40,
    mtimeMs: 1_700_000_000_000,
    root,
  });
  const variants = artwork.get(catalog.show.artwork.path)!;
  const thumb = variants.find((v) => v.purpose === 'thumbnail')!;
  const entry = site.get(`/artwork/${thumb.fileName}`);
  // A generated file: its own time, and the artwork cache (its own folder) as its root.
  assert.ok(entry?.kind === 'file' && entry.path === thumb.path && entry.size === thumb.size && entry.root === undefined);
  assert.equal(entry.mtimeMs, thumb.mtimeMs ?? catalog.show.artwork.mtimeMs);
  const feed = variants.find((v) => v.purpose === 'feed')!;
  const original = site.get(`/artwork/${feed.fileName}`);
  assert.ok(original?.kind === 'file' && original.root === root && original.mtimeMs === catalog.show.artwork.mtimeMs);
});

test('chapters JSON is there when an episode has chapters, and only then', () => {
  const site = buildRoutes(catalog, options());
  const entry = site.get('/episodes/046-the-mega-edition/chapters.json');
  assert.ok(entry?.kind === 'content');
  const json = JSON.parse(entry.body);
  assert.equal(json.version, '1.2.0');
  assert.deepEqual(
    json.chapters.map((c: { startTime: number; title: string }) => [c.startTime, c.title]),
    [
      [0, 'Intro'],
      [125.5, 'Flocker & <Docker>'],
      [3600, 'Outro'],
    ],
  );
  assert.equal(site.has('/episodes/045-audio-only/chapters.json'), false);
});

test('feeds and pages follow the base URL and the media base URL', () => {
  const site = buildRoutes(catalog, options({ baseUrl: 'https://other.example/sub', mediaBaseUrl: 'https://cdn.example/m' }));
  const feed = site.get('/feeds/audio.xml');
  assert.ok(feed?.kind === 'content');
  assert.ok(feed.body.includes('url="https://cdn.example/m/046-the-mega-edition/virtzine-046.mp3"'));
  const home = site.get('/');
  assert.ok(home?.kind === 'content' && home.body.includes('value="https://other.example/sub/feeds/audio.xml"'));
});

test('the download link style is passed to the episode pages', () => {
  const page = (downloadLinks: 'route' | 'attribute') => {
    const e = buildRoutes(catalog, options({ downloadLinks })).get('/episodes/045-audio-only/');
    return e?.kind === 'content' ? e.body : '';
  };
  assert.ok(page('route').includes('href="../../download/045-audio-only/virtzine-045.mp3"'));
  assert.ok(page('attribute').includes('href="../../media/045-audio-only/virtzine-045.mp3" download="virtzine-045.mp3"'));
});

test('pages and feeds are rendered when their body is first read, not when the map is made, and kept', () => {
  const rendered = new CountedBodies();
  const site = buildRoutes(catalog, options({ rendered }));
  assert.equal(rendered.renders, 0, 'nothing rendered up front');
  const page = site.get('/episodes/045-audio-only/');
  assert.ok(page?.kind === 'content');
  const episode = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
  assert.equal(page.body, renderEpisodePage(catalog, episode, options()));
  assert.equal(rendered.renders, 1, 'only the page asked for');
  assert.equal(page.body, page.body);
  assert.equal(rendered.renders, 1, 'kept, not rendered again');
  const feed = site.get('/feeds/audio.xml');
  assert.ok(feed?.kind === 'content');
  assert.equal(feed.body, renderFeed(catalog, catalog.show.feeds.find((f) => f.name === 'audio')!, { ...options(), artwork }));
  assert.equal(rendered.renders, 2);
});

test('the rendered bodies are bounded: the least recently read goes, and is rendered again the same when read again', () => {
  const home = buildRoutes(catalog, options()).get('/');
  assert.ok(home?.kind === 'content');
  const pageChars = home.body.length;
  // Room for about one page: reading a second lets the first go.
  const rendered = new CountedBodies(pageChars + 10);
  const site = buildRoutes(catalog, options({ rendered }));
  const body = (p: string) => {
    const e = site.get(p);
    return e?.kind === 'content' ? e.body : '';
  };
  const first = body('/');
  body('/episodes/046-the-mega-edition/');
  body('/episodes/045-audio-only/');
  assert.equal(rendered.renders, 3);
  assert.equal(body('/'), first);
  assert.equal(rendered.renders, 4, 'the first page was let go, and rendered again');
});

test('the feed of a big show is rendered on a worker thread (the same bytes as here), of a small show here', async () => {
  const small = buildRoutes(catalog, options({ feedsOffThread: renderFeedOffThread })).get('/feeds/audio.xml');
  assert.ok(small?.kind === 'content' && small.prepare === undefined);
  const base = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
  const many = Array.from({ length: OFF_THREAD_FROM }, (_, i) => ({
    ...base,
    slug: `e${i}`,
    guid: `g${i}`,
    title: `Episode ${i}`,
    date: new Date(Date.UTC(2020, 0, 1) + i * 864e5).toISOString(),
  }));
  const bigCatalog = { ...catalog, episodes: many };
  const rendered = new CountedBodies();
  const big = buildRoutes(bigCatalog, options({ feedsOffThread: renderFeedOffThread, rendered })).get('/feeds/audio.xml');
  assert.ok(big?.kind === 'content' && big.prepare);
  await Promise.all([big.prepare(), big.prepare()]);
  assert.equal(rendered.renders, 1, 'prepared once, though asked twice');
  const expected = renderFeed(bigCatalog, catalog.show.feeds.find((f) => f.name === 'audio')!, { ...options(), artwork });
  assert.ok(big.bytes?.()?.equals(Buffer.from(expected, 'utf8')), 'its bytes are what was prepared, as it came');
  assert.equal(big.body, expected);
  assert.equal(rendered.renders, 1, 'its body read from what was prepared');
  assert.equal(expected.split('<item>').length - 1, OFF_THREAD_FROM);
});
