// Date.parse reads 31 February as 3 March: a log line with an impossible date was counted on
// another day instead of being reported. Both log formats now refuse a day the month does not have.
import assert from 'node:assert/strict';
import test from 'node:test';
import { CLOUDFRONT_FIELDS, parseCloudFrontLine, parseNginxLine } from '../../src/audience/access-log.js';

const nginx = (time: string) => parseNginxLine(`192.0.2.1 - - [${time}] "GET /media/a/b.mp3 HTTP/1.1" 200 10 "-" "gPodder/3.11"`);
const cloudfront = (date: string) => {
  const values = CLOUDFRONT_FIELDS.map(() => '-');
  const set = (name: string, v: string) => (values[CLOUDFRONT_FIELDS.indexOf(name)] = v);
  set('date', date);
  set('time', '10:00:00');
  set('c-ip', '192.0.2.1');
  set('cs-method', 'GET');
  set('cs-uri-stem', '/a/b.mp3');
  set('sc-status', '200');
  set('sc-bytes', '10');
  return parseCloudFrontLine(values.join('\t'), CLOUDFRONT_FIELDS);
};

test('nginx: 31 February, 31 April and 29 February of a common year are unreadable times', () => {
  for (const t of ['31/Feb/2026:10:00:00 +0000', '30/Feb/2026:10:00:00 +0000', '31/Apr/2026:10:00:00 +0000', '29/Feb/2026:10:00:00 +0000'])
    assert.equal(nginx(t), `unreadable time "${t}"`);
  assert.equal(typeof nginx('29/Feb/2028:10:00:00 +0000'), 'object');
  assert.equal(typeof nginx('31/Dec/2026:23:59:59 -0500'), 'object');
});

test('CloudFront: an impossible date is unreadable, a real one is read', () => {
  assert.equal(cloudfront('2026-02-31'), 'unreadable date and time "2026-02-31 10:00:00"');
  assert.equal(cloudfront('2026-04-31'), 'unreadable date and time "2026-04-31 10:00:00"');
  const ok = cloudfront('2028-02-29');
  assert.equal(typeof ok, 'object');
  assert.equal(new Date((ok as { time: number }).time).toISOString(), '2028-02-29T10:00:00.000Z');
});
