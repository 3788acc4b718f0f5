// The whole-show snapshot (src/catalog/snapshot.ts): a warm check of a big show lists no folder
// whose mtime stands still (issue 12), and still notices every edit: one episode of many edited
// in place, an episode added or removed, a media file changed, a file added beside a manifest.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import { fingerprintShow, readListings, writeListings } from '../../src/catalog/snapshot.js';
import { episodeYaml, makeShow, media, zeroKeepingStat } from '../support/show-folder.js';

const EPISODES = 40;
const slugOf = (i: number) => `${String(i).padStart(3, '0')}-ep`;

/** A show of many episodes whose folders were last changed an hour ago: settled, so their listings are trusted. */
async function settledShow(): Promise<string> {
  const episodes: Record<string, { yaml: string; files: Record<string, string> }> = {};
  for (let i = 1; i <= EPISODES; i++)
    episodes[slugOf(i)] = { yaml: episodeYaml(slugOf(i)).replace('Fixture Episode', `Episode ${i}`), files: { 'a.mp3': 'good-cbr.mp3' } };
  const dir = await makeShow(episodes);
  await settle(dir);
  return dir;
}

/** Sets the show folder's and every episode folder's mtime an hour back. */
async function settle(dir: string): Promise<void> {
  const past = new Date(Date.now() - 3600_000);
  for (const name of await fs.readdir(dir)) {
    if ((await fs.stat(path.join(dir, name))).isDirectory()) await fs.utimes(path.join(dir, name), past, past);
  }
  await fs.utimes(dir, past, past);
}

const episode = (r: Awaited<ReturnType<typeof checkShow>>, slug: string) => r.catalog!.episodes.find((e) => e.slug === slug)!;

test('a warm check of an unchanged show is answered by the snapshot, from the listings the first check kept', async () => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  assert.equal(first.catalog!.episodes.length, EPISODES);
  const listings = readListings(dir);
  assert.equal(Object.keys(listings).length, EPISODES + 1, 'the show folder and each episode folder');
  assert.deepEqual(listings['001-ep'].names, ['a.mp3', 'episode.yaml']);
  // Zeroed with size and mtime kept: a check that read it again would find it broken.
  await zeroKeepingStat(path.join(dir, slugOf(1), 'a.mp3'));
  const warm = await checkShow(dir);
  assert.equal(warm.fingerprint, first.fingerprint);
  assert.deepEqual(warm.catalog, first.catalog);
});

test('the listings stand in for a folder only while its inode and mtime stand still', async () => {
  const dir = await settledShow();
  await checkShow(dir);
  const seen = fingerprintShow(dir, '', readListings(dir));
  const listed = seen.listings[slugOf(1)];
  // A listing with a name the folder does not hold: trusted while the mtime matches (the name
  // shows up as a dangling entry and changes the digest), re-read once the mtime differs.
  const ghost = { ...seen.listings, [slugOf(1)]: { ...listed, names: [...listed.names, 'ghost.txt'] } };
  assert.notEqual(fingerprintShow(dir, '', ghost).digest, seen.digest);
  const moved = { ...ghost, [slugOf(1)]: { ...ghost[slugOf(1)], mtimeMs: listed.mtimeMs - 1 } };
  assert.equal(fingerprintShow(dir, '', moved).digest, seen.digest);
  const otherInode = { ...ghost, [slugOf(1)]: { ...ghost[slugOf(1)], ino: listed.ino + 1 } };
  assert.equal(fingerprintShow(dir, '', otherInode).digest, seen.digest);
});

test('a warm check of many episodes notices one episode.yaml edited in place', async () => {
  const dir = await settledShow();
  await checkShow(dir);
  const file = path.join(dir, slugOf(17), 'episode.yaml');
  // Same inode, same folder mtime: only the file's own stat tells.
  const handle = await fs.open(file, 'r+');
  const text = (await handle.readFile('utf8')).replace('Episode 17', 'Episode XVII');
  await handle.truncate(0);
  await handle.write(text, 0);
  await handle.close();
  const warm = await checkShow(dir);
  assert.equal(episode(warm, slugOf(17)).title, 'Episode XVII');
});

test('a warm check notices an episode added and an episode removed', async () => {
  const dir = await settledShow();
  await checkShow(dir);
  await fs.rm(path.join(dir, slugOf(3)), { recursive: true });
  await fs.mkdir(path.join(dir, '999-new'));
  await fs.copyFile(media('good-cbr.mp3'), path.join(dir, '999-new', 'a.mp3'));
  await fs.writeFile(path.join(dir, '999-new', 'episode.yaml'), episodeYaml('999-new').replace('Fixture Episode', 'The New One'));
  const warm = await checkShow(dir);
  const slugs = warm.catalog!.episodes.map((e) => e.slug);
  assert.equal(slugs.length, EPISODES);
  assert.ok(!slugs.includes(slugOf(3)));
  assert.ok(slugs.includes('999-new'));
});

test('a warm check notices a media file changed in place', async () => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  const file = path.join(dir, slugOf(5), 'a.mp3');
  await zeroKeepingStat(path.join(dir, slugOf(6), 'a.mp3')); // unchanged to the cache: never read again
  await fs.writeFile(file, await fs.readFile(media('vbr-xing.mp3'))); // in place: same inode, same folder mtime
  const warm = await checkShow(dir);
  assert.deepEqual(
    warm.problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.notEqual(episode(warm, slugOf(5)).media[0].facts.size, episode(first, slugOf(5)).media[0].facts.size);
});

test('a warm check notices a file added beside a manifest (notes.md), even in a settled folder', async () => {
  const dir = await settledShow();
  await checkShow(dir);
  await fs.writeFile(path.join(dir, slugOf(9), 'notes.md'), 'Fresh *notes*.\n');
  const warm = await checkShow(dir);
  assert.match(JSON.stringify(episode(warm, slugOf(9))), /Fresh/);
});

test('regression: a folder changed again right after a check (within one tick of its mtime) is still listed afresh', async () => {
  const dir = await settledShow();
  await fs.writeFile(path.join(dir, slugOf(2), 'stray.txt'), 'x'); // the folder's mtime is now
  await checkShow(dir);
  // Within the same coarse mtime tick the folder's mtime may not move: a recent folder is never trusted from a listing.
  assert.equal(readListings(dir)[slugOf(2)], undefined);
  await fs.writeFile(path.join(dir, slugOf(2), 'notes.md'), 'Added at once.\n');
  const warm = await checkShow(dir);
  assert.match(JSON.stringify(episode(warm, slugOf(2))), /Added at once/);
});

test('a tampered listings file (paths for names, a NUL, wrong types) is dropped entry by entry, never followed', async () => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  const cache = process.env.NETCASTER_CACHE_DIR!;
  const file = path.join(cache, (await fs.readdir(cache)).find((n) => n.startsWith('listing-'))!);
  const data = JSON.parse(await fs.readFile(file, 'utf8'));
  data.listings[slugOf(1)].names = ['../../../../etc/passwd', 'episode.yaml'];
  data.listings[slugOf(2)].names = ['a\0b'];
  data.listings[slugOf(3)] = { ino: 'x', mtimeMs: null, names: 'episode.yaml' };
  data.listings['../..'] = { ino: 1, mtimeMs: 1, names: ['etc'] };
  await fs.writeFile(file, JSON.stringify(data));
  const listings = readListings(dir);
  for (const rel of [slugOf(1), slugOf(2), slugOf(3), '../..']) assert.equal(listings[rel], undefined, rel);
  const warm = await checkShow(dir);
  assert.deepEqual(warm.problems, first.problems);
  assert.equal(warm.fingerprint, first.fingerprint, 'the dropped folders were listed again');
});

test('regression: a snapshot damaged inside, its fingerprint whole, is no snapshot: the show is checked afresh, not an internal error', async () => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  const key = createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 16);
  const file = path.join(process.env.NETCASTER_CACHE_DIR!, `check-${key}.json`);
  const written = JSON.parse(await fs.readFile(file, 'utf8'));
  for (const damage of [
    (r: Record<string, any>) => (r.catalog = null),
    (r: Record<string, any>) => (r.catalog.show.feeds = 'audio'),
    (r: Record<string, any>) => (r.catalog.episodes[0] = null),
    (r: Record<string, any>) => (r.catalog.episodes[1].media = {}),
    (r: Record<string, any>) => (r.problems = [null]),
  ]) {
    const result = structuredClone(written.result);
    damage(result);
    await fs.writeFile(file, JSON.stringify({ fingerprint: written.fingerprint, result }));
    const again = await checkShow(dir);
    assert.deepEqual(again.catalog, first.catalog, String(damage));
  }
});

test('listings from a tampered cache: only plain names of plain folders are kept, and "__proto__" is a folder like any other', async () => {
  const dir = await makeShow({});
  const good = { ino: 1, mtimeMs: 2, names: ['a.mp3', 'episode.yaml'] };
  writeListings(dir, {
    '': good,
    '001-ep': good,
    ['__proto__']: good, // computed: an own key, not the literal's prototype
    '002-ep': { ...good, names: ['../../etc/passwd'] },
    '003-ep': { ...good, names: ['a\0b'] },
    '004-ep': { ...good, names: [''] },
    '005-ep': { ...good, ino: '1' },
    '006-ep': { ...good, names: 'a.mp3' },
    '007-ep': null,
    '../outside': good,
  } as never);
  const listings = readListings(dir);
  assert.equal(Object.getPrototypeOf(listings), null);
  assert.deepEqual(Object.keys(listings).sort(), ['', '001-ep', '__proto__']);
  assert.deepEqual(listings.__proto__.names, good.names);
});

test('the digest counts every name and size of a show whose lines run past the 64 KB pieces it is hashed in', async (t) => {
  const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'netcaster-digest-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  // 600 folders of three files with long names: some 200 KB of lines, so the pieces end between lines many times.
  const long = (i: number, j: number) => `${String(i).padStart(3, '0')}-${j}-${'x'.repeat(90)}.txt`;
  for (let i = 0; i < 600; i++) {
    await fs.mkdir(path.join(dir, `e${i}`));
    for (let j = 0; j < 3; j++) await fs.writeFile(path.join(dir, `e${i}`, long(i, j)), 'a');
  }
  const digest = () => fingerprintShow(dir, 'salt', {}).digest;
  const base = digest();
  assert.equal(digest(), base, 'the same show, the same digest');
  const seen = new Set([base]);
  // A name at the start, a size in the middle, a name at the very end: each changes the digest.
  await fs.rename(path.join(dir, 'e0', long(0, 0)), path.join(dir, 'e0', long(0, 9)));
  seen.add(digest());
  await fs.writeFile(path.join(dir, 'e300', long(300, 1)), 'ab');
  seen.add(digest());
  await fs.rename(path.join(dir, 'e599', long(599, 2)), path.join(dir, 'e599', long(599, 8)));
  seen.add(digest());
  assert.equal(seen.size, 4);
});

test('regression: an episode folder swapped for a link to a copy outside the show (the same names, sizes and times) is not taken for the folder it was', async (t) => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  assert.ok(episode(first, slugOf(2)));
  const outside = await fs.mkdtemp(path.join(path.dirname(dir), 'outside-'));
  t.after(() => fs.rm(outside, { recursive: true, force: true }));
  // cp -a: the copy keeps every file's size and time to the nanosecond.
  execFileSync('cp', ['-a', path.join(dir, slugOf(2)), outside]);
  await fs.rename(path.join(dir, slugOf(2)), path.join(outside, 'was-in-the-show'));
  await fs.symlink(path.join(outside, slugOf(2)), path.join(dir, slugOf(2)));
  const warm = await checkShow(dir);
  assert.notEqual(warm.fingerprint, first.fingerprint);
  // A folder that is a link is not read as an episode (src/show/load.ts), snapshot or not.
  assert.equal(
    warm.catalog!.episodes.find((e) => e.slug === slugOf(2)),
    undefined,
  );
});

test('regression: a media file swapped for a link out of the show, to a file of the same size and time, is refused as a fresh check refuses it', async (t) => {
  const dir = await settledShow();
  const first = await checkShow(dir);
  const outside = await fs.mkdtemp(path.join(path.dirname(dir), 'outside-'));
  t.after(() => fs.rm(outside, { recursive: true, force: true }));
  const mp3 = path.join(dir, slugOf(3), 'a.mp3');
  execFileSync('cp', ['-a', mp3, path.join(outside, 'secret.mp3')]);
  await fs.rm(mp3);
  await fs.symlink(path.join(outside, 'secret.mp3'), mp3);
  const warm = await checkShow(dir);
  assert.notEqual(warm.fingerprint, first.fingerprint);
  assert.equal(
    warm.catalog!.episodes.find((e) => e.slug === slugOf(3)),
    undefined,
  );
  assert.ok(warm.problems.some((p) => p.level === 'error' && p.file.startsWith(`${slugOf(3)}/`)));
});

test('a link inside the show pointed elsewhere, to a file of the same size and time, changes the digest', async (t) => {
  const dir = await settledShow();
  const shared = path.join(dir, 'shared');
  await fs.mkdir(shared);
  await fs.copyFile(media('good-cbr.mp3'), path.join(shared, 'one.mp3'));
  execFileSync('cp', ['-a', path.join(shared, 'one.mp3'), path.join(shared, 'two.mp3')]);
  const link = path.join(dir, slugOf(4), 'a.mp3');
  await fs.rm(link);
  await fs.symlink(path.join(shared, 'one.mp3'), link);
  const before = fingerprintShow(dir, 'salt').digest;
  await fs.rm(link);
  await fs.symlink(path.join(shared, 'two.mp3'), link);
  assert.notEqual(fingerprintShow(dir, 'salt').digest, before);
  t.diagnostic('two.mp3 is a copy of one.mp3 with its time: only the link target tells them apart');
});
