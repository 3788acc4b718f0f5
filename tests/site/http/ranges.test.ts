import test from 'node:test';
import assert from 'node:assert/strict';
import { parseRange, MAX_RANGES } from '../../../src/site/http/ranges.js';

test('each range form of RFC 9110 §14.1.2', () => {
  assert.deepEqual(parseRange('bytes=0-1', 100), { kind: 'ranges', ranges: [{ start: 0, end: 1 }] });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'ranges', ranges: [{ start: 90, end: 99 }] });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'ranges', ranges: [{ start: 90, end: 99 }] });
  assert.deepEqual(parseRange('bytes=-1000', 100), { kind: 'ranges', ranges: [{ start: 0, end: 99 }] });
  assert.deepEqual(parseRange('bytes=50-5000', 100), { kind: 'ranges', ranges: [{ start: 50, end: 99 }] });
  assert.deepEqual(parseRange('Bytes = 1-2 ', 100), { kind: 'ranges', ranges: [{ start: 1, end: 2 }] });
});

test('unsatisfiable: every range starts at or past the end', () => {
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=100-200,300-400', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  // One satisfiable range is enough.
  assert.deepEqual(parseRange('bytes=200-300,0-0', 100), { kind: 'ranges', ranges: [{ start: 0, end: 0 }] });
});

test('malformed headers are ignored', () => {
  for (const h of [
    undefined,
    '',
    'bytes',
    'bytes=',
    'bytes=-',
    'bytes=a-b',
    'bytes=5-1',
    'items=0-1',
    'bytes=0-1,x',
    'bytes=1.5-2',
    'bytes=0x1-2',
  ]) {
    assert.deepEqual(parseRange(h, 100), { kind: 'ignore' }, String(h));
  }
});

test('overlapping and adjacent ranges merge; distinct ones stay sorted', () => {
  assert.deepEqual(parseRange('bytes=5-19,0-9', 100), { kind: 'ranges', ranges: [{ start: 0, end: 19 }] });
  assert.deepEqual(parseRange('bytes=0-9,10-19', 100), { kind: 'ranges', ranges: [{ start: 0, end: 19 }] });
  assert.deepEqual(parseRange('bytes=50-59,0-9', 100), {
    kind: 'ranges',
    ranges: [
      { start: 0, end: 9 },
      { start: 50, end: 59 },
    ],
  });
});

test('a flood of ranges is ignored rather than parsed', () => {
  const many = 'bytes=' + Array.from({ length: MAX_RANGES * 4 + 1 }, (_, i) => `${i * 10}-${i * 10}`).join(',');
  assert.deepEqual(parseRange(many, 1e6), { kind: 'ignore' });
});

test('regression: empty elements of the list are ignored (RFC 9110 §5.6.1), not the whole header', () => {
  assert.deepEqual(parseRange('bytes=,0-9', 100), { kind: 'ranges', ranges: [{ start: 0, end: 9 }] });
  assert.deepEqual(parseRange('bytes=0-9,', 100), { kind: 'ranges', ranges: [{ start: 0, end: 9 }] });
  assert.deepEqual(parseRange('bytes=0-1, ,50-', 100), {
    kind: 'ranges',
    ranges: [
      { start: 0, end: 1 },
      { start: 50, end: 99 },
    ],
  });
  assert.deepEqual(parseRange('bytes=,', 100), { kind: 'ignore' });
});
