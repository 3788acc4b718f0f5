// The /stats/ page (pure). Its plots are tested in plots.test.ts, who may see it in stats-route.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { buildReport } from '../../src/audience/report.js';
import { renderStatsPage } from '../../src/audience/stats-page.js';
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
  it('episode curves are cumulative over the first 30 days', () => {
    const html = renderStatsPage(report, rows, undefined);
    const curve = /<polyline[^>]*points="([^"]+)"><title>One &lt;&amp;&gt;<\/title>/
      .exec(html)![1]
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    assert.equal(curve.length, 30);
    assert.ok(curve[0] > curve[2] && curve[2] === curve[29], 'rises on day 3 and stays');
  });
});
