// A silent master, or one shorter than ebur128's 400 ms block, measures -70 LUFS (the absolute
// gate), not -inf: encode took it for audio, put a gain of 54 dB (162 dB for 0.1 s) on it, and
// then blamed the output file it had just removed. It must say the master is silent, naming it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { encodeShow } from '../../src/encode/show.js';
import { sampleShowDir } from '../support/env.js';
import { minimalShowYaml } from '../support/show-folder.js';
import { quietProgress } from '../support/quiet-progress.js';
import { tempDir } from '../support/temp-dir.js';

for (const [name, source] of [
  ['a silent master', 'anullsrc=r=44100:cl=stereo:d=3'],
  ['a master of 0.1 s', 'sine=f=500:d=0.1'],
] as const) {
  test(`${name} is refused as silent, naming the master`, async (t) => {
    const dir = tempDir('encode-silent', t);
    process.env.NETCASTER_CACHE_DIR = tempDir('encode-silent-cache', t);
    fs.writeFileSync(path.join(dir, 'show.yaml'), minimalShowYaml);
    fs.copyFileSync(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
    const ep = path.join(dir, '001-a');
    fs.mkdirSync(ep);
    const yaml = 'title: A\ndate: 2021-03-01T10:00:00Z\nsummary: S.\nguid: guid-a\nmaster: master.wav\n';
    fs.writeFileSync(path.join(ep, 'episode.yaml'), yaml);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', source, path.join(ep, 'master.wav')]);
    const result = await encodeShow(dir, {
      episodes: [],
      force: false,
      signal: new AbortController().signal,
      concurrency: 1,
      progress: quietProgress(),
    });
    assert.equal(result.results[0]?.status, 'failed');
    assert.deepEqual(
      result.problems.map((p) => [p.level, p.file]),
      [['error', '001-a/master.wav']],
    );
    assert.match(result.problems[0].message, /silent/);
    assert.deepEqual(fs.readdirSync(ep).sort(), ['episode.yaml', 'master.wav']);
    assert.equal(fs.readFileSync(path.join(ep, 'episode.yaml'), 'utf8'), yaml);
  });
}
