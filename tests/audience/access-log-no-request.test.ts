// nginx logs a connection that sent no request line as `"-" 400`, and one that spoke TLS to the
// plain port as `"\x16\x03..." 400`: ordinary lines of every real access log. They were reported
// as unreadable, and `stats import` exited 1 on any real log. They are read, and never counted.
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseNginxLine } from '../../src/audience/access-log.js';

const head = '198.51.100.77 - - [01/Dec/2026:09:01:00 +0000]';

test('a "-" request line answered 400 or 408 is a readable line that names no file', () => {
  for (const status of [400, 408]) {
    const r = parseNginxLine(`${head} "-" ${status} 0 "-" "-"`);
    assert.equal(typeof r, 'object', String(r));
    assert.equal((r as { path: string }).path, '');
  }
});

test('a TLS handshake sent to the plain port (escaped bytes, 400) is read, not reported', () => {
  const r = parseNginxLine(`${head} "\\x16\\x03\\x01\\x00\\xF1\\x01\\x00\\x00\\xED\\x03\\x03" 400 157 "-" "-"`);
  assert.equal(typeof r, 'object', String(r));
  assert.equal((r as { status: number }).status, 400);
});

test('a request line with no target on a success is still unreadable', () => {
  assert.equal(parseNginxLine(`${head} "GET" 200 10 "-" "UA"`), 'unreadable request "GET"');
});
