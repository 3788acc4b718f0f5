// One check of a calendar day for the three places that read dates (a manifest's date, a feed's
// pubDate, an access log's time); each had its own, two of them through Date.UTC's roll-over.
import test from 'node:test';
import assert from 'node:assert/strict';
import { daysInMonth, isRealDay } from '../../src/contract/calendar.js';

test('daysInMonth follows the Gregorian leap years (RFC 3339 Appendix C)', () => {
  assert.equal(daysInMonth(2024, 2), 29);
  assert.equal(daysInMonth(2023, 2), 28);
  assert.equal(daysInMonth(1900, 2), 28); // divisible by 100
  assert.equal(daysInMonth(2000, 2), 29); // divisible by 400
  assert.equal(daysInMonth(2025, 4), 30);
  assert.equal(daysInMonth(2025, 12), 31);
  assert.equal(daysInMonth(2025, 0), undefined);
  assert.equal(daysInMonth(2025, 13), undefined);
});

test('isRealDay refuses the days Date rolls over to another one', () => {
  assert.equal(isRealDay(2024, 2, 29), true);
  assert.equal(isRealDay(2023, 2, 29), false);
  assert.equal(isRealDay(2025, 2, 30), false);
  assert.equal(isRealDay(2025, 4, 31), false);
  assert.equal(isRealDay(2025, 1, 0), false);
  assert.equal(isRealDay(2025, 13, 1), false);
  assert.equal(isRealDay(2025, 1, 1.5), false);
  assert.equal(isRealDay(2025, 1, Number.NaN), false);
});
