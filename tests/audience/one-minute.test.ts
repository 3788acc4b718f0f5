// The one-minute byte offset of real files made here with ffmpeg, checked against where ffprobe
// says the packets at one minute sit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { oneMinuteBytes } from '../../src/audience/one-minute.js';
import { ffmpeg, fixturesDir, hasTool } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

interface Packet {
  stream: number;
  pts: number;
  dts: number;
  pos: number;
}

function packets(file: string): Packet[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=stream_index,pts_time,dts_time,pos', '-of', 'csv=p=0', file],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [stream, pts, dts, pos] = line.split(',');
      return { stream: Number(stream), pts: Number(pts), dts: Number(dts), pos: Number(pos) };
    })
    .filter((p) => p.pos >= 0);
}

const haveFfmpeg = hasTool('ffmpeg') && hasTool('ffprobe');
const skip = haveFfmpeg ? false : process.env.CI === 'true' ? false : 'ffmpeg is not installed';

describe('one-minute byte offset', { skip }, () => {
  let dir = '';
  before(() => {
    if (!haveFfmpeg) throw new Error('ffmpeg is required in CI (see scripts/install-test-tools.sh)');
    dir = tempDir('one-minute');
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=75'];
    // VBR with a quiet first minute and a loud rest: an average bitrate would put the minute far too late.
    const quietThenNoise = [
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=44100:cl=mono:d=60',
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=90:a=0.5:r=44100',
      '-filter_complex',
      '[0][1]concat=n=2:v=0:a=1',
    ];
    ffmpeg([...tone, '-c:a', 'libmp3lame', '-b:a', '32k', path.join(dir, 'cbr.mp3')]);
    ffmpeg([...quietThenNoise, '-c:a', 'libmp3lame', '-q:a', '0', path.join(dir, 'vbr.mp3')]);
    const video = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=75', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=75'];
    ffmpeg([
      ...video,
      '-c:v',
      'libx264',
      '-g',
      '10',
      '-bf',
      '0',
      '-c:a',
      'aac',
      '-b:a',
      '32k',
      '-movflags',
      '+faststart',
      path.join(dir, 'video.m4v'),
    ]);
    ffmpeg([...video, '-c:v', 'libx264', '-g', '10', '-bf', '0', '-c:a', 'aac', '-b:a', '32k', path.join(dir, 'moov-at-end.m4v')]);
    ffmpeg([...video, '-c:v', 'libvpx', '-b:v', '50k', '-c:a', 'libopus', '-b:a', '24k', path.join(dir, 'video.webm')]);
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of ['cbr.mp3', 'vbr.mp3']) {
    it(`MP3 ${name.startsWith('cbr') ? 'CBR' : 'VBR'}: the first frame at 60 s, exactly`, () => {
      const file = path.join(dir, name);
      const found = oneMinuteBytes(file);
      const atMinute = packets(file).find((p) => p.pts >= 60 - 1e-6)!;
      assert.equal(found.method, 'mp3-frames');
      assert.equal(found.bytes, atMinute.pos);
    });
  }

  it('MP3 VBR: far from what the average bitrate says', () => {
    const file = path.join(dir, 'vbr.mp3');
    const size = fs.statSync(file).size;
    const byAverage = (size * 60) / 150;
    const bytes = oneMinuteBytes(file).bytes;
    assert.ok(bytes < byAverage * 0.6, `${bytes} against ${byAverage} by the average bitrate`);
  });

  for (const name of ['video.m4v', 'moov-at-end.m4v']) {
    it(`M4V (${name}): the furthest track's first sample at 60 s, from the sample tables`, () => {
      const file = path.join(dir, name);
      const found = oneMinuteBytes(file);
      assert.equal(found.method, 'mp4-samples');
      const all = packets(file);
      const streams = [...new Set(all.map((p) => p.stream))];
      // ffprobe shifts AAC decode times by the encoder delay; take each stream's first packet at 60 s within 0.1 s.
      const offsets = streams.map((s) => all.filter((p) => p.stream === s && p.dts >= 59.9).map((p) => p.pos));
      const low = Math.max(...offsets.map((o) => Math.min(...o.slice(0, 1))));
      const high = Math.max(...streams.map((s) => all.find((p) => p.stream === s && p.dts >= 60.2)!.pos));
      const moov = name === 'moov-at-end.m4v' ? fs.statSync(file).size - Math.max(...all.map((p) => p.pos)) : 0;
      assert.ok(found.bytes >= low && found.bytes <= high + moov, `${found.bytes} within [${low}, ${high + moov}]`);
      if (moov) assert.ok(found.bytes > high, 'a trailing moov is part of what must be fetched');
    });
  }

  it('WebM: the first Cluster starting at 60 s or later', () => {
    const file = path.join(dir, 'video.webm');
    const found = oneMinuteBytes(file);
    assert.equal(found.method, 'webm-clusters');
    const all = packets(file);
    assert.ok(
      all.filter((p) => p.pts < 60).every((p) => p.pos < found.bytes),
      'everything before a minute lies before the offset',
    );
    assert.ok(found.bytes <= all.find((p) => p.pts >= 66)!.pos, 'and no more than one cluster after it');
  });

  it('a file shorter than a minute: the whole file', () => {
    for (const name of ['good-cbr.mp3', 'good-faststart.m4v', 'good.webm']) {
      const file = path.join(fixturesDir, 'media', name);
      assert.deepEqual(oneMinuteBytes(file), { bytes: fs.statSync(file).size, method: 'whole-file' }, name);
    }
  });
});
