// A netcaster built again from newer code with the same version number (a `git pull` and
// `npm run build`) took OUT for up to date, since the build stamp named only package.json, and kept
// the pages and feeds the old code had written. The stamp now names the running code too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { cliPath, repoRoot } from '../support/env.js';
import { makeShow } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

test('a build by newer code of the same version writes OUT again; the same code finds it up to date', async (t) => {
  // A copy of the built CLI, whose bundle can be made "newer" without touching the one other tests run.
  const copy = tempDir('build-code-changed', t);
  fs.mkdirSync(path.join(copy, 'bin'));
  fs.copyFileSync(cliPath, path.join(copy, 'bin', 'netcaster.cjs'));
  fs.cpSync(path.join(repoRoot, 'dist', 'bundle'), path.join(copy, 'dist', 'bundle'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'public'), path.join(copy, 'public'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(copy, 'package.json'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
  const show = await makeShow({ '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  const out = path.join(copy, 'site');
  const build = () => {
    const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'netcaster.cjs'), 'build', show, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.match(build(), /files written/);
  assert.match(build(), /is up to date/);
  const bundle = path.join(copy, 'dist', 'bundle', 'netcaster.cjs');
  const later = new Date(fs.statSync(bundle).mtimeMs + 60_000);
  fs.utimesSync(bundle, later, later); // as `npm run build` leaves it after a pull
  assert.match(build(), /files written/);
  assert.match(build(), /is up to date/);
});
