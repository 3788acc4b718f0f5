// encode wrote each output into `.<name>.partial` beside the episode with ffmpeg -y, and removed
// that name when done. The name can be foreseen (a content hash; -r2 under --force), so a file or
// link already there was written through (a symlink to a file outside the show was overwritten with
// the MP4) or deleted. Partial files are now made exclusively under names of encode's own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { encodeShow } from '../../src/encode/show.js';
import { fixturesDir, sampleShowDir } from '../support/env.js';
import { minimalShowYaml } from '../support/show-folder.js';
import { quietProgress } from '../support/quiet-progress.js';
import { tempDir } from '../support/temp-dir.js';

const options = (force: boolean) => ({
  episodes: [],
  force,
  signal: new AbortController().signal,
  concurrency: 2,
  progress: quietProgress(),
});

test('encode --force never writes through, nor removes, a file or link at a foreseeable partial name', async (t) => {
  const dir = tempDir('encode-partial', t);
  process.env.NETCASTER_CACHE_DIR = tempDir('encode-partial-cache', t);
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    `${minimalShowYaml}  video: { title: Video, enclosure: m4v }
`,
  );
  fs.copyFileSync(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  const ep = path.join(dir, '001-a');
  fs.mkdirSync(ep);
  fs.writeFileSync(path.join(ep, 'episode.yaml'), 'title: A\ndate: 2021-03-01T10:00:00Z\nsummary: S.\nguid: guid-a\nmaster: master.flac\n');
  fs.copyFileSync(path.join(fixturesDir, 'masters', 'speech-mono.flac'), path.join(ep, 'master.flac'));
  const first = await encodeShow(dir, options(false));
  assert.equal(first.results[0]?.status, 'encoded', JSON.stringify(first.problems));
  const media = first.results[0].media!;

  // What a --force run would have used as partial names: <name>-r2.<ext>.
  const r2 = (name: string) => `.${name.replace(/(\.\w+)$/, '-r2$1')}.partial`;
  const outside = tempDir('encode-partial-outside', t);
  const victim = path.join(outside, 'victim.txt');
  fs.writeFileSync(victim, 'not written by netcaster\n');
  fs.symlinkSync(victim, path.join(ep, r2(media.m4v)));
  fs.writeFileSync(path.join(ep, r2(media.mp3)), 'my own file\n');

  const second = await encodeShow(dir, options(true));
  assert.equal(second.results[0]?.status, 'encoded', JSON.stringify(second.problems));
  assert.equal(fs.readFileSync(victim, 'utf8'), 'not written by netcaster\n');
  assert.equal(fs.readlinkSync(path.join(ep, r2(media.m4v))), victim);
  assert.equal(fs.readFileSync(path.join(ep, r2(media.mp3)), 'utf8'), 'my own file\n');
  // Nothing of encode's own is left behind.
  assert.deepEqual(
    fs
      .readdirSync(ep)
      .filter((n) => n.endsWith('.partial'))
      .sort(),
    [r2(media.m4v), r2(media.mp3)].sort(),
  );
});
