// Show notes of a hostile size: the HTML -> Markdown conversion grows with the square of its
// output and is synchronous, so 6 MB of notes held the import for good (SIGINT and SIGTERM
// could not stop it). Notes past the bound are reported, and the episode comes over without them.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { notesTooLarge } from '../../src/import/html-markdown.js';
import { importFeed } from '../../src/import/importer.js';
import { artworkBytes, FeedServer, media } from './feed-server.js';

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
});
after(() => server.stop());

const item = (n: number, notes: string) =>
  `<item><title>Episode ${n}</title><guid>ep-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate>` +
  `<enclosure url="${server.url(`/notes/${n}.mp3`)}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>` +
  `<description><![CDATA[${notes}]]></description></item>`;

test('show notes past the bound are not converted: reported, the episode imported, at once', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/notes/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/notes/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/notes/3.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const huge = 'line<br>'.repeat(750_000); // 6 MB
  assert.ok(notesTooLarge(huge));
  // Long notes in few elements convert quickly, and still come over.
  assert.equal(notesTooLarge(`<p>${'Long show notes, written with care. '.repeat(12_000)}</p>`), undefined);
  const url = server.feed(
    '/notes/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Notes</title><description>d</description>` +
      `<itunes:image href="${server.url('/art.jpg')}"/>${item(1, huge)}${item(2, '<p>Short <b>notes</b>.</p>')}${item(3, 'line<br>'.repeat(16_384))}</channel></rss>`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
  const started = Date.now();
  const { report } = await importFeed({ source: url, dir, http: { retries: 0 } });
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  assert.deepEqual(report.imported.sort(), ['2014-09-01-episode-1', '2014-09-02-episode-2', '2014-09-03-episode-3']);
  assert.match(
    report.notImported.map((l) => `${l.where}: ${l.message}`).join('\n'),
    /Episode 1\): the show notes \(\d+ KB of HTML, more than the 1 MB of notes netcaster reads\)/,
  );
  assert.match(
    report.notImported.map((l) => `${l.where}: ${l.message}`).join('\n'),
    /Episode 3\): the show notes \(128 KB of HTML in 16384 tags, more than netcaster converts in reasonable time\)/,
  );
  assert.ok(!fs.existsSync(path.join(dir, '2014-09-01-episode-1', 'notes.md')));
  assert.equal(fs.readFileSync(path.join(dir, '2014-09-02-episode-2', 'notes.md'), 'utf8'), 'Short **notes**.\n');
});
