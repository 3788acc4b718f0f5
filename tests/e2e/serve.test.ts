// `netcaster serve` on the sample show, as a user runs it: it serves, links use its own URL (or
// --base-url), bad usage exits 2, and SIGTERM stops it cleanly with exit 0.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, sampleShowDir } from '../support/env.js';
import { request } from '../site/http/client.js';
import { startServe } from './serve-process.js';

const haveShow = fs.existsSync(path.join(sampleShowDir, 'show.yaml'));

test('serve: pages, feeds and media of the sample show, then a clean stop on SIGTERM', { skip: !haveShow && 'no sample show' }, async () => {
  const serve = await startServe(sampleShowDir);
  try {
    const port = Number(new URL(serve.url).port);
    const home = await request(port, '/');
    assert.equal(home.status, 200);
    assert.match(home.headers['content-type']!, /^text\/html/);
    const feed = (await request(port, '/feeds/audio.xml')).body.toString();
    const enclosure = /<enclosure url="([^"]+)"/.exec(feed)?.[1];
    assert.ok(enclosure?.startsWith(`${serve.url}/media/`), `enclosures point at this server: ${enclosure}`);
    const mediaPath = new URL(enclosure!).pathname;
    const [slug, file] = mediaPath.split('/').slice(2).map(decodeURIComponent);
    const media = await request(port, mediaPath, { headers: { Range: 'bytes=0-1' } });
    assert.equal(media.status, 206);
    assert.ok(media.body.equals(fs.readFileSync(path.join(sampleShowDir, slug, file)).subarray(0, 2)));
    const missing = await request(port, '/episodes/no-such-episode/');
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString(), /VirtZine|Not found/);
    assert.match(serve.output(), /GET \/feeds\/audio\.xml 200 \d+/);
  } finally {
    const started = Date.now();
    assert.equal(await serve.stop('SIGTERM'), 0);
    assert.ok(Date.now() - started < 5000, 'stops within the grace period');
  }
});

test('serve --base-url: feeds and pages link to the public URL', { skip: !haveShow && 'no sample show' }, async () => {
  const serve = await startServe(sampleShowDir, ['--base-url', 'https://cast.example/']);
  try {
    const feed = (await request(Number(new URL(serve.url).port), '/feeds/video.xml')).body.toString();
    assert.match(feed, /<enclosure url="https:\/\/cast\.example\/media\//);
  } finally {
    assert.equal(await serve.stop('SIGINT'), 0);
  }
});

test('serve: bad usage exits 2, a missing folder exits 1, without a stack trace', () => {
  for (const args of [['--port', 'eighty'], ['--port', '70000'], ['--base-url', 'ftp://x']]) {
    const r = runCli(['serve', sampleShowDir, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /usage: netcaster serve/);
  }
  const r = runCli(['serve', path.join(sampleShowDir, 'no-such-folder')]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
