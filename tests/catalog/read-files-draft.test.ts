// `netcaster new` writes a draft whose media: names files that do not exist yet. A draft is
// published nowhere, so until they are there the check says so as a warning: it must not make the
// whole show unpublishable (build refusing, publish-due stopping) while the next episode is prepared.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checkShow } from '../../src/catalog/check-show.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { runCli } from '../support/env.js';

test('a draft made by `netcaster new`, before its files exist, is a warning; the show stays publishable', async () => {
  const dir = await makeShow({ '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  const made = runCli(['new', dir, '--title', 'Next week'], { env: { NETCASTER_CACHE_DIR: process.env.NETCASTER_CACHE_DIR! } });
  assert.equal(made.code, 0, made.stderr);
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
  const waiting = problems.find((p) => p.file === '002-next-week/episode.yaml');
  assert.equal(waiting?.level, 'warning');
  assert.equal(waiting?.field, 'media.mp3');
  assert.match(waiting?.message ?? '', /not found: fixture-show-002\.mp3 \(a draft/);
  assert.deepEqual(
    catalog?.episodes.map((e) => e.slug),
    ['001-a'],
  );
  const check = runCli(['check', dir], { env: { NETCASTER_CACHE_DIR: process.env.NETCASTER_CACHE_DIR! } });
  assert.equal(check.code, 0, check.stdout);
});

test('a missing file of an episode meant for publication is still an error', async () => {
  const dir = await makeShow({ '001-a': { yaml: episodeYaml('001-a', '', '  mp3: nope.mp3\n') } });
  const { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.map((p) => [p.level, p.field]),
    [['error', 'media.mp3']],
  );
});

test('a draft whose file is there but broken is still an error', async () => {
  const dir = await makeShow({ '001-a': { yaml: episodeYaml('001-a', 'draft: true\n'), files: { 'a.mp3': 'text.mp3' } } });
  const { problems } = await checkShow(dir);
  assert.ok(problems.some((p) => p.level === 'error'));
});
