// The conformance table: each IAB rule the engine follows, one case each.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Counter, addInterval, listenerAddress, WINDOW_KINDS, type Hit, type WindowKind } from '../../src/audience/engine.js';
import { loadRules } from '../../src/audience/user-agents.js';

const rules = loadRules('');
const hashListener = (identity: string, day: string) =>
  createHmac('sha256', `key-${day}`).update(identity).digest('base64url').slice(0, 22);
const counter = (window: WindowKind = 'calendar-utc') => new Counter({ window, rules, hashListener });

const GPODDER = 'gPodder/3.11.1 (+http://gpodder.org/) Linux';
const SIZE = 1_000_000;
const THRESHOLD = 300_000;

function hit(over: Partial<Hit> = {}): Hit {
  return {
    time: Date.parse('2026-11-02T10:00:00Z'),
    ip: '203.0.113.7',
    userAgent: GPODDER,
    method: 'GET',
    status: 200,
    target: { kind: 'media', episode: 'ep1', format: 'mp3', file: 'ep1.mp3' },
    sent: [[0, SIZE - 1]],
    threshold: THRESHOLD,
    ...over,
  };
}

const count = (c: Counter, hits: Hit[]) => hits.map((h) => c.add(h)).filter((r) => r.download).length;

describe('IAB window test vector (four requests, one listener, one episode)', () => {
  // Requests at day-1 22:00, day-2 02:00, day-2 21:00 and day-3 01:00 UTC, each a whole file.
  const times = ['2026-11-01T22:00:00Z', '2026-11-02T02:00:00Z', '2026-11-02T21:00:00Z', '2026-11-03T01:00:00Z'];
  const hits = times.map((t) => hit({ time: Date.parse(t) }));
  const expected: Record<WindowKind, number> = {
    'calendar-utc': 3, // one per UTC day: 1st, 2nd (two requests), 3rd
    'first-touch-24h': 2, // 22:00 opens a window to 22:00 next day (covers 02:00, 21:00); 01:00 opens the next
    'last-touch-24h': 1, // every request comes within 24 h of the one before: one window throughout
  };
  for (const window of WINDOW_KINDS) {
    it(`${window}: ${expected[window]}`, () => assert.equal(count(counter(window), hits), expected[window]));
  }
  it('the calendar window attributes each download to its UTC day', () => {
    const c = counter();
    assert.deepEqual(hits.map((h) => c.add(h).download?.day).filter(Boolean), ['2026-11-01', '2026-11-02', '2026-11-03']);
  });
});

describe("IAB's own example of the three windows (one listener, one episode, four whole downloads)", () => {
  // The example the IAB Tech Lab gives to explain v2.2's windows: Podcast Technical Measurement
  // Guidelines v2.3, section 5.5.1 "Measurement Windows"
  // (https://github.com/IABTechLab/Podcast-Technical-Measurement, PTM-Guidelines_v2.3.md). Its
  // "Rolling" column is our first-touch window, its "Extending" column our last-touch one; its
  // days are a Monday to a Wednesday, here 2 to 4 November 2026, in UTC.
  const requests = [
    { time: '2026-11-02T22:00:00Z', counts: { 'calendar-utc': 1, 'first-touch-24h': 1, 'last-touch-24h': 1 } }, // 10:00 PM Monday
    { time: '2026-11-03T03:00:00Z', counts: { 'calendar-utc': 1, 'first-touch-24h': 0, 'last-touch-24h': 0 } }, // 3:00 AM Tuesday
    { time: '2026-11-03T22:15:00Z', counts: { 'calendar-utc': 0, 'first-touch-24h': 1, 'last-touch-24h': 0 } }, // 10:15 PM Tuesday
    { time: '2026-11-04T23:15:00Z', counts: { 'calendar-utc': 1, 'first-touch-24h': 1, 'last-touch-24h': 1 } }, // 11:15 PM Wednesday
  ];
  for (const window of WINDOW_KINDS) {
    const total = requests.reduce((n, r) => n + r.counts[window], 0);
    it(`${window}: each request as the guideline's table says, ${total} in all`, () => {
      const c = counter(window);
      assert.deepEqual(
        requests.map((r) => (c.add(hit({ time: Date.parse(r.time) })).download ? 1 : 0)),
        requests.map((r) => r.counts[window]),
      );
    });
  }
});

describe('requests that never count', () => {
  it('HEAD', () => assert.equal(counter().add(hit({ method: 'HEAD', sent: [] })).rejected, 'method'));
  it('304 Not Modified', () => assert.equal(counter().add(hit({ status: 304, sent: [] })).rejected, 'status'));
  it('errors (404, 416, 500)', () => {
    for (const status of [404, 416, 500]) assert.equal(counter().add(hit({ status })).rejected, 'status');
  });
  it('Range: bytes=0-1 and bytes=0-0 probes', () => {
    assert.equal(counter().add(hit({ status: 206, range: 'bytes=0-1', sent: [[0, 1]] })).rejected, 'probe');
    assert.equal(counter().add(hit({ status: 206, range: 'bytes=0-0', sent: [[0, 0]] })).rejected, 'probe');
  });
  it("regression: but a probe's bytes join the listener's ranges (bytes=0-1, then bytes=2-), and a probe answered with the whole file is a download", () => {
    const c = counter();
    assert.equal(c.add(hit({ status: 206, range: 'bytes=0-1', sent: [[0, 1]] })).rejected, 'probe');
    assert.ok(c.add(hit({ status: 206, range: 'bytes=2-', sent: [[2, THRESHOLD + 10]] })).download);
    assert.ok(counter().add(hit({ status: 200, range: 'bytes=0-1', sent: [[0, THRESHOLD + 10]] })).download);
  });
  it('but bytes=0- is a listener starting at the beginning', () => {
    assert.ok(counter().add(hit({ status: 206, range: 'bytes=0-' })).download);
  });
  it('less than header plus one minute', () => {
    assert.equal(counter().add(hit({ sent: [[0, THRESHOLD - 2]] })).rejected, 'short');
  });
  it('the whole of a file shorter than a minute counts (threshold = size)', () => {
    assert.ok(counter().add(hit({ sent: [[0, 999]], threshold: 1000 })).download);
  });
});

describe('byte ranges are a union', () => {
  it('overlapping ranges are not added twice', () => {
    const c = counter();
    // 0-199999 and 100000-249999 overlap: 250000 bytes in all, under the threshold.
    assert.equal(c.add(hit({ status: 206, sent: [[0, 199_999]] })).rejected, 'short');
    assert.equal(c.add(hit({ status: 206, sent: [[100_000, 249_999]] })).rejected, 'short');
    assert.ok(c.add(hit({ status: 206, sent: [[250_000, 299_999]] })).download);
  });
  it('a repeated range (a retry) adds nothing', () => {
    const c = counter();
    for (let i = 0; i < 5; i++) assert.equal(c.add(hit({ status: 206, sent: [[0, 100_000]] })).rejected, 'short');
  });
  it('bytes beyond the one-minute offset do not fill the gap before it', () => {
    const c = counter();
    assert.equal(c.add(hit({ status: 206, sent: [[0, 99_999]] })).rejected, 'short');
    assert.equal(c.add(hit({ status: 206, sent: [[500_000, SIZE - 1]] })).rejected, 'short');
  });
  it('chunks in any order count once they join', () => {
    const c = counter();
    c.add(hit({ status: 206, sent: [[200_000, 299_999]] }));
    c.add(hit({ status: 206, sent: [[0, 99_999]] }));
    assert.ok(c.add(hit({ status: 206, sent: [[100_000, 199_999]] })).download);
    assert.equal(c.add(hit({ status: 206, sent: [[0, SIZE - 1]] })).rejected, 'duplicate');
  });
  it('addInterval merges adjacent and overlapping intervals', () => {
    let list: [number, number][] = [];
    for (const i of [
      [10, 19],
      [30, 39],
      [20, 25],
      [0, 5],
      [24, 31],
    ] as [number, number][])
      list = addInterval(list, i);
    assert.deepEqual(list, [
      [0, 5],
      [10, 39],
    ]);
  });
});

describe('listeners', () => {
  it('IPv6 addresses in one /64 are one listener', () => {
    const c = counter();
    assert.ok(c.add(hit({ ip: '2001:db8:1:2:aaaa::1' })).download);
    assert.equal(c.add(hit({ ip: '2001:db8:1:2:bbbb:cccc:dddd:eeee' })).rejected, 'duplicate');
    assert.ok(c.add(hit({ ip: '2001:db8:1:3::1' })).download);
  });
  it('listenerAddress cuts IPv6 to 64 bits and unwraps IPv4-mapped addresses', () => {
    assert.equal(listenerAddress('2001:0db8:0001:0002:aaaa:0:0:1'), '2001:db8:1:2::/64');
    assert.equal(listenerAddress('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(listenerAddress('::ffff:192.0.2.1'), '192.0.2.1');
  });
  it('same address, another User-Agent is another listener', () => {
    const c = counter();
    assert.ok(c.add(hit()).download);
    assert.ok(c.add(hit({ userAgent: 'AntennaPod/3.2.0' })).download);
  });
  it('another episode is another download', () => {
    const c = counter();
    assert.ok(c.add(hit()).download);
    assert.ok(c.add(hit({ target: { kind: 'media', episode: 'ep2', format: 'mp3', file: 'ep2.mp3' } })).download);
  });
});

describe('user agents', () => {
  it('Apple Watch duplicates are out', () => {
    const ua = 'AppleCoreMedia/1.0.0.20R362 (Watch; U; CPU OS 9_1 like Mac OS X; en_us)';
    assert.equal(counter().add(hit({ userAgent: ua })).rejected, 'apple-watch');
    assert.equal(counter().add(hit({ userAgent: 'atc/1.0 watchOS/10.1' })).rejected, 'apple-watch');
  });
  it('bots are out: self-declared, crawlers, libraries', () => {
    for (const ua of [
      'Googlebot/2.1 (+http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0)',
      'python-requests/2.31.0',
      'curl/8.5.0',
      'Pocket Casts Feed Parser',
      'MyPodcastCrawler/1.0',
    ]) {
      assert.equal(counter().add(hit({ userAgent: ua })).rejected, 'bot', ua);
    }
  });
  it('an empty User-Agent is out', () => {
    assert.equal(counter().add(hit({ userAgent: '' })).rejected, 'empty-user-agent');
    assert.equal(counter().add(hit({ userAgent: '-' })).rejected, 'empty-user-agent');
  });
  it('apps and devices are named (podcast apps that look like bots to a generic list count)', () => {
    const cases: [string, string, string][] = [
      [GPODDER, 'gPodder', 'computer'],
      ['AntennaPod/3.2.0', 'AntennaPod', 'phone'],
      ['Overcast/3.0 (+http://overcast.fm/; iOS podcast app)', 'Overcast', 'phone'],
      ['Podcasts/1650.20 CFNetwork/1333.0.4 Darwin/21.5.0', 'Apple Podcasts', 'Other'],
      ['AppleCoreMedia/1.0.0.19E258 (iPhone; U; CPU OS 15_4_1 like Mac OS X; en_us)', 'Apple Podcasts', 'phone'],
      ['PocketCasts/1.0 (Pocket Casts; +http://pocketcasts.com/)', 'Pocket Casts', 'Other'],
      ['Spotify/8.6.0 iOS/15.1 (iPhone13,2)', 'Spotify', 'phone'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
        'Google Chrome',
        'computer',
      ],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Mozilla Firefox', 'computer'],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
        'Safari',
        'phone',
      ],
      ['NewApp/2.0 (Android 13)', 'Other', 'phone'],
    ];
    for (const [ua, app, device] of cases) {
      const d = counter().add(hit({ userAgent: ua })).download;
      assert.deepEqual([d?.app, d?.device], [app, device], ua);
    }
  });
});

describe('feeds', () => {
  it('count distinct listeners per feed per day', () => {
    const c = counter();
    const feed = (over: Partial<Hit>) => hit({ target: { kind: 'feed', feed: 'audio' }, sent: [[0, 999]], threshold: undefined, ...over });
    assert.ok(c.add(feed({})).feedFetch);
    assert.equal(c.add(feed({ time: Date.parse('2026-11-02T18:00:00Z') })).rejected, 'duplicate');
    assert.ok(c.add(feed({ userAgent: 'AntennaPod/3.2.0' })).feedFetch);
    assert.ok(c.add(feed({ target: { kind: 'feed', feed: 'video' } })).feedFetch);
    assert.ok(c.add(feed({ time: Date.parse('2026-11-03T01:00:00Z') })).feedFetch);
  });
});

describe('state', () => {
  it('holds hashed listeners only, and prune drops windows closed for longer than the 72 h given to late logs', () => {
    const c = counter();
    c.add(hit({ sent: [[0, 10]] }));
    const json = JSON.stringify(c.snapshot());
    assert.ok(!json.includes('203.0.113.7') && !json.includes('gPodder'));
    assert.equal(Object.keys(c.snapshot().listeners).length, 1);
    c.prune(Date.parse('2026-11-05T23:59:59Z'));
    assert.equal(Object.keys(c.snapshot().listeners).length, 1);
    c.prune(Date.parse('2026-11-06T00:00:00Z'));
    assert.equal(Object.keys(c.snapshot().listeners).length, 0);
  });
  it('a restored state goes on counting where it stopped', () => {
    const a = counter();
    a.add(hit({ sent: [[0, 199_999]] }));
    const b = new Counter({ window: 'calendar-utc', rules, hashListener }, JSON.parse(JSON.stringify(a.snapshot())));
    assert.ok(b.add(hit({ sent: [[200_000, 299_999]] })).download);
  });
});

describe('listener windows written to the store only when they change what decides a count', () => {
  const changedKeys = (c: Counter) => c.takeListenerChanges().upserts.length;
  it('a seek far past the threshold keeps no ranges and marks nothing to write; a range below it does', () => {
    const c = counter();
    assert.equal(c.add(hit({ sent: [[0, 99_999]] })).rejected, 'short');
    assert.equal(changedKeys(c), 1, 'a new window is written');
    assert.equal(c.add(hit({ sent: [[500_000, 999_999]], time: Date.parse('2026-11-02T10:01:00Z') })).rejected, 'short');
    assert.equal(changedKeys(c), 0, 'bytes above the threshold change nothing');
    assert.equal(c.add(hit({ sent: [[50_000, 99_999]], time: Date.parse('2026-11-02T10:02:00Z') })).rejected, 'short');
    assert.equal(changedKeys(c), 0, 'bytes already received change nothing');
    assert.equal(c.add(hit({ sent: [[100_000, 199_999]], time: Date.parse('2026-11-02T10:03:00Z') })).rejected, 'short');
    assert.equal(changedKeys(c), 1, 'new bytes below the threshold are written');
    // The ranges kept are all below the threshold, and the count comes when they reach it.
    assert.ok(c.add(hit({ sent: [[200_000, 400_000]], time: Date.parse('2026-11-02T10:04:00Z') })).download);
  });
  it('a counted listener streaming on writes nothing in the calendar and first-touch windows, and its last touch in the last-touch one', () => {
    for (const window of WINDOW_KINDS) {
      const c = counter(window);
      assert.ok(c.add(hit()).download);
      c.takeListenerChanges();
      assert.equal(c.add(hit({ time: Date.parse('2026-11-02T11:00:00Z') })).rejected, 'duplicate');
      assert.equal(changedKeys(c), window === 'last-touch-24h' ? 1 : 0, window);
    }
  });
});
