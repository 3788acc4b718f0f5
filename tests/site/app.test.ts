// The server against real files on a real socket: every byte and header compared with the file.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createApp } from '../../src/site/app.js';
import { paths } from '../../src/contract/urls.js';
import type { SiteEntry, SiteRoutes } from '../../src/site/types.js';
import { ffmpeg, hasTool, needTool } from '../support/env.js';
import { listen, request } from './http/client.js';
import { tempDir } from '../support/temp-dir.js';

const SIZE = 3 * 1024 * 1024 + 12345; // a few MB, not a multiple of any buffer size
let tmp: string;
let showDir: string;
let secretFile: string;
let big: Buffer;
let bigPath: string;
let videoPath: string | undefined;
let site: SiteRoutes;
let port: number;
let close: () => Promise<void>;
const logLines: string[] = [];

const feedXml = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Test é</title>${'<item><title>Episode</title></item>'.repeat(200)}</channel></rss>\n`;
const pageHtml = `<!doctype html><html><body><h1>Episode</h1>${'<p>notes</p>'.repeat(300)}</body></html>`;
const bigUrl = paths.media('ep1', 'big.mp3');
const spacedName = 'Épisode ü 1.mp3';
const spacedUrl = paths.media('ep1', spacedName);

function fileEntry(file: string, contentType: string): SiteEntry {
  const stat = fs.statSync(file);
  return { kind: 'file', contentType, path: file, size: stat.size, mtimeMs: stat.mtimeMs };
}

before(async () => {
  tmp = tempDir('app');
  showDir = path.join(tmp, 'show');
  fs.mkdirSync(path.join(showDir, 'ep1'), { recursive: true });
  big = randomBytes(SIZE);
  bigPath = path.join(showDir, 'ep1', 'big.mp3');
  fs.writeFileSync(bigPath, big);
  fs.writeFileSync(path.join(showDir, 'ep1', spacedName), big.subarray(0, 4096));
  // Outside the show folder: nothing may ever serve it.
  secretFile = path.join(tmp, 'secret.txt');
  fs.writeFileSync(secretFile, 'TOP-SECRET');
  fs.symlinkSync(secretFile, path.join(showDir, 'ep1', 'link.mp3'));
  fs.writeFileSync(path.join(showDir, 'ep1', 'notes.md'), 'not in the map');
  if (hasTool('ffmpeg')) {
    videoPath = path.join(showDir, 'ep1', 'clip.webm');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=10',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-t',
      '2',
      '-c:v',
      'libvpx',
      '-b:v',
      '200k',
      '-c:a',
      'libopus',
      videoPath,
    ]);
  }
  site = new Map<string, SiteEntry>([
    ['/', { kind: 'content', contentType: 'text/html; charset=utf-8', body: pageHtml }],
    [paths.episode('ep1'), { kind: 'content', contentType: 'text/html; charset=utf-8', body: pageHtml }],
    [paths.feed('audio'), { kind: 'content', contentType: 'application/rss+xml; charset=utf-8', body: feedXml }],
    [
      paths.chapters('ep1'),
      { kind: 'content', contentType: 'application/json+chapters; charset=utf-8', body: '{"version":"1.2.0","chapters":[]}' },
    ],
    [bigUrl, fileEntry(bigPath, 'audio/mpeg')],
    [spacedUrl, fileEntry(path.join(showDir, 'ep1', spacedName), 'audio/mpeg')],
    [paths.artwork('abc123.jpg'), fileEntry(bigPath, 'image/jpeg')],
  ]);
  if (videoPath) site.set(paths.media('ep1', 'clip.webm'), fileEntry(videoPath, 'video/webm'));
  const app = createApp(() => site, { log: (line) => logLines.push(line) });
  ({ port, close } = await listen(app));
});

after(async () => {
  await close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => request(port, url, { method, headers });

test('a media file whole: exact bytes, length, type, strong validators, never compressed', async () => {
  const res = await get(bigUrl, { 'Accept-Encoding': 'gzip, br' });
  assert.equal(res.status, 200);
  assert.ok(res.body.equals(big));
  assert.equal(res.headers['content-length'], String(SIZE));
  assert.equal(res.headers['content-type'], 'audio/mpeg');
  assert.equal(res.headers['accept-ranges'], 'bytes');
  assert.equal(res.headers['content-encoding'], undefined);
  assert.match(res.headers.etag!, /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert.equal(res.headers['last-modified'], new Date(fs.statSync(bigPath).mtimeMs).toUTCString());
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
});

test('HEAD: the headers of GET and no body', async () => {
  const res = await get(bigUrl, {}, 'HEAD');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-length'], String(SIZE));
  assert.equal(res.headers['accept-ranges'], 'bytes');
  assert.equal(res.body.length, 0);
});

for (const [range, start, end] of [
  ['bytes=0-1', 0, 1], // Safari's probe
  ['bytes=1000-', 1000, SIZE - 1], // open-ended
  ['bytes=-500', SIZE - 500, SIZE - 1], // suffix
  ['bytes=1048576-2097151', 1048576, 2097151],
  ['bytes=100-99999999', 100, SIZE - 1], // last clamped to the end
  ['bytes=-99999999', 0, SIZE - 1], // suffix longer than the file
] as const) {
  test(`Range ${range} -> 206 with exactly those bytes`, async () => {
    const res = await get(bigUrl, { Range: range });
    assert.equal(res.status, 206);
    assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${SIZE}`);
    assert.equal(res.headers['content-length'], String(end - start + 1));
    assert.ok(res.body.equals(big.subarray(start, end + 1)));
  });
}

test('a range starting past the end -> 416 with Content-Range: bytes */SIZE', async () => {
  for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 10}-${SIZE + 20}`]) {
    const res = await get(bigUrl, { Range: range });
    assert.equal(res.status, 416, range);
    assert.equal(res.headers['content-range'], `bytes */${SIZE}`);
    assert.equal(res.body.length, 0);
  }
});

test('a malformed Range is ignored: 200 with the whole file', async () => {
  for (const range of ['bytes=abc', 'bytes=5-1', 'items=0-1', 'bytes=', 'bytes=--1']) {
    const res = await get(bigUrl, { Range: range });
    assert.equal(res.status, 200, range);
    assert.equal(res.headers['content-range'], undefined);
    assert.ok(res.body.equals(big), range);
  }
});

test('several ranges -> multipart/byteranges whose parts are the exact bytes', async () => {
  const res = await get(bigUrl, { Range: 'bytes=0-9,2000000-2000099,-5' });
  assert.equal(res.status, 206);
  const m = /^multipart\/byteranges; boundary=(\S+)$/.exec(res.headers['content-type']!);
  assert.ok(m, res.headers['content-type']);
  assert.equal(res.headers['content-length'], String(res.body.length));
  const parts = parseMultipart(res.body, m[1]);
  const expected = [
    [0, 9],
    [2000000, 2000099],
    [SIZE - 5, SIZE - 1],
  ];
  assert.equal(parts.length, 3);
  for (const [i, [s, e]] of expected.entries()) {
    assert.equal(parts[i].headers['content-range'], `bytes ${s}-${e}/${SIZE}`);
    assert.equal(parts[i].headers['content-type'], 'audio/mpeg');
    assert.ok(parts[i].body.equals(big.subarray(s, e + 1)), `part ${i}`);
  }
});

test('overlapping ranges are merged into one 206', async () => {
  const res = await get(bigUrl, { Range: 'bytes=10-29,0-15' });
  assert.equal(res.status, 206);
  assert.equal(res.headers['content-range'], `bytes 0-29/${SIZE}`);
  assert.ok(res.body.equals(big.subarray(0, 30)));
});

test('If-Range: a matching ETag or date keeps the range, anything else gets the whole file', async () => {
  const { headers } = await get(bigUrl, {}, 'HEAD');
  const etag = headers.etag!;
  const lastModified = headers['last-modified']!;
  const withRange = (ifRange: string) => get(bigUrl, { Range: 'bytes=5-9', 'If-Range': ifRange });
  for (const holds of [etag, lastModified]) {
    const res = await withRange(holds);
    assert.equal(res.status, 206, holds);
    assert.ok(res.body.equals(big.subarray(5, 10)));
  }
  for (const stale of ['"0-0"', `W/${etag}`, new Date(Date.parse(lastModified) - 60_000).toUTCString()]) {
    const res = await withRange(stale);
    assert.equal(res.status, 200, stale);
    assert.ok(res.body.equals(big), stale);
  }
});

test('304 for If-None-Match and If-Modified-Since on files', async () => {
  const { headers } = await get(bigUrl, {}, 'HEAD');
  let res = await get(bigUrl, { 'If-None-Match': headers.etag! });
  assert.equal(res.status, 304);
  assert.equal(res.body.length, 0);
  assert.equal(res.headers.etag, headers.etag);
  res = await get(bigUrl, { 'If-Modified-Since': headers['last-modified']! });
  assert.equal(res.status, 304);
  res = await get(bigUrl, { 'If-None-Match': '"nope"', 'If-Modified-Since': headers['last-modified']! });
  assert.equal(res.status, 200, 'If-None-Match decides when both are sent');
  res = await get(bigUrl, { 'If-Modified-Since': new Date(Date.parse(headers['last-modified']!) - 1000).toUTCString() });
  assert.equal(res.status, 200);
});

test('regression: If-Match and If-Unmodified-Since that fail got 200; now 412 with no body, on files and generated content', async () => {
  for (const url of [bigUrl, paths.feed('audio')]) {
    const { headers } = await get(url, {}, 'HEAD');
    const old = new Date(Date.parse(headers['last-modified']!) - 60_000).toUTCString();
    for (const [name, value] of [
      ['If-Match', '"not-this-one"'],
      ['If-Match', `W/${headers.etag}`],
      ['If-Unmodified-Since', old],
    ]) {
      const res = await get(url, { [name]: value, Range: 'bytes=0-9' });
      assert.equal(res.status, 412, `${url} ${name}: ${value}`);
      assert.equal(res.body.length, 0);
    }
    assert.equal((await get(url, { 'If-Match': headers.etag! })).status, 200, url);
    assert.equal((await get(url, { 'If-Unmodified-Since': headers['last-modified']! })).status, 200, url);
  }
});

test('regression: a malformed If-Modified-Since got 304; now it is ignored', async () => {
  for (const url of [bigUrl, paths.feed('audio')]) {
    for (const junk of ['2099', 'tomorrow 2099', 'Foo, 31 Dec 2099']) {
      const res = await get(url, { 'If-Modified-Since': junk });
      assert.equal(res.status, 200, `${url} ${junk}`);
    }
  }
});

test('a real video file (ffmpeg WebM): type and a middle range', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const bytes = fs.readFileSync(videoPath!);
  const url = paths.media('ep1', 'clip.webm');
  const whole = await get(url);
  assert.equal(whole.headers['content-type'], 'video/webm');
  assert.ok(whole.body.equals(bytes));
  const mid = Math.floor(bytes.length / 2);
  const res = await get(url, { Range: `bytes=${mid}-${mid + 999}` });
  assert.equal(res.status, 206);
  assert.ok(res.body.equals(bytes.subarray(mid, mid + 1000)));
});

test('content: gzip and br bodies decode to the original, Vary, charset, a strong ETag per coding', async () => {
  const url = paths.feed('audio');
  const plain = await get(url);
  assert.equal(plain.status, 200);
  assert.equal(plain.body.toString('utf8'), feedXml);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers['content-type'], 'application/rss+xml; charset=utf-8');
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  assert.ok(plain.headers['last-modified']);
  const gz = await get(url, { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers['content-length'], String(gz.body.length));
  assert.ok(gz.body.length < plain.body.length);
  assert.equal(zlib.gunzipSync(gz.body).toString('utf8'), feedXml);
  const br = await get(url, { 'Accept-Encoding': 'gzip;q=0.5, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.body).toString('utf8'), feedXml);
  const etags = new Set([plain.headers.etag, gz.headers.etag, br.headers.etag]);
  assert.equal(etags.size, 3, 'each coding is its own representation');
  for (const e of etags) assert.doesNotMatch(e!, /^W\//);
  // A refused coding is not used.
  const noBr = await get(url, { 'Accept-Encoding': 'br;q=0, gzip' });
  assert.equal(noBr.headers['content-encoding'], 'gzip');
  // The same compressed bytes again: computed once, served from the cache.
  const again = await get(url, { 'Accept-Encoding': 'br' });
  assert.ok(again.body.equals(br.body));
});

test('content: 304 on a matching If-None-Match (per coding) and If-Modified-Since; HEAD has no body', async () => {
  const url = paths.feed('audio');
  const gz = await get(url, { 'Accept-Encoding': 'gzip' });
  let res = await get(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag! });
  assert.equal(res.status, 304);
  assert.equal(res.body.length, 0);
  res = await get(url, { 'If-None-Match': gz.headers.etag! });
  assert.equal(res.status, 200, 'the gzip ETag does not validate the identity body');
  res = await get(url, { 'If-Modified-Since': gz.headers['last-modified']! });
  assert.equal(res.status, 304);
  res = await get(url, { 'Accept-Encoding': 'gzip' }, 'HEAD');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-length'], gz.headers['content-length']);
  assert.equal(res.body.length, 0);
});

test('regression: big pages compressed at Brotli 11 pinned the thread pool for seconds each; now a quick pass, media keeps flowing, a better pass later', {
  timeout: 60_000,
}, async () => {
  // Four big feeds at once (four threads in libuv's pool, which media reads share).
  const words = 'hypervisor container cloud storage network kernel virtual machine outage region latency'.split(' ');
  const urls = [0, 1, 2, 3].map((n) => `/feeds/big-${n}.xml`);
  const bodies = urls.map((_, n) => {
    const items = Array.from(
      { length: 3000 },
      (_, i) =>
        `<item><title>${n} ${i}</title><description>${Array.from({ length: 250 }, (_, j) => words[(i * 3 + j * j + n) % words.length]).join(' ')}</description></item>`,
    );
    return `<rss><channel>${items.join('\n')}</channel></rss>`;
  });
  urls.forEach((url, n) => site.set(url, { kind: 'content', contentType: 'application/rss+xml; charset=utf-8', body: bodies[n] }));
  try {
    assert.ok(bodies[0].length > 5_000_000, `${bodies[0].length} bytes`);
    const started = performance.now();
    const pages = urls.map((url) => get(url, { 'Accept-Encoding': 'br' }));
    const media = await get(bigUrl, { Range: 'bytes=0-99' });
    const mediaMs = performance.now() - started;
    assert.equal(media.status, 206);
    const responses = await Promise.all(pages);
    const pagesMs = performance.now() - started;
    assert.ok(mediaMs < 3000, `a media range waited ${mediaMs.toFixed(0)} ms behind the compression`);
    assert.ok(pagesMs < 10_000, `four big pages took ${pagesMs.toFixed(0)} ms`);
    for (const [n, res] of responses.entries()) {
      assert.equal(res.headers['content-encoding'], 'br');
      assert.match(res.headers.etag!, /-br1"$/);
      assert.equal(zlib.brotliDecompressSync(res.body).toString(), bodies[n]);
    }
    // Later, the better pass: other bytes, so another ETag; the old one no longer validates.
    const first = responses[0];
    let later = first;
    const until = Date.now() + 30_000;
    while (later.headers.etag === first.headers.etag && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      later = await get(urls[0], { 'Accept-Encoding': 'br' });
    }
    assert.match(later.headers.etag!, /-br5"$/);
    assert.ok(later.body.length < first.body.length);
    assert.equal(zlib.brotliDecompressSync(later.body).toString(), bodies[0]);
    assert.equal((await get(urls[0], { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag! })).status, 200);
    assert.equal((await get(urls[0], { 'Accept-Encoding': 'br', 'If-None-Match': later.headers.etag! })).status, 304);
  } finally {
    for (const url of urls) site.delete(url);
  }
});

test('content too small to gain is sent uncompressed', async () => {
  const res = await get(paths.chapters('ep1'), { 'Accept-Encoding': 'gzip, br' });
  assert.equal(res.headers['content-encoding'], undefined);
  assert.equal(res.body.toString(), '{"version":"1.2.0","chapters":[]}');
});

test('CORS on feeds, media and chapters, with a preflight that allows Range', async () => {
  for (const url of [paths.feed('audio'), bigUrl, paths.chapters('ep1')]) {
    const res = await get(url, { Origin: 'https://player.example' }, 'HEAD');
    assert.equal(res.headers['access-control-allow-origin'], '*', url);
    assert.equal(res.headers['access-control-expose-headers'], 'Content-Range, Content-Length, Accept-Ranges, ETag');
  }
  const pre = await get(
    bigUrl,
    { Origin: 'https://player.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
    'OPTIONS',
  );
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], '*');
  assert.equal(pre.headers['access-control-allow-headers'], 'Range');
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, HEAD');
  const unknown = await get('/media/ep1/nothing.mp3', { Origin: 'https://player.example' }, 'OPTIONS');
  assert.equal(unknown.status, 404);
});

test('pages carry security headers and no CORS', async () => {
  const res = await get(paths.episode('ep1'));
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.ok(res.headers['referrer-policy']);
  const csp = res.headers['content-security-policy']!;
  for (const directive of ["script-src 'self'", "style-src 'self'", "media-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(directive), directive);
  }
  assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('downloads: same bytes and ranges, Content-Disposition attachment with ASCII and RFC 8187 names', async () => {
  const whole = await get(paths.download('ep1', 'big.mp3'));
  assert.equal(whole.status, 200);
  assert.ok(whole.body.equals(big));
  assert.equal(whole.headers['content-disposition'], 'attachment; filename="big.mp3"');
  const part = await get(paths.download('ep1', 'big.mp3'), { Range: 'bytes=-100' });
  assert.equal(part.status, 206);
  assert.ok(part.body.equals(big.subarray(SIZE - 100)));
  const accented = await get(paths.download('ep1', spacedName));
  assert.equal(accented.status, 200);
  assert.ok(accented.body.equals(big.subarray(0, 4096)));
  const cd = accented.headers['content-disposition']!;
  assert.match(cd, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
  assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), spacedName);
  // Only media has a download twin.
  assert.equal((await get('/download/../artwork/abc123.jpg')).status, 404);
  assert.equal((await get('/download/ep1/nothing.mp3')).status, 404);
  assert.equal((await get('/download/ep1')).status, 404);
});

test('a name percent-encoded differently by the client still finds its entry', async () => {
  // paths.media encodes with encodeURIComponent; a client may leave '(' alone or escape more.
  const res = await get('/media/ep1/%C3%89pisode%20%C3%BC%201%2Emp3', { Range: 'bytes=0-3' });
  assert.equal(res.status, 206);
  assert.ok(res.body.equals(big.subarray(0, 4)));
});

test('traversal attempts never reach the disk: only keys of the map are served', async () => {
  const attempts = [
    '/media/ep1/..%2f..%2fsecret.txt',
    '/media/%2e%2e/%2e%2e/secret.txt',
    '/media/ep1/%2e%2e/%2e%2e/secret.txt',
    '/media/ep1/..%5c..%5csecret.txt',
    '/media/ep1/..\\..\\secret.txt',
    '/media/ep1/%252e%252e/%252e%252e/secret.txt',
    '/download/ep1/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/../secret.txt',
    '/media/ep1/../../secret.txt',
    `/${secretFile}`,
    `/media/ep1/${encodeURIComponent(secretFile)}`,
    `//${secretFile.slice(1)}`,
    '/media/ep1/link.mp3', // a symlink in the episode folder pointing outside
    '/download/ep1/link.mp3',
    '/media/ep1/notes.md', // a real file in the folder, but not in the map
    '/media/ep1/%', // a malformed escape
    '/media/ep1/big.mp3%00',
  ];
  for (const url of attempts) {
    const res = await get(url);
    assert.equal(res.status, 404, url);
    assert.match(res.headers['content-type']!, /^text\/html; charset=utf-8/, url);
    assert.ok(!res.body.includes('TOP-SECRET'), url);
  }
});

test('an unknown URL is a 404 HTML page, for HEAD too', async () => {
  const res = await get('/no/such/page');
  assert.equal(res.status, 404);
  assert.match(res.headers['content-type']!, /^text\/html/);
  assert.match(res.body.toString(), /<html/i);
  assert.equal(res.headers['content-length'], String(res.body.length));
  const head = await get('/no/such/page', {}, 'HEAD');
  assert.equal(head.status, 404);
  assert.equal(head.body.length, 0);
});

test('trailing-slash redirect for pages, keeping the query; never to another host', async () => {
  let res = await get('/episodes/ep1');
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, './ep1/');
  res = await get('/episodes/ep1?t=30');
  assert.equal(res.headers.location, './ep1/?t=30');
  assert.equal((await get('/episodes/ep2')).status, 404);
  res = await get('//evil.example/episodes/ep1');
  assert.equal(res.status, 404);
});

test('methods other than GET, HEAD and OPTIONS get 405 with Allow', async () => {
  const res = await get(paths.feed('audio'), {}, 'POST');
  assert.equal(res.status, 405);
  assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
});

test('artwork is cached for good (content-named), media for an hour, pages revalidate', async () => {
  assert.match((await get(paths.artwork('abc123.jpg'), {}, 'HEAD')).headers['cache-control']!, /immutable/);
  assert.equal((await get(bigUrl, {}, 'HEAD')).headers['cache-control'], 'public, max-age=3600');
  assert.equal((await get('/', {}, 'HEAD')).headers['cache-control'], 'no-cache');
});

test('the site can be swapped while running: the next request sees the new map', async () => {
  const before = site;
  try {
    site = new Map(site);
    site.set('/', { kind: 'content', contentType: 'text/html; charset=utf-8', body: '<p>new</p>' });
    site.delete(bigUrl);
    assert.equal((await get('/')).body.toString(), '<p>new</p>');
    assert.equal((await get(bigUrl)).status, 404);
  } finally {
    site = before;
  }
});

test('a file deleted after the map was built is a 404, not a crash', async () => {
  const gone = path.join(showDir, 'ep1', 'gone.mp3');
  fs.writeFileSync(gone, 'x');
  site.set('/media/ep1/gone.mp3', fileEntry(gone, 'audio/mpeg'));
  fs.rmSync(gone);
  assert.equal((await get('/media/ep1/gone.mp3')).status, 404);
  site.delete('/media/ep1/gone.mp3');
});

test('a FIFO put where a media file was is a 404, and does not hang the server', async () => {
  const fifo = path.join(showDir, 'ep1', 'fifo.mp3');
  fs.writeFileSync(fifo, 'x');
  site.set('/media/ep1/fifo.mp3', fileEntry(fifo, 'audio/mpeg'));
  fs.rmSync(fifo);
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  try {
    assert.equal((await get('/media/ep1/fifo.mp3')).status, 404);
    assert.equal((await get(bigUrl, { Range: 'bytes=0-1' })).status, 206);
  } finally {
    site.delete('/media/ep1/fifo.mp3');
    fs.rmSync(fifo);
  }
});

test('a client that goes away mid-file: the stream stops, the log says aborted, the server carries on', async () => {
  logLines.length = 0;
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: bigUrl, agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
  await waitFor(() => logLines.some((l) => l.includes('aborted')));
  const line = logLines.find((l) => l.startsWith(`GET ${bigUrl} 200`))!;
  const bytes = Number(line.split(' ')[3]);
  assert.ok(bytes < SIZE, `read ${bytes} of ${SIZE} before stopping`);
  assert.equal((await get(bigUrl, { Range: 'bytes=0-1' })).status, 206);
});

test('every media response closes its file: 200, 206, multipart, HEAD, 304, 416, OPTIONS', async () => {
  const etag = (await get(bigUrl, {}, 'HEAD')).headers.etag!;
  const all = () =>
    Promise.all([
      get(bigUrl),
      get(bigUrl, { Range: 'bytes=5-9' }),
      get(bigUrl, { Range: 'bytes=0-1,100-200' }),
      get(bigUrl, {}, 'HEAD'),
      get(bigUrl, { 'If-None-Match': etag }),
      get(bigUrl, { Range: `bytes=${SIZE}-` }),
      get(bigUrl, {}, 'OPTIONS'),
    ]);
  await all();
  const before = await settledDescriptors();
  for (let i = 0; i < 5; i++) await all();
  assert.equal(await settledDescriptors(), before);
});

test('regression: a server still reading its show answered 404; now 503 with Retry-After, until the site is there', async () => {
  let current: SiteRoutes | undefined;
  const starting = await listen(createApp(() => current));
  try {
    for (const url of ['/', bigUrl, paths.feed('audio')]) {
      const res = await request(starting.port, url);
      assert.equal(res.status, 503, url);
      assert.equal(res.headers['retry-after'], '2');
      assert.match(res.headers['content-type']!, /^text\/html/);
    }
    current = site;
    assert.equal((await request(starting.port, bigUrl, { headers: { Range: 'bytes=0-1' } })).status, 206);
  } finally {
    await starting.close();
  }
});

test('one access-log line per request: method, path, status, bytes, ms', async () => {
  logLines.length = 0;
  await get(bigUrl, { Range: 'bytes=0-99' });
  await get('/nothing');
  await waitFor(() => logLines.length >= 2);
  assert.match(logLines[0], new RegExp(`^GET ${bigUrl} 206 100 \\d+(\\.\\d+)?ms$`));
  assert.match(logLines[1], /^GET \/nothing 404 \d+ \d+(\.\d+)?ms$/);
});

/** Open descriptors of this process once sockets of earlier requests have finished closing. */
async function settledDescriptors(): Promise<number> {
  const count = () => fs.readdirSync('/proc/self/fd').length;
  let last = count();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    if (count() === last) return last;
    last = count();
  }
}

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Splits a multipart/byteranges body (RFC 9110 §14.6) into its parts. */
function parseMultipart(body: Buffer, boundary: string): { headers: Record<string, string>; body: Buffer }[] {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  assert.equal(at, 0, 'body starts with the first delimiter');
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const headers: Record<string, string> = {};
    for (const line of body
      .subarray(afterDelimiter + 2, headEnd)
      .toString()
      .split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(delimiter, headEnd + 4);
    parts.push({ headers, body: body.subarray(headEnd + 4, next) });
    at = next;
  }
  return parts;
}

test('regression: a request with two Host lines is answered 400 (RFC 9112 §3.2), not served', async () => {
  const net = await import('node:net');
  const answer = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(head));
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
  const twice = await answer(`GET ${bigUrl} HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n`);
  assert.match(twice, /^HTTP\/1\.1 400 /);
  const once = await answer(`HEAD ${bigUrl} HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n`);
  assert.match(once, /^HTTP\/1\.1 200 /);
});
