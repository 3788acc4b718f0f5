// A page asked for without its trailing slash is redirected to it, and that redirect must stay under
// the path a reverse proxy serves the site at (https://example.com/pod/ -> serve's /): the pages link
// relatively and the error pages under the base URL's path for exactly that setup. The Location was
// root-relative (/episodes/ep1/), so behind such a proxy /pod/episodes/ep1 led to /episodes/ep1/,
// outside the site.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { paths } from '../../src/contract/urls.js';
import { createApp } from '../../src/site/app.js';
import type { SiteRoutes } from '../../src/site/types.js';
import { listen } from './http/client.js';

const page = (title: string) => ({ kind: 'content' as const, contentType: 'text/html; charset=utf-8', body: `<h1>${title}</h1>` });

const odd = "it's a:b";

test('the trailing-slash redirect stays under the path a proxy serves the site at', async (t) => {
  const site: SiteRoutes = new Map([
    ['/', page('home')],
    ['/page/2/', page('page 2')],
    ['/episodes/ep1/', page('ep1')],
    [paths.episode(odd), page('odd')],
  ]);
  const app = await listen(createApp(() => site));
  t.after(() => app.close());
  // A reverse proxy that serves the site under /pod/ and passes the answer's headers on as they are
  // (as nginx's `location /pod/ { proxy_pass http://backend/; }` does with a relative Location).
  const proxy = await listen((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/pod/')) return void res.writeHead(404).end('not the site');
    const upstream = http.request(
      { host: '127.0.0.1', port: app.port, path: url.slice('/pod'.length), method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  t.after(() => proxy.close());
  const base = `http://127.0.0.1:${proxy.port}`;

  for (const [asked, landed, title] of [
    ['/pod/episodes/ep1', '/pod/episodes/ep1/', 'ep1'],
    ['/pod/page/2?x=1', '/pod/page/2/?x=1', 'page 2'],
    // A slug with a colon: "./it's a:b/" keeps it a path, never read as a scheme.
    [`/pod/episodes/it's%20a:b`, `/pod${paths.episode(odd)}`, 'odd'],
  ]) {
    const res = await fetch(base + asked, { redirect: 'follow' });
    const url = new URL(res.url);
    assert.equal(url.pathname + url.search, landed, asked);
    assert.equal(res.status, 200, asked);
    assert.equal(await res.text(), `<h1>${title}</h1>`);
  }
});
