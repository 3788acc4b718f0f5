// A list in NETCASTER_USER_AGENTS_DIR that cannot be read made `stats import` die as an internal
// error (exit 70, "netcaster: internal error"). It is bad usage (exit 2), said with the file's name.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { runCli } from '../support/env.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

test('stats import with a broken user-agents list: exit 2, naming the file, no stack trace', async (t) => {
  const show = await makeShow({ 'ep-one': { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('ep-one', '', '  mp3: a.mp3\n') } });
  const lists = tempDir('stats-bad-ua', t);
  fs.writeFileSync(path.join(lists, 'bots.json'), '{"entries": [');
  const log = path.join(lists, 'a.log');
  fs.writeFileSync(log, '203.0.113.1 - - [01/Nov/2026:10:00:00 +0000] "GET /media/ep-one/a.mp3 HTTP/1.1" 200 10 "-" "gPodder/3.11"\n');
  const r = runCli(['stats', 'import', show, log, '--format', 'nginx'], {
    env: { NETCASTER_USER_AGENTS_DIR: lists, NETCASTER_DATA_DIR: tempDir('stats-bad-ua-data', t), NETCASTER_DATABASE_URL: '' },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(path.join(lists, 'bots.json')), r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
});
