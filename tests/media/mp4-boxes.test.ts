import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
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
    assert.deepEqual(
      fast.layout.boxes.map((b) => b.type),
      ['ftyp', 'moov', 'free', 'mdat'],
    );
    assert.equal(fast.layout.fastStart, true);
    assert.deepEqual(
      slow.layout.boxes.map((b) => b.type),
      ['ftyp', 'free', 'mdat', 'moov'],
    );
    assert.equal(slow.layout.fastStart, false);
    assert.equal(
      fast.layout.boxes.reduce((n, b) => n + b.size, 0),
      fast.size,
    );
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
    assert.deepEqual(
      after.tracks.map((t) => [t.handler, t.codec, t.width]),
      before.tracks.map((t) => [t.handler, t.codec, t.width]),
    );
  } finally {
    close();
  }
});

/** A box: 32-bit size, type, payload. */
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};

test('regression: a moov of 50000 tiny trak boxes is read in bounded time (the track lookups went tracks x tracks)', () => {
  const tkhd = (id: number) => {
    const payload = Buffer.alloc(16); // version/flags, creation and modification times, then the track id
    payload.writeUInt32BE(id, 12);
    return box('tkhd', payload);
  };
  const moov = box('moov', ...Array.from({ length: 50_000 }, (_, i) => box('trak', tkhd(i + 1))));
  const started = performance.now();
  const movie = parseMoov(moov);
  leanMoov(moov);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 500, `took ${Math.round(elapsed)} ms`);
  assert.ok(movie.tracks.length <= 64, `${movie.tracks.length} tracks`);
});

test('regression: containers nested 200000 deep neither overflow the stack nor copy depth x size bytes', () => {
  const depth = 200_000;
  const moov = Buffer.alloc(8 * (depth + 1) + 8);
  // moov, then trak in trak in trak..., then an empty free box: each 8 bytes bigger than what it holds.
  for (let i = 0; i <= depth; i++) {
    moov.writeUInt32BE(moov.length - 8 * i, 8 * i);
    moov.write(i === 0 ? 'moov' : 'trak', 8 * i + 4, 'latin1');
  }
  box('free').copy(moov, moov.length - 8);
  const started = performance.now();
  const lean = leanMoov(moov);
  parseMoov(moov);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`);
  assert.equal(lean.length, moov.length);
});
