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

test('regression: an H.264 video declared as m4a is an error (audio-only m4v already was one)', async () => {
  const findings = checkDeclaredFormat('m4a', 'x.m4a', await factsOf('good-faststart.m4v'));
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /declared as m4a, an audio format, but the file has H\.264 video; offer it as m4v/);
});

test("an m4a whose video track holds still pictures (an enhanced podcast's chapter images) is audio all the same", async () => {
  const facts = { ...(await factsOf('audio-only.m4v')), hasVideo: true, videoCodec: 'jpeg' };
  assert.deepEqual(checkDeclaredFormat('m4a', 'x.m4a', facts), []);
});

test('regression: MP4 codecs podcast apps do not play are said: Opus, FLAC, VP9, AV1 a warning, a codec no one knows an error, no track at all an error', async () => {
  const audio = await factsOf('audio-only.m4v');
  const video = await factsOf('good-faststart.m4v');
  const said = (format: string, facts: MediaFacts) =>
    checkDeclaredFormat(format, `x.${format}`, facts).map((f) => `${f.level}: ${f.message}`);
  assert.deepEqual(said('m4a', { ...audio, audioCodec: 'Opus' }), [
    "warning: Opus audio in an MP4 plays in few podcast apps (Apple's players do not play it): encode AAC",
  ]);
  assert.match(said('m4a', { ...audio, audioCodec: 'FLAC' })[0], /^warning: FLAC audio/);
  assert.match(said('m4a', { ...audio, audioCodec: 'zzzz' })[0], /^error: audio of a codec netcaster does not know \(zzzz\)/);
  assert.match(said('m4v', { ...video, videoCodec: 'VP9' })[0], /^warning: VP9 video in an MP4 plays in few podcast apps.*encode H\.264/);
  assert.match(said('m4v', { ...video, videoCodec: 'abcd' })[0], /^error: video of a codec netcaster does not know \(abcd\)/);
  assert.deepEqual(said('m4a', { ...audio, hasAudio: false, audioCodec: undefined }), [
    'error: the file has no audio or video track: nothing in it plays',
  ]);
  assert.deepEqual(said('m4a', { ...audio, audioCodec: 'ALAC' }), []);
  assert.deepEqual(said('m4v', { ...video, videoCodec: 'HEVC' }), []);
});
