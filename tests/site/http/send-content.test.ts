import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { CompressionCache } from '../../../src/site/http/compression.js';
import type { Sent } from '../../../src/site/http/file-body.js';
import { ContentValidators, sendContent } from '../../../src/site/http/send-content.js';
import type { SiteEntry } from '../../../src/site/types.js';
import { listen, request } from './client.js';

type ContentEntry = Extract<SiteEntry, { kind: 'content' }>;

const feedText = `<?xml version="1.0"?>\n<rss>${'<item>Épisode</item>\n'.repeat(200)}</rss>\n`;
const entryOf = (body: string, over: Partial<ContentEntry> = {}): ContentEntry => ({
  kind: 'content',
  contentType: 'application/rss+xml; charset=utf-8',
  body,
  ...over,
});

/** A server sending `entry()` (asked again each time, as a rebuilt site map would) with one set of validators. */
async function serve(t: TestContext, entry: () => ContentEntry) {
  const contents = new ContentValidators();
  const compression = new CompressionCache();
  const sent: Sent[] = [];
  const server = await listen(async (req, res) => sent.push(await sendContent(req, res, entry(), contents, compression)));
  t.after(server.close);
  return {
    sent,
    contents,
    get: (headers: Record<string, string> = {}, method = 'GET') => request(server.port, '/feeds/audio.xml', { headers, method }),
  };
}

test('the body with its type, a strong ETag, Last-Modified, no-cache and Vary: Accept-Encoding', async (t) => {
  const s = await serve(t, () => entryOf(feedText));
  const r = await s.get();
  assert.equal(r.status, 200);
  assert.equal(r.body.toString('utf8'), feedText);
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(feedText)));
  assert.equal(r.headers['content-type'], 'application/rss+xml; charset=utf-8');
  assert.match(String(r.headers.etag), /^"[A-Za-z0-9_-]{32}"$/);
  assert.ok(!Number.isNaN(Date.parse(String(r.headers['last-modified']))));
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.headers['content-encoding'], undefined);
});

test('the same body in a new entry (a rebuilt site) keeps its ETag and Last-Modified; another body gets another ETag', async (t) => {
  let body = feedText;
  const s = await serve(t, () => entryOf(body));
  const first = await s.get();
  const again = await s.get();
  assert.equal(again.headers.etag, first.headers.etag);
  assert.equal(again.headers['last-modified'], first.headers['last-modified']);
  body = feedText.replace('Épisode', 'Episode');
  assert.notEqual((await s.get()).headers.etag, first.headers.etag);
});

const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

test('a URL whose body changes and changes back never gets an earlier Last-Modified: If-Modified-Since of the edited body is not 304', async (t) => {
  const contents = new ContentValidators();
  const compression = new CompressionCache();
  let body = feedText;
  const server = await listen(async (req, res) => {
    await sendContent(req, res, entryOf(body), contents, compression, '/feeds/audio.xml');
  });
  t.after(server.close);
  const get = (headers: Record<string, string> = {}) => request(server.port, '/feeds/audio.xml', { headers });
  const a = await get();
  assert.equal((await get()).headers['last-modified'], a.headers['last-modified'], 'the same body keeps its date');
  await nextSecond(); // HTTP dates are whole seconds
  body = feedText.replace('Épisode', 'Edited'); // an edit goes live
  const b = await get();
  assert.ok(Date.parse(String(b.headers['last-modified'])) > Date.parse(String(a.headers['last-modified'])));
  await nextSecond();
  body = feedText; // ... and is undone
  const again = await get({ 'If-Modified-Since': String(b.headers['last-modified']) });
  assert.equal(again.status, 200, 'the client holds the edited body: it must get the current one');
  assert.equal(again.body.toString('utf8'), feedText);
  assert.ok(Date.parse(String(again.headers['last-modified'])) > Date.parse(String(b.headers['last-modified'])));
  assert.equal((await get({ 'If-Modified-Since': String(again.headers['last-modified']) })).status, 304);
});

test('a client holding the body gets 304 with no body; a failed If-Match gets 412', async (t) => {
  const s = await serve(t, () => entryOf(feedText));
  const { headers } = await s.get();
  const notModified = await s.get({ 'If-None-Match': String(headers.etag) });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);
  assert.equal((await s.get({ 'If-None-Match': '"other"' })).status, 200);
  assert.equal((await s.get({ 'If-Modified-Since': String(headers['last-modified']) })).status, 304);
  const failed = await s.get({ 'If-Match': '"other"' });
  assert.equal(failed.status, 412);
  assert.equal(failed.body.length, 0);
  assert.deepEqual(s.sent.slice(1), [{ bodyBytes: 0 }, { bodyBytes: Buffer.byteLength(feedText) }, { bodyBytes: 0 }, { bodyBytes: 0 }]);
});

test('compressed as the client accepts, each coding with its own ETag, and 304 against that ETag', async (t) => {
  const s = await serve(t, () => entryOf(feedText));
  const plain = await s.get();
  const gzip = await s.get({ 'Accept-Encoding': 'gzip' });
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(gzip.body).toString('utf8'), feedText);
  assert.equal(gzip.headers['content-length'], String(gzip.body.length));
  assert.ok(gzip.body.length < plain.body.length);
  const br = await s.get({ 'Accept-Encoding': 'gzip;q=0.5, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.body).toString('utf8'), feedText);
  const etags = new Set([plain.headers.etag, gzip.headers.etag, br.headers.etag]);
  assert.equal(etags.size, 3);
  assert.equal((await s.get({ 'Accept-Encoding': 'gzip', 'If-None-Match': String(gzip.headers.etag) })).status, 304);
  assert.equal((await s.get({ 'If-None-Match': String(gzip.headers.etag) })).status, 200, 'the gzip ETag is not the identity one');
  // A tiny body is not worth compressing.
  const tiny = await serve(t, () => entryOf('<p>x</p>'));
  assert.equal((await tiny.get({ 'Accept-Encoding': 'gzip' })).headers['content-encoding'], undefined);
});

test('HEAD: the headers of GET, no body', async (t) => {
  const s = await serve(t, () => entryOf(feedText));
  const get = await s.get({ 'Accept-Encoding': 'gzip' });
  const head = await s.get({ 'Accept-Encoding': 'gzip' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], get.headers['content-length']);
  assert.equal(head.headers.etag, get.headers.etag);
  assert.deepEqual(s.sent.at(-1), { bodyBytes: 0 });
});

test('a body rendered elsewhere is waited for (prepare); should that fail, the body is still sent', async (t) => {
  const order: string[] = [];
  const ok = entryOf(feedText, {
    prepare: async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('prepared');
    },
  });
  const s = await serve(t, () => ok);
  const r = await s.get();
  order.push('answered');
  assert.deepEqual(order, ['prepared', 'answered']);
  assert.equal(r.body.toString('utf8'), feedText);
  const failing = await serve(t, () => entryOf(feedText, { prepare: () => Promise.reject(new Error('worker died')) }));
  const f = await failing.get();
  assert.equal(f.status, 200);
  assert.equal(f.body.toString('utf8'), feedText);
});

test('a body over 1 MB (a long show feed) is sent whole every time, with the same ETag', async (t) => {
  const big = `<rss>${'<item>an episode of a long show</item>\n'.repeat(40_000)}</rss>`;
  const entry = entryOf(big);
  const s = await serve(t, () => entry);
  const first = await s.get();
  const second = await s.get();
  assert.equal(second.body.length, Buffer.byteLength(big));
  assert.ok(second.body.equals(first.body));
  assert.equal(second.headers.etag, first.headers.etag);
});

test('a body kept as bytes (a big feed rendered elsewhere) is sent from those bytes, whole or compressed, and its text is never read', async (t) => {
  const big = `<rss>${'<item>an épisode of a long show</item>\n'.repeat(40_000)}</rss>`;
  const bytes = Buffer.from(big, 'utf8');
  const entry: ContentEntry = {
    kind: 'content',
    contentType: 'application/rss+xml; charset=utf-8',
    get body(): string {
      throw new Error('the text was read: the bytes were copied again');
    },
    bytes: () => bytes,
  };
  const s = await serve(t, () => entry);
  const whole = await s.get();
  assert.equal(whole.status, 200);
  assert.ok(whole.body.equals(bytes));
  const again = await s.get();
  assert.equal(again.headers.etag, whole.headers.etag);
  const br = await s.get({ 'accept-encoding': 'br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(zlib.brotliDecompressSync(br.body).equals(bytes));
});

test('the entries of sites no longer served are not kept alive: a live server republishing a big feed does not grow without bound', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const contents = new ContentValidators();
  // A feed over 1 MB (only its validators are kept), in a new entry per republished site, each holding its site.
  const big = `<rss>${'<item>x</item>'.repeat(100_000)}</rss>`;
  const refs: WeakRef<object>[] = [];
  const publish = (i: number) => {
    const site = { catalog: Buffer.alloc(1024 * 1024) }; // what an old entry would keep alive
    const body = `${big}<!-- ${i} -->`;
    const entry: ContentEntry = {
      kind: 'content',
      contentType: 'application/rss+xml',
      get body() {
        return site.catalog.length ? body : '';
      },
    };
    contents.get(entry);
    refs.push(new WeakRef(entry));
  };
  for (let i = 0; i < 5; i++) publish(i);
  publish(5); // the site served now
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(refs.slice(0, 5).filter((r) => r.deref() !== undefined).length, 0, 'entries of old sites are still held');
});
