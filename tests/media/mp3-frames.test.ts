import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findFrame, id3v2Length, mp3Timing, parseFrameHeader, readSeekHeader, scanFrames } from '../../src/media/mp3-frames.js';
import { probeMedia } from '../../src/media/probe.js';
import { ffmpeg, needTool } from '../support/env.js';
import { fixture, seededBytes, trueDuration } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

function timingOf(file: string) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 65536));
    fs.readSync(fd, head, 0, head.length, 0);
    return mp3Timing(fd, size, head);
  } finally {
    fs.closeSync(fd);
  }
}

test('frame header: MPEG-1 layer III 128 kbit/s 44.1 kHz is 417 bytes (418 padded)', () => {
  const header = parseFrameHeader(Buffer.from([0xff, 0xfb, 0x90, 0x64]), 0);
  assert.deepEqual(
    { ...header },
    { version: 1, layer: 3, bitrate: 128000, sampleRate: 44100, mono: false, crc: false, samplesPerFrame: 1152, frameLength: 417 },
  );
  assert.equal(parseFrameHeader(Buffer.from([0xff, 0xfb, 0x92, 0x64]), 0)?.frameLength, 418);
  // Bitrate index 15 and ADTS's layer 00 are not MP3 frames.
  assert.equal(parseFrameHeader(Buffer.from([0xff, 0xfb, 0xf0, 0x64]), 0), undefined);
  assert.equal(parseFrameHeader(Buffer.from([0xff, 0xf1, 0x50, 0x80]), 0), undefined);
});

test('the frame scan counts exactly the frames the Xing header announces', async () => {
  const file = fixture('vbr-xing.mp3');
  const bytes = fs.readFileSync(file);
  const first = findFrame(bytes, id3v2Length(bytes), undefined, 4)!;
  const xing = readSeekHeader(bytes, first.offset, first.header);
  assert.equal(xing?.kind, 'Xing');
  const fd = fs.openSync(file, 'r');
  try {
    const scan = scanFrames(fd, first.offset + first.header.frameLength, bytes.length, first.header);
    assert.equal(scan.frames, xing?.frames);
    assert.equal(scan.skipped, 0);
    assert.equal(scan.variableBitrate, true);
  } finally {
    fs.closeSync(fd);
  }
});

test('VBR without Xing: found by frame scan, exact to the sample', async () => {
  const timing = timingOf(fixture('vbr-no-xing.mp3'));
  assert.equal(timing?.method, 'frame-scan');
  assert.equal(timing?.seekHeader, undefined);
  // 27 s at 22050 Hz plus the encoder's delay and padding: whole 576-sample frames.
  assert.ok(Math.abs(timing!.duration - trueDuration['vbr-no-xing.mp3']) < 0.1, `${timing?.duration}`);
  assert.equal(Math.round((timing!.duration * 22050) % 576), 0);
});

test('garbage in the middle and tags at the end do not change the scanned duration', async (t) => {
  const dir = tempDir('mp3');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bytes = fs.readFileSync(fixture('vbr-no-xing.mp3'));
  const middle = Math.floor(bytes.length / 2);
  const id3v1 = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]);
  const file = path.join(dir, 'damaged.mp3');
  fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, middle), seededBytes(3, 3000), bytes.subarray(middle), id3v1]));
  const clean = timingOf(fixture('vbr-no-xing.mp3'));
  const damaged = timingOf(file);
  // At most the one frame the garbage landed in is lost.
  assert.ok(Math.abs(clean!.duration - damaged!.duration) <= 0.03, `${clean?.duration} vs ${damaged?.duration}`);
});

test('CBR without an Info header: duration from size and bitrate, no scan', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const dir = tempDir('mp3');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cbr.mp3');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=22050:duration=20',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    '-write_xing',
    '0',
    file,
  ]);
  const timing = timingOf(file);
  assert.equal(timing?.method, 'constant-bitrate');
  assert.equal(timing?.vbr, false);
  assert.ok(Math.abs(timing!.duration - 20) < 0.2, `${timing?.duration}`);
});

// --- The seek header checked against the bytes present -------------------------------------------

/** A copy of vbr-xing.mp3 changed by `edit`, probed the way `check` probes it. */
async function probeEdited(t: { after: (fn: () => void) => void }, name: string, edit: (bytes: Buffer) => Buffer) {
  const dir = tempDir('mp3');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, edit(Buffer.from(fs.readFileSync(fixture('vbr-xing.mp3')))));
  return probeMedia(file);
}

/** Offset of the Xing header's frame count in `bytes`. */
function xingFramesAt(bytes: Buffer): number {
  const first = findFrame(bytes, id3v2Length(bytes), undefined, 4)!;
  const at = bytes.indexOf('Xing', first.offset, 'latin1');
  assert.ok(at > 0 && bytes.readUInt32BE(at + 4) & 1, 'the fixture has a Xing header with a frame count');
  return at + 8;
}

test('regression: an MP3 cut to 100 bytes is not 12 s long: an error says it is truncated', async (t) => {
  const result = await probeEdited(t, 'cut.mp3', (bytes) => bytes.subarray(0, 100));
  const error = result.findings.find((f) => f.level === 'error');
  assert.ok(error, JSON.stringify(result));
  assert.match(error.message, /truncated.*Xing header announces 462 frames \(0:12\.1\).*only 80 bytes/);
  assert.ok(!result.facts || result.facts.duration! < 1, `duration ${result.facts?.duration}`);
});

test('an MP3 cut in half: an error, and the duration of the frames that are there', async (t) => {
  const result = await probeEdited(t, 'half.mp3', (bytes) => bytes.subarray(0, bytes.length / 2));
  assert.ok(
    result.findings.some((f) => f.level === 'error' && /truncated/.test(f.message)),
    JSON.stringify(result.findings),
  );
  const duration = result.facts?.duration ?? 0;
  assert.ok(duration > 5 && duration < 7, `duration ${duration}`);
});

test('regression: a Xing frame count of 0xFFFFFFFF is not 3.5 years: an error, and the real frames give the duration', async (t) => {
  const result = await probeEdited(t, 'lying.mp3', (bytes) => {
    bytes.writeUInt32BE(0xffffffff, xingFramesAt(bytes));
    return bytes;
  });
  const error = result.findings.find((f) => f.level === 'error');
  assert.ok(error, JSON.stringify(result));
  assert.match(error.message, /announces 4294967295 frames.*holds 462 frames/);
  assert.ok(Math.abs((result.facts?.duration ?? 0) - trueDuration['vbr-xing.mp3']) <= 0.5, `duration ${result.facts?.duration}`);
});

test('a Xing header that fits its file is trusted, without a scan', async (t) => {
  const result = await probeEdited(t, 'same.mp3', (bytes) => bytes);
  assert.deepEqual(result.findings, []);
  const fd = fs.openSync(fixture('vbr-xing.mp3'), 'r');
  try {
    const bytes = fs.readFileSync(fixture('vbr-xing.mp3'));
    assert.equal(mp3Timing(fd, bytes.length, bytes.subarray(0, 65536))?.method, 'seek-header');
  } finally {
    fs.closeSync(fd);
  }
});
