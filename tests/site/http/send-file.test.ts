import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Sent } from '../../../src/site/http/file-body.js';
import { PublishedFiles } from '../../../src/site/http/published-files.js';
import { RefusalLog, sendFile } from '../../../src/site/http/send-file.js';
import type { SiteEntry } from '../../../src/site/types.js';
import { tempDir } from '../../support/temp-dir.js';
import { listen, request } from './client.js';

type FileEntry = Extract<SiteEntry, { kind: 'file' }>;

/** A published file of `size` random bytes, and a server sending it at /media/ep1/a.mp3 and /download/ep1/a.mp3. */
async function serve(t: TestContext, size = 10_000, mtime?: Date) {
  const dir = tempDir('send-file', t);
  const file = path.join(dir, 'a.mp3');
  const bytes = randomBytes(size);
  fs.writeFileSync(file, bytes);
  if (mtime) fs.utimesSync(file, mtime, mtime);
  const stat = fs.statSync(file);
  const entry: FileEntry = { kind: 'file', contentType: 'audio/mpeg', path: file, size: stat.size, mtimeMs: stat.mtimeMs, root: dir };
  const files = new PublishedFiles();
  const log: string[] = [];
  const refusals = new RefusalLog((line) => log.push(line));
  const sent: Sent[] = [];
  const server = await listen((req, res) => {
    const key = req.url!;
    sent.push(
      sendFile(req, res, {
        key,
        entry,
        downloadName: key.startsWith('/download/') ? 'Épisode 1 "final".mp3' : undefined,
        files,
        refusals,
        sendError: (status, message) => {
          res.statusCode = status;
          res.end(message);
          return { bodyBytes: 0 };
        },
      }),
    );
  });
  t.after(server.close);
  return {
    file,
    bytes,
    log,
    sent,
    get: (key: string, headers: Record<string, string> = {}, method = 'GET') => request(server.port, key, { headers, method }),
  };
}

test('the whole file with its validators, type and cache lifetime by URL', async (t) => {
  const s = await serve(t);
  const r = await s.get('/media/ep1/a.mp3');
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(s.bytes));
  assert.equal(r.headers['content-length'], '10000');
  assert.equal(r.headers['content-type'], 'audio/mpeg');
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.match(String(r.headers.etag), /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert.equal(r.headers['last-modified'], new Date(fs.statSync(s.file).mtimeMs).toUTCString());
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');
  assert.equal(r.headers['content-disposition'], undefined);
  // Counted as the body goes out: all of it once the client has it.
  const counted = s.sent[0].bodyBytes;
  assert.equal(typeof counted === 'function' ? counted() : counted, 10_000);
  assert.deepEqual(s.sent[0].fileParts, [{ start: 0, end: 9999 }]);
});

test('/download/ names the file to save, its non-ASCII name kept in filename*', async (t) => {
  const s = await serve(t);
  const r = await s.get('/download/ep1/a.mp3');
  assert.match(
    String(r.headers['content-disposition']),
    /^attachment; filename="_pisode 1 _final_.mp3"; filename\*=UTF-8''%C3%89pisode%201%20%22final%22.mp3$/,
  );
});

test('one range: 206 with exactly those bytes and their Content-Range', async (t) => {
  const s = await serve(t);
  const r = await s.get('/media/ep1/a.mp3', { Range: 'bytes=100-199' });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], 'bytes 100-199/10000');
  assert.ok(r.body.equals(s.bytes.subarray(100, 200)));
  const tail = await s.get('/media/ep1/a.mp3', { Range: 'bytes=-10' });
  assert.ok(tail.body.equals(s.bytes.subarray(9990)));
});

test('several ranges: one multipart/byteranges body whose parts hold those bytes and whose length is announced right', async (t) => {
  const s = await serve(t);
  const r = await s.get('/media/ep1/a.mp3', { Range: 'bytes=0-9, 5000-5009' });
  assert.equal(r.status, 206);
  const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(String(r.headers['content-type']))![1];
  assert.equal(r.headers['content-length'], String(r.body.length));
  const parts = r.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  assert.equal(parts.length, 2);
  for (const [part, start] of [
    [parts[0], 0],
    [parts[1], 5000],
  ] as const) {
    assert.match(part, new RegExp(`Content-Type: audio/mpeg\\r\\nContent-Range: bytes ${start}-${start + 9}/10000\\r\\n\\r\\n`));
    const body = Buffer.from(part.split('\r\n\r\n')[1].replace(/\r\n$/, ''), 'latin1');
    assert.ok(body.equals(s.bytes.subarray(start, start + 10)));
  }
  assert.ok(r.body.toString('latin1').endsWith(`--${boundary}--\r\n`));
});

test('a range past the end: 416 naming the length; a stale If-Range: the whole file', async (t) => {
  const s = await serve(t);
  const r = await s.get('/media/ep1/a.mp3', { Range: 'bytes=20000-' });
  assert.equal(r.status, 416);
  assert.equal(r.headers['content-range'], 'bytes */10000');
  assert.equal(r.body.length, 0);
  const stale = await s.get('/media/ep1/a.mp3', { Range: 'bytes=0-9', 'If-Range': '"old-etag"' });
  assert.equal(stale.status, 200);
  assert.equal(stale.body.length, 10_000);
  const { headers } = await s.get('/media/ep1/a.mp3', {}, 'HEAD');
  assert.equal((await s.get('/media/ep1/a.mp3', { Range: 'bytes=0-9', 'If-Range': String(headers.etag) })).status, 206);
});

test('conditional requests: 304 for the current ETag, 412 for a failed If-Match; HEAD sends no body', async (t) => {
  const s = await serve(t);
  const head = await s.get('/media/ep1/a.mp3', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], '10000');
  assert.equal((await s.get('/media/ep1/a.mp3', { 'If-None-Match': String(head.headers.etag) })).status, 304);
  assert.equal((await s.get('/media/ep1/a.mp3', { 'If-Match': '"nope"' })).status, 412);
  // Range is defined for GET only (RFC 9110 §14.2): HEAD with a range answers as for the whole file.
  const headRange = await s.get('/media/ep1/a.mp3', { Range: 'bytes=0-9' }, 'HEAD');
  assert.equal(headRange.status, 200);
  assert.equal(headRange.headers['content-length'], '10000');
  assert.equal(headRange.body.length, 0);
});

test('an empty file is 200 with Content-Length 0', async (t) => {
  const s = await serve(t, 0);
  const r = await s.get('/media/ep1/a.mp3');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '0');
  assert.equal(r.body.length, 0);
});

test('a published file gone from disk is refused through sendError; a client retrying is logged once', async (t) => {
  const s = await serve(t);
  fs.rmSync(s.file);
  for (let i = 0; i < 3; i++) {
    const r = await s.get('/media/ep1/a.mp3');
    assert.equal(r.status, 404);
    assert.equal(r.body.toString(), 'This file is no longer there.');
  }
  assert.equal(s.log.length, 1);
  assert.match(s.log[0], /^refused \/media\/ep1\/a\.mp3: the file /);
});

test('RefusalLog: one line per file and reason, again when the reason changes or after the file was served', () => {
  const lines: string[] = [];
  const log = new RefusalLog((line) => lines.push(line));
  log.note('/a', '/media/a', 'is gone');
  log.note('/a', '/media/a', 'is gone');
  log.note('/b', '/media/b', 'is gone');
  log.note('/a', '/media/a', 'changed');
  log.clear('/a');
  log.note('/a', '/media/a', 'changed');
  assert.deepEqual(lines, [
    'refused /media/a: the file is gone',
    'refused /media/b: the file is gone',
    'refused /media/a: the file changed',
    'refused /media/a: the file changed',
  ]);
});

test('regression: a file stamped in the future is Last-Modified now, never after the Date header (RFC 9110 §8.8.2.1), and If-Modified-Since still works', async (t) => {
  const s = await serve(t, 1000, new Date('2030-01-01T00:00:00Z'));
  const r = await s.get('/media/ep1/a.mp3');
  assert.equal(r.status, 200);
  const lastModified = Date.parse(String(r.headers['last-modified']));
  assert.ok(lastModified <= Date.parse(String(r.headers.date)), `${r.headers['last-modified']} after ${r.headers.date}`);
  const again = await s.get('/media/ep1/a.mp3', { 'if-modified-since': String(r.headers.date) });
  assert.equal(again.status, 304);
});
