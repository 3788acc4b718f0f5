import test from 'node:test';
import assert from 'node:assert/strict';
import { MIME_TABLE, mimeFor } from '../../src/media/mime.js';
import { probeMedia } from '../../src/media/probe.js';
import { fixture } from './fixtures.js';

// [container, hasVideo, declared format, expected MIME]
const CASES: [string, boolean, string | undefined, string][] = [
  ['MPEG', false, 'mp3', 'audio/mpeg'],
  ['MP4', false, 'm4a', 'audio/x-m4a'],
  ['MP4', false, 'm4b', 'audio/x-m4b'],
  ['MP4', true, 'm4v', 'video/x-m4v'],
  ['MP4', true, 'mov', 'video/quicktime'],
  ['MP4', true, 'mp4', 'video/mp4'],
  ['MP4', false, 'mp4', 'audio/mp4'],
  ['WebM', true, 'webm', 'video/webm'],
  ['WebM', false, 'webm', 'audio/webm'],
  ['Matroska', true, 'mkv', 'video/x-matroska'],
  ['Matroska', false, 'mka', 'audio/x-matroska'],
  ['Ogg', true, 'ogv', 'video/ogg'],
  ['Ogg', false, 'opus', 'audio/opus'],
  ['Ogg', false, 'ogg', 'audio/ogg'],
  ['FLAC', false, 'flac', 'audio/flac'],
  ['WAV', false, 'wav', 'audio/wav'],
  ['ADTS', false, 'aac', 'audio/aac'],
];

test('every row of the MIME table is covered by a case, and every case gives its MIME', () => {
  const hit = new Set<number>();
  for (const [container, video, format, mime] of CASES) {
    assert.equal(mimeFor(container, video, format), mime, `${container} video=${video} format=${format}`);
    hit.add(
      MIME_TABLE.findIndex(
        (r) => r.container === container && (r.video === undefined || r.video === video) && (r.format === undefined || r.format === format),
      ),
    );
  }
  const missed = MIME_TABLE.filter((_, i) => !hit.has(i));
  assert.deepEqual(missed, []);
});

test('a format name that does not fit the container is ignored; unknown containers are octet-stream', () => {
  assert.equal(mimeFor('MPEG', false, 'm4v'), 'audio/mpeg');
  assert.equal(mimeFor('MP4', true, undefined), 'video/mp4');
  assert.equal(mimeFor('MP4', true, 'M4V'), 'video/x-m4v');
  assert.equal(mimeFor('Nonsense', false, 'mp3'), 'application/octet-stream');
});

test('probed files get the MIME of what they are, not of their name', async () => {
  const expected: Record<string, string> = {
    'good-cbr.mp3': 'audio/mpeg',
    'good-faststart.m4v': 'video/x-m4v',
    'aac-in-mp4.mp3': 'audio/mp4',
    'webm-named.mp3': 'audio/webm',
    'good.webm': 'video/webm',
    'tone.opus': 'audio/opus',
    'tone.flac': 'audio/flac',
    'tone.wav': 'audio/wav',
  };
  for (const [name, mime] of Object.entries(expected)) assert.equal((await probeMedia(fixture(name))).facts?.mime, mime, name);
});
