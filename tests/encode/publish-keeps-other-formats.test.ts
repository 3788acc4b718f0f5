// encode writes media: for the formats it makes, and must keep every other format the podcaster
// listed (a file made by hand): dropping it took the episode out of that format's feed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { load as parseYaml } from 'js-yaml';
import { publishedMedia } from '../../src/encode/publish.js';
import { encodeShow } from '../../src/encode/show.js';
import type { EpisodeManifest } from '../../src/show/schema.js';
import { fixturesDir, sampleShowDir } from '../support/env.js';
import { minimalShowYaml } from '../support/show-folder.js';
import { quietProgress } from '../support/quiet-progress.js';
import { tempDir } from '../support/temp-dir.js';

test('publishedMedia keeps the formats encode did not make, and replaces those it did', () => {
  const manifest = { media: { m4v: 'handmade.m4v', mp3: 'old.mp3' } } as unknown as EpisodeManifest;
  assert.deepEqual(publishedMedia(manifest, { mp3: 'one-abc.mp3' }), { mp3: 'one-abc.mp3', m4v: 'handmade.m4v' });
  assert.deepEqual(publishedMedia({} as EpisodeManifest, { mp3: 'one-abc.mp3' }), { mp3: 'one-abc.mp3' });
});

test('encode of mp3 only keeps the hand-made m4v listed under media:', async (t) => {
  const dir = tempDir('encode-keeps', t);
  process.env.NETCASTER_CACHE_DIR = tempDir('encode-keeps-cache', t);
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    `${minimalShowYaml}  video: { title: Video, enclosure: m4v }
encode:
  formats: [mp3]
`,
  );
  fs.copyFileSync(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  const ep = path.join(dir, '001-a');
  fs.mkdirSync(ep);
  fs.writeFileSync(
    path.join(ep, 'episode.yaml'),
    'title: A\ndate: 2021-03-01T10:00:00Z\nsummary: S.\nguid: guid-a\nmaster: master.flac\nmedia:\n  m4v: handmade.m4v\n',
  );
  fs.copyFileSync(path.join(fixturesDir, 'masters', 'speech-mono.flac'), path.join(ep, 'master.flac'));
  // The hand-made video of the same recording (check compares the formats' durations).
  // prettier-ignore
  const seconds = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(ep, 'master.flac')],
    { encoding: 'utf8' },
  ).trim();
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=160x120:r=10',
    '-i',
    path.join(ep, 'master.flac'),
    '-t',
    seconds,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    path.join(ep, 'handmade.m4v'),
  ]);
  const result = await encodeShow(dir, {
    episodes: [],
    force: false,
    signal: new AbortController().signal,
    concurrency: 1,
    progress: quietProgress(),
  });
  assert.equal(result.results[0]?.status, 'encoded', JSON.stringify(result.problems));
  const media = (parseYaml(fs.readFileSync(path.join(ep, 'episode.yaml'), 'utf8')) as { media: Record<string, string> }).media;
  assert.equal(media.m4v, 'handmade.m4v');
  assert.match(media.mp3, /^001-a-[0-9a-f]{12}\.mp3$/);
});
