import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseMatroskaHead, webmTailDuration } from '../../src/media/webm-duration.js';
import { fixture, trueDuration } from './fixtures.js';

function read(name: string) {
  const bytes = fs.readFileSync(fixture(name));
  const head = parseMatroskaHead(bytes.subarray(0, 65536), bytes.length);
  const fd = fs.openSync(fixture(name), 'r');
  try {
    return { head, tail: webmTailDuration(fd, bytes.length, head) };
  } finally {
    fs.closeSync(fd);
  }
}

test('a WebM written to a pipe has no Duration element; the last Cluster gives it', async () => {
  const { head, tail } = read('no-duration.webm');
  assert.equal(head.docType, 'webm');
  assert.equal(head.duration, undefined);
  assert.deepEqual(head.tracks.map((t) => [t.type, t.codecId]), [[1, 'V_VP8'], [2, 'A_OPUS']]);
  assert.ok(tail !== undefined && Math.abs(tail - trueDuration['no-duration.webm']) <= 0.5, `${tail}`);
});

test('on a file that has a Duration element, the tail agrees with it', async () => {
  const { head, tail } = read('good.webm');
  assert.ok(head.duration !== undefined && Math.abs(head.duration - 4) < 0.05, `${head.duration}`);
  assert.ok(tail !== undefined && Math.abs(tail - head.duration!) < 0.05, `${tail} vs ${head.duration}`);
});
