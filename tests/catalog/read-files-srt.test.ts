// A transcript is served as it is, never parsed: a transcript.srt must at least start as SubRip
// does, or a link named transcript.srt to show.yaml, netcaster.lock or a master recording (all
// inside the show folder, so the real-path rule lets them by) would be published with every feed.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';

const one = () => ({ '001-a': { yaml: episodeYaml('001-a'), files: { 'a.mp3': 'good-cbr.mp3' } } });

test('transcript.srt linked to show.yaml is an error, and no transcript is published', async () => {
  const dir = await makeShow(one());
  await fs.symlink('../show.yaml', path.join(dir, '001-a', 'transcript.srt'));
  const { catalog, problems } = await checkShow(dir);
  const p = problems.find((x) => x.level === 'error');
  assert.ok(p, JSON.stringify(problems));
  assert.equal(p.file, '001-a/transcript.srt');
  assert.match(p.message, /not a SubRip file/);
  assert.equal(catalog?.episodes.find((e) => e.slug === '001-a')?.transcript, undefined);
});

test('transcript.srt that is JSON (netcaster.lock) is an error', async () => {
  const dir = await makeShow(one());
  await fs.writeFile(path.join(dir, 'netcaster.lock'), '{\n  "feeds": {},\n  "feedGuids": {},\n  "episodes": {}\n}\n');
  await fs.symlink('../netcaster.lock', path.join(dir, '001-a', 'transcript.srt'));
  assert.match((await checkShow(dir)).problems.find((x) => x.level === 'error')?.message ?? '', /not a SubRip file/);
});

test('a real SubRip file (with a BOM, CRLF, blank lines first) is in the catalog', async () => {
  const dir = await makeShow(one());
  await fs.writeFile(path.join(dir, '001-a', 'transcript.srt'), '\uFEFF\r\n1\r\n00:00:00,000 --> 00:00:02,000\r\nHello\r\n');
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.equal(catalog!.episodes[0].transcript?.mime, 'application/x-subrip');
});
