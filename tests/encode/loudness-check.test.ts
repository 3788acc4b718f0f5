// `check --loudness`: a hand-made file far from the target is a warning (and --strict fails on it);
// the measurement is cached with the file's size and mtime.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { needTool, runCli } from '../support/env.js';
import { episodeYaml, makeShow, showYaml } from '../support/show-folder.js';

test('check --loudness warns about an MP3 far below the target, and --strict fails on it', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  // good-cbr.mp3 is a mono tone at about -22 LUFS: 3 LU under the mono target of -19.
  const dir = await makeShow({ '001-quiet': { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('001-quiet') } });
  const env = { NETCASTER_CACHE_DIR: path.join(dir, '.cache') };
  try {
    const plain = runCli(['check', dir, '--json'], { env });
    assert.ok(
      !JSON.parse(plain.stdout).problems.some((p: { field?: string }) => p.field === 'loudness'),
      'no measuring without --loudness',
    );

    const r = runCli(['check', dir, '--json', '--loudness'], { env });
    const problems = JSON.parse(r.stdout).problems as { level: string; file: string; field?: string; message: string }[];
    const warning = problems.find((p) => p.field === 'loudness');
    assert.ok(warning, JSON.stringify(problems));
    assert.equal(warning.level, 'warning');
    assert.equal(warning.file, '001-quiet/a.mp3');
    assert.match(warning.message, /LU below the show's target of -19 LUFS/);

    assert.equal(runCli(['check', dir, '--loudness', '--strict'], { env }).code, 1);
    // Cached: the second run decodes nothing, and says the same.
    const cacheFile = fs.readdirSync(env.NETCASTER_CACHE_DIR).find((n) => n.startsWith('loudness-'));
    assert.ok(cacheFile);
    const again = runCli(['check', dir, '--json', '--loudness'], { env });
    assert.deepEqual(JSON.parse(again.stdout).problems, problems);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check --loudness follows show.yaml encode: (a -22 LUFS target makes the same file right)', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  // Mono: the target is loudness - 3, so -19 here means -22 LUFS for this mono file.
  const dir = await makeShow(
    { '001-quiet': { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('001-quiet') } },
    `${showYaml}encode:\n  loudness: -19\n  truePeak: 0\n`,
  );
  try {
    const r = runCli(['check', dir, '--json', '--loudness'], { env: { NETCASTER_CACHE_DIR: path.join(dir, '.cache') } });
    const problems = JSON.parse(r.stdout).problems as { field?: string }[];
    assert.deepEqual(
      problems.filter((p) => p.field === 'loudness' || p.field === 'truePeak'),
      [],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
