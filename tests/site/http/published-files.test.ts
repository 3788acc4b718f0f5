// Hostile swaps under a running server (issue 11): a published file replaced by a symlink to
// /etc/passwd, by a truncated copy, changed in place, or deleted. A file entry sends the bytes the
// site promised (its last good bytes, from the descriptor held since publication) or nothing.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../../../src/site/app.js';
import { PublishedFiles } from '../../../src/site/http/published-files.js';
import type { SiteEntry, SiteRoutes } from '../../../src/site/types.js';
import { listen, request } from './client.js';
import { tempDir } from '../../support/temp-dir.js';

const SIZE = 630_599; // the size of the feed's promise in the report
let tmp: string;
let showDir: string;
let outside: string;

before(() => {
  tmp = tempDir('published');
  showDir = path.join(tmp, 'show');
  fs.mkdirSync(path.join(showDir, 'ep1'), { recursive: true });
  // Outside the show: /etc/passwd is real and readable here, but a file of our own says the same without depending on the machine.
  outside = path.join(tmp, 'secret.txt');
  fs.writeFileSync(outside, 'root:x:0:0:TOP-SECRET\n');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A published file in the show: its bytes and the entry the routes table would have for it. */
function publish(name: string, size = SIZE): { bytes: Buffer; file: string; entry: SiteEntry } {
  const file = path.join(showDir, 'ep1', name);
  const bytes = randomBytes(size);
  fs.writeFileSync(file, bytes);
  const stat = fs.statSync(file);
  return {
    bytes,
    file,
    entry: { kind: 'file', contentType: 'audio/mpeg', path: file, size: stat.size, mtimeMs: stat.mtimeMs, root: showDir },
  };
}

/** Replaces `file` the way an editor or `mv` does: a new file renamed over it. */
function renameOver(file: string, make: (temp: string) => void): void {
  const temp = `${file}.new`;
  make(temp);
  fs.renameSync(temp, file);
}

async function serve(site: () => SiteRoutes, files?: PublishedFiles) {
  const log: string[] = [];
  const server = await listen(createApp(site, { files, log: (line) => log.push(line) }));
  return {
    ...server,
    log,
    get: (url: string, headers: Record<string, string> = {}, method = 'GET') => request(server.port, url, { method, headers }),
  };
}

const leaks = (body: Buffer) => body.includes('TOP-SECRET') || body.includes('root:x:0:0');

test('regression: a published file swapped for a symlink to /etc/passwd was served at /media/, /download/ and /artwork/; now its last good bytes', async () => {
  const media = publish('a.mp3');
  const art = publish('artwork.jpg', 5000);
  const site: SiteRoutes = new Map([
    ['/media/ep1/a.mp3', media.entry],
    ['/artwork/abc-artwork.jpg', { ...art.entry, contentType: 'image/jpeg' }],
  ]);
  const files = new PublishedFiles();
  files.hold(site); // what `serve` does when it publishes a site
  const server = await serve(() => site, files);
  try {
    for (const [file, target] of [
      [media.file, '/etc/passwd'],
      [art.file, '/etc/passwd'],
    ]) {
      renameOver(file, (temp) => fs.symlinkSync(fs.existsSync(target) ? target : outside, temp));
    }
    for (const [url, bytes] of [
      ['/media/ep1/a.mp3', media.bytes],
      ['/download/ep1/a.mp3', media.bytes],
      ['/artwork/abc-artwork.jpg', art.bytes],
    ] as const) {
      const res = await server.get(url);
      assert.equal(res.status, 200, url);
      assert.ok(!leaks(res.body), `${url} sent the link's target`);
      assert.ok(res.body.equals(bytes), `${url} sends the last good bytes`);
      assert.equal(res.headers['content-length'], String(bytes.length));
      const part = await server.get(url, { Range: 'bytes=-100' });
      assert.equal(part.status, 206);
      assert.ok(part.body.equals(bytes.subarray(bytes.length - 100)), url);
    }
  } finally {
    await server.close();
  }
});

test('a file swapped for a link out of the show before it was ever opened is refused, never followed', async () => {
  // A link to a file with exactly the promised size and time: only the real-path check can refuse it.
  const bait = path.join(tmp, 'bait.bin');
  fs.writeFileSync(bait, Buffer.concat([Buffer.from('TOP-SECRET'), Buffer.alloc(4096)]));
  const stat = fs.statSync(bait);
  const link = path.join(showDir, 'ep1', 'b.mp3');
  fs.symlinkSync(bait, link);
  const site: SiteRoutes = new Map([
    ['/media/ep1/b.mp3', { kind: 'file', contentType: 'audio/mpeg', path: link, size: stat.size, mtimeMs: stat.mtimeMs, root: showDir }],
  ]);
  const server = await serve(() => site);
  try {
    for (const url of ['/media/ep1/b.mp3', '/download/ep1/b.mp3']) {
      const res = await server.get(url);
      assert.equal(res.status, 404, url);
      assert.ok(!leaks(res.body), url);
    }
    assert.ok(
      server.log.some((l) => /^refused \/media\/ep1\/b\.mp3: the file is a link to .*outside/.test(l)),
      server.log.join('\n'),
    );
    assert.equal(server.log.filter((l) => l.startsWith('refused')).length, 1, 'refused once in the log, however often it is asked for');
  } finally {
    await server.close();
  }
});

test('regression: a file truncated in place went out short under a promise of 630,599 bytes; now 503, never a short body', async () => {
  const media = publish('c.mp3');
  const site: SiteRoutes = new Map([['/media/ep1/c.mp3', media.entry]]);
  const server = await serve(() => site);
  try {
    assert.equal((await server.get('/media/ep1/c.mp3')).status, 200);
    fs.truncateSync(media.file, 40_000);
    for (const [method, headers] of [
      ['GET', {}],
      ['HEAD', {}],
      ['GET', { Range: 'bytes=0-99' }],
    ] as const) {
      const res = await server.get('/media/ep1/c.mp3', headers, method);
      assert.equal(res.status, 503, `${method} ${JSON.stringify(headers)}`);
      assert.equal(res.headers['retry-after'], '30');
      assert.match(res.headers['content-type']!, /^text\/html/);
    }
    assert.ok(
      server.log.some((l) => l.includes('changed since it was published (40000 bytes')),
      server.log.join('\n'),
    );
  } finally {
    await server.close();
  }
});

test('a file rewritten in place with the same size but new bytes is refused (its time changed)', async () => {
  const media = publish('d.mp3', 10_000);
  const site: SiteRoutes = new Map([['/media/ep1/d.mp3', media.entry]]);
  const server = await serve(() => site);
  try {
    assert.equal((await server.get('/media/ep1/d.mp3')).status, 200);
    const fd = fs.openSync(media.file, 'r+');
    fs.writeSync(fd, Buffer.from('TOP-SECRET'), 0, 10, 0);
    fs.closeSync(fd);
    fs.utimesSync(media.file, new Date(), new Date(Date.now() + 5000));
    const res = await server.get('/media/ep1/d.mp3');
    assert.equal(res.status, 503);
    assert.ok(!leaks(res.body));
  } finally {
    await server.close();
  }
});

test('a truncated copy renamed over a published file, or the file deleted: the last good bytes go out whole', async () => {
  const renamed = publish('e.mp3');
  const deleted = publish('f.mp3');
  const site: SiteRoutes = new Map([
    ['/media/ep1/e.mp3', renamed.entry],
    ['/media/ep1/f.mp3', deleted.entry],
  ]);
  const server = await serve(() => site);
  try {
    assert.equal((await server.get('/media/ep1/e.mp3', {}, 'HEAD')).status, 200); // the site is held from its first request on
    renameOver(renamed.file, (temp) => fs.writeFileSync(temp, renamed.bytes.subarray(0, 40_000)));
    fs.rmSync(deleted.file);
    for (const { entry, bytes } of [renamed, deleted]) {
      const url = `/media/ep1/${path.basename(entry.kind === 'file' ? entry.path : '')}`;
      const res = await server.get(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['content-length'], String(SIZE));
      assert.ok(res.body.equals(bytes), url);
    }
  } finally {
    await server.close();
  }
});

/** Descriptors this process holds on files whose path starts with `prefix` (Linux /proc): what the server keeps open. */
function heldOn(prefix: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(prefix);
    } catch {
      return false;
    }
  }).length;
}

test('descriptors of files a new site no longer has are closed; files it keeps stay held', async () => {
  const kept = publish('g.mp3', 1000);
  const dropped = publish('h.mp3', 1000);
  const first: SiteRoutes = new Map([
    ['/media/ep1/g.mp3', kept.entry],
    ['/media/ep1/h.mp3', dropped.entry],
  ]);
  const files = new PublishedFiles();
  files.hold(first);
  assert.equal(heldOn(kept.file) + heldOn(dropped.file), 2);
  const openHere = () =>
    fs.readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === dropped.file;
      } catch {
        return false;
      }
    }).length;
  assert.equal(openHere(), 1);
  // A rebuilt site: new entry objects with the same promise keep their descriptor.
  files.hold(new Map([['/media/ep1/g.mp3', { ...kept.entry }]]));
  assert.equal(heldOn(kept.file), 1);
  assert.equal(openHere(), 0, 'the dropped file is closed');
});

test('a descriptor in use by a response is closed only when that response ends', async () => {
  const media = publish('i.mp3', 2000);
  const files = new PublishedFiles();
  const site: SiteRoutes = new Map([['/media/ep1/i.mp3', media.entry]]);
  files.hold(site);
  const opened = files.open(media.entry as Extract<SiteEntry, { kind: 'file' }>);
  assert.ok(opened.ok);
  files.hold(new Map());
  const buffer = Buffer.alloc(2000);
  const read = await new Promise<number>((resolve, reject) =>
    opened.file.read(buffer, 2000, 0, (error, n) => (error ? reject(error) : resolve(n))),
  );
  assert.equal(read, 2000);
  assert.ok(buffer.equals(media.bytes), 'still readable after the site dropped it');
  opened.file.close();
  opened.file.close(); // idempotent
});

test("a big site: its first files are held at once, the others in batches right after; a newer site stops the older one's batches", async () => {
  const many = (prefix: string, n: number) =>
    new Map(Array.from({ length: n }, (_, i) => [`/media/ep1/${prefix}${i}.mp3`, publish(`${prefix}${i}.mp3`, 10).entry]));
  const big = many('big-', 700);
  const files = new PublishedFiles();
  files.hold(big);
  const held = () => heldOn(path.join(showDir, 'ep1', 'big-'));
  assert.ok(held() > 0 && held() < 700, `held at once: ${held()}`);
  // A file not held yet is sent all the same, through the same checks, and held from then on.
  const last = [...big.values()].at(-1) as Extract<SiteEntry, { kind: 'file' }>;
  const opened = files.open(last);
  assert.ok(opened.ok);
  opened.file.close();
  const atOnce = held();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(held() > atOnce, 'a batch more a turn later');
  // A batch a turn: the rest within a few dozen turns, however loaded the machine.
  for (let turns = 0; turns < 100 && held() < 700; turns++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(held(), 700, 'all held');

  const older = many('older-', 700);
  const newer = many('newer-', 3);
  files.hold(older);
  files.hold(newer); // before any of the older site's batches ran
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(heldOn(path.join(showDir, 'ep1', 'older-')) + held(), 0, "no older site's files");
  assert.equal(heldOn(path.join(showDir, 'ep1', 'newer-')), 3, "only the newer site's files");
});

test("regression: a big site's files were all keyed before it could go live (50-75 ms for 10,000); now hold() looks at its first batch only, the others turn by turn", async () => {
  const entry = publish('j.mp3', 10).entry;
  // 10,000 URLs for one file: as many entries to key as a show of 10,000 episodes has media files.
  const site: SiteRoutes = new Map(Array.from({ length: 10_000 }, (_, i) => [`/media/ep${i}/j.mp3`, { ...entry }]));
  let looked = 0;
  const counted = new Map(site);
  counted.values = function* () {
    for (const value of site.values()) {
      looked++;
      yield value;
    }
  } as typeof counted.values;
  const files = new PublishedFiles();
  files.hold(counted);
  assert.ok(looked > 0 && looked <= 100, `entries looked at before hold() returned: ${looked}`);
  for (let turns = 0; turns < 1000 && looked < 10_000; turns++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(looked, 10_000, 'every entry seen, turn by turn');
  assert.equal(heldOn(path.join(showDir, 'ep1', 'j.mp3')), 1, 'one promise, one descriptor');
  files.hold(new Map());
  assert.equal(heldOn(path.join(showDir, 'ep1', 'j.mp3')), 0);
});
