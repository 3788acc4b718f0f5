// Dates, durations, tracking prefixes and categories as real feeds write them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mapCategory, parseDuration, parseFeedDate, stripTracking } from '../../src/import/values.js';

test('RFC 822 dates keep their own offset', () => {
  assert.equal(parseFeedDate('Mon, 01 Sep 2014 18:00:00 -0400')?.iso, '2014-09-01T18:00:00-04:00');
  assert.equal(parseFeedDate('Mon, 01 Sep 2014 22:00:00 GMT')?.iso, '2014-09-01T22:00:00Z');
  assert.equal(parseFeedDate('Mon, 01 Sep 2014 22:00:00 GMT')?.quirk, undefined);
});

test('RFC 822 variants are read and their quirk is said', () => {
  const cases: [string, string, RegExp][] = [
    ['1 Sep 2014 18:00:00 EDT', '2014-09-01T18:00:00-04:00', /no day name/],
    ['Monday, 01 September 2014 18:00 PDT', '2014-09-01T18:00:00-07:00', /full month name.*no seconds/],
    ['Mon, 01 Sep 14 18:00:00 +0000', '2014-09-01T18:00:00Z', /two-digit year/],
    ['Mon, 01 Sep 2014 18:00:00', '2014-09-01T18:00:00Z', /no time zone/],
    ['Mon, 01 Sep 2014 18:00:00 +02:00', '2014-09-01T18:00:00+02:00', /colon/],
    ['Mon, 01 Sep 2014 18:00:00 CEST', '2014-09-01T18:00:00+02:00', /zone name CEST/],
    ['2014-09-01T18:00:00-04:00', '2014-09-01T18:00:00-04:00', /ISO 8601/],
    ['  Mon,  01 Sep 2014   18:00:00 GMT ', '2014-09-01T18:00:00Z', /^$/],
  ];
  for (const [raw, iso, quirk] of cases) {
    const parsed = parseFeedDate(raw);
    assert.equal(parsed?.iso, iso, raw);
    assert.match(parsed?.quirk ?? '', quirk, raw);
  }
  assert.equal(parseFeedDate('yesterday'), undefined);
  assert.equal(parseFeedDate('Mon, 01 Foo 2014 18:00:00 GMT'), undefined);
});

test('durations as seconds, M:SS, H:MM:SS and fractions', () => {
  assert.deepEqual(parseDuration('3600'), { seconds: 3600, form: 'seconds' });
  assert.deepEqual(parseDuration('59:07'), { seconds: 3547, form: 'M:SS' });
  assert.deepEqual(parseDuration('1:02:03'), { seconds: 3723, form: 'H:MM:SS' });
  assert.deepEqual(parseDuration('1234.5'), { seconds: 1234.5, form: 'seconds with a fraction' });
  assert.equal(parseDuration('00:01:02.500')?.seconds, 62.5);
  assert.equal(parseDuration('an hour'), undefined);
});

test('tracking prefixes are taken off, chained ones too, keeping the scheme', () => {
  assert.deepEqual(stripTracking('https://dts.podtrac.com/redirect.mp3/traffic.example.com/ep1.mp3'), {
    url: 'https://traffic.example.com/ep1.mp3',
    stripped: ['Podtrac'],
  });
  assert.deepEqual(stripTracking('https://op3.dev/e/chrt.fm/track/AB12/pdst.fm/e/host.example/a.mp3?x=1'), {
    url: 'https://host.example/a.mp3?x=1',
    stripped: ['OP3', 'Chartable', 'Podsights'],
  });
  assert.deepEqual(stripTracking('https://op3.dev/e,pg=abc/https://host.example/a.mp3').url, 'https://host.example/a.mp3');
  assert.deepEqual(stripTracking('http://www.podtrac.com/pts/redirect.m4a/127.0.0.1:8080/a.m4a').url, 'http://127.0.0.1:8080/a.m4a');
  assert.deepEqual(stripTracking('https://host.example/podtrac.com/a.mp3'), {
    url: 'https://host.example/podtrac.com/a.mp3',
    stripped: [],
  });
});

test("categories map to Apple's list, older names to their new place", () => {
  assert.deepEqual(mapCategory('Technology', undefined), { name: 'Technology' });
  assert.deepEqual(mapCategory('News', 'Tech News'), { name: 'News/Tech News' });
  assert.equal(mapCategory('Technology', 'Podcasting').name, 'Technology');
  assert.equal(mapCategory('Games & Hobbies', 'Video Games').name, 'Leisure/Video Games');
  assert.equal(mapCategory('technology', undefined).name, 'Technology');
  assert.equal(mapCategory('Underwater Basket Weaving', undefined).name, undefined);
});
