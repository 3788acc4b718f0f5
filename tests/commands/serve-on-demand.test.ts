// `serve` on a show of many episodes (issue 12): published after one scan when the show was on
// disk before start-up, pages rendered when first asked for, a big feed rendered on a worker
// thread, and an edit still goes live. The real live loop and the real server on 127.0.0.1.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { liveSite } from '../../src/commands/serve.js';
import { createApp } from '../../src/site/app.js';
import { OFF_THREAD_FROM } from '../../src/site/routes.js';
import { tinyEpisodeYaml, makeTinyShow } from '../support/show-folder.js';
import { CountedBodies } from '../support/counted-bodies.js';

const EPISODES = OFF_THREAD_FROM + 20;
const slug = (i: number) => `${String(i).padStart(4, '0')}-ep`;

/** Every file and folder under `dir` last modified an hour ago: a show that was there before serve started. */
function age(dir: string): void {
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) age(full);
    fs.utimesSync(full, anHourAgo, anHourAgo);
  }
}

test('a show of many episodes is served after one scan, each page rendered when first asked for, and an edit goes live', {
  timeout: 240_000,
}, async (t) => {
  const episodes = Array.from({ length: EPISODES }, (_, i) => ({
    slug: slug(i + 1),
    title: `Episode ${i + 1}`,
    date: new Date(Date.UTC(2020, 0, 1) + i * 864e5).toISOString(),
  }));
  const { dir, cacheDir } = makeTinyShow(episodes);
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  age(dir);

  const lines: string[] = [];
  // Scans a minute apart and a settle wait of a minute: only the first scan can have published the show.
  // Each site's rendered bodies, counting the renders they ask for.
  const sites: CountedBodies[] = [];
  const renders = () => sites.at(-1)?.renders ?? 0;
  const live = liveSite(dir, {
    fallbackBaseUrl: 'http://127.0.0.1',
    log: (l) => lines.push(l),
    scanSeconds: 60,
    renderedBodies: () => (sites.push(new CountedBodies()), sites.at(-1)!),
  });
  const server = createApp(() => live.getSite()).listen(0, '127.0.0.1');
  t.after(() => {
    live.live.stop();
    server.closeAllConnections();
    server.close();
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (urlPath: string) => {
    const res = await fetch(base + urlPath, { signal: AbortSignal.timeout(60_000) });
    return { status: res.status, text: await res.text() };
  };

  const started = Date.now();
  await live.live.ready;
  assert.ok(Date.now() - started < 55_000, 'published before a second scan could run');
  assert.equal(live.getSite()?.has(`/episodes/${slug(EPISODES)}/`), true);
  assert.equal(renders(), 0, 'no page rendered before one is asked for');

  const page = await get(`/episodes/${slug(7)}/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Episode 7\b/);
  assert.equal(renders(), 1, 'the page asked for, and only it');

  // The feed of a show this big is rendered on a worker thread; it lists every episode.
  const feed = await get('/feeds/audio.xml');
  assert.equal(feed.status, 200);
  assert.equal(feed.text.split('<item>').length - 1, EPISODES);
  assert.equal(renders(), 2);

  // An edit: taken once unchanged across two scans, then the page and the feed say so.
  const folder = path.join(dir, slug(7));
  fs.writeFileSync(path.join(folder, 'episode.yaml'), tinyEpisodeYaml({ ...episodes[6], title: 'Renamed Seven' }));
  await live.live.tick();
  await live.live.tick();
  const edited = await get(`/episodes/${slug(7)}/`);
  assert.match(edited.text, /Renamed Seven/);
  assert.match((await get('/feeds/audio.xml')).text, /Renamed Seven/);
  assert.equal(renders(), 2, 'the new site renders what is asked for, afresh');
});
