// A build killed outright (SIGKILL, the OOM killer, a power cut) left its staging folder
// `OUT.netcaster-tmp-<12 hex>` beside OUT for good, one more with every kill. The next export now
// removes it, and only it: what netcaster did not write, and what a live export is using, stay.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { STAGE_OWNER } from '../../src/site/out-dir.js';
import { runCli } from '../support/env.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';
import { treeContents } from '../support/tree.js';

const without = (files: Map<string, string>, top: string) =>
  new Map([...files].filter(([rel]) => rel !== top && !rel.startsWith(`${top}${path.sep}`)));

test('regression: a staging folder a build killed outright (SIGKILL) left beside OUT is removed by the next build; one not provably a dead build’s stays', async (t) => {
  const cache = tempDir('killed-staging-cache', t);
  const build = (show: string, out: string) => runCli(['build', show, '--out', out], { env: { NETCASTER_CACHE_DIR: cache } });
  // The process id of a build that is gone: a child's, once it has exited.
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const owner = (pid: number, host = os.hostname()) => `${pid}\n${host}\n`;

  for (const outExists of [false, true]) {
    const dir = tempDir('killed-staging', t);
    const show = copyOfSample(path.join(dir, 'show'));
    const out = path.join(dir, 'site');
    if (outExists) {
      assert.equal(build(show, out).code, 0);
      // Changed since, or the build would find OUT up to date and export nothing.
      await fs.appendFile(path.join(show, '047-clouds-have-outages-too', 'notes.md'), '\nA line added after the first build.\n');
    }
    const reference = path.join(tempDir('killed-staging-ref', t), 'site');
    assert.equal(build(show, reference).code, 0);

    const leftover = async (tag: string, ownerFile?: string) => {
      const stage = `${out}.netcaster-tmp-${tag}`;
      await fs.mkdir(path.join(stage, 'episodes'), { recursive: true });
      await fs.writeFile(path.join(stage, 'index.html'), 'a page of a build that was killed');
      if (ownerFile !== undefined) await fs.writeFile(path.join(stage, STAGE_OWNER), ownerFile);
      return stage;
    };
    // As a killed build leaves it, with a link out of it that its removal must not follow.
    const killed = await leftover('0123456789ab', owner(dead));
    await fs.mkdir(path.join(dir, 'outside'));
    await fs.writeFile(path.join(dir, 'outside', 'keep.txt'), 'not netcaster’s');
    await fs.symlink(path.join(dir, 'outside'), path.join(killed, 'media'));
    // Not to be touched: no owner file (not provably netcaster's), a live export's (this test
    // process stands for it), one of another host (whose processes cannot be asked about), a file,
    // and a symlink to a folder that looks like a killed build's.
    await leftover('aaaaaaaaaaaa');
    await leftover('bbbbbbbbbbbb', owner(process.pid));
    await leftover('cccccccccccc', owner(dead, 'another-host.example'));
    await fs.writeFile(`${out}.netcaster-tmp-dddddddddddd`, owner(dead));
    await fs.mkdir(path.join(dir, 'elsewhere'));
    await fs.writeFile(path.join(dir, 'elsewhere', STAGE_OWNER), owner(dead));
    await fs.symlink(path.join(dir, 'elsewhere'), `${out}.netcaster-tmp-eeeeeeeeeeee`);
    const before = without(without(await treeContents(dir), 'site'), path.basename(killed));

    const r = build(show, out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /files written/);
    await assert.rejects(
      fs.lstat(killed),
      { code: 'ENOENT' },
      `the killed build's staging folder is gone (OUT ${outExists ? 'existed' : 'was new'})`,
    );
    assert.deepEqual(without(await treeContents(dir), 'site'), before, 'everything else beside OUT is as it was');
    const site = await treeContents(out);
    assert.deepEqual(site, await treeContents(reference), 'OUT is the site a build into a new folder writes');
    assert.ok(site.has('index.html') && !site.has(STAGE_OWNER));
  }
});

test("a build that finds OUT up to date removes a killed build's staging folder too", async (t) => {
  const cache = tempDir('killed-staging-cache', t);
  const dir = tempDir('killed-staging-up-to-date', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const out = path.join(dir, 'site');
  const build = () => runCli(['build', show, '--out', out], { env: { NETCASTER_CACHE_DIR: cache } });
  assert.equal(build().code, 0);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const killed = `${out}.netcaster-tmp-0123456789ab`;
  await fs.mkdir(killed);
  await fs.writeFile(path.join(killed, STAGE_OWNER), `${dead}\n${os.hostname()}\n`);
  const r = build();
  assert.match(r.stdout, /is up to date/);
  await assert.rejects(fs.lstat(killed), { code: 'ENOENT' });
});
