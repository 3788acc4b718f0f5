import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { onlyEncoderSignature, probeMedia } from '../../src/media/probe.js';
import { fixture, mediaDir, seededBytes, trueDuration } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const within = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= 0.5, `${what}: duration ${actual}, expected ${expected} ± 0.5 s`);

test('every fixture with a known duration probes to within 0.5 s of it', async () => {
  for (const [name, seconds] of Object.entries(trueDuration)) {
    const { facts } = await probeMedia(fixture(name));
    within(facts?.duration, seconds, name);
  }
});

test('good CBR MP3: container, codec, ID3 tags and CHAP chapters, no findings', async () => {
  const { facts, findings } = await probeMedia(fixture('good-cbr.mp3'));
  assert.deepEqual(findings, []);
  assert.equal(facts?.container, 'MPEG');
  assert.equal(facts?.audioCodec, 'MP3');
  assert.equal(facts?.mime, 'audio/mpeg');
  assert.equal(facts?.vbr, false);
  assert.equal(facts?.hasVideo, false);
  assert.ok(facts && Math.abs(facts.bitrate! - 32000) < 1000, `bitrate ${facts?.bitrate}`);
  assert.deepEqual(facts?.tags, { title: 'Fixture Episode', artist: 'Netcaster Tests', album: 'Fixture Show', year: 2024 });
  assert.deepEqual(facts?.chapters, [
    { startTime: 0, title: 'Opening', endTime: 2 },
    { startTime: 2, title: 'The Main Part', endTime: 6 },
  ]);
  assert.equal(facts?.size, fs.statSync(fixture('good-cbr.mp3')).size);
});

test('VBR MP3 with a Xing header: VBR, header noted, no warning', async () => {
  const { facts, findings } = await probeMedia(fixture('vbr-xing.mp3'));
  assert.deepEqual(findings, []);
  assert.equal(facts?.vbr, true);
  assert.equal(facts?.xingHeader, true);
});

test('VBR MP3 without a Xing header: a warning naming the missing header, and the exact duration', async () => {
  const { facts, findings } = await probeMedia(fixture('vbr-no-xing.mp3'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'warning');
  assert.match(findings[0].message, /VBR MP3 without a Xing\/Info header/);
  assert.equal(facts?.vbr, true);
  assert.equal(facts?.xingHeader, false);
  within(facts?.duration, trueDuration['vbr-no-xing.mp3'], 'vbr-no-xing.mp3');
});

test('M4V with moov at the end: fastStart false and the faststart warning', async () => {
  const { facts, findings } = await probeMedia(fixture('moov-at-end.m4v'));
  assert.equal(facts?.fastStart, false);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'warning');
  assert.match(findings[0].message, /moov at the end/);
  assert.match(findings[0].message, /-movflags \+faststart/);
});

test('good fast-start M4V: H.264 + AAC, 160x90, tags and chapters, no findings', async () => {
  const { facts, findings } = await probeMedia(fixture('good-faststart.m4v'));
  assert.deepEqual(findings, []);
  assert.equal(facts?.fastStart, true);
  assert.equal(facts?.container, 'MP4');
  assert.equal(facts?.mime, 'video/x-m4v');
  assert.equal(facts?.videoCodec, 'H.264');
  assert.equal(facts?.audioCodec, 'AAC');
  assert.equal(facts?.width, 160);
  assert.equal(facts?.height, 90);
  assert.equal(facts?.tags.title, 'Fixture Video');
  assert.deepEqual(facts?.chapters, [
    { startTime: 0, title: 'Intro', endTime: 1.5 },
    { startTime: 1.5, title: 'Demo', endTime: 4 },
  ]);
});

test('video-only M4V: no audio track, duration from mvhd', async () => {
  const { facts, findings } = await probeMedia(fixture('video-only.m4v'));
  assert.deepEqual(findings, []);
  assert.equal(facts?.hasVideo, true);
  assert.equal(facts?.hasAudio, false);
  assert.equal(facts?.audioCodec, undefined);
  within(facts?.duration, trueDuration['video-only.m4v'], 'video-only.m4v');
});

test('truncated M4V: an error saying it is truncated, naming the box', async () => {
  const { findings } = await probeMedia(fixture('truncated.m4v'));
  const errors = findings.filter((f) => f.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /truncated: its mdat box claims \d+ bytes but only \d+ are left/);
});

test('MP4 cut before its moov box: an error, no facts', async (t) => {
  const dir = tempDir('media');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cut.m4v');
  const bytes = fs.readFileSync(fixture('moov-at-end.m4v'));
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100)); // moov is last: cutting the end breaks it
  const { facts, findings } = await probeMedia(file);
  assert.equal(facts, undefined);
  assert.ok(
    findings.some((f) => f.level === 'error' && /truncated: its moov box/.test(f.message)),
    JSON.stringify(findings),
  );
  assert.ok(
    findings.some((f) => f.level === 'error' && /no moov box/.test(f.message)),
    JSON.stringify(findings),
  );
});

test('empty file: an error saying it is empty', async () => {
  const { facts, findings } = await probeMedia(fixture('empty.mp3'));
  assert.equal(facts, undefined);
  assert.deepEqual(findings, [{ level: 'error', message: 'the file is empty (0 bytes)' }]);
});

test('text file named .mp3: an error saying it is text', async () => {
  const { facts, findings } = await probeMedia(fixture('text.mp3'));
  assert.equal(facts, undefined);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /the file is text, not audio or video/);
});

test('random bytes: an error saying it is not a media file', async (t) => {
  const dir = tempDir('media');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'noise.mp3');
  fs.writeFileSync(file, seededBytes(1, 200_000));
  const { facts, findings } = await probeMedia(file);
  assert.equal(facts, undefined);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /not a media file/);
});

test('a missing file and a folder: errors, no throw', async () => {
  const missing = await probeMedia(path.join(mediaDir, 'no-such-file.mp3'));
  assert.match(missing.findings[0].message, /cannot open the file \(ENOENT\)/);
  const folder = await probeMedia(mediaDir);
  assert.equal(folder.findings[0].level, 'error');
});

test('WebM (VP9 + Opus) with a Duration element', async () => {
  const { facts, findings } = await probeMedia(fixture('good.webm'));
  assert.deepEqual(findings, []);
  assert.equal(facts?.container, 'WebM');
  assert.equal(facts?.mime, 'video/webm');
  assert.equal(facts?.videoCodec, 'VP9');
  assert.equal(facts?.audioCodec, 'Opus');
  assert.equal(facts?.width, 160);
});

test('WebM without a Duration element: duration from the last Cluster', async () => {
  const { facts, findings } = await probeMedia(fixture('no-duration.webm'));
  assert.deepEqual(findings, []);
  within(facts?.duration, trueDuration['no-duration.webm'], 'no-duration.webm');
});

test('the container comes from the bytes, not the name', async () => {
  assert.equal((await probeMedia(fixture('webm-named.mp3'))).facts?.container, 'WebM');
  assert.equal((await probeMedia(fixture('aac-in-mp4.mp3'))).facts?.container, 'MP4');
  assert.equal((await probeMedia(fixture('aac-in-mp4.mp3'))).facts?.audioCodec, 'AAC');
  assert.equal((await probeMedia(fixture('audio-only.m4v'))).facts?.hasVideo, false);
});

test('probeMedia never throws: every fixture, damaged copies of each, and every prefix of the M4V', async (t) => {
  const dir = tempDir('media');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = fs.readdirSync(mediaDir).map((name) => path.join(mediaDir, name));
  let seed = 7;
  for (const name of fs.readdirSync(mediaDir)) {
    const bytes = fs.readFileSync(path.join(mediaDir, name));
    if (bytes.length < 64) continue;
    // Overwrite a stretch in the middle, and cut at a few places.
    const damaged = Buffer.from(bytes);
    seededBytes(seed++, 256).copy(damaged, Math.floor(bytes.length / 2));
    const file = path.join(dir, `damaged-${name}`);
    fs.writeFileSync(file, damaged);
    files.push(file);
    for (const cut of [9, 100, 1000, 4000]) {
      const prefix = path.join(dir, `cut${cut}-${name}`);
      fs.writeFileSync(prefix, bytes.subarray(0, cut));
      files.push(prefix);
    }
  }
  for (const file of files) {
    const result = await probeMedia(file);
    assert.ok(Array.isArray(result.findings), file);
    assert.ok(result.facts || result.findings.some((f) => f.level === 'error'), `${file}: no facts and no error`);
  }
});

/** An ID3v2 tag of the given frames (text frames: encoding byte 3, UTF-8), then `padding` zero bytes. */
function id3Tag(
  frames: [string, string][],
  options: { version?: 3 | 4; revision?: number; padding?: number; frameFlags?: number } = {},
): Buffer {
  const version = options.version ?? 4;
  const synchsafe = (n: number) => Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
  const body = Buffer.concat([
    ...frames.map(([id, text]) => {
      const data = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]);
      const size = version === 4 ? synchsafe(data.length) : Buffer.from([0, 0, 0, data.length]);
      return Buffer.concat([Buffer.from(id, 'latin1'), size, Buffer.from([0, options.frameFlags ?? 0]), data]);
    }),
    Buffer.alloc(options.padding ?? 16),
  ]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([version, options.revision ?? 0, 0]), synchsafe(body.length), body]);
}

test("an MP3 whose tag is only the encoder's signature: the same facts as when music-metadata reads the tag", async () => {
  const good = fs.readFileSync(fixture('good-cbr.mp3'));
  const tagEnd = 10 + (((good[6] & 0x7f) << 21) | ((good[7] & 0x7f) << 14) | ((good[8] & 0x7f) << 7) | (good[9] & 0x7f));
  const audio = good.subarray(tagEnd);
  const dir = tempDir('id3');
  const probe = async (name: string, tag: Buffer) => {
    fs.writeFileSync(path.join(dir, name), Buffer.concat([tag, audio]));
    const { facts, findings } = await probeMedia(path.join(dir, name));
    const { mtimeMs: _m, size: _s, ...rest } = facts!;
    return { facts: rest, findings };
  };
  const signature: [string, string] = ['TSSE', 'Lavf59.27.100'];
  const takes = (tag: Buffer) => onlyEncoderSignature(Buffer.concat([tag, audio.subarray(0, 100)]), tag.length);
  assert.equal(takes(id3Tag([signature])), true);
  assert.equal(takes(id3Tag([signature, ['TENC', 'x']], { version: 3 })), true);
  assert.equal(takes(id3Tag([signature], { revision: 1 })), false);
  assert.equal(takes(id3Tag([signature, ['TIT2', 'A Title']])), false);
  assert.equal(takes(id3Tag([signature], { frameFlags: 0x40 })), false);
  assert.equal(takes(Buffer.concat([id3Tag([signature]), Buffer.from([0])])), false, 'a tag whose size is not its length');
  const fast = await probe('signature.mp3', id3Tag([signature]));
  // The same bytes, but the revision byte set: not the plain tag the shortcut takes, so music-metadata reads it.
  const read = await probe('revision.mp3', id3Tag([signature], { revision: 1 }));
  assert.deepEqual(fast, read);
  assert.deepEqual(fast.facts.tags, {});
  assert.deepEqual(fast.findings, []);
  assert.deepEqual(await probe('v23.mp3', id3Tag([signature, ['TENC', 'x']], { version: 3 })), read);
  // A frame beside the signature is read.
  const titled = await probe('titled.mp3', id3Tag([signature, ['TIT2', 'A Title']]));
  assert.equal(titled.facts.tags.title, 'A Title');
  const titledV23 = await probe('titled-v23.mp3', id3Tag([['TIT2', 'Old Title'], signature], { version: 3 }));
  assert.equal(titledV23.facts.tags.title, 'Old Title');
});

test('an MP3 whose ID3 tag ends anywhere around the first read (20 KB) and the head (64 KB) probes as with a small tag', async (t) => {
  const dir = tempDir('probe-tag');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const original = fs.readFileSync(fixture('good-cbr.mp3'));
  const syncsafe = (b: Buffer) => ((b[0] & 0x7f) << 21) | ((b[1] & 0x7f) << 14) | ((b[2] & 0x7f) << 7) | (b[3] & 0x7f);
  const tagLength = syncsafe(original.subarray(6, 10));
  const { facts: expected } = await probeMedia(fixture('good-cbr.mp3'));
  for (const padding of [8_000, 15_000, 30_000, 60_000, 100_000]) {
    // The same tag with zero padding after its frames (ID3v2.3 section 3.3), its size raised to match.
    const size = tagLength + padding;
    const header = Buffer.from(original.subarray(0, 10));
    header.set([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 6);
    const file = path.join(dir, `padded-${padding}.mp3`);
    fs.writeFileSync(
      file,
      Buffer.concat([header, original.subarray(10, 10 + tagLength), Buffer.alloc(padding), original.subarray(10 + tagLength)]),
    );
    const { facts, findings } = await probeMedia(file);
    assert.deepEqual(findings, [], `padding ${padding}`);
    assert.deepEqual({ ...facts, size: 0, mtimeMs: 0 }, { ...expected, size: 0, mtimeMs: 0 }, `padding ${padding}`);
  }
});

test('regression: an MP4 whose header claims hours its samples do not hold is an error, not a 27-hour itunes:duration', async (t) => {
  const dir = tempDir('probe-mvhd', t);
  const bytes = fs.readFileSync(fixture('good-faststart.m4v'));
  const mvhd = bytes.indexOf('mvhd');
  assert.ok(mvhd > 0 && bytes[mvhd + 4] === 0, 'a version 0 mvhd');
  const timescale = bytes.readUInt32BE(mvhd + 16);
  bytes.writeUInt32BE(timescale * 97_000, mvhd + 20); // some 27 hours
  const file = path.join(dir, 'liar.m4v');
  fs.writeFileSync(file, bytes);
  const { findings } = await probeMedia(file);
  const said = findings.filter((f) => f.level === 'error').map((f) => f.message);
  assert.equal(said.length, 1, JSON.stringify(findings));
  assert.match(said[0], /header says it plays for 1616:40\.0, but its samples add up to 0:0\d\.\d: the header is wrong/);
  // The file as ffmpeg wrote it: the same check says nothing.
  assert.deepEqual(
    (await probeMedia(fixture('good-faststart.m4v'))).findings.filter((f) => f.level === 'error'),
    [],
  );
});

test('regression: 2 MB of 0xff bytes is "not a media file", not "text"; UTF-8 text still is text', async (t) => {
  const dir = tempDir('probe-ff', t);
  const ff = path.join(dir, 'ff.mp3');
  fs.writeFileSync(ff, Buffer.alloc(2 * 1024 * 1024, 0xff));
  const said = (await probeMedia(ff)).findings.map((f) => f.message).join('\n');
  assert.match(said, /not a media file: .*\(it starts with bytes ff ff ff/);
  const text = path.join(dir, 'text.mp3');
  fs.writeFileSync(text, 'Grüße aus Wien, '.repeat(100));
  assert.match(
    (await probeMedia(text)).findings.map((f) => f.message).join('\n'),
    /the file is text, not audio or video \(it starts with "Grüße aus Wien/,
  );
});
