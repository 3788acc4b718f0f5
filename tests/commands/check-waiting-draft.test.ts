// `check`'s summary left out a draft made by `netcaster new` while its media files are not there yet
// (it is kept out of the catalog with a warning): "1 episode (1 published, 0 scheduled, 0 drafts)"
// where `status` listed the draft. It now counts it, as `status` does.
import assert from 'node:assert/strict';
import test from 'node:test';
import { runCli } from '../support/env.js';
import { makeShow } from '../support/show-folder.js';

test("check's summary counts a draft that waits for its media files", async () => {
  const dir = await makeShow({ '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  const env = { NETCASTER_CACHE_DIR: process.env.NETCASTER_CACHE_DIR! };
  assert.equal(runCli(['new', dir, '--title', 'Next week'], { env }).code, 0);
  const check = runCli(['check', dir], { env });
  assert.equal(check.code, 0, check.stdout);
  assert.match(check.stdout, /: 2 episodes \(1 published, 0 scheduled, 1 draft\), 1 media file,/);
  const status = runCli(['status', dir], { env });
  assert.match(status.stdout, /Drafts \(1\):\n {2}\(002-next-week\) {2}waiting for its media files/);
});
