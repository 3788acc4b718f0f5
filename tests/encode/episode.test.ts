// The gain an output is made again with when its encoder moved its loudness (episode.ts nudgeDb).
// The whole run, with LAME's MP3 landing within 0.2 LU, is in encode.test.ts.
import assert from 'node:assert/strict';
import test from 'node:test';
import { nudgeDb } from '../../src/encode/episode.js';

const target = { integrated: -16, truePeak: -1 };

test('an output within 0.2 LU of the target is left as it is', () => {
  assert.equal(nudgeDb({ integrated: -16.2, truePeak: -3 }, target), undefined);
  assert.equal(nudgeDb({ integrated: -15.8, truePeak: -3 }, target), undefined);
});

test('mp3 loudness under target: the MP3 LAME left 0.5 LU low gets the 0.5 dB back', () => {
  assert.equal(nudgeDb({ integrated: -16.5, truePeak: -2.8 }, target), 0.5);
});

test('the gain up stops short of the true-peak ceiling, less a margin', () => {
  // -1.5 dBTP under a -1 dBTP ceiling, less 0.3 dB: 0.2 dB of room for the 0.6 LU missing.
  assert.equal(nudgeDb({ integrated: -16.6, truePeak: -1.5 }, target), 0.2);
  // No room at all: nothing to do.
  assert.equal(nudgeDb({ integrated: -16.6, truePeak: -1.2 }, target), undefined);
});

test('an output too loud comes down by the whole difference', () => {
  assert.equal(nudgeDb({ integrated: -15.6, truePeak: -2 }, target), -0.4);
});

test('a silent output (no loudness to measure) is not nudged', () => {
  assert.equal(nudgeDb({ integrated: -Infinity, truePeak: -Infinity }, target), undefined);
});
