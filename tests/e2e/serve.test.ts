// `netcaster serve` on the sample show, as a user runs it: it serves, links use its own URL (or
// --base-url), bad usage exits 2, and SIGTERM stops it cleanly with exit 0.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { launcherPath, runCli, sampleShowDir } from '../support/env.js';
import { request } from '../site/http/client.js';
import { startServe } from './serve-process.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';

const haveShow = fs.existsSync(path.join(sampleShowDir, 'show.yaml'));

test('serve: pages, feeds and media of the sample show, then a clean stop on SIGTERM', {
  skip: !haveShow && 'no sample show',
}, async () => {
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
  for (const args of [
    ['--port', 'eighty'],
    ['--port', '70000'],
    ['--base-url', 'ftp://x'],
  ]) {
    const r = runCli(['serve', sampleShowDir, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /usage: netcaster serve/);
  }
  const r = runCli(['serve', path.join(sampleShowDir, 'no-such-folder')]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

const podcastGuid = (xml: string) => /<podcast:guid>([^<]+)<\/podcast:guid>/.exec(xml)?.[1];

test("regression: serve without --base-url put http://127.0.0.1:PORT in feeds (and another podcast:guid than build); now the show's baseUrl", {
  skip: !haveShow && 'no sample show',
  timeout: 120_000,
}, async () => {
  const dir = copyOfSample();
  const out = tempDir('serve-base-out');
  try {
    const built = runCli(['build', dir, '--out', path.join(out, 'site')]);
    assert.equal(built.code, 0, built.stderr);
    const builtFeed = fs.readFileSync(path.join(out, 'site', 'feeds', 'audio.xml'), 'utf8');
    const serve = await startServe(dir, [], { preview: false });
    try {
      const port = Number(new URL(serve.url).port);
      const feed = (await request(port, '/feeds/audio.xml')).body.toString();
      const enclosures = [...feed.matchAll(/<enclosure url="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(enclosures.length >= 2);
      for (const url of enclosures) assert.ok(url.startsWith('https://virtzine.example/media/'), url);
      assert.doesNotMatch(feed, /127\.0\.0\.1|localhost/, 'the loopback address is nowhere in the feed');
      assert.ok(podcastGuid(feed), 'the feed has a podcast:guid');
      assert.equal(podcastGuid(feed), podcastGuid(builtFeed), 'serve and build publish the same podcast:guid');
      assert.match(serve.output(), /Links and feeds use https:\/\/virtzine\.example\//);
      // The media are still served here, at the paths the feed names.
      const media = await request(port, new URL(enclosures[0]).pathname, { headers: { Range: 'bytes=0-1' } });
      assert.equal(media.status, 206);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('serve of a show without baseUrl and without --base-url links to the listening address, and says so', {
  skip: !haveShow && 'no sample show',
  timeout: 60_000,
}, async () => {
  const dir = copyOfSample();
  const showYaml = path.join(dir, 'show.yaml');
  fs.writeFileSync(showYaml, fs.readFileSync(showYaml, 'utf8').replace(/^baseUrl:.*\n/m, ''));
  const serve = await startServe(dir, [], { preview: false });
  try {
    const feed = (await request(Number(new URL(serve.url).port), '/feeds/audio.xml')).body.toString();
    assert.match(feed, new RegExp(`<enclosure url="${serve.url.replace(/\./g, '\\.')}/media/`));
    assert.match(
      serve.output(),
      /no baseUrl and no --base-url was given: feeds and pages link to the listening address http:\/\/127\.0\.0\.1:\d+\//,
    );
  } finally {
    assert.equal(await serve.stop(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('regression: a SIGTERM after the first answer, while an episode still settles, killed serve outright; it stops gracefully', {
  skip: !haveShow && 'no sample show',
  timeout: 60_000,
}, async (t) => {
  // Every file an hour old but one episode's notes, just written: the first scan serves the rest at
  // once, and start-up goes on for two seconds until that folder has settled. A signal then came
  // before serve took it, and the server that had answered died by it (no exit code, requests cut).
  const dir = copyOfSample(tempDir('serve-settling', t));
  const hourAgo = new Date(Date.now() - 3_600_000);
  const age = (p: string) => {
    if (fs.statSync(p).isDirectory()) for (const name of fs.readdirSync(p)) age(path.join(p, name));
    fs.utimesSync(p, hourAgo, hourAgo);
  };
  age(dir);
  const episode = fs.readdirSync(dir).find((name) => fs.existsSync(path.join(dir, name, 'notes.md')))!;
  fs.appendFileSync(path.join(dir, episode, 'notes.md'), '\nOne more line.\n');
  const { child, port, output, exited } = await spawnServe(dir, t);
  const deadline = Date.now() + 30_000;
  let status = 0;
  while (status !== 200 && Date.now() < deadline && child.exitCode === null) {
    status = await request(port, '/').then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(status, 200, output());
  assert.doesNotMatch(output(), /Serving/, 'start-up is still waiting for the settling episode');
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null], output());
  assert.match(output(), /SIGTERM: stopping/);
});

test('a SIGTERM before any site is live ends serve at once, as by default (nothing is in flight)', {
  skip: !haveShow && 'no sample show',
  timeout: 60_000,
}, async (t) => {
  // A copy made just now: every folder is still settling, so the first scan publishes nothing and
  // start-up waits two seconds for a second look.
  const { child, port, output, exited } = await spawnServe(copyOfSample(tempDir('serve-unsettled', t)), t);
  const deadline = Date.now() + 30_000;
  let status = 0;
  while (status !== 503 && child.exitCode === null && Date.now() < deadline)
    status = await request(port, '/').then(
      (r) => r.status,
      () => 0,
    );
  assert.equal(status, 503, output());
  const signalled = Date.now();
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [null, 'SIGTERM'], output());
  assert.ok(Date.now() - signalled < 1500, 'not after start-up');
  assert.doesNotMatch(output(), /stopping/);
});

/** `serve DIR` on a free port of 127.0.0.1, its output collected, its exit code and signal awaited. */
async function spawnServe(dir: string, t: TestContext) {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const cache = tempDir('serve-signal-cache', t);
  const child = spawn(launcherPath, ['serve', dir, '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, NETCASTER_CACHE_DIR: cache, NETCASTER_DATA_DIR: path.join(cache, 'data'), NETCASTER_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  return { child, port, output: () => out, exited };
}
