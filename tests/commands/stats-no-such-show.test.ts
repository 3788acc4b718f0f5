// `netcaster stats /nonexist` (a typo in the show folder's name) exited 0 and printed every count
// in the store, with no episode titles, where every other command says there is no such show
// folder. The folder named on purpose must be there; the default `episodes` may be missing (the
// counts are in the store, the show only names the episodes).
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import { runCli } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

test('stats with a show folder that is not there: exit 2, naming it', (t) => {
  const work = tempDir('stats-no-show', t);
  const missing = path.join(work, 'nonexist');
  const env = { NETCASTER_DATA_DIR: path.join(work, 'data'), NETCASTER_DATABASE_URL: '' };
  const r = runCli(['stats', missing], { env });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`no such show folder: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(r.stdout, '');
  // With no folder named, from a folder without episodes/: the store's counts, as before.
  const plain = runCli(['stats'], { cwd: work, env });
  assert.equal(plain.code, 0, plain.stderr);
});
