// The show page of a show with many episodes: the newest 50 on `/`, older ones on /page/2/, ...,
// every episode reachable from `/` by plain links, pages chained with rel="next"/"prev".
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/contract/catalog.js';
import { renderEpisodePage } from '../../src/pages/episode-page.js';
import type { PageOptions } from '../../src/pages/html.js';
import { EPISODES_PER_PAGE, pagerNumbers, renderShowPage, showPageCount, showPagePaths } from '../../src/pages/show-page.js';
import { needTool } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureWithEpisodes } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

const base = 'https://virtzine.example';

const showWith = (count: number): Catalog => fixtureWithEpisodes(count, { slugDigits: 4, stepMs: 3_600_000 });

const optionsFor = (catalog: Catalog, over: Partial<PageOptions> = {}): PageOptions => ({
  baseUrl: base,
  now: fixedNow,
  artwork: fixtureArtwork(catalog),
  downloadLinks: 'attribute',
  ...over,
});

/** Every page of the list by its path, as the routes table publishes them. */
function pages(catalog: Catalog, options = optionsFor(catalog)): Map<string, string> {
  return new Map(showPagePaths(catalog, options.now).map((p, i) => [p, renderShowPage(catalog, options, i + 1)]));
}

/** The slugs a page lists, in order. */
const listed = (html: string) => [...html.matchAll(/<h3><a href="(?:\.\.\/)*episodes\/([^/]+)\/">/g)].map((m) => m[1]);

/** The site paths a page links to with <a href>, resolved as a browser or crawler would. */
function links(fromPath: string, html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)]
    .map((m) => new URL(m[1].replace(/&amp;/g, '&'), base + fromPath))
    .filter((u) => u.origin === base)
    .map((u) => u.pathname);
}

test('120 episodes: 50 on /, 50 on /page/2/, 20 on /page/3/, newest first, each once', () => {
  const catalog = showWith(120);
  const site = pages(catalog);
  assert.deepEqual([...site.keys()], ['/', '/page/2/', '/page/3/']);
  const perPage = [...site.values()].map(listed);
  assert.deepEqual(
    perPage.map((slugs) => slugs.length),
    [50, 50, 20],
  );
  const all = perPage.flat();
  const expected = Array.from({ length: 120 }, (_, i) => `ep-${String(120 - i).padStart(4, '0')}`);
  assert.deepEqual(all, expected);
  // An older page numbers its list where the previous one stopped.
  assert.ok(site.get('/page/2/')!.includes('<ol class="episode-list" start="51">'));
  for (const html of site.values())
    for (const hidden of ['Secret Draft Episode', '048-secret-draft', 'Future Scheduled Episode', '049-future'])
      assert.ok(!html.includes(hidden), hidden);
});

test('pages are chained with rel="next"/"prev", in the head (absolute) and in the body (relative)', () => {
  const site = pages(showWith(120));
  const home = site.get('/')!;
  assert.ok(home.includes(`<link rel="next" href="${base}/page/2/">`));
  assert.ok(!home.includes('rel="prev"'));
  assert.match(home, /<a class="older" href="page\/2\/" rel="next">Older episodes<\/a>/);
  const second = site.get('/page/2/')!;
  assert.ok(second.includes(`<link rel="prev" href="${base}/">`) && second.includes(`<link rel="next" href="${base}/page/3/">`));
  assert.match(second, /<a class="newer" href="\.\.\/\.\.\/" rel="prev">Newer episodes<\/a>/);
  assert.match(second, /<a class="older" href="\.\.\/3\/" rel="next">Older episodes<\/a>/);
  assert.ok(second.includes(`<link rel="canonical" href="${base}/page/2/">`));
  assert.match(second, /<title>VirtZine &amp; Friends &lt;Show&gt;: Episodes, page 2 of 3<\/title>/);
  assert.ok(
    second.includes('<li><a href="../../">1</a></li><li><a href="./" aria-current="page">2</a></li><li><a href="../3/">3</a></li>'),
  );
  const last = site.get('/page/3/')!;
  assert.ok(last.includes(`<link rel="prev" href="${base}/page/2/">`) && !last.includes('rel="next"'));
  // Older pages still name every feed for autodiscovery.
  for (const html of site.values())
    assert.ok(html.includes(`<link rel="alternate" type="application/rss+xml" title="VirtZine - Audio" href="${base}/feeds/audio.xml">`));
});

test('regression: every published episode is reachable from / by plain links (a crawler that follows <a href>)', () => {
  const catalog = showWith(260);
  const site = pages(catalog);
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  const episodes = new Set<string>();
  while (queue.length) {
    const at = queue.shift()!;
    for (const to of links(at, site.get(at)!)) {
      if (to.startsWith('/episodes/')) episodes.add(to);
      else if (site.has(to) && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  assert.equal(seen.size, 6);
  assert.equal(episodes.size, 260);
  // Following rel="next" alone also walks every page, in order.
  const chain = ['/'];
  for (let next; (next = /<a class="older" href="([^"]+)" rel="next">/.exec(site.get(chain.at(-1)!)!)); )
    chain.push(new URL(next[1], base + chain.at(-1)).pathname);
  assert.deepEqual(chain, ['/', '/page/2/', '/page/3/', '/page/4/', '/page/5/', '/page/6/']);
});

test('50 episodes fit on one page with no pager; the 51st makes a second page', () => {
  const fifty = showWith(EPISODES_PER_PAGE);
  assert.equal(showPageCount(fifty, fixedNow), 1);
  const home = renderShowPage(fifty, optionsFor(fifty));
  assert.equal(listed(home).length, 50);
  assert.ok(!home.includes('class="pager"') && !home.includes('rel="next"'));
  const more = showWith(EPISODES_PER_PAGE + 1);
  assert.deepEqual(showPagePaths(more, fixedNow), ['/', '/page/2/']);
  assert.deepEqual(listed(renderShowPage(more, optionsFor(more), 2)), ['ep-0001']);
});

test('a show with nothing published has one page; a page beyond the last is a fault of the caller', () => {
  const none = showWith(0);
  assert.deepEqual(showPagePaths(none, fixedNow), ['/']);
  assert.match(renderShowPage(none, optionsFor(none)), /No episodes yet/);
  const catalog = showWith(60);
  assert.throws(() => renderShowPage(catalog, optionsFor(catalog), 3), RangeError);
  assert.throws(() => renderShowPage(catalog, optionsFor(catalog), 0), RangeError);
});

test('a scheduled episode coming due moves the others along the pages', () => {
  const catalog = showWith(50);
  assert.equal(showPageCount(catalog, fixedNow), 1);
  const later = new Date('2030-06-01T00:00:00Z');
  const site = pages(catalog, optionsFor(catalog, { now: later }));
  assert.deepEqual(listed(site.get('/')!)[0], '049-future');
  assert.deepEqual(listed(site.get('/page/2/')!), ['ep-0001']);
});

test('the pager shows the first, the last and two either side of the current page', () => {
  assert.deepEqual(pagerNumbers(1, 1), [1]);
  assert.deepEqual(pagerNumbers(1, 3), [1, 2, 3]);
  assert.deepEqual(pagerNumbers(1, 200), [1, 2, 3, null, 200]);
  assert.deepEqual(pagerNumbers(100, 200), [1, null, 98, 99, 100, 101, 102, null, 200]);
  assert.deepEqual(pagerNumbers(200, 200), [1, null, 198, 199, 200]);
  assert.deepEqual(pagerNumbers(4, 7), [1, 2, 3, 4, 5, 6, 7]);
});

test('an episode page\'s "All episodes" link goes to the page that lists it', () => {
  const catalog = showWith(120);
  const options = optionsFor(catalog);
  const at = (slug: string) => renderEpisodePage(catalog, catalog.episodes.find((e) => e.slug === slug)!, options);
  assert.match(at('ep-0120'), /<a href="\.\.\/\.\.\/">All episodes<\/a>/);
  // The 61st newest (ep-0060) is on page 2; the oldest on page 3.
  assert.match(at('ep-0060'), /<a href="\.\.\/\.\.\/page\/2\/">All episodes<\/a>/);
  assert.match(at('ep-0001'), /<a href="\.\.\/\.\.\/page\/3\/">All episodes<\/a>/);
});

test('older pages are well-formed HTML (xmllint)', (t) => {
  if (!needTool(t, 'xmllint')) return;
  for (const [p, html] of pages(showWith(120))) assert.deepEqual(htmlErrors(html), [], p);
});
