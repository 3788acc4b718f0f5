// `netcaster serve` of a show with many episodes, as a listener or a crawler reaches it: the same
// pages of the episode list as a build (/, /page/2/, ...), and a feed with `limit: N`.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { request } from '../site/http/client.js';
import { makeShowOfMany } from '../support/show-folder.js';
import { startServe } from './serve-process.js';

test('serve: 120 episodes in pages of 50 under /page/N/, chained by rel="next", and a limited feed', { timeout: 120_000 }, async (t) => {
  const show = await makeShowOfMany(
    120,
    '  recent: { title: Recent, enclosure: mp3, limit: 5 }\n  archive: { title: Everything, enclosure: mp3 }\n',
  );
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  const serve = await startServe(show);
  try {
    const port = Number(new URL(serve.url).port);
    const get = (p: string) => request(port, p);
    // Walk the list as a crawler does: from / along rel="next", collecting every episode link.
    const episodes = new Set<string>();
    const walked: string[] = [];
    for (let at: string | undefined = '/'; at; ) {
      const page: Awaited<ReturnType<typeof get>> = await get(at);
      assert.equal(page.status, 200, at);
      assert.match(page.headers['content-type']!, /^text\/html/);
      const html: string = page.body.toString();
      walked.push(at);
      for (const m of html.matchAll(/<h3><a href="([^"]+)">/g)) {
        const url: string = new URL(m[1], serve.url + at).pathname;
        assert.equal((await get(url)).status, 200, url);
        episodes.add(url);
      }
      const next = /<a class="older" href="([^"]+)" rel="next">/.exec(html);
      at = next ? new URL(next[1], serve.url + at).pathname : undefined;
    }
    assert.deepEqual(walked, ['/', '/page/2/', '/page/3/']);
    assert.equal(episodes.size, 120);
    assert.equal((await get('/page/4/')).status, 404);
    assert.equal((await get('/page/1/')).status, 404, 'page 1 is only /');
    const bare = await get('/page/2');
    assert.ok([301, 308].includes(bare.status), `without the slash: ${bare.status}`);
    assert.equal(new URL(bare.headers.location!, serve.url + '/page/2').pathname, '/page/2/');

    const recent = (await get('/feeds/recent.xml')).body.toString();
    assert.deepEqual(
      [...recent.matchAll(/<guid[^>]*>([^<]+)<\/guid>/g)].map((m) => m[1]),
      ['guid-ep-0120', 'guid-ep-0119', 'guid-ep-0118', 'guid-ep-0117', 'guid-ep-0116'],
    );
    const archive = (await get('/feeds/archive.xml')).body.toString();
    assert.equal([...archive.matchAll(/<item>/g)].length, 120);
  } finally {
    assert.equal(await serve.stop('SIGTERM'), 0);
  }
});
