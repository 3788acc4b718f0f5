// A server that ignores If-Range (RFC 9110 section 13.1.5) answers a resumed download with 206
// from a file that changed meanwhile: its ETag says so. The two parts were spliced into one file
// (half of the old episode, half of the new) that probes as media and was imported silently.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { download } from '../../src/import/download.js';
import { defaultHttpOptions, type HttpOptions } from '../../src/import/http.js';
import { tempDir } from '../support/temp-dir.js';
import { FeedServer } from './feed-server.js';

let server: FeedServer;
before(async () => {
  server = await new FeedServer().start();
});
after(() => server.stop());

const twice: HttpOptions = { ...defaultHttpOptions, headersTimeoutMs: 2_000, idleTimeoutMs: 2_000, retries: 1, backoffMs: 1 };

test('a 206 whose validator is not the one asked with If-Range is not spliced: the file comes whole', async (t) => {
  const dir = tempDir('download', t);
  const dest = path.join(dir, 'changed.mp3');
  const now = Buffer.alloc(50_000, 0x22);
  server.routes.set('/dl/ignores-if-range.mp3', (req) => {
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? Number.NaN);
    if (Number.isNaN(from)) return { type: 'audio/mpeg', body: now }; // a plain GET: 200, ETag of the body
    return {
      status: 206,
      type: 'audio/mpeg',
      body: now.subarray(from),
      headers: { etag: '"the-new-version"', 'content-range': `bytes ${from}-${now.length - 1}/${now.length}` },
    };
  });
  const url = server.url('/dl/ignores-if-range.mp3');
  fs.writeFileSync(`${dest}.part`, Buffer.alloc(20_000, 0x11)); // the old file's first bytes
  const result = await download(url, dest, { http: twice, resume: { url, etag: '"the-old-version"' } });
  const requests = server.requests('/dl/ignores-if-range.mp3');
  assert.equal(requests[0].ifRange, '"the-old-version"');
  assert.equal(requests.at(-1)?.range, undefined, 'asked again without a Range');
  assert.equal(result.resumedFrom, 0);
  assert.deepEqual(fs.readFileSync(dest), now);
});

test('a 206 with the validator asked for, or with none, is still resumed', async (t) => {
  const dir = tempDir('download', t);
  const body = Buffer.alloc(30_000, 0x33);
  for (const etag of ['"same"', undefined]) {
    const p = `/dl/resume-${etag ? 'same' : 'none'}.mp3`;
    server.routes.set(p, (req) => {
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1]);
      return {
        status: 206,
        type: 'audio/mpeg',
        body: body.subarray(from),
        headers: { ...(etag && { etag }), 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` },
      };
    });
    const dest = path.join(dir, `${etag ? 'same' : 'none'}.mp3`);
    fs.writeFileSync(`${dest}.part`, body.subarray(0, 10_000));
    const url = server.url(p);
    const result = await download(url, dest, { http: twice, resume: { url, etag: '"same"' } });
    assert.equal(result.resumedFrom, 10_000);
    assert.deepEqual(fs.readFileSync(dest), body);
  }
});
