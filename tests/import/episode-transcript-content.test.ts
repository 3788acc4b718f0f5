// A transcript URL that answers with a web page (a login page, a soft 404 with 200): it was saved
// as transcript.vtt, which check then refused (the whole show not publishable), or as
// transcript.srt, which nothing checked and the feed published as application/x-subrip.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFeed } from '../../src/import/importer.js';
import { artworkBytes, FeedServer, media } from './feed-server.js';

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
});
after(() => server.stop());

const page = '<!DOCTYPE html><html><body>Please log in</body></html>';
const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n';
const srt = '1\n00:00:00,000 --> 00:00:02,000\nHello.\n';

test('a transcript that is not WebVTT or SubRip is reported and left out; real ones come over', async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  const cases: [string, string, string][] = [
    ['text/vtt', page, 'text/html'],
    ['application/x-subrip', page, 'text/html'],
    ['text/vtt', vtt, 'text/vtt'],
    ['application/x-subrip', srt, 'application/x-subrip'],
  ];
  let items = '';
  for (const [i, [type, body, served]] of cases.entries()) {
    const n = i + 1;
    server.fixture(`/tr/${n}.mp3`, 'good-cbr.mp3', 'audio/mpeg');
    server.file(`/tr/${n}.txt`, Buffer.from(body), { type: served });
    items +=
      `<item><title>Episode ${n}</title><guid>ep-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate>` +
      `<enclosure url="${server.url(`/tr/${n}.mp3`)}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/>` +
      `<podcast:transcript url="${server.url(`/tr/${n}.txt`)}" type="${type}"/></item>`;
  }
  const url = server.feed(
    '/tr/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">` +
      `<channel><title>Transcripts</title><description>d</description><itunes:image href="${server.url('/art.jpg')}"/>${items}</channel></rss>`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
  const { report } = await importFeed({ source: url, dir, http: { retries: 0 } });
  assert.equal(report.imported.length, 4);
  const notImported = report.notImported.map((l) => `${l.where}: ${l.message}`).join('\n');
  assert.match(notImported, /Episode 1\): the transcript: .*not a WebVTT file \(the server sent "<!DOCTYPE html>/);
  assert.match(notImported, /Episode 2\): the transcript: .*not a SubRip file/);
  assert.deepEqual(
    fs.readdirSync(path.join(dir, '2014-09-01-episode-1')).filter((f) => f.startsWith('transcript')),
    [],
  );
  assert.deepEqual(
    fs.readdirSync(path.join(dir, '2014-09-02-episode-2')).filter((f) => f.startsWith('transcript')),
    [],
  );
  assert.equal(fs.readFileSync(path.join(dir, '2014-09-03-episode-3', 'transcript.vtt'), 'utf8'), vtt);
  assert.equal(fs.readFileSync(path.join(dir, '2014-09-04-episode-4', 'transcript.srt'), 'utf8'), srt);
});
