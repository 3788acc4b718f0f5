// A paged feed (RFC 5005) whose pages never end, each of them large: every page's text is kept
// until the items are read again, so the pages together are bounded, or the import ran out of
// memory (500 pages of 90 MB: a V8 heap-limit crash after 13 minutes).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHttpOptions } from '../../src/import/http.js';
import { readSource } from '../../src/import/source.js';
import { FeedServer } from './feed-server.js';

let server: FeedServer;
before(async () => {
  server = await new FeedServer().start();
});
after(() => server.stop());

const page = (n: number) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Endless</title>` +
  `<atom:link rel="next" href="${server.url(`/endless/${n + 1}.xml`)}"/><description>${'x'.repeat(100_000)}</description>` +
  `<item><title>Page ${n}</title><guid>p${n}</guid><enclosure url="https://media.example/${n}.mp3" type="audio/mpeg" length="1"/></item>` +
  `</channel></rss>`;

test('the pages of a paged feed stop being read once their text passes the bound, and that is said', async () => {
  server.fallback = (p) => {
    const n = /^\/endless\/(\d+)\.xml$/.exec(p)?.[1];
    return n ? { type: 'application/rss+xml', body: page(Number(n)) } : undefined;
  };
  const read = await readSource(server.url('/endless/1.xml'), defaultHttpOptions, undefined, 1_000_000);
  assert.ok(read.feed, read.error);
  // About ten pages of 100 KB fit under 1 MB; not the 500 the page count alone allows.
  const pages = server.log.filter((r) => r.path.startsWith('/endless/')).length;
  assert.ok(pages >= 9 && pages <= 12, `${pages} pages read`);
  assert.equal(read.feed.items.length, pages);
  assert.equal([...read.items()].length, pages);
  const note = read.feed.notes.find((n) => /pages read so far hold more than/.test(n.message));
  assert.ok(note?.lost, 'the pages not read are reported as not imported');
});
