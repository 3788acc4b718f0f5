// What an import writes must be what check reads: chapters were fetched up to 20 MB (check reads
// 4 MB) and an itunes:summary of any length went into episode.yaml (check reads 1 MB of it), so a
// feed with either made the imported show fail check with "more than ... netcaster reads".
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import { importFeed } from '../../src/import/importer.js';
import { artworkBytes, FeedServer, media } from './feed-server.js';

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
});
after(() => server.stop());

test('chapters larger than check reads are reported, a long summary is cut: the show passes check', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  const chapters = Array.from({ length: 100_000 }, (_, i) => ({ startTime: i, title: `chapter ${i}${' '.repeat(40)}` }));
  server.file('/lim/chapters.json', Buffer.from(JSON.stringify({ version: '1.2.0', chapters })), { type: 'application/json' });
  const item = (n: number, extra: string) => {
    server.fixture(`/lim/${n}.mp3`, 'good-cbr.mp3', 'audio/mpeg');
    return (
      `<item><title>Episode ${n}</title><guid>ep-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate>` +
      `<enclosure url="${server.url(`/lim/${n}.mp3`)}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>${extra}</item>`
    );
  };
  const url = server.feed(
    '/lim/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">` +
      `<channel><title>Limits</title><description>d</description><itunes:image href="${server.url('/art.jpg')}"/>` +
      item(1, `<podcast:chapters url="${server.url('/lim/chapters.json')}" type="application/json+chapters"/>`) +
      item(2, `<itunes:summary>${'z'.repeat(2 * 1024 * 1024)}</itunes:summary>`) +
      `</channel></rss>`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
  const { report } = await importFeed({ source: url, dir, http: { retries: 0 } });
  assert.equal(report.imported.length, 2);
  assert.match(report.notImported.map((l) => `${l.where}: ${l.message}`).join('\n'), /Episode 1\): the chapters: .*larger than 4 MB/);
  assert.match(
    report.fixed.map((l) => `${l.where}: ${l.message}`).join('\n'),
    /Episode 2\): its summary of 2097152 characters was cut to the 4000/,
  );
  assert.ok(!fs.existsSync(path.join(dir, '2014-09-01-episode-1', 'chapters.json')));
  const { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
});
