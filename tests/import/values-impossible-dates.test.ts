// pubDates that name no real day were read as another one, silently: Date.UTC rolled "31 Feb 2024"
// over to 2 March, "2024-13-45T99:99:99Z" to 18 February 2025, and read the year 0001 as 1901.
// The episode got a date its feed never said, and matching by title and day missed it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseFeedDate } from '../../src/import/values.js';

test('a date that is not on the calendar is not a date', () => {
  for (const raw of [
    'Sat, 31 Feb 2024 10:00:00 GMT',
    'Thu, 31 Apr 2014 10:00:00 GMT',
    'Thu, 29 Feb 2023 10:00:00 GMT',
    '2024-13-45T99:99:99Z',
    '2024-02-30',
    '2024-01-01T24:30:00Z',
    '2024-01-01T10:60:00Z',
    '2024-00-10',
    'Mon, 01 Jan 0001 10:00:00 GMT',
    '0099-01-01T00:00:00Z',
  ])
    assert.equal(parseFeedDate(raw), undefined, raw);
});

test('real days at the edges still are', () => {
  assert.equal(parseFeedDate('Thu, 29 Feb 2024 23:59:60 GMT')?.iso, '2024-03-01T00:00:00Z');
  assert.equal(parseFeedDate('Tue, 31 Dec 2024 23:59:59 +0100')?.iso, '2024-12-31T23:59:59+01:00');
  assert.equal(parseFeedDate('2024-02-29T12:00:00Z')?.iso, '2024-02-29T12:00:00Z');
  assert.equal(parseFeedDate('Fri, 01 Jan 9999 10:00:00 GMT')?.iso, '9999-01-01T10:00:00Z');
  assert.equal(parseFeedDate('Sat, 01 Jan 00 10:00:00 GMT')?.iso, '2000-01-01T10:00:00Z');
});
