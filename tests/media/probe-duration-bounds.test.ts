// A header that states an impossible duration (a WebM's Duration float of Infinity or 1e300, an
// MP4's mvhd of 136 years) is an error about the file, never a fact: it would reach the feeds as
// <itunes:duration>1e+297</itunes:duration>, or as 0 once JSON has cached Infinity as null.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { probeMedia } from '../../src/media/probe.js';
import { fixture } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('probe-duration-bounds');
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** good.webm with its Segment/Info/Duration (an 8-byte float) set to `value`. */
function webmWithDuration(value: number): string {
  const bytes = Buffer.from(fs.readFileSync(fixture('good.webm')));
  const at = bytes.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  assert.ok(at > 0, 'good.webm has an 8-byte Duration');
  bytes.writeDoubleBE(value, at + 3);
  const file = path.join(dir, `duration-${String(value)}.webm`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** good-faststart.m4v with its mvhd (version 0) saying timescale 1, duration 2^32 - 2 s. */
function mp4With136Years(): string {
  const bytes = Buffer.from(fs.readFileSync(fixture('good-faststart.m4v')));
  const at = bytes.indexOf('mvhd');
  assert.ok(at > 0 && bytes[at + 4] === 0, 'a version 0 mvhd');
  bytes.writeUInt32BE(1, at + 16);
  bytes.writeUInt32BE(0xfffffffe, at + 20);
  const file = path.join(dir, 'mvhd-136-years.m4v');
  fs.writeFileSync(file, bytes);
  return file;
}

for (const [what, make] of [
  ['a WebM whose Duration is Infinity', () => webmWithDuration(Infinity)],
  ['a WebM whose Duration is 1e300', () => webmWithDuration(1e300)],
  ['an MP4 whose mvhd says 136 years', mp4With136Years],
] as const) {
  test(`${what}: an error, and no duration in the facts`, async () => {
    const { facts, findings } = await probeMedia(make());
    assert.ok(
      findings.some((f) => f.level === 'error' && /states a duration of .* which cannot be right/.test(f.message)),
      JSON.stringify(findings),
    );
    assert.equal(facts?.duration, undefined);
    assert.equal(facts?.bitrate, undefined);
    assert.doesNotThrow(() => JSON.stringify(facts));
  });
}

test('the fixtures themselves keep their durations', async () => {
  for (const name of ['good.webm', 'good-faststart.m4v', 'good-cbr.mp3']) {
    const { facts, findings } = await probeMedia(fixture(name));
    assert.ok(facts?.duration !== undefined && facts.duration > 0, name);
    assert.deepEqual(
      findings.filter((f) => f.level === 'error'),
      [],
      name,
    );
  }
});
