// importFeed against feeds served on 127.0.0.1: every quirk of real feeds, and downloads that
// break, lie or repeat.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { checkShow, checkShowFresh } from '../../src/catalog/check-show.js';
import { readLock } from '../../src/catalog/lock.js';
import { podcastGuid } from '../../src/feeds/rss.js';
import { importFeed, type ImportOptions } from '../../src/import/importer.js';
import { probeImage } from '../../src/artwork/image.js';
import { MediaPool } from '../../src/media/pool.js';
import { probeMedia } from '../../src/media/probe.js';
import { artworkBytes, coverBytes, FeedServer, media } from './feed-server.js';
import { zeroKeepingStat } from '../support/show-folder.js';

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
});
after(() => server.stop());

// Short waits: the behaviour is the same, the tests are quicker.
const fast = { backoffMs: 20, retries: 3, headersTimeoutMs: 5_000, idleTimeoutMs: 2_000 };
const emptyDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
const run = (source: string, dir: string, extra: Partial<ImportOptions> = {}) => importFeed({ source, dir, http: fast, ...extra });
const yamlOf = (file: string) => load(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
const lines = (list: { where: string; message: string }[]) => list.map((l) => `${l.where}: ${l.message}`).join('\n');

async function assertPublishable(dir: string) {
  const { catalog, problems } = await checkShow(dir);
  const errors = problems.filter((p) => p.level === 'error');
  assert.deepEqual(errors, [], JSON.stringify(errors, null, 2));
  assert.ok(catalog);
  return catalog;
}

/** A feed with the habits of real hosts, one of each. */
function messyFeed(prefix: string): string {
  const s = server.base;
  const host = s.replace('http://', '');
  return `\ufeff
  <?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:psc="http://podlove.org/simple-chapters">
<channel>
  <title>Messy&nbsp;Show</title>
  <description>All the habits of old hosts &amp; more.</description>
  <link>${s}/</link>
  <language>EN-us</language>
  <copyright>© 2014 Messy</copyright>
  <itunes:author>Messy Crew</itunes:author>
  <itunes:owner><itunes:name>Messy Crew</itunes:name><itunes:email>owner@messy.example</itunes:email></itunes:owner>
  <itunes:image href="  ${prefix}/art.jpg"/>
  <itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
  <itunes:category text="Games &amp; Hobbies"/>
  <itunes:explicit>clean</itunes:explicit>
  <itunes:type>episodic</itunes:type>
  <itunes:keywords>mess, feeds</itunes:keywords>
  <podcast:guid>0ab7a1b4-2f5c-5a39-9a83-9f2a8d1b7c11</podcast:guid>
  <podcast:funding url="${s}/donate">Buy us a coffee</podcast:funding>
  <podcast:person role="host" href="${s}/ann">Ann</podcast:person>
  <podcast:location>Vienna</podcast:location>
  <item>
    <title>One &amp; Only</title>
    <guid isPermaLink="false">tag:messy.example,2014:ep/1?x=1&amp;y=2</guid>
    <pubDate>1 Sep 2014 18:00:00 EDT</pubDate>
    <itunes:episode>1</itunes:episode>
    <itunes:duration>0:06</itunes:duration>
    <itunes:summary>The first one.</itunes:summary>
    <content:encoded><![CDATA[<p>See <a href="/notes/1">the notes</a>, <a href="javascript:alert(1)">this</a> and <img src="pic.png" alt="a picture">.</p><script>alert(2)</script>]]></content:encoded>
    <link>${s}/episodes/1/</link>
    <enclosure url="http://dts.podtrac.com/redirect.mp3/${host}${prefix}/one.mp3" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>
    <itunes:image href="${s}${prefix}/cover1.jpg"/>
    <podcast:chapters url="${s}${prefix}/1.chapters.json" type="application/json+chapters"/>
    <podcast:transcript url="${s}${prefix}/1.html" type="text/html"/>
    <podcast:transcript url="${s}${prefix}/1.vtt" type="text/vtt" language="en"/>
    <podcast:soundbite startTime="1" duration="2">Hi</podcast:soundbite>
  </item>
  <item>
    <title>Two, without a guid</title>
    <pubDate>2014-09-08T18:00:00-04:00</pubDate>
    <itunes:duration>5</itunes:duration>
    <description>Second &lt;b&gt;episode&lt;/b&gt;.</description>
    <enclosure url="   two.mp3" length="0" type="audio/mpeg"/>
    <psc:chapters version="1.2">
      <psc:chapter start="00:00:00.000" title="Start"/>
      <psc:chapter start="00:00:02.500" title="Middle" href="${s}/mid"/>
    </psc:chapters>
  </item>
  <item>
    <title>Three, a repeated guid</title>
    <guid>tag:messy.example,2014:ep/1?x=1&amp;y=2</guid>
    <pubDate>Mon, 15 Sep 14 18:00 +0000</pubDate>
    <itunes:duration>1234.5</itunes:duration>
    <itunes:summary>Third.</itunes:summary>
    <enclosure url="${s}${prefix}/three.mp3" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>
    <enclosure url="${s}${prefix}/three.m4a" length="${media('audio-only.m4v').length}" type="audio/x-m4a"/>
  </item>
  <item>
    <title>A post, not an episode</title>
    <guid>post-4</guid>
    <pubDate>Mon, 22 Sep 2014 18:00:00 GMT</pubDate>
  </item>
</channel>
</rss>`;
}

function serveMessy(prefix: string): string {
  server.file(`${prefix}/art.jpg`, artworkBytes(), { type: 'image/jpeg' });
  server.file(`${prefix}/cover1.jpg`, coverBytes(), { type: 'image/jpeg' });
  server.fixture(`${prefix}/one.mp3`, 'good-cbr.mp3', 'audio/mpeg');
  server.fixture(`${prefix}/two.mp3`, 'vbr-xing.mp3', 'audio/mpeg');
  server.fixture(`${prefix}/three.mp3`, 'good-cbr.mp3', 'audio/mpeg');
  server.fixture(`${prefix}/three.m4a`, 'audio-only.m4v', 'audio/x-m4a');
  server.file(
    `${prefix}/1.chapters.json`,
    Buffer.from(JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Hello' }] })),
    { type: 'application/json' },
  );
  server.file(`${prefix}/1.vtt`, Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n'), { type: 'text/vtt' });
  server.file(`${prefix}/1.html`, Buffer.from('<p>Hello.</p>'), { type: 'text/html' });
  return server.feed(`${prefix}/feed.xml`, messyFeed(prefix));
}

test('a messy feed becomes a show that passes check, every quirk mended and reported', async () => {
  const url = serveMessy('/messy');
  const dir = emptyDir();
  const { refused, report } = await run(url, dir);
  assert.equal(refused, undefined);
  assert.deepEqual(report.failed, []);
  await assertPublishable(dir);
  const fixed = lines(report.fixed);
  const lost = lines(report.notImported);

  // The XML: BOM and whitespace before the declaration, &nbsp;, itunes: undeclared.
  assert.match(fixed, /byte-order mark and \d+ character\(s\) before the XML declaration dropped/);
  assert.match(fixed, /&nbsp;/);
  assert.match(fixed, /itunes:/);

  const show = yamlOf(path.join(dir, 'show.yaml'));
  assert.equal(show.title, 'Messy\u00a0Show');
  assert.equal(show.language, 'en-US');
  assert.deepEqual(show.categories, ['Technology', 'Leisure']);
  assert.equal(show.explicit, false);
  assert.deepEqual(show.owner, { name: 'Messy Crew', email: 'owner@messy.example' });
  assert.equal(
    Object.values(show.feeds as Record<string, { guid?: string }>)[0].guid,
    '0ab7a1b4-2f5c-5a39-9a83-9f2a8d1b7c11',
    'podcast:guid kept, by the feed it belongs to',
  );
  assert.equal(show.guid, undefined, 'no show-level guid: each feed has its own');
  assert.deepEqual(show.funding, [{ url: `${server.base}/donate`, text: 'Buy us a coffee' }]);
  assert.deepEqual(show.persons, [{ name: 'Ann', role: 'host', href: `${server.base}/ann` }]);
  assert.equal(show.copyright, '© 2014 Messy');
  assert.deepEqual(fs.readFileSync(path.join(dir, 'artwork.jpg')), artworkBytes(), 'artwork from a relative URL with spaces');
  assert.match(fixed, /spaces around the itunes:image URL removed/);
  assert.match(fixed, /relative itunes:image URL/);
  assert.match(fixed, /Podcasting.*before 2019.*Technology/);
  assert.deepEqual(show.feeds, {
    audio: { title: 'Messy\u00a0Show', enclosure: 'mp3', alternates: ['m4a'], guid: '0ab7a1b4-2f5c-5a39-9a83-9f2a8d1b7c11' },
  });

  // Episode 1: the guid byte for byte, the date with its offset, notes made safe and absolute,
  // chapters, the WebVTT transcript (not the HTML one), the image, the media without Podtrac.
  const one = yamlOf(path.join(dir, '001-one-and-only', 'episode.yaml'));
  assert.equal(one.guid, 'tag:messy.example,2014:ep/1?x=1&y=2');
  assert.equal(one.date, '2014-09-01T18:00:00-04:00');
  assert.equal(one.number, 1);
  assert.equal(one.summary, 'The first one.');
  assert.equal(one.image, 'cover.jpg');
  assert.deepEqual(one.media, { mp3: '001-one-and-only.mp3' });
  assert.deepEqual(fs.readFileSync(path.join(dir, '001-one-and-only', '001-one-and-only.mp3')), media('good-cbr.mp3'));
  assert.match(fixed, /Podtrac taken off/);
  const notes = fs.readFileSync(path.join(dir, '001-one-and-only', 'notes.md'), 'utf8');
  assert.match(notes, new RegExp(`\\[the notes\\]\\(${server.base}/notes/1\\)`));
  assert.match(notes, new RegExp(`${server.base}/episodes/1/pic.png`));
  assert.doesNotMatch(notes, /javascript|alert/);
  assert.ok(fs.existsSync(path.join(dir, '001-one-and-only', 'chapters.json')));
  assert.match(fs.readFileSync(path.join(dir, '001-one-and-only', 'transcript.vtt'), 'utf8'), /^WEBVTT/);
  assert.match(lost, /1\.html \(text\/html\): netcaster publishes one WebVTT or SRT transcript/);
  assert.match(lost, /item: <podcast:soundbite>: no place in netcaster/);

  // Episode 2: no guid (its enclosure URL, as apps know it), a relative URL with spaces, length 0,
  // an ISO date, Podlove Simple Chapters converted.
  const twoSlug = '2014-09-08-two-without-a-guid';
  const two = yamlOf(path.join(dir, twoSlug, 'episode.yaml'));
  assert.equal(two.guid, `${server.base}/messy/two.mp3`);
  assert.equal(two.date, '2014-09-08T18:00:00-04:00');
  assert.equal(two.summary, 'Second episode.');
  assert.match(fixed, /no <guid>: its enclosure URL is kept/);
  assert.match(fixed, /enclosure length is 0/);
  assert.match(fixed, /ISO 8601 instead of RFC 822/);
  const chapters = JSON.parse(fs.readFileSync(path.join(dir, twoSlug, 'chapters.json'), 'utf8'));
  assert.deepEqual(chapters.chapters, [
    { startTime: 0, title: 'Start' },
    { startTime: 2.5, title: 'Middle', url: `${server.base}/mid` },
  ]);

  // Episode 3: a guid already used (its enclosure URL instead), two enclosures (the second an
  // other format), a two-digit year, a duration that is not the file's.
  const threeSlug = '2014-09-15-three-a-repeated-guid';
  const three = yamlOf(path.join(dir, threeSlug, 'episode.yaml'));
  assert.equal(three.guid, `${server.base}/messy/three.mp3`);
  assert.equal(three.date, '2014-09-15T18:00:00Z');
  assert.deepEqual(Object.keys(three.media as object).sort(), ['m4a', 'mp3']);
  assert.match(fixed, /repeats an earlier item's/);
  assert.match(fixed, /2 <enclosure>s/);
  assert.match(fixed, /two-digit year/);
  assert.match(fixed, /itunes:duration said 1235 s/);

  // What has no place: listed, not dropped.
  assert.match(lost, /channel: <itunes:keywords>: no place in netcaster/);
  assert.match(lost, /channel: <podcast:location>: no place in netcaster/);
  assert.match(lost, /A post, not an episode\): no enclosure/);

  // The lock holds every guid.
  const lock = readLock(dir).lock;
  assert.deepEqual(Object.keys(lock.episodes).sort(), [one.guid, two.guid, three.guid].sort());
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')), 'no staging left');
});

test('an import run again later brings only the new episodes (a sync)', async () => {
  const url = serveMessy('/sync');
  const dir = emptyDir();
  await run(url, dir);
  const before = server.log.length;
  const feed = messyFeed('/sync').replace(
    '<item>',
    `<item><title>Four</title><guid>four</guid><pubDate>Mon, 29 Sep 2014 18:00:00 GMT</pubDate><itunes:episode>4</itunes:episode><enclosure url="${server.base}/sync/four.mp3" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/></item><item>`,
  );
  server.fixture('/sync/four.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.feed('/sync/feed.xml', feed);
  const { report } = await run(url, dir);
  assert.deepEqual(report.imported, ['004-four']);
  assert.equal(report.unchanged, 3);
  const fetched = server.log.slice(before).map((r) => r.path);
  assert.deepEqual(
    fetched.filter((p) => p !== '/sync/feed.xml'),
    ['/sync/four.mp3'],
  );
  await assertPublishable(dir);
});

test('a locked feed is refused, naming its owner; --unlock imports it and keeps it locked', async () => {
  const prefix = '/locked';
  serveMessy(prefix);
  const url = server.feed(
    `${prefix}/feed.xml`,
    messyFeed(prefix).replace('<podcast:guid>', '<podcast:locked owner="owner@messy.example">yes</podcast:locked><podcast:guid>'),
  );
  const dir = emptyDir();
  const refused = await run(url, dir);
  assert.match(refused.refused ?? '', /locked \(podcast:locked yes\).*owner@messy\.example.*--unlock/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
  const unlocked = await run(url, dir, { unlock: true });
  assert.equal(unlocked.refused, undefined);
  assert.equal(yamlOf(path.join(dir, 'show.yaml')).locked, true);
});

const tinyFeed = (items: string, channelExtra = '') =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Tiny</title><description>Tiny show.</description><language>en</language><itunes:author>T</itunes:author><itunes:image href="${server.base}/art.jpg"/>${channelExtra}${items}</channel></rss>`;
const tinyItem = (n: number, url: string, extra = '') =>
  `<item><title>Episode ${n}</title><guid>ep-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate><itunes:episode>${n}</itunes:episode><enclosure url="${url}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>${extra}</item>`;

test('HTTP redirects, itunes:new-feed-url, <redirect><newLocation> and RFC 5005 pages are all followed', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/moves/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/moves/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/moves/3.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.redirect('/moves/old.xml', '/moves/moved.xml', 301);
  server.feed(
    '/moves/moved.xml',
    tinyFeed(tinyItem(1, server.url('/moves/1.mp3')), `<itunes:new-feed-url>${server.url('/moves/newer.xml')}</itunes:new-feed-url>`),
  );
  server.feed('/moves/newer.xml', tinyFeed('', `<redirect><newLocation>${server.url('/moves/final.xml')}</newLocation></redirect>`));
  server.feed(
    '/moves/final.xml',
    tinyFeed(
      tinyItem(1, server.url('/moves/1.mp3')) + tinyItem(2, server.url('/moves/2.mp3')),
      `<atom:link rel="next" href="${server.url('/moves/page2.xml')}"/>`,
    ),
  );
  server.feed(
    '/moves/page2.xml',
    tinyFeed(
      tinyItem(2, server.url('/moves/2.mp3')) + tinyItem(3, server.url('/moves/3.mp3')),
      `<atom:link rel="next" href="${server.url('/moves/final.xml')}"/>`,
    ),
  );
  const dir = emptyDir();
  const { refused, report } = await run(server.url('/moves/old.xml'), dir);
  assert.equal(refused, undefined);
  assert.equal(report.feedUrl, server.url('/moves/final.xml'));
  const moves = report.moves.join('\n');
  assert.match(moves, /old\.xml -> .*moved\.xml \(HTTP 301\)/);
  assert.match(moves, /moved\.xml -> .*newer\.xml \(itunes:new-feed-url\)/);
  assert.match(moves, /newer\.xml -> .*final\.xml \(<redirect><newLocation>\)/);
  assert.deepEqual(report.imported.sort(), ['001-episode-1', '002-episode-2', '003-episode-3']);
  assert.match(lines(report.fixed), /page2\.xml read \(RFC 5005\): 1 more episode/);
  assert.match(lines(report.fixed), /links back to a page already read/);
  assert.match(report.checklist.join('\n'), /itunes:new-feed-url/);
  assert.match(report.checklist.join('\n'), /301/);
  // No podcast:guid in the feed: the one apps derived from its URL (Podcast Index rule) is kept.
  const moved = yamlOf(path.join(dir, 'show.yaml'));
  assert.equal(Object.values(moved.feeds as Record<string, { guid?: string }>)[0].guid, podcastGuid(server.url('/moves/final.xml')));
});

test('a redirect loop ends with a message: in HTTP and in the feeds themselves', async () => {
  server.redirect('/loop/a.xml', '/loop/b.xml', 302);
  server.redirect('/loop/b.xml', '/loop/a.xml', 302);
  const http = await run(server.url('/loop/a.xml'), emptyDir());
  assert.match(http.refused ?? '', /redirect loop: .*a\.xml -> .*b\.xml -> .*a\.xml/);
  server.feed('/loop/c.xml', tinyFeed('', `<itunes:new-feed-url>${server.url('/loop/d.xml')}</itunes:new-feed-url>`));
  server.feed('/loop/d.xml', tinyFeed('', `<itunes:new-feed-url>${server.url('/loop/c.xml')}</itunes:new-feed-url>`));
  const feeds = await run(server.url('/loop/c.xml'), emptyDir());
  assert.match(feeds.refused ?? '', /redirect loop: .*c\.xml -> .*d\.xml -> .*c\.xml/);
});

test('downloads are verified: a web page instead of media, or a 404, is not imported, with what happened, and nothing kept for a next run', async () => {
  server.file('/verify/page.mp3', Buffer.from('<!DOCTYPE html><html><body>Please log in</body></html>'), { type: 'text/html' });
  server.routes.set('/verify/gone.mp3', () => ({ status: 404, type: 'text/plain', body: 'gone' }));
  server.fixture('/verify/ok.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed(
    '/verify/feed.xml',
    tinyFeed(
      tinyItem(1, server.url('/verify/page.mp3')) + tinyItem(2, server.url('/verify/gone.mp3')) + tinyItem(3, server.url('/verify/ok.mp3')),
    ),
  );
  const dir = emptyDir();
  const { report } = await run(url, dir);
  // What a next run would meet again is not an interruption to continue ("run again" would never end).
  assert.deepEqual(report.failed, []);
  const notImported = lines(report.notImported);
  assert.match(notImported, /Episode 1\).*a web page or an error message/);
  assert.match(notImported, /Episode 2\).*HTTP 404/);
  assert.equal(server.requests('/verify/gone.mp3').length, 1, 'a 404 is not retried');
  assert.deepEqual(report.imported, ['003-episode-3']);
  assert.ok(!fs.existsSync(path.join(dir, '001-episode-1')), 'no half episode in the show');
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')), 'nothing staged for a next run');
  assert.doesNotMatch(report.checklist.join('\n'), /run the same import again/);
});

test('a server error is retried with backoff; a dropped connection resumes with Range and If-Range', async () => {
  let calls = 0;
  const bytes = media('good-cbr.mp3');
  server.routes.set('/retry/flaky.mp3', () =>
    ++calls <= 2 ? { status: 503, type: 'text/plain', body: 'busy' } : { type: 'audio/mpeg', body: bytes },
  );
  let drops = 0;
  server.routes.set('/retry/drop.mp3', () => ({ type: 'audio/mpeg', body: bytes, ...(drops++ === 0 && { cutAfter: 10_000 }) }));
  const url = server.feed(
    '/retry/feed.xml',
    tinyFeed(tinyItem(1, server.url('/retry/flaky.mp3')) + tinyItem(2, server.url('/retry/drop.mp3'))),
  );
  const dir = emptyDir();
  const { report } = await run(url, dir);
  assert.deepEqual(report.failed, []);
  assert.equal(calls, 3);
  const drop = server.requests('/retry/drop.mp3');
  assert.equal(drop.length, 2);
  assert.equal(drop[1].range, 'bytes=10000-');
  assert.ok(drop[1].ifRange, 'If-Range sent with the ETag');
  assert.equal(drop[1].status, 206);
  assert.deepEqual(fs.readFileSync(path.join(dir, '002-episode-2', '002-episode-2.mp3')), bytes);
});

test('a declared length that is not the file is reported; the file, complete by its probe, is kept', async () => {
  server.fixture('/length/a.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed('/length/feed.xml', tinyFeed(tinyItem(1, server.url('/length/a.mp3')).replace(/length="\d+"/, 'length="12345"')));
  const { report } = await run(url, emptyDir());
  assert.match(lines(report.fixed), /declared 12345 bytes, the server sent a whole file of \d+/);
});

test('a second feed of the show (its video feed) becomes another format of the same episodes, matched by guid, then title and date', async () => {
  server.file('/two/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/two/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/two/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/two/1.m4v', 'good-faststart.m4v', 'video/x-m4v');
  server.fixture('/two/2.m4v', 'good-faststart.m4v', 'video/x-m4v');
  const audio = server.feed('/two/audio.xml', tinyFeed(tinyItem(1, server.url('/two/1.mp3')) + tinyItem(2, server.url('/two/2.mp3'))));
  const videoItems =
    tinyItem(1, server.url('/two/1.m4v'))
      .replace('type="audio/mpeg"', 'type="video/x-m4v"')
      .replace(/length="\d+"/, `length="${media('good-faststart.m4v').length}"`) +
    tinyItem(2, server.url('/two/2.m4v'))
      .replace('type="audio/mpeg"', 'type="video/x-m4v"')
      .replace(/length="\d+"/, `length="${media('good-faststart.m4v').length}"`)
      .replace('<guid>ep-2</guid>', '<guid>video-ep-2</guid>')
      .replace('18:00:00', '19:30:00');
  const video = server.feed('/two/video.xml', tinyFeed(videoItems).replace('<title>Tiny</title>', '<title>Tiny Video</title>'));
  const dir = emptyDir();
  await run(audio, dir);
  const { report } = await run(video, dir);
  assert.deepEqual(report.merged.sort(), ['001-episode-1', '002-episode-2']);
  assert.deepEqual(report.imported, []);
  assert.match(lines(report.notImported), /matched 002-episode-2 by title and date, but its guid "video-ep-2" differs/);
  const show = yamlOf(path.join(dir, 'show.yaml'));
  // Each feed keeps the podcast:guid apps derived from its own old URL (no base URL given, so the new URLs are not known).
  assert.deepEqual(show.feeds, {
    audio: { title: 'Tiny', enclosure: 'mp3', guid: podcastGuid(audio) },
    video: { title: 'Tiny Video', enclosure: 'm4v', guid: podcastGuid(video) },
  });
  const two = yamlOf(path.join(dir, '002-episode-2', 'episode.yaml'));
  assert.deepEqual(two.media, { mp3: '002-episode-2.mp3', m4v: '002-episode-2.m4v' });
  assert.equal(two.guid, 'ep-2');
  const catalog = await assertPublishable(dir);
  assert.equal(catalog.episodes.length, 2);
});

test('a folder that is not empty and not a show is left alone', async () => {
  const dir = emptyDir();
  fs.writeFileSync(path.join(dir, 'thesis.txt'), 'mine');
  const { refused } = await run(server.url('/verify/feed.xml'), dir);
  assert.match(refused ?? '', /not empty and has no show\.yaml/);
  assert.deepEqual(fs.readdirSync(dir), ['thesis.txt']);
});

test('RFC 5005 archived feeds: prev-archive documents are read, each guid once', async () => {
  server.fixture('/archive/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/archive/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.feed(
    '/archive/feed.xml',
    tinyFeed(tinyItem(2, server.url('/archive/2.mp3')), `<atom:link rel="prev-archive" href="${server.url('/archive/2013.xml')}"/>`),
  );
  server.feed('/archive/2013.xml', tinyFeed(tinyItem(1, server.url('/archive/1.mp3')) + tinyItem(2, server.url('/archive/2.mp3'))));
  const { report } = await run(server.url('/archive/feed.xml'), emptyDir());
  assert.deepEqual(report.imported.sort(), ['001-episode-1', '002-episode-2']);
  assert.equal(server.requests('/archive/2.mp3').length, 1);
});

test('a file that is not media (the probe fails) is not imported, and says why', async () => {
  server.fixture('/probe/text.mp3', 'text.mp3', 'audio/mpeg');
  const url = server.feed('/probe/feed.xml', tinyFeed(tinyItem(1, server.url('/probe/text.mp3'))));
  const dir = emptyDir();
  const { report } = await run(url, dir);
  assert.match(lines(report.notImported), /not a media file a podcast app can play/);
  assert.deepEqual(report.failed, [], 'a run again would find the same file');
  assert.deepEqual(report.imported, []);
  assert.ok(!fs.existsSync(path.join(dir, '001-episode-1')));
});

test('a host that stops sending is timed out and retried; the retry resumes where the bytes stopped', async () => {
  const bytes = media('good-cbr.mp3');
  let calls = 0;
  // The first answer sends 5,000 bytes and then nothing, keeping the connection open.
  server.routes.set('/stall/a.mp3', () =>
    ++calls === 1 ? { type: 'audio/mpeg', body: bytes, cutAfter: 5_000, stall: true } : { type: 'audio/mpeg', body: bytes },
  );
  const url = server.feed('/stall/feed.xml', tinyFeed(tinyItem(1, server.url('/stall/a.mp3'))));
  const dir = emptyDir();
  const { report } = await run(url, dir, { http: { ...fast, idleTimeoutMs: 300 } });
  assert.deepEqual(report.failed, []);
  const asked = server.requests('/stall/a.mp3');
  assert.equal(asked.length, 2);
  assert.equal(asked[1].range, 'bytes=5000-');
  assert.deepEqual(fs.readFileSync(path.join(dir, '001-episode-1', '001-episode-1.mp3')), bytes);
});

test('the check after an import probes no media file again: the import hands it what its own probe found, as a probe in place finds it', async () => {
  const url = serveMessy('/handed');
  const dir = emptyDir();
  const { report } = await run(url, dir);
  assert.deepEqual(report.failed, []);
  // What a probe in place finds, then every media file zeroed with its size and mtime kept: a
  // check that probed one again would find it broken.
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(mp3|m4a|m4v|mp4|webm)$/.test(f));
  assert.ok(files.length > 0);
  const inPlace = new Map<string, unknown>();
  for (const f of files) inPlace.set(path.join(dir, f), (await probeMedia(path.join(dir, f))).facts);
  for (const f of files) await zeroKeepingStat(path.join(dir, f));
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
  const media = catalog?.episodes.flatMap((e) => e.media) ?? [];
  assert.ok(
    media.some((m) => m.facts.container === 'MP4'),
    'an MP4 among them (whose MIME type its file name picks)',
  );
  for (const m of media) assert.deepEqual(m.facts, inPlace.get(m.path), m.fileName);
});

test('the manifests an import hands its check are what their files parse to: the check with them finds what a check without them finds', async () => {
  const url = serveMessy('/manifests');
  const dir = emptyDir();
  const { report, written } = await run(url, dir);
  assert.deepEqual(report.failed, []);
  const manifests = [path.join(dir, 'show.yaml'), ...fs.readdirSync(dir).map((n) => path.join(dir, n, 'episode.yaml'))].filter((f) =>
    fs.existsSync(f),
  );
  let handed = 0;
  for (const file of manifests) {
    const text = fs.readFileSync(file, 'utf8');
    const data = written?.get(text);
    if (data === undefined) continue;
    handed++;
    assert.deepEqual(data, load(text), `${file}: what was handed is what the file parses to`);
  }
  assert.ok(handed > 1 && handed === written?.size, 'show.yaml and the episodes, each written as handed');
  // One episode edited after the import: its text is no longer the one handed, so it is parsed.
  const edited = manifests.find((f) => f.endsWith('episode.yaml')) as string;
  fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace(/^title: .*$/m, 'title: Edited by hand'));
  const workers = new MediaPool(0);
  const withHandover = await checkShowFresh(dir, { workers, parsedManifests: written });
  const without = await checkShowFresh(dir, { workers });
  assert.deepEqual(withHandover, without);
  assert.ok(withHandover.catalog?.episodes.some((e) => e.title === 'Edited by hand'));
});

test('the check after an import reads the show artwork from the facts the import found, as a probe in place finds them', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/art-handed/a.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed('/art-handed/feed.xml', tinyFeed(tinyItem(1, server.url('/art-handed/a.mp3'))));
  const dir = emptyDir();
  const { report } = await run(url, dir);
  assert.deepEqual(report.imported, ['001-episode-1']);
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')), 'no staging left');
  const artwork = path.join(dir, 'artwork.jpg');
  assert.deepEqual(fs.readFileSync(artwork), artworkBytes());
  const inPlace = (await probeImage(artwork, 'artwork.jpg')).facts;
  assert.ok(inPlace);
  // Zeroed with its size and mtime kept: a check that decoded it again would find no image.
  await zeroKeepingStat(artwork);
  const catalog = await assertPublishable(dir);
  assert.deepEqual(catalog.show.artwork, inPlace);
});

test('artwork fetched ahead for a feed that brings no episode is not left behind', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  const url = server.feed('/art-unused/feed.xml', tinyFeed('<item><title>No media</title><guid>x</guid></item>'));
  const dir = emptyDir();
  const { refused, report } = await run(url, dir);
  assert.equal(refused, undefined);
  assert.deepEqual(report.imported, []);
  const left = fs.readdirSync(dir);
  assert.ok(
    !left.includes('artwork.jpg') && !left.includes('.netcaster-import'),
    `neither artwork nor a staging folder: ${left.join(', ')}`,
  );
});

test('an episode killed in its first moment (before its state was written) is taken up by its folder name, not left behind', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/first/a.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed('/first/feed.xml', tinyFeed(tinyItem(1, server.url('/first/a.mp3'))));
  const dir = emptyDir();
  const staged = path.join(dir, '.netcaster-import', '001-episode-1');
  fs.mkdirSync(staged, { recursive: true });
  fs.writeFileSync(path.join(staged, '0123456789abcdef.download.part'), 'the first bytes');
  const { report } = await run(url, dir);
  assert.deepEqual(report.imported, ['001-episode-1']);
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')), 'no staging left');
  assert.deepEqual(fs.readdirSync(path.join(dir, '001-episode-1')).sort(), ['001-episode-1.mp3', 'episode.yaml']);
});

test('an episode that fails keeps what the next run needs to resume its download with Range', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  const bytes = media('good-cbr.mp3');
  let cut = true;
  server.routes.set('/later/a.mp3', () => ({ type: 'audio/mpeg', body: bytes, ...(cut && { cutAfter: 10_000 }) }));
  const url = server.feed('/later/feed.xml', tinyFeed(tinyItem(1, server.url('/later/a.mp3'))));
  const dir = emptyDir();
  const first = await run(url, dir, { http: { ...fast, retries: 0 } });
  assert.equal(first.report.failed.length, 1, lines(first.report.failed));
  assert.ok(fs.existsSync(path.join(dir, '.netcaster-import', '001-episode-1', '.import-state.json')), 'its state is written at once');
  cut = false;
  const second = await run(url, dir);
  assert.deepEqual(second.report.imported, ['001-episode-1'], lines(second.report.failed));
  const asked = server.requests('/later/a.mp3');
  assert.equal(asked.length, 2);
  assert.equal(asked[1].range, 'bytes=10000-');
  assert.ok(asked[1].ifRange);
  assert.equal(asked[1].status, 206);
  assert.deepEqual(fs.readFileSync(path.join(dir, '001-episode-1', '001-episode-1.mp3')), bytes);
});

test('titles and GUIDs that look like YAML (indicators, numbers, dates, null, booleans) read back from episode.yaml as the same strings', async () => {
  const hostile = [
    { title: '- item: [x] #1', guid: '0x1f' },
    { title: 'null', guid: '2024-01-02' },
    { title: 'Ep. 5: "quoted" \'single\' \\ back', guid: '1e5' },
    { title: 'Café — 日本 & more', guid: 'true' },
    { title: '  leading and trailing  ', guid: 'urn:uuid:7b71cab0-f21c-4f56-8793-2d690bfcde5b' },
  ];
  server.fixture('/yaml/a.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = hostile
    .map(
      (h, i) =>
        `<item><title>${esc(h.title)}</title><guid isPermaLink="false">${esc(h.guid)}</guid><pubDate>Mon, 0${i + 1} Sep 2014 18:00:00 GMT</pubDate><itunes:episode>${i + 1}</itunes:episode><enclosure url="${server.url('/yaml/a.mp3')}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/></item>`,
    )
    .join('');
  const url = server.feed(
    '/yaml/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Y: a show</title><description>YAML-looking values.</description><language>en</language>${items}</channel></rss>`,
  );
  const dir = emptyDir();
  const { report } = await run(url, dir);
  assert.equal(report.imported.length, hostile.length, lines(report.failed));
  const written = fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'episode.yaml')))
    .map((name) => yamlOf(path.join(dir, name, 'episode.yaml')));
  for (const h of hostile) {
    const manifest = written.find((m) => m.guid === h.guid);
    assert.ok(manifest, `guid ${JSON.stringify(h.guid)} read back as a string: ${JSON.stringify(written.map((m) => m.guid))}`);
    assert.equal(typeof manifest.title, 'string');
    assert.equal((manifest.title as string).trim(), h.title.trim());
  }
  // The check reads them as the same strings: nothing said of any guid or title.
  const { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.field === 'guid' || p.field === 'title'),
    [],
  );
});
