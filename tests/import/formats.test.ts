// import/formats.ts: which format name an imported file gets, from what its bytes are and what
// the feed said it was; and the image type from an image's first bytes.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaFacts } from '../../src/contract/catalog.js';
import { formatOfFacts, formatOfMime, imageExtension, isVideoFormat, mimeFits } from '../../src/import/formats.js';
import { sampleShowDir } from '../support/env.js';

/** Facts as the probe gives them, with only what decides the format. */
const facts = (container: string, hasVideo: boolean, audioCodec?: string): MediaFacts => ({
  size: 1000,
  mtimeMs: 0,
  container,
  mime: 'application/octet-stream',
  hasAudio: true,
  hasVideo,
  ...(audioCodec && { audioCodec }),
  tags: {},
  chapters: [],
});

test('formatOfMime: the MIME types podcast feeds use, with parameters and any case', () => {
  assert.equal(formatOfMime('audio/mpeg'), 'mp3');
  assert.equal(formatOfMime('audio/x-m4a'), 'm4a');
  assert.equal(formatOfMime('Video/X-M4V; charset=binary'), 'm4v');
  assert.equal(formatOfMime(' video/webm '), 'webm');
  assert.equal(formatOfMime('application/octet-stream'), undefined);
  assert.equal(formatOfMime(undefined), undefined);
  assert.equal(formatOfMime(''), undefined);
});

test('isVideoFormat: picture formats only', () => {
  for (const f of ['m4v', 'mp4', 'mov', 'webm', 'ogv', 'mkv']) assert.equal(isVideoFormat(f), true, f);
  for (const f of ['mp3', 'm4a', 'm4b', 'ogg', 'opus', 'flac']) assert.equal(isVideoFormat(f), false, f);
});

test('an MP4 is named as the feed offered it (m4a, m4b, m4v, mp4, mov) when that fits what is in it', () => {
  assert.equal(formatOfFacts(facts('MP4', false), 'audio/x-m4b'), 'm4b');
  assert.equal(formatOfFacts(facts('MP4', false), 'audio/mp4'), 'm4a');
  assert.equal(formatOfFacts(facts('MP4', true), 'video/x-m4v'), 'm4v');
  assert.equal(formatOfFacts(facts('MP4', true), 'video/quicktime'), 'mov');
});

test('an MP4 whose declared type contradicts its tracks is named by its tracks', () => {
  // Declared audio, has a picture; declared video, has none; declared nothing or something else.
  assert.equal(formatOfFacts(facts('MP4', true), 'audio/x-m4a'), 'mp4');
  assert.equal(formatOfFacts(facts('MP4', false), 'video/x-m4v'), 'm4a');
  assert.equal(formatOfFacts(facts('MP4', false), undefined), 'm4a');
  assert.equal(formatOfFacts(facts('MP4', true), 'audio/mpeg'), 'mp4');
});

test('every other container is named by what the bytes are, whatever the feed declared', () => {
  assert.equal(formatOfFacts(facts('MPEG', false), 'video/mp4'), 'mp3');
  assert.equal(formatOfFacts(facts('WebM', true), 'audio/mpeg'), 'webm');
  assert.equal(formatOfFacts(facts('Matroska', true), undefined), 'mkv');
  assert.equal(formatOfFacts(facts('Matroska', false), undefined), 'mka');
  assert.equal(formatOfFacts(facts('Ogg', false, 'Opus'), undefined), 'opus');
  assert.equal(formatOfFacts(facts('Ogg', false, 'Vorbis I'), undefined), 'ogg');
  assert.equal(formatOfFacts(facts('Ogg', true, 'Vorbis I'), undefined), 'ogv');
  assert.equal(formatOfFacts(facts('FLAC', false), undefined), 'flac');
  assert.equal(formatOfFacts(facts('WAV', false), undefined), 'wav');
  assert.equal(formatOfFacts(facts('ADTS', false), undefined), 'aac');
  assert.equal(formatOfFacts(facts('AIFF', false), undefined), 'aiff');
});

test('mimeFits: a declared type that names another container does not fit; an unknown or absent one is not judged', () => {
  assert.equal(mimeFits(facts('MPEG', false), 'audio/mpeg'), true);
  assert.equal(mimeFits(facts('MPEG', false), 'video/mp4'), false);
  assert.equal(mimeFits(facts('WebM', true), 'audio/mpeg'), false);
  assert.equal(mimeFits(facts('MPEG', false), 'application/octet-stream'), true);
  assert.equal(mimeFits(facts('MPEG', false), undefined), true);
});

test('mimeFits: any MP4 name fits an MP4 (audio/mp4 on a video MP4 is only imprecise)', () => {
  assert.equal(mimeFits(facts('MP4', true), 'audio/mp4'), true);
  assert.equal(mimeFits(facts('MP4', false), 'video/mp4'), true);
  assert.equal(mimeFits(facts('MP4', true), 'audio/mpeg'), false);
});

test('imageExtension: JPEG, PNG, WebP and GIF by their first bytes; anything else is not an image', () => {
  assert.equal(imageExtension(fs.readFileSync(path.join(sampleShowDir, 'artwork.jpg'))), 'jpg');
  assert.equal(imageExtension(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), 'png');
  assert.equal(imageExtension(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'webp');
  assert.equal(imageExtension(Buffer.from('GIF89a', 'latin1')), 'gif');
  assert.equal(imageExtension(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), undefined, 'a WAV is RIFF too');
  assert.equal(imageExtension(Buffer.from('<!DOCTYPE html>', 'latin1')), undefined);
  assert.equal(imageExtension(Buffer.from([0x89, 0x50, 0x4e, 0x47])), undefined, 'a PNG signature cut short');
  assert.equal(imageExtension(Buffer.alloc(0)), undefined);
});
