import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { leanMoov, parseMoov, readChapterTrack, readMp4Layout } from '../../src/media/mp4-boxes.js';
import { fixture } from './fixtures.js';

function open(name: string) {
  const fd = fs.openSync(fixture(name), 'r');
  const size = fs.fstatSync(fd).size;
  const layout = readMp4Layout(fd, size);
  const moov = layout.moov ? Buffer.alloc(layout.moov.size) : undefined;
  if (moov) fs.readSync(fd, moov, 0, moov.length, layout.moov!.start);
  return { fd, size, layout, moov, close: () => fs.closeSync(fd) };
}

test('top-level boxes in order; fastStart tells moov before mdat', async () => {
  const fast = open('good-faststart.m4v');
  const slow = open('moov-at-end.m4v');
  try {
    assert.deepEqual(fast.layout.boxes.map((b) => b.type), ['ftyp', 'moov', 'free', 'mdat']);
    assert.equal(fast.layout.fastStart, true);
    assert.deepEqual(slow.layout.boxes.map((b) => b.type), ['ftyp', 'free', 'mdat', 'moov']);
    assert.equal(slow.layout.fastStart, false);
    assert.equal(fast.layout.boxes.reduce((n, b) => n + b.size, 0), fast.size);
  } finally {
    fast.close();
    slow.close();
  }
});

test('truncation: the box that claims more than the file has', async () => {
  const { size, layout, close } = open('truncated.m4v');
  try {
    assert.equal(layout.truncated?.box, 'mdat');
    assert.equal(layout.truncated!.offset + layout.truncated!.available, size);
    assert.ok(layout.truncated!.claimed > layout.truncated!.available);
  } finally {
    close();
  }
});

test('the chapter track and Nero chpl give the same chapters', async () => {
  const { fd, moov, close } = open('good-faststart.m4v');
  try {
    const movie = parseMoov(moov!);
    const expected = [
      { startTime: 0, title: 'Intro' },
      { startTime: 1.5, title: 'Demo' },
    ];
    assert.deepEqual(movie.neroChapters, expected);
    assert.deepEqual(readChapterTrack(fd, movie), expected);
  } finally {
    close();
  }
});

test('mvhd version 1 (64-bit times) gives the duration', () => {
  // moov > mvhd v1: version/flags, creation (8), modification (8), timescale, duration (8).
  const mvhd = Buffer.alloc(8 + 4 + 8 + 8 + 4 + 8 + 80);
  mvhd.writeUInt32BE(mvhd.length, 0);
  mvhd.write('mvhd', 4, 'latin1');
  mvhd[8] = 1;
  mvhd.writeUInt32BE(90000, 8 + 20);
  mvhd.writeBigUInt64BE(90000n * 3600n * 2n, 8 + 24); // two hours
  const moov = Buffer.concat([Buffer.from([0, 0, 0, 8 + mvhd.length]), Buffer.from('moov'), mvhd]);
  assert.equal(parseMoov(moov).duration, 7200);
});

test('leanMoov keeps tracks and times, empties the sample tables', async () => {
  const { moov, close } = open('video-only.m4v');
  try {
    const lean = leanMoov(moov!);
    assert.ok(lean.length < moov!.length / 2, `${lean.length} vs ${moov!.length}`);
    const before = parseMoov(moov!);
    const after = parseMoov(lean);
    assert.equal(after.duration, before.duration);
    assert.deepEqual(after.tracks.map((t) => [t.handler, t.codec, t.width]), before.tracks.map((t) => [t.handler, t.codec, t.width]));
  } finally {
    close();
  }
});
