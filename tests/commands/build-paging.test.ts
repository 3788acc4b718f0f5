// `build` of a show with many episodes, through the real CLI: the episode list in pages
// (/, /page/2/, ...) and a feed with `limit: N` beside an archive feed that lists every episode.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/env.js';
import { makeShowOfMany } from '../support/show-folder.js';

const feeds = `  recent: { title: Recent, enclosure: mp3, limit: 10 }
  archive: { title: Everything, enclosure: mp3 }
`;

const cli = (show: string, args: string[]) => runCli(args, { env: { NETCASTER_CACHE_DIR: path.join(show, '.cache') } });
const items = (xml: string) => [...xml.matchAll(/<guid[^>]*>([^<]+)<\/guid>/g)].map((m) => m[1]);

test('build of 120 episodes: pages of 50 under /page/N/, a feed of the newest 10 and an archive of all', async (t) => {
  const show = await makeShowOfMany(120, feeds);
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  const out = path.join(show, '..', `${path.basename(show)}-out`);
  t.after(() => fs.rm(out, { recursive: true, force: true }));
  const r = cli(show, ['build', show, '--out', out]);
  assert.equal(r.code, 0, r.stdout + r.stderr);

  const read = (p: string) => fs.readFile(path.join(out, p), 'utf8');
  const home = await read('index.html');
  const second = await read(path.join('page', '2', 'index.html'));
  const third = await read(path.join('page', '3', 'index.html'));
  await assert.rejects(fs.stat(path.join(out, 'page', '4')));
  await assert.rejects(fs.stat(path.join(out, 'page', '1')), 'page 1 is the home page, not a copy of it');
  const listed = (html: string) => [...html.matchAll(/<h3><a href="(?:\.\.\/)*episodes\/([^/]+)\/">/g)].map((m) => m[1]);
  assert.deepEqual(
    [home, second, third].map((html) => listed(html).length),
    [50, 50, 20],
  );
  assert.equal(listed(home)[0], 'ep-0120');
  assert.equal(listed(third).at(-1), 'ep-0001');
  assert.equal(new Set([home, second, third].flatMap(listed)).size, 120);
  // Relative links work opened from the export folder: each names a file that was written.
  for (const [from, html] of [
    ['index.html', home],
    [path.join('page', '2', 'index.html'), second],
  ] as const) {
    for (const m of html.matchAll(/<a [^>]*href="([^"#]*\/)"[^>]*rel="(?:next|prev)"/g)) {
      await fs.stat(path.join(out, path.dirname(from), m[1], 'index.html'));
    }
  }
  assert.match(home, /<link rel="next" href="https:\/\/fixture\.example\/page\/2\/">/);
  assert.match(second, /<a class="older" href="\.\.\/3\/" rel="next">/);

  const recent = items(await read(path.join('feeds', 'recent.xml')));
  assert.deepEqual(
    recent,
    Array.from({ length: 10 }, (_, i) => `guid-ep-${String(120 - i).padStart(4, '0')}`),
  );
  assert.equal(items(await read(path.join('feeds', 'archive.xml'))).length, 120);
});

test("a limit that is not a whole number of 1 or more is an error naming the feed's field", async (t) => {
  const show = await makeShowOfMany(
    2,
    '  audio: { title: Audio, enclosure: mp3, limit: 0 }\n  more: { title: More, enclosure: mp3, limit: "ten" }\n',
  );
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  const r = cli(show, ['check', show, '--json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const problems = JSON.parse(r.stdout).problems as { level: string; file: string; field?: string; message: string }[];
  const limits = problems.filter((p) => p.field?.endsWith('.limit'));
  assert.deepEqual(limits.map((p) => [p.level, p.file, p.field]).sort(), [
    ['error', 'show.yaml', 'feeds.audio.limit'],
    ['error', 'show.yaml', 'feeds.more.limit'],
  ]);
});
