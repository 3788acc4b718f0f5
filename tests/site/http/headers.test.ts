import test from 'node:test';
import assert from 'node:assert/strict';
import { allowedMethods, cacheControl, corsHeaders, header, isHtml, setPageSecurityHeaders } from '../../../src/site/http/headers.js';
import { listen, request } from './client.js';

test('cache lifetimes by URL: artwork (named by content) forever, media hourly, pages and feeds revalidated', () => {
  assert.equal(cacheControl('/artwork/3f9a0c1b2d4e-cover.jpg'), 'public, max-age=31536000, immutable');
  assert.equal(cacheControl('/media/ep1/a.mp3'), 'public, max-age=3600');
  assert.equal(cacheControl('/download/ep1/a.mp3'), 'public, max-age=3600');
  for (const key of ['/', '/feeds/audio.xml', '/episodes/ep1/', '/static/style.css', '/mediafile', '/x/artwork/a.jpg']) {
    assert.equal(cacheControl(key), 'no-cache', key);
  }
});

test('isHtml: text/html with or without parameters, in any case; nothing else', () => {
  assert.equal(isHtml('text/html; charset=utf-8'), true);
  assert.equal(isHtml('TEXT/HTML'), true);
  for (const type of ['text/htmlx', 'application/xhtml+xml', 'text/plain', 'application/rss+xml']) assert.equal(isHtml(type), false, type);
});

test('CORS lets pages elsewhere read ranges and validators, and the methods are the read-only ones', () => {
  assert.equal(corsHeaders['Access-Control-Allow-Origin'], '*');
  for (const name of ['Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag'])
    assert.match(corsHeaders['Access-Control-Expose-Headers'], new RegExp(`\\b${name}\\b`));
  assert.deepEqual(allowedMethods.split(', ').sort(), ['GET', 'HEAD', 'OPTIONS']);
});

test('a page sent with the security headers: only its own scripts, no framing, no referrer path elsewhere', async (t) => {
  const server = await listen((req, res) => {
    setPageSecurityHeaders(res);
    res.end(`${header(req, 'x-one') ?? '-'}|${header(req, 'set-cookie') ?? '-'}|${header(req, 'x-absent') ?? '-'}`);
  });
  t.after(server.close);
  const r = await request(server.port, '/', { headers: { 'X-One': 'a' } });
  const csp = Object.fromEntries(
    String(r.headers['content-security-policy'])
      .split('; ')
      .map((d) => {
        const [name, ...values] = d.split(' ');
        return [name, values.join(' ')];
      }),
  );
  assert.equal(csp['script-src'], "'self'");
  assert.equal(csp['default-src'], "'self'");
  assert.equal(csp['object-src'], "'none'");
  assert.equal(csp['frame-ancestors'], "'none'");
  assert.equal(csp['style-src'], "'self'", 'no inline <style> elements');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.equal(r.headers['referrer-policy'], 'strict-origin-when-cross-origin');
  assert.equal(r.body.toString(), 'a|-|-');
});

test('header: a request header as one string, a repeated one joined with commas', async (t) => {
  const http = await import('node:http');
  const server = await listen((req, res) => res.end(`${header(req, 'set-cookie')}`));
  t.after(server.close);
  // node keeps a repeated Set-Cookie as an array (other repeated headers it joins itself).
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: '/', agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.setHeader('Set-Cookie', ['a=1', 'b=2']);
    req.end();
  });
  assert.equal(body, 'a=1, b=2');
});
