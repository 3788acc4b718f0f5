import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeMedia } from '../../src/media/probe.js';
import { parseMatroskaHead, webmTailDuration } from '../../src/media/matroska-header.js';
import { fixture, trueDuration } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

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
  assert.deepEqual(
    head.tracks.map((t) => [t.type, t.codecId]),
    [
      [1, 'V_VP8'],
      [2, 'A_OPUS'],
    ],
  );
  assert.ok(tail !== undefined && Math.abs(tail - trueDuration['no-duration.webm']) <= 0.5, `${tail}`);
});

test('on a file that has a Duration element, the tail agrees with it', async () => {
  const { head, tail } = read('good.webm');
  assert.ok(head.duration !== undefined && Math.abs(head.duration - 4) < 0.05, `${head.duration}`);
  assert.ok(tail !== undefined && Math.abs(tail - head.duration!) < 0.05, `${tail} vs ${head.duration}`);
});

/**
 * A tail of Void elements, each hiding a Cluster ID of unknown size followed by a Void that
 * reaches the next one: every hidden ID looks like a Cluster whose children run to the end.
 */
function voidsHidingClusters(count: number): Buffer {
  const unknownSizeCluster = [0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  const hidden = Buffer.from([...unknownSizeCluster, 0xec, 0x80]); // and an empty Void
  const outer = Buffer.concat([Buffer.from([0xec, 0x80 | hidden.length]), hidden]);
  return Buffer.concat([Buffer.from(unknownSizeCluster), ...Array.from({ length: count }, () => outer)]);
}

test('regression: Void elements hiding Cluster IDs of unknown size do not make the tail scan quadratic', async (t) => {
  const dir = tempDir('webm');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'hostile.webm');
  // 400 KB of such a tail took 5.5 s before the scan had a budget (and 32 MB, hours).
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(fixture('no-duration.webm')), voidsHidingClusters(25_000)]));
  const started = performance.now();
  const result = await probeMedia(file);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 1500, `took ${Math.round(elapsed)} ms`);
  // Either the true duration (from the real last Cluster) or an error saying it cannot be told.
  const duration = result.facts?.duration;
  assert.ok(
    (duration !== undefined && Math.abs(duration - trueDuration['no-duration.webm']) <= 0.5) ||
      result.findings.some((f) => f.level === 'error' && /duration/.test(f.message)),
    JSON.stringify(result),
  );
});
