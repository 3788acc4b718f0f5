// Calendar dates, as every stage meets them (a manifest's `date`, a feed's pubDate, an access
// log's time): JavaScript's Date rolls an impossible day over to another one ("30 February" is
// 2 March), so a date is checked against its month before it becomes an instant.

/**
 * The number of days in a month (1-12) of the Gregorian calendar, year 0-9999 (RFC 3339 §5.7,
 * Appendix C: leap years); undefined for a month outside 1-12.
 * https://www.rfc-editor.org/rfc/rfc3339#section-5.7
 */
export function daysInMonth(year: number, month: number): number | undefined {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Whether the day (1-31) is one its month (1-12) has. */
export function isRealDay(year: number, month: number, day: number): boolean {
  const days = daysInMonth(year, month);
  return days !== undefined && Number.isInteger(day) && day >= 1 && day <= days;
}
