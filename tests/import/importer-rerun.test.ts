// Running an import again (a sync) and importing a show's second feed: what matched what, what was
// fetched again, what was written again. Regression tests, each named after what broke.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { checkShow } from '../../src/catalog/check-show.js';
import { importFeed } from '../../src/import/importer.js';
import { artworkBytes, FeedServer, media } from './feed-server.js';

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
});
after(() => server.stop());

const fast = { backoffMs: 20, retries: 3, headersTimeoutMs: 5_000, idleTimeoutMs: 2_000 };
const emptyDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
const run = (source: string, dir: string) => importFeed({ source, dir, http: fast });
const yamlOf = (file: string) => load(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const feedOf = (items: string, title = 'Rerun') =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>${title}</title><description>A show.</description><language>en</language><itunes:image href="${server.base}/art.jpg"/>${items}</channel></rss>`;
const itemOf = (o: { title: string; guid: string; date: string; url: string; type?: string; length?: number }) =>
  `<item><title>${o.title}</title><guid>${o.guid}</guid><pubDate>${o.date}</pubDate><enclosure url="${o.url}" length="${o.length ?? media('good-cbr.mp3').length}"${o.type === undefined ? '' : ` type="${o.type}"`}/></item>`;
const fetchedSince = (count: number, prefix: string) =>
  server.log
    .slice(count)
    .map((r) => r.path)
    .filter((p) => p.startsWith(prefix) && !p.endsWith('.xml'));

async function assertPublishable(dir: string) {
  const { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
}

test('a second run of a feed with an AAC file served as audio/mpeg fetches nothing and adds no second feed', async () => {
  server.fixture('/lied/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/lied/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/lied/3.mp3', 'audio-only.m4v', 'audio/mpeg'); // an M4A behind an .mp3 URL and type
  const items = [1, 2, 3]
    .map((n) =>
      itemOf({
        title: `Episode ${n}`,
        guid: `lied-${n}`,
        date: `Mon, 0${n} Sep 2014 18:00:00 GMT`,
        url: server.url(`/lied/${n}.mp3`),
        type: 'audio/mpeg',
        length: n === 3 ? media('audio-only.m4v').length : undefined,
      }),
    )
    .join('');
  const url = server.feed('/lied/feed.xml', feedOf(items));
  const dir = emptyDir();
  const first = await run(url, dir);
  assert.equal(first.report.imported.length, 3);
  const showYaml = fs.readFileSync(path.join(dir, 'show.yaml'), 'utf8');
  const lockBefore = fs.readFileSync(path.join(dir, 'netcaster.lock'), 'utf8');
  const count = server.log.length;
  const second = await run(url, dir);
  assert.deepEqual(fetchedSince(count, '/lied/'), [], 'nothing downloaded again');
  assert.equal(second.report.unchanged, 3);
  assert.equal(second.report.feedName, 'audio');
  assert.equal(fs.readFileSync(path.join(dir, 'show.yaml'), 'utf8'), showYaml, 'no feed added');
  assert.equal(fs.readFileSync(path.join(dir, 'netcaster.lock'), 'utf8'), lockBefore);
  await assertPublishable(dir);
});

test("a daily show's new episode with yesterday's title is imported, not taken for yesterday's", async () => {
  server.fixture('/daily/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/daily/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const day = (n: number) =>
    itemOf({
      title: 'Morning Briefing',
      guid: `daily-${n}`,
      date: `Mon, 0${n} Jan 2024 06:00:00 GMT`,
      url: server.url(`/daily/${n}.mp3`),
      type: 'audio/mpeg',
    });
  const url = server.feed('/daily/feed.xml', feedOf(day(1)));
  const dir = emptyDir();
  await run(url, dir);
  server.feed('/daily/feed.xml', feedOf(day(2) + day(1)));
  const { report } = await run(url, dir);
  assert.deepEqual(report.imported, ['2024-01-02-morning-briefing']);
  assert.equal(report.unchanged, 1);
  // And when yesterday's item has left the feed (feeds keep the newest few): still a new episode.
  server.fixture('/daily/3.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.feed('/daily/feed.xml', feedOf(day(3)));
  const third = await run(url, dir);
  assert.deepEqual(third.report.imported, ['2024-01-03-morning-briefing']);
  assert.equal(yamlOf(path.join(dir, '2024-01-03-morning-briefing', 'episode.yaml')).guid, 'daily-3');
  await assertPublishable(dir);
});

test("two items of one title and day in the show's second feed go to two episodes, each to the closest in time", async () => {
  for (const n of [6, 18]) {
    server.fixture(`/twice/a${n}.mp3`, 'good-cbr.mp3', 'audio/mpeg');
    server.fixture(`/twice/v${n}.m4v`, 'good-faststart.m4v', 'video/x-m4v');
  }
  const item = (kind: string, n: number, type: string, length: number) =>
    itemOf({
      title: 'News Update',
      guid: `${kind}-${n}`,
      date: `Mon, 01 Jan 2024 ${n}:00:00 GMT`,
      url: server.url(`/twice/${kind}${n}.${kind === 'a' ? 'mp3' : 'm4v'}`),
      type,
      length,
    });
  const mp3 = media('good-cbr.mp3').length;
  const m4v = media('good-faststart.m4v').length;
  const audio = server.feed('/twice/audio.xml', feedOf(item('a', 18, 'audio/mpeg', mp3) + item('a', 6, 'audio/mpeg', mp3)));
  // The video feed lists the later one first, at a time nearer to the earlier audio item's.
  const video = server.feed(
    '/twice/video.xml',
    feedOf(
      item('v', 18, 'video/x-m4v', m4v).replace('18:00:00', '17:00:00') + item('v', 6, 'video/x-m4v', m4v).replace('06:00:00', '07:00:00'),
      'Rerun Video',
    ),
  );
  const dir = emptyDir();
  await run(audio, dir);
  const { report } = await run(video, dir);
  assert.equal(report.merged.length, 2);
  const episodes = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('2024'))
    .map((n) => yamlOf(path.join(dir, n, 'episode.yaml')));
  assert.equal(episodes.length, 2);
  for (const e of episodes) assert.deepEqual(Object.keys(e.media as object).sort(), ['m4v', 'mp3'], JSON.stringify(e));
  for (const n of fs.readdirSync(dir).filter((n) => n.startsWith('2024')))
    assert.equal(fs.readdirSync(path.join(dir, n)).length, 3, `${n}: episode.yaml and two media files, no stray file`);
  await assertPublishable(dir);
});

test('enclosures without a type are not fetched again by a second run, and their episode.yaml is not written again', async () => {
  server.fixture('/untyped/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/untyped/2', 'good-cbr.mp3', 'audio/mpeg'); // no extension either
  const items = [1, 2]
    .map((n) =>
      itemOf({
        title: `Untyped ${n}`,
        guid: `untyped-${n}`,
        date: `Mon, 0${n} Sep 2014 18:00:00 GMT`,
        url: server.url(`/untyped/${n}${n === 1 ? '.mp3' : ''}`),
      }),
    )
    .join('');
  const url = server.feed('/untyped/feed.xml', feedOf(items));
  const dir = emptyDir();
  await run(url, dir);
  const episodeYaml = path.join(dir, '2014-09-01-untyped-1', 'episode.yaml');
  fs.appendFileSync(episodeYaml, '# my own note\n');
  const count = server.log.length;
  const { report } = await run(url, dir);
  assert.deepEqual(fetchedSince(count, '/untyped/'), []);
  assert.equal(report.unchanged, 2);
  assert.match(fs.readFileSync(episodeYaml, 'utf8'), /# my own note\n$/);
});

test('a second run that brings new episodes of a feed the show has leaves show.yaml as the podcaster wrote it', async () => {
  server.fixture('/kept/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/kept/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const item = (n: number) =>
    itemOf({
      title: `Kept ${n}`,
      guid: `kept-${n}`,
      date: `Mon, 0${n} Sep 2014 18:00:00 GMT`,
      url: server.url(`/kept/${n}.mp3`),
      type: 'audio/mpeg',
    });
  const url = server.feed('/kept/feed.xml', feedOf(item(1)));
  const dir = emptyDir();
  await run(url, dir);
  const showYaml = path.join(dir, 'show.yaml');
  fs.writeFileSync(showYaml, `# Our show, as we like it.\n${fs.readFileSync(showYaml, 'utf8')}# the end\n`);
  const written = fs.readFileSync(showYaml, 'utf8');
  server.feed('/kept/feed.xml', feedOf(item(2) + item(1)));
  const { report } = await run(url, dir);
  assert.equal(report.imported.length, 1);
  assert.equal(fs.readFileSync(showYaml, 'utf8'), written);
  await assertPublishable(dir);
});

test('--base-url on a later run sets the baseUrl a show imported without one lacks (as the checklist says), and never replaces one it has', async () => {
  server.fixture('/based/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const item = itemOf({
    title: 'Based 1',
    guid: 'based-1',
    date: 'Mon, 01 Sep 2014 18:00:00 GMT',
    url: server.url('/based/1.mp3'),
    type: 'audio/mpeg',
  });
  const url = server.feed('/based/feed.xml', feedOf(item));
  const dir = emptyDir();
  const first = await run(url, dir);
  assert.match(first.report.checklist.join('\n'), /import with --base-url/);
  const again = await importFeed({ source: url, dir, http: fast, baseUrl: 'https://new.example/show/' });
  assert.equal(yamlOf(path.join(dir, 'show.yaml')).baseUrl, 'https://new.example/show');
  assert.match(again.report.checklist.join('\n'), /The new feed: https:\/\/new\.example\/show\/feeds\/audio\.xml/);
  const other = await importFeed({ source: url, dir, http: fast, baseUrl: 'https://other.example' });
  assert.equal(yamlOf(path.join(dir, 'show.yaml')).baseUrl, 'https://new.example/show');
  assert.match(other.report.notImported.map((l) => l.message).join('\n'), /has its own baseUrl, https:\/\/new\.example\/show, which stays/);
});
