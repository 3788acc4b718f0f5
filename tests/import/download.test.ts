// import/download.ts against a real server on 127.0.0.1: a file lands whole or not at all, a
// .part resumes with Range and If-Range only when it is safe, and what the server says is checked.
// The importer's own runs over it (many files, interruptions between runs) are in importer.test.ts.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { download, mediaByteLimit, type PartMeta } from '../../src/import/download.js';
import { defaultHttpOptions, HttpError, type HttpOptions } from '../../src/import/http.js';
import { tempDir } from '../support/temp-dir.js';
import { withTmpfs } from '../support/tmpfs.js';
import { FeedServer, media } from './feed-server.js';

let server: FeedServer;
before(async () => {
  server = await new FeedServer().start();
});
after(() => server.stop());

const once: HttpOptions = { ...defaultHttpOptions, headersTimeoutMs: 2_000, idleTimeoutMs: 2_000, retries: 0, backoffMs: 1 };
const twice: HttpOptions = { ...once, retries: 1 };
const mp3 = media('good-cbr.mp3');

/** A body of `n` bytes that no two offsets confuse (a splice at the wrong place shows). */
const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

test('a file is downloaded to dest, through a redirect, with no .part left and what the server said', async (t) => {
  const dir = tempDir('download', t);
  server.fixture('/dl/plain.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.redirect('/dl/tracked.mp3', '/dl/plain.mp3', 302);
  const dest = path.join(dir, 'a.mp3');
  let sized = 0;
  let counted = 0;
  const result = await download(server.url('/dl/tracked.mp3'), dest, {
    http: once,
    media: true,
    onSize: (n) => (sized = n),
    onBytes: (n) => (counted += n),
  });
  assert.deepEqual(fs.readFileSync(dest), mp3);
  assert.ok(!fs.existsSync(`${dest}.part`));
  assert.deepEqual(result, { bytes: mp3.length, contentType: 'audio/mpeg', url: server.url('/dl/plain.mp3'), resumedFrom: 0 });
  assert.equal(sized, mp3.length);
  assert.equal(counted, mp3.length);
});

test('a dest that is already there is taken as done, without a request', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'done.mp3');
  fs.writeFileSync(dest, 'earlier run');
  server.fixture('/dl/done.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const result = await download(server.url('/dl/done.mp3'), dest, { http: once });
  assert.equal(result.bytes, 'earlier run'.length);
  assert.equal(server.requests('/dl/done.mp3').length, 0);
  assert.equal(fs.readFileSync(dest, 'utf8'), 'earlier run');
});

test('media: a web page served with 200 is refused at its first chunk, not retried, and leaves no dest', async (t) => {
  const dir = tempDir('download', t);
  server.routes.set('/dl/login.mp3', () => ({
    type: 'text/html',
    body: `  <!DOCTYPE html><html><body>${'Sign in '.repeat(5000)}</body></html>`,
  }));
  const dest = path.join(dir, 'a.mp3');
  await assert.rejects(download(server.url('/dl/login.mp3'), dest, { http: twice, media: true }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.retryable, false);
    assert.match(e.message, /sent text\/html .*not a media file/);
    return true;
  });
  assert.equal(server.requests('/dl/login.mp3').length, 1, 'not retried');
  assert.ok(!fs.existsSync(dest));
});

test('not media: the same page is a body like any other (chapters, transcripts are documents)', async (t) => {
  const dir = tempDir('download', t);
  server.feed('/dl/chapters.json', '{"version":"1.2.0","chapters":[]}', 'application/json');
  const dest = path.join(dir, 'chapters.json');
  await download(server.url('/dl/chapters.json'), dest, { http: once });
  assert.equal(fs.readFileSync(dest, 'utf8'), '{"version":"1.2.0","chapters":[]}');
});

test('an HTTP error is thrown as the server said it, with nothing written', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'gone.mp3');
  await assert.rejects(download(server.url('/dl/not-there.mp3'), dest, { http: twice }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 404);
    assert.equal(e.retryable, false);
    return true;
  });
  assert.equal(server.requests('/dl/not-there.mp3').length, 1);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a connection cut mid-file keeps the bytes in .part and tells the validator; the next run resumes with Range and If-Range', {
  timeout: 10_000,
}, async (t) => {
  const dir = tempDir('download', t);
  const body = counting(300_000);
  let cut = true;
  server.routes.set('/dl/cut.mp3', () => ({ type: 'audio/mpeg', body, ...(cut && { cutAfter: 100_000 }) }));
  const url = server.url('/dl/cut.mp3');
  const dest = path.join(dir, 'cut.mp3');
  let meta: PartMeta | undefined;
  await assert.rejects(download(url, dest, { http: once, onMeta: (m) => (meta = m) }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.retryable, true);
    return true;
  });
  assert.ok(!fs.existsSync(dest), 'no partial dest');
  const kept = fs.statSync(`${dest}.part`).size;
  assert.ok(kept > 0 && kept <= 100_000, `${kept} bytes kept`);
  assert.equal(meta?.url, url);
  assert.ok(meta?.etag, 'the ETag is told before the body');

  cut = false;
  let sized = 0;
  const result = await download(url, dest, { http: once, resume: meta, onSize: (n) => (sized = n) });
  assert.equal(sized, body.length, 'the size told is what was resumed plus the Content-Length');
  const last = server.requests('/dl/cut.mp3').at(-1);
  assert.equal(last?.range, `bytes=${kept}-`);
  assert.equal(last?.ifRange, meta?.etag);
  assert.equal(last?.status, 206);
  assert.equal(result.resumedFrom, kept);
  assert.equal(result.bytes, body.length);
  assert.deepEqual(fs.readFileSync(dest), body);
  assert.ok(!fs.existsSync(`${dest}.part`));
});

test('a connection cut mid-file is retried within the same run from where it stopped', { timeout: 10_000 }, async (t) => {
  const dir = tempDir('download', t);
  const body = counting(200_000);
  let drops = 0;
  server.routes.set('/dl/drop.mp3', () => ({ type: 'audio/mpeg', body, ...(drops++ === 0 && { cutAfter: 50_000 }) }));
  const dest = path.join(dir, 'drop.mp3');
  const result = await download(server.url('/dl/drop.mp3'), dest, { http: twice });
  const requests = server.requests('/dl/drop.mp3');
  assert.equal(requests.length, 2);
  assert.match(requests[1].range ?? '', /^bytes=[1-9]\d*-$/);
  assert.equal(requests[1].status, 206);
  assert.equal(result.resumedFrom, Number(/\d+/.exec(requests[1].range ?? '')?.[0]));
  assert.deepEqual(fs.readFileSync(dest), body);
});

test('a file that changed on the server since the .part was made comes whole (200), never spliced', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'changed.mp3');
  const url = server.file('/dl/changed.mp3', counting(50_000), { type: 'audio/mpeg' });
  fs.writeFileSync(`${dest}.part`, Buffer.alloc(20_000, 0xee)); // the old file's first bytes
  const result = await download(url, dest, { http: once, resume: { url, etag: '"the-old-version"' } });
  const last = server.requests('/dl/changed.mp3').at(-1);
  assert.equal(last?.ifRange, '"the-old-version"');
  assert.equal(last?.status, 200);
  assert.equal(result.resumedFrom, 0);
  assert.deepEqual(fs.readFileSync(dest), counting(50_000));
});

test('a .part from another URL, or with only a weak ETag, is started again without a Range', async (t) => {
  const dir = tempDir('download', t);
  const url = server.file('/dl/fresh.mp3', counting(40_000), { type: 'audio/mpeg' });
  const cases: PartMeta[] = [{ url: server.url('/dl/some-other.mp3'), etag: '"x"' }, { url, etag: 'W/"weak"' }, { url }];
  for (const [i, resume] of cases.entries()) {
    const dest = path.join(dir, `fresh-${i}.mp3`);
    fs.writeFileSync(`${dest}.part`, Buffer.alloc(10_000, 0xee));
    const result = await download(url, dest, { http: once, resume });
    assert.equal(server.requests('/dl/fresh.mp3').at(-1)?.range, undefined, JSON.stringify(resume));
    assert.equal(result.resumedFrom, 0);
    assert.deepEqual(fs.readFileSync(dest), counting(40_000), JSON.stringify(resume));
  }
});

test('a weak ETag falls back on Last-Modified as the If-Range validator', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'dated.mp3');
  const lastModified = 'Mon, 01 Sep 2014 18:00:00 GMT';
  const url = server.file('/dl/dated.mp3', counting(30_000), { type: 'audio/mpeg' });
  fs.writeFileSync(`${dest}.part`, counting(30_000).subarray(0, 12_000));
  await download(url, dest, { http: once, resume: { url, etag: 'W/"weak"', lastModified } });
  const last = server.requests('/dl/dated.mp3').at(-1);
  assert.equal(last?.range, 'bytes=12000-');
  assert.equal(last?.ifRange, lastModified);
  // FeedServer answers If-Range by its ETag only, so a date gets the whole file: still the right bytes.
  assert.deepEqual(fs.readFileSync(dest), counting(30_000));
});

test('a .part as long as the file or longer (416) is thrown away and the file downloaded again', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'long.mp3');
  const body = counting(20_000);
  const url = server.file('/dl/long.mp3', body, { type: 'audio/mpeg' });
  // The ETag of the server's file, as an earlier run heard it.
  let meta: PartMeta | undefined;
  await download(url, path.join(dir, 'probe.mp3'), { http: once, onMeta: (m) => (meta = m) });
  fs.writeFileSync(`${dest}.part`, Buffer.alloc(25_000, 1));
  const result = await download(url, dest, { http: twice, resume: meta });
  const statuses = server
    .requests('/dl/long.mp3')
    .slice(-2)
    .map((r) => r.status);
  assert.deepEqual(statuses, [416, 200]);
  assert.equal(result.resumedFrom, 0);
  assert.deepEqual(fs.readFileSync(dest), body);
});

test('a 206 whose Content-Range does not start where the .part ends is not spliced: the .part is dropped and the file fetched again', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'misranged.mp3');
  const body = counting(30_000);
  let calls = 0;
  server.routes.set('/dl/misranged.mp3', (req) =>
    calls++ === 0
      ? { status: 206, type: 'audio/mpeg', body: body.subarray(0, 1000), headers: { 'content-range': `bytes 0-999/${body.length}` } }
      : { type: 'audio/mpeg', body, ...(req.headers.range && { status: 500 }) },
  );
  const url = server.url('/dl/misranged.mp3');
  fs.writeFileSync(`${dest}.part`, body.subarray(0, 5000));
  const result = await download(url, dest, { http: twice, resume: { url, etag: '"v1"' } });
  assert.equal(server.requests('/dl/misranged.mp3').at(-1)?.range, undefined, 'the retry asks for the whole file');
  assert.equal(result.resumedFrom, 0);
  assert.deepEqual(fs.readFileSync(dest), body);
});

test('a full disk stops the download at once, not retried, keeping what was written in the .part, and its ENOSPC goes up to end the import', async (t) => {
  const dir = tempDir('download', t);
  // 64 KiB of room for a 1 MB file: the writes of its body fail part-way with ENOSPC.
  await withTmpfs(t, dir, '64k', async () => {
    const body = counting(1_000_000);
    const url = server.file('/dl/big.mp3', body, { type: 'audio/mpeg' });
    const dest = path.join(dir, 'big.mp3');
    await assert.rejects(download(url, dest, { http: twice, media: true }), (e: unknown) => {
      assert.ok(!(e instanceof HttpError), 'not taken for a network error');
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      return true;
    });
    assert.equal(server.requests('/dl/big.mp3').length, 1, 'not retried');
    assert.ok(!fs.existsSync(dest), 'no partial dest');
    const kept = fs.readFileSync(`${dest}.part`);
    assert.ok(kept.length > 0 && kept.length < body.length, `${kept.length} bytes kept`);
    assert.deepEqual(kept, body.subarray(0, kept.length), 'what was kept is the start of the file');
  });
});

/** A server that sends `chunk` every `everyMs` without end (no Content-Length), after a media file's first `head` bytes. */
async function endless(t: { after: (fn: () => void) => void }, everyMs: number, chunk: Buffer, head = 4096): Promise<string> {
  const { createServer } = await import('node:http');
  const endlessServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    res.write(mp3.subarray(0, head));
    const timer = setInterval(() => res.write(chunk), everyMs);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => endlessServer.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    endlessServer.closeAllConnections();
    endlessServer.close();
  });
  return `http://127.0.0.1:${(endlessServer.address() as { port: number }).port}/endless.mp3`;
}

test('a body without end is given up at maxBytes, final, and leaves no dest', { timeout: 10_000 }, async (t) => {
  const dir = tempDir('download', t);
  const url = await endless(t, 1, Buffer.alloc(64 * 1024));
  const dest = path.join(dir, 'endless.mp3');
  await assert.rejects(download(url, dest, { http: twice, media: true, maxBytes: 1024 * 1024 }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.retryable, false);
    assert.match(e.message, /more than 1048576 .*given up/);
    return true;
  });
  assert.ok(!fs.existsSync(dest));
  assert.ok(fs.statSync(`${dest}.part`).size <= 1024 * 1024, 'nothing past the limit is written');
});

test('a Content-Length past maxBytes is refused before the body is read', async (t) => {
  const dir = tempDir('download', t);
  server.fixture('/dl/large.mp3', 'good-cbr.mp3', 'audio/mpeg');
  await assert.rejects(download(server.url('/dl/large.mp3'), path.join(dir, 'l.mp3'), { http: twice, maxBytes: 1000 }), /more than 1000/);
  assert.equal(server.requests('/dl/large.mp3').length, 1, 'not retried');
});

test('a media body dripped slower than minBodyBytesPerSecond is given up after the grace, final', { timeout: 10_000 }, async (t) => {
  const dir = tempDir('download', t);
  const url = await endless(t, 20, Buffer.from('a'), 100);
  const http = { ...once, minBodyBytesPerSecond: 1000, slowBodyGraceMs: 300 };
  const started = Date.now();
  await assert.rejects(download(url, path.join(dir, 'drip.mp3'), { http, media: true }), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.retryable, false);
    assert.match(e.message, /slower than 1000 bytes a second: given up/);
    return true;
  });
  assert.ok(Date.now() - started < 3_000, 'gave up soon after the grace');
});

test('mediaByteLimit: four times what the feed declares, at least 512 MiB more, never past 16 GiB; 16 GiB when it declares nothing', () => {
  assert.equal(mediaByteLimit(0), 16 * 2 ** 30);
  assert.equal(mediaByteLimit(1000), 1000 + 512 * 2 ** 20);
  assert.equal(mediaByteLimit(2 ** 30), 4 * 2 ** 30);
  assert.equal(mediaByteLimit(10 * 2 ** 30), 16 * 2 ** 30);
});
