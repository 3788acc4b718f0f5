import test from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, toCsv, toJson, toText } from '../../src/audience/report.js';
import type { DownloadRow, FeedRow } from '../../src/audience/store.js';

const row = (day: string, episode: string, downloads: number, extra: Partial<DownloadRow> = {}): DownloadRow => ({
  day,
  episode,
  format: 'mp3',
  app: 'gPodder',
  device: 'computer',
  downloads,
  ...extra,
});

const episodes = [
  { slug: 'ep1', title: 'One', date: '2026-11-01T10:00:00Z' },
  { slug: 'ep2', title: 'Two', date: '2026-11-05T10:00:00Z' },
  { slug: 'ep3', title: 'Three', date: '2026-12-24T10:00:00Z' },
];

const rows: DownloadRow[] = [
  row('2026-11-01', 'ep1', 4),
  row('2026-11-07', 'ep1', 2, { format: 'm4v', app: 'Apple Podcasts', device: 'phone' }),
  row('2026-11-08', 'ep1', 1),
  row('2026-11-30', 'ep1', 5),
  row('2026-12-01', 'ep1', 100),
  row('2026-11-05', 'ep2', 3, { app: 'AntennaPod', device: 'phone' }),
];

const report = (over: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({ window: 'calendar-utc', rows, feeds: [], today: '2026-12-10', episodes, isVideo: (f) => f === 'm4v', ...over });

test('totals count only the rows from since to until, by episode, format, day, app, device and kind', () => {
  const r = report({ since: '2026-11-01', until: '2026-11-30' });
  assert.equal(r.downloads.total, 15);
  assert.deepEqual(r.downloads.byEpisode, { ep1: 12, ep2: 3 });
  assert.deepEqual(r.downloads.byFormat, { mp3: 13, m4v: 2 });
  assert.deepEqual(r.downloads.byApp, { gPodder: 10, 'Apple Podcasts': 2, AntennaPod: 3 });
  assert.deepEqual(r.byDevice, { computer: 10, phone: 5 });
  assert.deepEqual(r.byKind, { audio: 13, video: 2 });
  assert.deepEqual(Object.keys(r.downloads.byDay), ['2026-11-01', '2026-11-05', '2026-11-07', '2026-11-08', '2026-11-30'], 'days in order');
});

test('without since and until the range is that of the rows; with no rows, today', () => {
  const r = report();
  assert.equal(r.since, '2026-11-01');
  assert.equal(r.until, '2026-12-01');
  const empty = report({ rows: [] });
  assert.equal(empty.since, '2026-12-10');
  assert.equal(empty.until, '2026-12-10');
  assert.equal(empty.downloads.total, 0);
});

test('each episode published by until is listed, newest first, even with no downloads; first 7 and 30 days count rows outside the range', () => {
  const r = report({ since: '2026-11-20', until: '2026-12-31' });
  assert.deepEqual(
    r.episodes.map((e) => [e.slug, e.total]),
    [
      ['ep3', 0],
      ['ep2', 0],
      ['ep1', 105],
    ],
  );
  const ep1 = r.episodes.find((e) => e.slug === 'ep1')!;
  assert.equal(ep1.published, '2026-11-01');
  assert.equal(ep1.first7, 6, 'days 1 to 7: Nov 1 and Nov 7, not Nov 8');
  assert.equal(ep1.first30, 12, 'days 1 to 30: up to Nov 30, not Dec 1');
  assert.equal(r.episodes.find((e) => e.slug === 'ep2')!.first7, 3);
  // An episode published after until is not listed yet.
  assert.deepEqual(
    report({ until: '2026-11-30' }).episodes.map((e) => e.slug),
    ['ep2', 'ep1'],
  );
});

test('an episode with downloads but unknown to the show is listed without dates, after the dated ones', () => {
  const r = report({ rows: [...rows, row('2026-11-02', 'gone', 7)], until: '2026-11-30' });
  const last = r.episodes.at(-1)!;
  assert.deepEqual(last, { slug: 'gone', title: undefined, published: undefined, total: 7 });
});

test('feed listeners: per feed, the apps of a day summed, averaged over the days fetched (one decimal) and the highest day', () => {
  const feeds: FeedRow[] = [
    { day: '2026-11-01', feed: 'audio', app: 'gPodder', listeners: 2 },
    { day: '2026-11-01', feed: 'audio', app: 'AntennaPod', listeners: 3 },
    { day: '2026-11-02', feed: 'audio', app: 'gPodder', listeners: 1 },
    { day: '2026-11-04', feed: 'audio', app: 'gPodder', listeners: 1 },
    { day: '2026-11-02', feed: 'video', app: 'gPodder', listeners: 4 },
    { day: '2026-12-02', feed: 'video', app: 'gPodder', listeners: 40 },
  ];
  assert.deepEqual(report({ feeds, until: '2026-11-30' }).feeds, [
    { feed: 'audio', days: 3, averagePerDay: 2.3, highest: 5 },
    { feed: 'video', days: 1, averagePerDay: 4, highest: 4 },
  ]);
});

test('toJson keeps exactly the contract fields of stats --json', () => {
  const r = report();
  assert.deepEqual(Object.keys(toJson(r)).sort(), ['downloads', 'since', 'until', 'window']);
  assert.deepEqual(toJson(r).downloads, r.downloads);
});

test('toText: the heading names range, window and total; each table has aligned columns and shares of the total', () => {
  const text = toText(report({ since: '2026-11-01', until: '2026-11-30' }));
  assert.match(text, /^Downloads from 2026-11-01 to 2026-11-30 \(window: calendar-utc\): 15\n/);
  const lines = text.split('\n');
  const app = lines.indexOf(lines.find((l) => l.startsWith('App '))!);
  // Largest first, and the counts right-aligned under their heading.
  assert.match(lines[app + 2], /^gPodder\s+10\s+66\.7%$/);
  assert.match(lines[app + 3], /^AntennaPod\s+3\s+20\.0%$/);
  assert.equal(lines[app + 2].indexOf('10') + 2, lines[app].indexOf('Downloads') + 'Downloads'.length);
  assert.match(text, /^video\s+2\s+13\.3%$/m);
  assert.match(text, /^ep1\s+2026-11-01\s+12\s+6\s+12$/m);
  assert.doesNotMatch(text, /Feed\s+Days fetched/, 'no feed table without feed fetches');
  assert.match(toText(report({ feeds: [{ day: '2026-11-01', feed: 'audio', app: 'x', listeners: 1 }] })), /Feed\s+Days fetched/);
  assert.match(toText(report({ rows: [] })), /^audio\s+0\s+-$/m, 'no share of nothing');
});

test('toCsv: one line per row in range; cells quoted when needed and never run as a spreadsheet formula', () => {
  const csv = toCsv(
    [row('2026-11-01', 'ep1', 1, { app: '=HYPERLINK("x")' }), row('2026-11-02', 'a,b', 2, { device: '+1' }), row('2026-12-01', 'late', 3)],
    '2026-11-01',
    '2026-11-30',
  );
  assert.equal(
    csv,
    [
      'day,episode,format,app,device,downloads',
      `2026-11-01,ep1,mp3,"'=HYPERLINK(""x"")",computer,1`,
      `2026-11-02,"a,b",mp3,gPodder,'+1,2`,
      '',
    ].join('\n'),
  );
});
