import test from 'node:test';
import assert from 'node:assert/strict';
import { checkDeclaredFormat } from '../../src/media/formats.js';
import { probeMedia } from '../../src/media/probe.js';
import type { MediaFacts } from '../../src/contract/catalog.js';
import { fixture } from './fixtures.js';

async function factsOf(name: string): Promise<MediaFacts> {
  const { facts } = await probeMedia(fixture(name));
  assert.ok(facts, `${name} has facts`);
  return facts;
}

test('files that are what they are declared as: no findings', async () => {
  assert.deepEqual(checkDeclaredFormat('mp3', 'good-cbr.mp3', await factsOf('good-cbr.mp3')), []);
  assert.deepEqual(checkDeclaredFormat('m4v', 'good-faststart.m4v', await factsOf('good-faststart.m4v')), []);
  assert.deepEqual(checkDeclaredFormat('mp4', 'good-faststart.m4v', await factsOf('good-faststart.m4v')), []);
  assert.deepEqual(checkDeclaredFormat('webm', 'good.webm', await factsOf('good.webm')), []);
  assert.deepEqual(checkDeclaredFormat('opus', 'tone.opus', await factsOf('tone.opus')), []);
  assert.deepEqual(checkDeclaredFormat('flac', 'tone.flac', await factsOf('tone.flac')), []);
});

test('an mp3 that is really AAC in MP4: error naming both', async () => {
  const findings = checkDeclaredFormat('mp3', 'aac-in-mp4.mp3', await factsOf('aac-in-mp4.mp3'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /^declared as mp3 but the file is AAC audio in an MP4 container/);
});

test('an m4v without a video track: error saying so', async () => {
  const findings = checkDeclaredFormat('m4v', 'audio-only.m4v', await factsOf('audio-only.m4v'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /declared as m4v, a video format, but the file has no video track, only AAC audio/);
});

test('an mp4 without a video track: error too', async () => {
  const findings = checkDeclaredFormat('mp4', 'audio-only.mp4', await factsOf('audio-only.m4v'));
  assert.equal(findings[0]?.level, 'error');
  assert.match(findings[0].message, /no video track/);
});

test('a WebM declared and named as mp3: error naming WebM and the .mp3 name', async () => {
  const findings = checkDeclaredFormat('mp3', 'webm-named.mp3', await factsOf('webm-named.mp3'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /declared as mp3 but the file is Opus audio in a WebM container, although its name ends in \.mp3/);
});

test('a WebM declared as webm but named .mp3: the name is the error', async () => {
  const findings = checkDeclaredFormat('webm', 'webm-named.mp3', await factsOf('webm-named.mp3'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /the file name ends in \.mp3 but the file is Opus audio in a WebM container; name it \.webm/);
});

test('declared format vs real container: a WebM video declared as m4v', async () => {
  const findings = checkDeclaredFormat('m4v', 'episode.webm', await factsOf('good.webm'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /declared as m4v but the file is VP9 video with Opus audio in a WebM container/);
});

test('an MPEG audio file that is not layer III, declared as mp3: error naming the layer', async () => {
  const facts = { ...(await factsOf('good-cbr.mp3')), audioCodec: 'MP2' };
  const findings = checkDeclaredFormat('mp3', 'talk.mp3', facts);
  assert.equal(findings[0]?.level, 'error');
  assert.match(findings[0].message, /declared as mp3 \(MP3 audio\) but the file is MPEG audio layer II \(MP2\)/);
});

test('an unknown format name: a warning naming it', async () => {
  const findings = checkDeclaredFormat('mp5', 'good-cbr.mp3', await factsOf('good-cbr.mp3'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'warning');
  assert.match(findings[0].message, /unknown format name "mp5"/);
});
