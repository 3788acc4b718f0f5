// A FIFO at the name of OUT's lock (.netcaster-lock) hung every build of OUT for good: the lock's
// process id was read with a plain readFileSync. Anything but a regular file there is no lock
// netcaster wrote: refused at once, naming it, and OUT is left as it was.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LOCK_FILE } from '../../src/site/out-dir.js';
import { launcherPath } from '../support/env.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';
import { treeContents } from '../support/tree.js';

test("a FIFO, a folder or a link at the name of OUT's lock: the build is refused at once (exit 2), OUT as it was", async (t) => {
  const dir = tempDir('lock-not-a-file', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const out = path.join(dir, 'site');
  const env = { ...process.env, NETCASTER_CACHE_DIR: path.join(dir, 'cache') };
  const build = () => spawnSync(launcherPath, ['build', show, '--out', out], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(build().status, 0);
  // Changed since, or the build would find OUT up to date and take no lock.
  await fs.appendFile(path.join(show, '047-clouds-have-outages-too', 'notes.md'), '\nA line added after the first build.\n');
  const lock = path.join(out, LOCK_FILE);
  const makers: [string, () => Promise<void>][] = [
    ['a FIFO', async () => void execFileSync('mkfifo', [lock])],
    ['a folder', () => fs.mkdir(lock)],
    ['a link', () => fs.symlink('/etc/hostname', lock)],
  ];
  for (const [what, make] of makers) {
    await make();
    const before = await treeContents(out);
    const r = build();
    assert.equal(r.signal, null, `${what}: the build hung`);
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${LOCK_FILE} is not a lock netcaster wrote; remove it`));
    assert.deepEqual(await treeContents(out), before, `${what}: OUT is as it was`);
    await fs.rm(lock, { recursive: true });
  }
  assert.equal(build().status, 0, 'with the name free again, the build goes through');
});
