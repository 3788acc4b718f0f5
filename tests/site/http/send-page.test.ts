import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sent } from '../../../src/site/http/file-body.js';
import { redirect, sendErrorPage, sendPage } from '../../../src/site/http/send-page.js';
import { listen, request } from './client.js';

/** A server whose every answer is `answer`; what it returned (the bytes counted as sent) is kept. */
async function serve(t: TestContext, answer: (req: IncomingMessage, res: ServerResponse) => Sent) {
  const sent: Sent[] = [];
  const server = await listen((req, res) => sent.push(answer(req, res)));
  t.after(server.close);
  return { sent, get: (url: string, method = 'GET') => request(server.port, url, { method }) };
}

const page = 'Café ☕ <p>héllo</p>';

test('sendPage sends the page whole, its Content-Length in bytes, and says what it sent', async (t) => {
  const s = await serve(t, (req, res) =>
    sendPage(req, res, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, page),
  );
  const r = await s.get('/');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString('utf8'), page);
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(page)));
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.match(String(r.headers['content-security-policy']), /script-src 'self'/, 'an HTML page gets the security headers');
  assert.deepEqual(s.sent, [{ bodyBytes: Buffer.byteLength(page) }]);
});

test('HEAD: the same headers, no body, nothing counted as sent', async (t) => {
  const s = await serve(t, (req, res) => sendPage(req, res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, page));
  const r = await s.get('/', 'HEAD');
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(page)));
  assert.equal(r.body.length, 0);
  assert.deepEqual(s.sent, [{ bodyBytes: 0 }]);
});

test('a page that is not HTML gets nosniff but no page security headers', async (t) => {
  const s = await serve(t, (req, res) => sendPage(req, res, 401, { 'Content-Type': 'text/plain; charset=utf-8' }, 'token needed\n'));
  const r = await s.get('/');
  assert.equal(r.status, 401);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['content-security-policy'], undefined);
  assert.equal(r.headers['x-frame-options'], undefined);
});

test('sendErrorPage: the status, an HTML page, never cached', async (t) => {
  const s = await serve(t, (req, res) => sendErrorPage(req, res, 404, '<h1>Not found</h1>'));
  const r = await s.get('/nope');
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.equal(r.body.toString(), '<h1>Not found</h1>');
  assert.equal(r.headers['x-frame-options'], 'DENY');
});

test('redirect: 301 to the location with the request query kept, and an empty body', async (t) => {
  const s = await serve(t, (req, res) => redirect(res, '/episodes/ep1/', req.url!));
  const withQuery = await s.get('/episodes/ep1?t=30&x=%20');
  assert.equal(withQuery.status, 301);
  assert.equal(withQuery.headers.location, '/episodes/ep1/?t=30&x=%20');
  assert.equal(withQuery.headers['content-length'], '0');
  assert.equal(withQuery.body.length, 0);
  assert.equal((await s.get('/episodes/ep1')).headers.location, '/episodes/ep1/');
  assert.deepEqual(s.sent, [{ bodyBytes: 0 }, { bodyBytes: 0 }]);
});
