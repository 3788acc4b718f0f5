// The /stats/ page and its plots (pure), and who may see it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { barPlot, linePlot } from '../../src/audience/plots.js';
import { buildReport } from '../../src/audience/report.js';
import { renderStatsPage } from '../../src/audience/stats-page.js';
import { presentedToken, statsRoute, tokenMatches } from '../../src/audience/stats-route.js';
import type { DownloadRow } from '../../src/audience/store.js';
import { htmlErrors } from '../support/html-check.js';

const rows: DownloadRow[] = [
  { day: '2026-11-01', episode: 'ep1', format: 'mp3', app: 'gPodder', device: 'computer', downloads: 3 },
  { day: '2026-11-03', episode: 'ep1', format: 'm4v', app: 'Apple Podcasts', device: 'phone', downloads: 2 },
  { day: '2026-11-03', episode: 'ep2', format: 'mp3', app: 'Other', device: 'Other', downloads: 1 },
];
const report = buildReport({
  window: 'calendar-utc',
  rows,
  feeds: [],
  today: '2026-11-03',
  episodes: [
    { slug: 'ep1', title: 'One <&>', date: '2026-11-01T10:00:00Z' },
    { slug: 'ep2', title: 'Two', date: '2026-11-02T10:00:00Z' },
  ],
  isVideo: (f) => f === 'm4v',
});

describe('stats page', () => {
  it('is valid HTML with four labelled plots and their tables', () => {
    const html = renderStatsPage(report, rows, undefined);
    // libxml2's HTML parser predates inline SVG and <details>: it calls those tags invalid, nothing else.
    assert.deepEqual(
      htmlErrors(html).filter((e) => !/Tag (svg|desc|line|text|polyline|circle|rect|details|summary) invalid/.test(e)),
      [],
    );
    // Each plot is well-formed XML on its own (as an .svg file would be).
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g)!) {
      const r = spawnSync('xmllint', ['--noout', '-'], {
        input: svg.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" '),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.equal(html.match(/<svg class="plot" role="img" aria-labelledby=/g)?.length, 4);
    for (const title of ['Downloads per day', 'Each episode&#39;s first 30 days', 'Downloads by app', 'Downloads by format'])
      assert.ok(html.includes(`-title">${title}</title>`), title);
    assert.ok(html.includes('One &lt;&amp;&gt;'), 'titles are escaped');
    assert.ok(!/<script>|<style>/.test(html), 'no inline script or style element (the CSP forbids them)');
    assert.match(html, /<meta name="robots" content="noindex">/);
  });
  it('the per-day plot has a point for every day, the missing ones at zero', () => {
    const svg = linePlot('t', 'd', ['a', 'b', 'c'], [{ name: 's', values: [3, 0, 2] }]);
    const points = /points="([^"]+)"/.exec(svg)![1].split(' ');
    assert.equal(points.length, 3);
    assert.equal(points[1].split(',')[1], (260 - 36).toFixed(1), 'zero sits on the axis');
  });
  it('episode curves are cumulative over the first 30 days', () => {
    const html = renderStatsPage(report, rows, undefined);
    const curve = /<polyline[^>]*points="([^"]+)"><title>One &lt;&amp;&gt;<\/title>/
      .exec(html)![1]
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    assert.equal(curve.length, 30);
    assert.ok(curve[0] > curve[2] && curve[2] === curve[29], 'rises on day 3 and stays');
  });
  it('bars are as long as their share of the largest', () => {
    const svg = barPlot('t', 'd', [
      ['a', 10],
      ['b', 5],
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths[0], widths[1] * 2);
  });
});

describe('stats access', () => {
  it('reads Basic (any user name) and Bearer credentials', () => {
    assert.equal(presentedToken(`Basic ${Buffer.from('anyone:s3cret:x').toString('base64')}`), 's3cret:x');
    assert.equal(presentedToken('Bearer s3cret'), 's3cret');
    assert.equal(presentedToken('Digest x'), undefined);
    assert.equal(presentedToken(undefined), undefined);
  });
  it('compares tokens whatever their length', () => {
    assert.equal(tokenMatches('s3cret', 's3cret'), true);
    assert.equal(tokenMatches('s3cre', 's3cret'), false);
    assert.equal(tokenMatches('s3cret-and-more', 's3cret'), false);
    assert.equal(tokenMatches(undefined, 's3cret'), false);
  });
  it('nothing there without NETCASTER_STATS_TOKEN; 401 without the token; other paths are not its business', async () => {
    assert.equal(await statsRoute(() => undefined, {})('/stats/', 'GET', {}), undefined);
    const route = statsRoute(() => undefined, { NETCASTER_STATS_TOKEN: 's3cret' });
    assert.equal((await route('/stats/', 'GET', {}))?.status, 401);
    assert.equal((await route('/stats/', 'GET', { authorization: 'Bearer wrong' }))?.status, 401);
    assert.match((await route('/stats/', 'GET', {}))!.headers['WWW-Authenticate'], /^Basic realm=/);
    assert.equal(await route('/episodes/', 'GET', {}), undefined);
    assert.equal((await route('/stats', 'GET', { authorization: 'Bearer s3cret' }))?.status, 301);
  });
});
