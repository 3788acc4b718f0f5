// Live publishing end to end: the real `netcaster serve` on a copy of the sample show, edited
// while it runs. Feeds are fetched over HTTP and checked with xmllint at every step.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ffmpeg, fixturesDir, needTool } from '../support/env.js';
import { startServe } from './serve-process.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';

// Scan every second so the test runs in seconds, not tens of seconds (the default is 10 s).
process.env.NETCASTER_SCAN_SECONDS = '1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function editYaml(file: string, edit: (text: string) => string): void {
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
}

/** Fetches a feed and insists it is well-formed XML, whatever state the show folder is in. */
async function wellFormedFeed(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  const xml = await res.text();
  const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  assert.equal(lint.status, 0, `${url} is not well-formed: ${lint.stderr}`);
  return xml;
}

async function waitFor(what: string, seconds: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    if (await probe()) return Date.now();
    await sleep(500);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

const guidOf = (dir: string, slug: string) => /^guid:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, slug, 'episode.yaml'), 'utf8'))![1];

test('an episode moved to a few seconds ahead appears in the audio feed at its time, without a restart', { timeout: 90_000 }, async (t) => {
  if (!needTool(t, 'xmllint')) return;
  const dir = copyOfSample();
  const slug = '047-clouds-have-outages-too';
  const guid = guidOf(dir, slug);
  const manifest = path.join(dir, slug, 'episode.yaml');
  // Scheduled far ahead while serve starts (its start-up takes seconds on a busy machine); moved
  // to a due time a few seconds ahead once it serves.
  editYaml(manifest, (y) => y.replace(/^date:.*$/m, 'date: 2099-01-01T00:00:00Z'));
  // It was published before (the sample's lock says so); moving it to the future is a choice the
  // podcaster may make, so take it out of the lock for this test.
  fs.rmSync(path.join(dir, 'netcaster.lock'));

  const serve = await startServe(dir);
  try {
    const feed = `${serve.url}/feeds/audio.xml`;
    assert.doesNotMatch(await wellFormedFeed(feed), new RegExp(guid), 'scheduled: not in the feed yet');
    assert.equal((await fetch(`${serve.url}/episodes/${slug}/`)).status, 404, 'scheduled: no page yet');
    const mp3 = fs.readdirSync(path.join(dir, slug)).find((f) => f.endsWith('.mp3'))!;
    assert.equal((await fetch(`${serve.url}/media/${slug}/${mp3}`)).status, 404, 'scheduled: no media yet');

    // Due at a whole second (the manifest schema takes seconds) 6 s ahead: the edit is taken
    // within two scans (1 s apart here), and the loop releases it at the due time (its release
    // timer, tested without scans in tests/live/watch.test.ts), not at node-cron's next minute.
    const due = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000);
    editYaml(manifest, (y) => y.replace(/^date:.*$/m, `date: ${due.toISOString()}`));
    const appeared = await waitFor('the scheduled episode in the audio feed', 60, async () => (await wellFormedFeed(feed)).includes(guid));
    assert.ok(appeared >= due.getTime(), `appeared ${(due.getTime() - appeared) / 1000} s early`);
    // This test's polling (0.5 s) and a busy machine: well under the minute job's pace.
    assert.ok(appeared - due.getTime() < 15_000, `appeared ${(appeared - due.getTime()) / 1000} s late`);
    assert.equal((await fetch(`${serve.url}/episodes/${slug}/`)).status, 200);
    assert.equal((await fetch(`${serve.url}/media/${slug}/${mp3}`)).status, 200);
  } finally {
    await serve.stop();
  }
});

test('a broken manifest keeps the last good version; a slowly copied episode appears only once complete', {
  timeout: 150_000,
}, async (t) => {
  if (!needTool(t, 'xmllint') || !needTool(t, 'ffmpeg')) return;
  const dir = copyOfSample();
  // The 2.4 MB MP3 of step 3, made before serve starts: ffmpeg runs synchronously, and a test
  // blocked for seconds reuses a keep-alive connection the server has meanwhile closed ("other side closed").
  const source = path.join(tempDir('src'), 'long.mp3');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=300', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', source]);
  const serve = await startServe(dir);
  const feed = `${serve.url}/feeds/audio.xml`;
  try {
    // 1. Break episode 46's manifest: its last good version stays in the feed and on its page.
    const mega = path.join(dir, '046-the-mega-edition', 'episode.yaml');
    const good = fs.readFileSync(mega, 'utf8');
    fs.writeFileSync(mega, `${good}\nsummary: [unclosed\n`);
    await sleep(3500); // three scans
    assert.match(await wellFormedFeed(feed), /The Mega Edition!/);
    assert.equal((await fetch(`${serve.url}/episodes/046-the-mega-edition/`)).status, 200);

    // 2. Fix it with a new title: the new version goes live.
    fs.writeFileSync(mega, good.replace(/^title:.*$/m, 'title: The Mega Edition, Revised'));
    await waitFor('the fixed title', 30, async () => (await wellFormedFeed(feed)).includes('The Mega Edition, Revised'));

    // 3. A new episode whose 2.4 MB MP3 arrives slowly (as over a network share).
    const bytes = fs.readFileSync(source);
    const slug = '048-the-slow-upload';
    const guid = '7a4c9e2e-51c1-4f57-9b2a-5d8f0c1e7a48';
    fs.mkdirSync(path.join(dir, slug));
    fs.writeFileSync(
      path.join(dir, slug, 'episode.yaml'),
      `title: The Slow Upload\ndate: 2014-09-22T18:00:00-04:00\nnumber: 48\nsummary: Arrives a chunk at a time.\nguid: ${guid}\nmedia:\n  mp3: virtzine-048.mp3\n`,
    );
    const target = path.join(dir, slug, 'virtzine-048.mp3');
    const chunks = 12;
    for (let i = 0; i < chunks; i++) {
      fs.appendFileSync(target, bytes.subarray(Math.floor((i * bytes.length) / chunks), Math.floor(((i + 1) * bytes.length) / chunks)));
      const xml = await wellFormedFeed(feed);
      assert.doesNotMatch(xml, new RegExp(guid), `published while only ${i + 1}/${chunks} of the file was there`);
      assert.match(xml, /The Mega Edition, Revised/, 'other episodes go on');
      await sleep(600);
    }
    await waitFor('the complete new episode', 30, async () => (await wellFormedFeed(feed)).includes(guid));
    const xml = await wellFormedFeed(feed);
    const item = xml.split('<item>').find((i) => i.includes(guid))!;
    const enclosure = /<enclosure [^>]*>/.exec(item)![0];
    assert.match(enclosure, new RegExp(`length="${bytes.length}"`), `the enclosure has the whole file: ${enclosure}`);
    const res = await fetch(`${serve.url}/media/${slug}/virtzine-048.mp3`);
    assert.equal(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes), 0, 'the served bytes are the whole file');
  } finally {
    await serve.stop();
  }
});

test('serve announces a WebSub hub in its feeds and pings it when a feed changes', { timeout: 60_000 }, async (t) => {
  if (!needTool(t, 'xmllint')) return;
  // A small hub of our own on 127.0.0.1 that records every publish ping.
  const pings: string[] = [];
  const http = await import('node:http');
  const hub = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      pings.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  t.after(() => hub.close());
  const hubUrl = `http://127.0.0.1:${(hub.address() as { port: number }).port}/hub`;

  const dir = copyOfSample();
  fs.appendFileSync(path.join(dir, 'show.yaml'), `hub: ${hubUrl}\n`);
  const serve = await startServe(dir);
  try {
    const feed = `${serve.url}/feeds/audio.xml`;
    assert.match(await wellFormedFeed(feed), new RegExp(`<atom:link href="${hubUrl}" rel="hub"/>`));
    const mega = path.join(dir, '046-the-mega-edition', 'episode.yaml');
    editYaml(mega, (y) => y.replace(/^title:.*$/m, 'title: The Mega Edition, Pinged'));
    await waitFor('a publish ping for the audio feed', 30, async () => pings.some((p) => new URLSearchParams(p).get('hub.url') === feed));
    const ping = new URLSearchParams(pings.find((p) => new URLSearchParams(p).get('hub.url') === feed)!);
    assert.equal(ping.get('hub.mode'), 'publish');
    assert.match(await wellFormedFeed(feed), /The Mega Edition, Pinged/);
  } finally {
    await serve.stop();
  }
});

test('regression: files swapped while serving (a symlink to /etc/passwd, a truncated copy, a truncation in place) were served; now the last good bytes or nothing', {
  timeout: 120_000,
}, async () => {
  const dir = copyOfSample();
  const serve = await startServe(dir);
  try {
    const feed = await (await fetch(`${serve.url}/feeds/video.xml`)).text();
    const artworkUrl = /<itunes:image href="([^"]+)"/.exec(feed)![1];
    const mega = path.join(dir, '046-the-mega-edition');
    const clouds = path.join(dir, '047-clouds-have-outages-too');
    const originals = new Map<string, Buffer>();
    for (const file of [
      path.join(mega, 'virtzine-046.mp3'),
      path.join(mega, 'virtzine-046.m4v'),
      path.join(clouds, 'virtzine-047.webm'),
      path.join(dir, 'artwork.jpg'),
    ]) {
      originals.set(file, fs.readFileSync(file));
    }
    const secret = fs.readFileSync('/etc/passwd');
    const renameOver = (file: string, make: (temp: string) => void) => {
      make(`${file}.swap`);
      fs.renameSync(`${file}.swap`, file);
    };
    const fetchBytes = async (url: string) => {
      const res = await fetch(url);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), length: res.headers.get('content-length') };
    };
    const neverLeaks = (body: Buffer, what: string) =>
      assert.ok(!body.includes(secret.subarray(0, 40)) && !body.includes('root:x:0:0'), `${what} sent /etc/passwd`);

    // 1. An episode's MP3 becomes a link to /etc/passwd; its M4V a truncated copy renamed over it.
    renameOver(path.join(mega, 'virtzine-046.mp3'), (temp) => fs.symlinkSync('/etc/passwd', temp));
    renameOver(path.join(mega, 'virtzine-046.m4v'), (temp) =>
      fs.writeFileSync(temp, originals.get(path.join(mega, 'virtzine-046.m4v'))!.subarray(0, 40_000)),
    );
    // 2. The other episode's WebM is truncated in place: its last good bytes are gone.
    fs.truncateSync(path.join(clouds, 'virtzine-047.webm'), 40_000);
    await waitFor('the live loop to notice the broken episode', 30, async () =>
      /waiting\s+046-the-mega-edition: .*serving its last good version/.test(serve.output()),
    );

    for (const [url, file] of [
      [`${serve.url}/media/046-the-mega-edition/virtzine-046.mp3`, path.join(mega, 'virtzine-046.mp3')],
      [`${serve.url}/download/046-the-mega-edition/virtzine-046.mp3`, path.join(mega, 'virtzine-046.mp3')],
      [`${serve.url}/media/046-the-mega-edition/virtzine-046.m4v`, path.join(mega, 'virtzine-046.m4v')],
    ]) {
      const res = await fetchBytes(url);
      neverLeaks(res.body, url);
      assert.equal(res.status, 200, url);
      assert.ok(res.body.equals(originals.get(file)!), `${url}: the last good bytes, whole`);
    }
    const truncated = await fetchBytes(`${serve.url}/media/047-clouds-have-outages-too/virtzine-047.webm`);
    assert.equal(truncated.status, 503, 'a file cut short in place is not sent under its old length');
    const videoFeed = await (await fetch(`${serve.url}/feeds/video.xml`)).text();
    assert.match(
      videoFeed,
      new RegExp(`virtzine-046\\.m4v" length="${originals.get(path.join(mega, 'virtzine-046.m4v'))!.length}"`),
      'the feed still promises the whole file',
    );

    // 3. The show artwork becomes a link to /etc/passwd: the whole show is held, and /artwork/ still sends the picture.
    renameOver(path.join(dir, 'artwork.jpg'), (temp) => fs.symlinkSync('/etc/passwd', temp));
    await waitFor('the live loop to notice the broken show', 30, async () =>
      /waiting\s+show: .*the whole show stays at its last good version/.test(serve.output()),
    );
    const art = await fetchBytes(artworkUrl);
    neverLeaks(art.body, artworkUrl);
    assert.equal(art.status, 200);
    assert.ok(art.body.equals(originals.get(path.join(dir, 'artwork.jpg'))!));
  } finally {
    await serve.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('regression: with the show artwork swapped for a link to /etc/passwd, a scheduled episode coming due made serve read the link; now it is released from the last good version', {
  timeout: 90_000,
}, async (t) => {
  if (!needTool(t, 'xmllint')) return;
  const dir = copyOfSample();
  const slug = '048-due-while-broken';
  const guid = '0b9c6f2e-4d0a-4c39-9a53-3c1f3f7d2b48';
  const artwork = fs.readFileSync(path.join(dir, 'artwork.jpg'));
  const serve = await startServe(dir);
  try {
    const feed = `${serve.url}/feeds/audio.xml`;
    const xml = await wellFormedFeed(feed);
    const artworkUrl = /<itunes:image href="([^"]+)"/.exec(xml)![1];
    // The new episode arrives once serve runs, due a few seconds ahead: time for the loop to take
    // it (two scans, 1 s apart here) and to hold the show, not a minute.
    const due = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
    fs.mkdirSync(path.join(dir, slug));
    fs.copyFileSync(path.join(fixturesDir, 'media', 'good-cbr.mp3'), path.join(dir, slug, 'a.mp3'));
    fs.writeFileSync(
      path.join(dir, slug, 'episode.yaml'),
      `title: Due While Broken\ndate: ${due.toISOString()}\nsummary: Released on time.\nguid: ${guid}\nmedia:\n  mp3: a.mp3\n`,
    );
    await waitFor('the loop to take the scheduled episode', 30, async () => new RegExp(`scheduled .*${slug}`).test(serve.output()));
    assert.doesNotMatch(await wellFormedFeed(feed), new RegExp(guid), 'not due yet');
    fs.symlinkSync('/etc/passwd', path.join(dir, 'artwork.jpg.swap'));
    fs.renameSync(path.join(dir, 'artwork.jpg.swap'), path.join(dir, 'artwork.jpg'));
    await waitFor('the live loop to hold the show', 30, async () => /waiting\s+show: /.test(serve.output()));
    assert.ok(Date.now() < due.getTime(), 'the show was held before the episode came due');
    await waitFor('the scheduled episode', 60, async () => (await wellFormedFeed(feed)).includes(guid));
    assert.doesNotMatch(serve.output(), /could not publish/);
    const art = Buffer.from(await (await fetch(artworkUrl)).arrayBuffer());
    assert.ok(art.equals(artwork), 'the artwork URL sends the last good picture');
  } finally {
    await serve.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
