// The live loop on a real show folder with real timers: releases on time, edits picked up, bad
// edits held back, a slow copy never published half-written, the lock written.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_FILE, readLock } from '../../src/catalog/lock.js';
import { readListings, writeListings } from '../../src/catalog/snapshot.js';
import { publishedEpisodes } from '../../src/catalog/status.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { startLive } from '../../src/live/watch.js';
import { tinyEpisodeYaml, fixtureMp3, isoIn, makeTinyShow, writeEpisode } from '../support/show-folder.js';

interface Published {
  at: Date;
  slugs: string[];
  titles: string[];
  catalog: Catalog;
}

function live(dir: string, scanSeconds = 1) {
  const published: Published[] = [];
  const lines: string[] = [];
  const handle = startLive(dir, {
    scanSeconds,
    settleSeconds: 0.3,
    log: (l) => lines.push(l),
    onChange: (catalog, now) => {
      const eps = publishedEpisodes(catalog, now);
      published.push({ at: new Date(), slugs: eps.map((e) => e.slug), titles: eps.map((e) => e.title), catalog });
    },
  });
  return { handle, published, lines, last: () => published[published.length - 1] };
}

/** A tiny show with these episodes, served live until the test ends; resolves once the first scan is in. */
async function liveShow(t: TestContext, episodes: Parameters<typeof makeTinyShow>[0], scanSeconds = 1) {
  const { dir, cacheDir } = makeTinyShow(episodes);
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  const l = live(dir, scanSeconds);
  t.after(() => l.handle.stop());
  await l.handle.ready;
  return { dir, l };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

test('a scheduled episode appears at its time, not at the next minute, without a scan', async (t) => {
  const due = isoIn(4000);
  // No scan runs during the test (60 s apart): only the release timer can publish.
  const { dir, l } = await liveShow(
    t,
    [
      { slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' },
      { slug: '002-due', title: 'Due', date: due },
    ],
    60,
  );
  assert.deepEqual(l.last()?.slugs, ['001-first']);
  await waitFor('the scheduled episode', () => l.last()?.slugs.length === 2, 8000);
  const late = l.last().at.getTime() - Date.parse(due);
  assert.ok(late >= 0 && late < 1000, `published ${late} ms after its time`);
  assert.deepEqual(l.last().slugs, ['002-due', '001-first']);
  assert.equal(l.published.length, 2, 'onChange only when the published result changes');
  // The lock is written a turn of the event loop after the new version is published (listeners first).
  const locked = () => Object.values(readLock(dir).lock.episodes).map((e) => e.slug);
  await waitFor(`${LOCK_FILE} to record both`, () => locked().length === 2, 2000);
  assert.deepEqual(locked(), ['001-first', '002-due']);
});

test('new, changed, broken and removed episodes while serving', async (t) => {
  const { dir, l } = await liveShow(t, [{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  assert.deepEqual(l.last()?.titles, ['First']);

  writeEpisode(dir, { slug: '002-new', title: 'New', date: '2024-02-01T10:00:00Z' });
  await waitFor('the new episode', () => l.last().slugs.includes('002-new'), 6000);

  // A broken edit: the last good version stays, the problem is logged, the other episode goes on.
  const manifest = path.join(dir, '001-first', 'episode.yaml');
  fs.writeFileSync(manifest, `${tinyEpisodeYaml({ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' })}  bad: [indent\n`);
  writeEpisode(dir, { slug: '002-new', title: 'New, edited', date: '2024-02-01T10:00:00Z' }, { copyMedia: false });
  await waitFor('the edit of the other episode', () => l.last().titles.includes('New, edited'), 6000);
  assert.deepEqual(l.last().titles, ['New, edited', 'First']);
  await waitFor(
    'the problem in the log',
    () => l.lines.some((x) => x.startsWith('waiting    001-first: 001-first/episode.yaml') && x.includes('serving its last good version')),
    4000,
  );

  fs.writeFileSync(manifest, tinyEpisodeYaml({ slug: '001-first', title: 'First, fixed', date: '2024-01-01T10:00:00Z' }));
  await waitFor('the fixed episode', () => l.last().titles.includes('First, fixed'), 6000);

  fs.rmSync(path.join(dir, '002-new'), { recursive: true });
  await waitFor('the removal', () => l.last().slugs.join() === '001-first', 4000);
});

test('a media file copied in slowly is published only once complete', async (t) => {
  const { dir, l } = await liveShow(t, [{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);

  // The manifest first, then the MP3 in pieces over ~3 s: each prefix of a CBR MP3 is itself a
  // valid, shorter MP3, so only "unchanged across two scans" can tell it is still being copied.
  const folder = path.join(dir, '002-slow');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'episode.yaml'), tinyEpisodeYaml({ slug: '002-slow', title: 'Slow', date: '2024-02-01T10:00:00Z' }));
  const bytes = fs.readFileSync(fixtureMp3);
  const target = path.join(folder, '002-slow.mp3');
  const pieces = 5;
  for (let i = 1; i <= pieces; i++) {
    fs.writeFileSync(target, bytes.subarray(0, Math.round((bytes.length * i) / pieces)));
    await sleep(700);
  }
  await waitFor('the complete episode', () => l.last().slugs.includes('002-slow'), 6000);
  for (const p of l.published) {
    const slow = p.catalog.episodes.find((e) => e.slug === '002-slow');
    if (slow) assert.equal(slow.media[0].facts.size, bytes.length, 'never published with a partial file');
  }
});

test('a show on disk since before start-up is published at the first scan, without waiting to settle', async (t) => {
  const { dir, cacheDir } = makeTinyShow([
    { slug: '001-old', title: 'Old', date: '2024-01-01T00:00:00Z' },
    { slug: '002-older', title: 'Older', date: '2023-01-01T00:00:00Z' },
  ]);
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  // Nothing in the show was modified for an hour.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  const age = (p: string) => {
    for (const name of fs.readdirSync(p)) {
      const full = path.join(p, name);
      if (fs.statSync(full).isDirectory()) age(full);
      fs.utimesSync(full, anHourAgo, anHourAgo);
    }
  };
  age(dir);
  const published: string[][] = [];
  const started = Date.now();
  // A settle wait of a minute: only the quiet rule can publish before it.
  const handle = startLive(dir, {
    scanSeconds: 60,
    settleSeconds: 60,
    quietSeconds: 5,
    log: () => {},
    onChange: (catalog, now) => void published.push(publishedEpisodes(catalog, now).map((e) => e.slug)),
  });
  t.after(() => handle.stop());
  await handle.ready;
  assert.ok(Date.now() - started < 30_000, `ready after ${Date.now() - started} ms`);
  assert.deepEqual(published, [['001-old', '002-older']]);
  assert.deepEqual([...handle.state()!.settling], []);

  // A folder written now is new and not quiet: it waits for a second look.
  writeEpisode(dir, { slug: '003-new', title: 'New', date: '2024-06-01T00:00:00Z' });
  await handle.tick();
  assert.ok(published.every((slugs) => !slugs.includes('003-new')));
  assert.ok(handle.state()!.settling.has('003-new'));
  await handle.tick();
  assert.deepEqual(published.at(-1), ['003-new', '001-old', '002-older']);
});

test("regression: a warm scan walked the show twice (its folder prints now come from the check's walk)", async (t) => {
  const { dir, cacheDir } = makeTinyShow([
    { slug: '001-old', title: 'Old', date: '2024-01-01T00:00:00Z' },
    { slug: '002-older', title: 'Older', date: '2023-01-01T00:00:00Z' },
  ]);
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  fs.writeFileSync(path.join(dir, '001-old', '.note'), 'hidden: the check leaves it out, the folder print has it');
  // Every file and folder an hour old: the first scan takes the whole show (nothing to settle), so
  // `ready` does not wait out the 60 s settle time.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) fs.utimesSync(path.join(dir, name), anHourAgo, anHourAgo);
  fs.utimesSync(dir, anHourAgo, anHourAgo);
  const firstScan = async () => {
    const handle = startLive(dir, {
      scanSeconds: 60,
      settleSeconds: 60,
      quietSeconds: 5,
      log: () => {},
      onChange: () => {},
      recordLock: false,
    });
    await handle.ready;
    handle.stop();
    return handle.state()!;
  };
  // Cold: the check reads the files, so the prints come from a walk after it, which lists the folder.
  const cold = await firstScan();
  assert.match(cold.fingerprints.get('001-old')!, /\.note/);
  // Warm: the snapshot answers, and the prints are what the check's walk saw. That walk takes a
  // settled folder's names from the listings the last check kept: told there that the folder
  // holds no .note, the print has none, which a second walk (a readdir) would have found.
  const listings = readListings(dir);
  listings['001-old'].names = listings['001-old'].names.filter((name) => name !== '.note');
  writeListings(dir, listings);
  const warm = await firstScan();
  assert.ok(warm.catalog, 'served');
  assert.doesNotMatch(warm.fingerprints.get('001-old')!, /\.note/);
  assert.equal(warm.fingerprints.get('002-older'), cold.fingerprints.get('002-older'));
});

test('regression: while netcaster.lock is unreadable (a merge conflict), a published guid change is held back, not published', async (t) => {
  const { dir, l } = await liveShow(t, [{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  const locked = () => Object.keys(readLock(dir).lock.episodes);
  await waitFor(`${LOCK_FILE} to record the episode`, () => locked().length === 1, 3000);
  const guidOf = () => l.last().catalog.episodes.find((e) => e.slug === '001-first')?.guid;
  const published = guidOf();
  assert.ok(published);

  fs.writeFileSync(path.join(dir, LOCK_FILE), '<<<<<<< HEAD\n{"feeds": {}}\n=======\n');
  writeEpisode(
    dir,
    { slug: '001-first', title: 'First, edited', date: '2024-01-01T10:00:00Z', guid: 'a-changed-guid' },
    { copyMedia: false },
  );
  await waitFor(
    'the unreadable lock in the log',
    () =>
      l.lines.some((x) => x.startsWith('waiting    show: netcaster.lock') && x.includes('the whole show stays at its last good version')),
    6000,
  );
  await sleep(2500); // two more scans
  assert.equal(guidOf(), published, 'the changed guid never reached a listener');
  assert.deepEqual(l.last().titles, ['First']);
});

test('the bookkeeping after a publication (the lock, the log lines) waits until the server has answered', async (t) => {
  const { dir, cacheDir } = makeTinyShow([{ slug: '001-one', title: 'One', date: '2024-01-01T00:00:00Z' }]);
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  let answer: () => void = () => {};
  let asked = 0;
  const lines: string[] = [];
  const published: string[][] = [];
  const handle = startLive(dir, {
    scanSeconds: 60,
    settleSeconds: 0.3,
    log: (line) => lines.push(line),
    onChange: (catalog, now) => void published.push(publishedEpisodes(catalog, now).map((e) => e.slug)),
    answered: () => {
      asked++;
      return new Promise<void>((resolve) => (answer = resolve));
    },
  });
  t.after(() => handle.stop());
  await waitFor('the first publication', () => published.length === 1, 10_000);
  await waitFor('the live loop to ask whether the server has answered', () => asked === 1, 2000);
  await sleep(200);
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false, 'no lock written while a request is being answered');
  assert.equal(lines.length, 0, lines.join('\n'));
  answer();
  await handle.ready;
  assert.equal(Object.keys(readLock(dir).lock.episodes).length, 1);
  assert.ok(
    lines.some((line) => line.startsWith('serving ')),
    lines.join('\n'),
  );
});
