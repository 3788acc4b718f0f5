// lockFindings: what netcaster.lock tells a check, kept while neither the show's files nor the
// lock change, and read from the lock again as soon as either does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkShowBrief } from '../../src/catalog/check-show.js';
import { showCacheFile } from '../../src/catalog/cache.js';
import { LOCK_FILE } from '../../src/catalog/lock.js';
import { SETTLED_MS } from '../../src/catalog/snapshot.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';

/** A lock that says the audio feed went out elsewhere: check finds an error in it. */
const movedLock = (host: string) => `${JSON.stringify({ feeds: { audio: `https://${host}/feeds/audio.xml` }, episodes: {} }, null, 2)}\n`;

async function showWithLock(host: string): Promise<string> {
  const dir = await makeShow({ '001-a': { yaml: episodeYaml('001-a'), files: { 'a.mp3': 'good-cbr.mp3' } } });
  await fs.writeFile(path.join(dir, LOCK_FILE), movedLock(host));
  return dir;
}

const movedFrom = async (dir: string) =>
  (await checkShowBrief(dir)).lock.problems.map((p) => [p.level, p.field, /would move the feed "audio" from (\S+)/.exec(p.message)?.[1]]);

test("a check takes the lock's findings from the cache while the lock stands still, and reads any change to it", async () => {
  const dir = await showWithLock('moved.example');
  // The lock's last change settled (its ctime cannot be set back): only then are findings kept.
  await sleep(SETTLED_MS + 200);
  assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://moved.example/feeds/audio.xml']]);
  const cache = showCacheFile('lock', dir);
  const kept = JSON.parse(await fs.readFile(cache, 'utf8'));

  // The cache answers: findings written into it are what the next check says.
  const planted = { ...kept, findings: { ...kept.findings, problems: [{ level: 'warning', file: LOCK_FILE, message: 'kept' }] } };
  await fs.writeFile(cache, JSON.stringify(planted));
  assert.deepEqual(
    (await checkShowBrief(dir)).lock.problems.map((p) => p.message),
    ['kept'],
  );

  // Findings damaged inside are no findings: the lock is read.
  for (const damage of [
    (f: Record<string, any>) => (f.problems = [null]),
    (f: Record<string, any>) => (f.feedGuids = { audio: 7 }),
    (f: Record<string, any>) => (f.unrecorded = { feeds: 'no', episodes: [] }),
    (f: Record<string, any>) => (f.unrecorded.episodes = [1]),
  ]) {
    const damaged = structuredClone(planted);
    damage(damaged.findings);
    await fs.writeFile(cache, JSON.stringify(damaged));
    assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://moved.example/feeds/audio.xml']], String(damage));
  }

  // The lock rewritten in place, its size the same: read again.
  await fs.writeFile(cache, JSON.stringify(planted));
  await fs.writeFile(path.join(dir, LOCK_FILE), movedLock('mover.example'));
  assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://mover.example/feeds/audio.xml']]);

  // Replaced by another file (a rename over it), or taken away: read again.
  await fs.writeFile(cache, JSON.stringify(planted));
  await fs.writeFile(path.join(dir, 'new.lock'), movedLock('renamed.example'));
  await fs.rename(path.join(dir, 'new.lock'), path.join(dir, LOCK_FILE));
  assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://renamed.example/feeds/audio.xml']]);
  await fs.writeFile(cache, JSON.stringify(planted));
  await fs.rm(path.join(dir, LOCK_FILE));
  assert.deepEqual(await movedFrom(dir), []);
});

test('findings of a lock changed a moment ago are not kept: it may change again within the same tick of the clock', async () => {
  const dir = await showWithLock('moved.example');
  assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://moved.example/feeds/audio.xml']]);
  await assert.rejects(fs.stat(showCacheFile('lock', dir)), { code: 'ENOENT' });
});

test('findings of a lock that is a link are never kept: the link goes through the guard at every check', async () => {
  const dir = await showWithLock('moved.example');
  await fs.rename(path.join(dir, LOCK_FILE), path.join(dir, 'kept.lock'));
  await fs.symlink('kept.lock', path.join(dir, LOCK_FILE));
  await sleep(SETTLED_MS + 200);
  assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://moved.example/feeds/audio.xml']]);
  await assert.rejects(fs.stat(showCacheFile('lock', dir)), { code: 'ENOENT' });
});

test('a FIFO where the lock is: an error naming it, no hang, and nothing kept', async () => {
  const dir = await showWithLock('moved.example');
  await fs.rm(path.join(dir, LOCK_FILE));
  execFileSync('mkfifo', [path.join(dir, LOCK_FILE)]);
  await sleep(SETTLED_MS + 200);
  const problems = (await checkShowBrief(dir)).lock.problems;
  assert.deepEqual(
    problems.map((p) => [p.level, p.file]),
    [['error', LOCK_FILE]],
  );
  assert.match(problems[0].message, /not a regular file/);
  await assert.rejects(fs.stat(showCacheFile('lock', dir)), { code: 'ENOENT' });
});

test('the cache file planted as a FIFO or as a link out is neither waited on nor written through', async () => {
  const dir = await showWithLock('moved.example');
  await sleep(SETTLED_MS + 200);
  const cache = showCacheFile('lock', dir);
  await fs.mkdir(path.dirname(cache), { recursive: true });
  const victim = path.join(dir, '..', `victim-${path.basename(dir)}.txt`);
  await fs.writeFile(victim, 'not netcaster’s\n');
  for (const plant of [() => execFileSync('mkfifo', [cache]), () => fs.symlink(victim, cache)]) {
    await fs.rm(cache, { force: true });
    await plant();
    assert.deepEqual(await movedFrom(dir), [['error', 'baseUrl', 'https://moved.example/feeds/audio.xml']]);
    assert.ok((await fs.lstat(cache)).isFile(), 'replaced by a cache file of its own');
  }
  assert.equal(await fs.readFile(victim, 'utf8'), 'not netcaster’s\n');
  await fs.rm(victim);
});
