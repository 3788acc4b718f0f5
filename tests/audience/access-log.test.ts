// Reading log lines: nginx (the plain lines read without the regular expression must read as the
// expression reads them) and CloudFront (sc-bytes counts headers; its range and length fields
// correct that).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOUDFRONT_FIELDS, parseCloudFrontLine, parseNginxLine, sentInterval, type LogRecord } from '../../src/audience/access-log.js';

const UA = 'AntennaPod/3.2.0 (Linux; Android 14)';

describe('nginx lines', () => {
  it('reads a combined line and one with the Range field, query and all', () => {
    const plain = parseNginxLine(
      `203.0.113.7 - - [02/Nov/2026:10:00:05 +0100] "GET /media/ep/a.mp3?x=1 HTTP/1.1" 200 12345 "-" "${UA}"`,
    ) as LogRecord;
    assert.deepEqual(plain, {
      time: Date.parse('2026-11-02T09:00:05Z'),
      ip: '203.0.113.7',
      method: 'GET',
      path: '/media/ep/a.mp3',
      status: 200,
      bytes: 12345,
      userAgent: UA,
      range: undefined,
    });
    const ranged = parseNginxLine(
      `2001:db8::1 - bob [02/Nov/2026:23:59:59 -0230] "GET /media/ep/a.mp3 HTTP/2.0" 206 100 "https://x.example/" "${UA}" "bytes=500-599"  `,
    ) as LogRecord;
    assert.equal(ranged.time, Date.parse('2026-11-03T02:29:59Z'));
    assert.equal(ranged.range, 'bytes=500-599');
    assert.equal(ranged.ip, '2001:db8::1');
    assert.equal(
      parseNginxLine(`192.0.2.1 - - [02/Nov/2026:10:00:00 +0000] "HEAD /feeds/audio.xml HTTP/1.1" 304 - "-" "-" "-"`).toString(),
      '[object Object]',
    );
    assert.equal(
      (parseNginxLine(`192.0.2.1 - - [02/Nov/2026:10:00:00 +0000] "HEAD /feeds/audio.xml HTTP/1.1" 304 - "-" "-" "-"`) as LogRecord)
        .userAgent,
      '',
    );
  });

  it('escaped quotes and bytes (\\x22, \\") are read through the full expression, unescaped', () => {
    const r = parseNginxLine(
      `192.0.2.1 - - [02/Nov/2026:10:00:00 +0000] "GET /media/ep/a.mp3 HTTP/1.1" 200 10 "-" "Odd \\"App\\" \\x41pp/1.0"`,
    ) as LogRecord;
    assert.equal(r.userAgent, 'Odd "App" App/1.0');
  });

  it('a line the fast reader turns down is judged by the expression: same messages as before', () => {
    assert.equal(parseNginxLine('garbage'), 'not an nginx combined log line');
    assert.equal(
      parseNginxLine(`192.0.2.1 - - [02/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "${UA}" trailing`),
      'not an nginx combined log line',
    );
    assert.equal(
      parseNginxLine(`192.0.2.1\t- - [02/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "${UA}"`),
      'not an nginx combined log line',
    );
    assert.equal(
      parseNginxLine(`192.0.2.1 - - [02/Foo/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "${UA}"`),
      'unreadable time "02/Foo/2026:10:00:00 +0000"',
    );
    assert.equal(parseNginxLine(`192.0.2.1 - - [02/Nov/2026:10:00:00 +0000] "GET" 200 10 "-" "${UA}"`), 'unreadable request "GET"');
  });

  it('times of one day read after another stay right (the day is parsed once per run of lines)', () => {
    const at = (t: string) => (parseNginxLine(`192.0.2.1 - - [${t}] "GET /a HTTP/1.1" 200 10 "-" "${UA}"`) as LogRecord).time;
    assert.equal(at('02/Nov/2026:10:00:00 +0000'), Date.parse('2026-11-02T10:00:00Z'));
    assert.equal(at('02/Nov/2026:10:00:00 +0200'), Date.parse('2026-11-02T08:00:00Z'));
    assert.equal(at('03/Nov/2026:00:00:01 +0200'), Date.parse('2026-11-02T22:00:01Z'));
    assert.equal(at('03/Nov/2026:00:00:01 +0200'), Date.parse('2026-11-02T22:00:01Z'));
  });
});

describe('CloudFront lines', () => {
  const line = (values: Record<string, string | number>) => CLOUDFRONT_FIELDS.map((f) => String(values[f] ?? '-')).join('\t');
  const base = {
    date: '2026-11-03',
    time: '08:00:00',
    'c-ip': '192.0.2.1',
    'cs-method': 'GET',
    'cs-uri-stem': '/ep/a.mp3',
    'cs(User-Agent)': 'AntennaPod/3.2.0',
  };

  it("a whole response counts its Content-Length, not sc-bytes' headers", () => {
    const r = parseCloudFrontLine(
      line({ ...base, 'sc-status': 200, 'sc-bytes': 10_380, 'sc-content-len': 10_000 }),
      CLOUDFRONT_FIELDS,
    ) as LogRecord;
    assert.equal(r.bytes, 10_000);
    assert.deepEqual(sentInterval(r, 10_000), [[0, 9_999]]);
  });

  it('a range ends at sc-range-end, however many header bytes sc-bytes adds', () => {
    const r = parseCloudFrontLine(
      line({ ...base, 'sc-status': 206, 'sc-bytes': 1_380, 'sc-range-start': 5_000, 'sc-range-end': 5_999 }),
      CLOUDFRONT_FIELDS,
    ) as LogRecord;
    assert.deepEqual(sentInterval(r, 100_000), [[5_000, 5_999]]);
  });

  it('without those fields sc-bytes is all there is (headers overcounted, documented)', () => {
    const fields =
      'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query'.split(' ');
    const r = parseCloudFrontLine(
      [
        '2026-11-03',
        '08:00:00',
        'FRA56',
        '10380',
        '192.0.2.1',
        'GET',
        'd.cloudfront.net',
        '/ep/a.mp3',
        '200',
        '-',
        'AntennaPod/3.2.0',
        '-',
      ].join('\t'),
      fields,
    ) as LogRecord;
    assert.equal(r.bytes, 10_380);
    assert.deepEqual(sentInterval(r, 100_000), [[0, 10_379]]);
  });
});
