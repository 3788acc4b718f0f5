// An interrupted import leaves an episode staged under its folder name; if the show gains a folder
// of that name before the next run (the podcaster made one), the next run renamed the staged
// episode onto it: "internal error: ENOTEMPTY" and exit 70, the import stopped half-way (no
// show.yaml), or, onto an empty folder, the podcaster's folder silently replaced.
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

test("a staged episode whose folder name the show has taken since goes to a free name; the show's folder is left alone", async () => {
  server.file('/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/taken/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed(
    '/taken/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Taken</title><description>d</description>` +
      `<itunes:image href="${server.url('/art.jpg')}"/><item><title>Episode 1</title><guid>ep-1</guid><pubDate>Mon, 01 Sep 2014 18:00:00 GMT</pubDate>` +
      `<enclosure url="${server.url('/taken/1.mp3')}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/></item></channel></rss>`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
  // What an interrupted run left, then a folder of the same name made by hand.
  const staged = path.join(dir, '.netcaster-import', '2014-09-01-episode-1');
  fs.mkdirSync(staged, { recursive: true });
  fs.writeFileSync(path.join(staged, '.import-state.json'), JSON.stringify({ guid: 'ep-1', parts: {} }));
  fs.mkdirSync(path.join(dir, '2014-09-01-episode-1'));
  fs.writeFileSync(path.join(dir, '2014-09-01-episode-1', 'mine.txt'), 'mine');

  const { report, refused } = await importFeed({ source: url, dir, http: { retries: 0 } });
  assert.equal(refused, undefined);
  assert.deepEqual(report.imported, ['2014-09-01-episode-1-2']);
  assert.deepEqual(fs.readdirSync(path.join(dir, '2014-09-01-episode-1')), ['mine.txt']);
  assert.ok(fs.existsSync(path.join(dir, '2014-09-01-episode-1-2', 'episode.yaml')));
  assert.ok(fs.existsSync(path.join(dir, 'show.yaml')));
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')));
});
