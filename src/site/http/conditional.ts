// Validators and conditional requests (RFC 9110 §8.8 and §13).
// https://www.rfc-editor.org/rfc/rfc9110#section-13

/** A strong entity tag for a file: size and modification time, the way nginx makes them. Strong, so If-Range works (§13.1.5). */
export function fileEtag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** HTTP-date (IMF-fixdate, §5.6.7), whole seconds. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const day = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const longDay = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const month = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const time = '(\\d{2}):(\\d{2}):(\\d{2})';
/** The three forms a recipient must accept (§5.6.7): IMF-fixdate, the obsolete RFC 850 form and asctime's. */
const imfFixdate = new RegExp(`^${day}, (\\d{2}) ${month} (\\d{4}) ${time} GMT$`);
const rfc850Date = new RegExp(`^${longDay}, (\\d{2})-${month}-(\\d{2}) ${time} GMT$`);
const asctimeDate = new RegExp(`^${day} ${month} ( \\d|\\d{2}) ${time} (\\d{4})$`);

/**
 * An HTTP-date in milliseconds, or undefined when the value is not one (§5.6.7). Strict on
 * purpose: Date.parse reads "2099" or "tomorrow 2099" as dates, and a precondition built on such
 * a guess answers 304 for a representation the client never had. Invalid dates are ignored (§13.1.3, §13.1.4).
 */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let d: number, mon: string, y: number, h: number, mi: number, s: number;
  let m = imfFixdate.exec(text);
  if (m) [d, mon, y, h, mi, s] = [Number(m[1]), m[2], Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  else if ((m = rfc850Date.exec(text))) {
    // A two-digit year more than 50 years in the future is in the past century (§5.6.7).
    const yy = Number(m[3]);
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    [d, mon, y, h, mi, s] = [Number(m[1]), m[2], year, Number(m[4]), Number(m[5]), Number(m[6])];
  } else if ((m = asctimeDate.exec(text)))
    [mon, d, h, mi, s, y] = [m[1], Number(m[2].trim()), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  else return undefined;
  if (h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, months.indexOf(mon), d, h, mi, Math.min(s, 59));
  // Date.UTC rolls 31 Feb over into March: such a day is not a date.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms;
}

/** The entity tags of an If-Match or If-None-Match list (§13.1.1, §13.1.2); `*` stays as is. */
function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Weak comparison (§8.8.3.2), as If-None-Match uses: W/ prefixes do not matter. */
function weakMatch(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return tags(header).some((t) => t === '*' || t.replace(/^W\//, '') === opaque);
}

/** Strong comparison (§8.8.3.2), as If-Match uses: both tags strong and equal, or `*` (the representation exists). */
function strongMatch(header: string, etag: string): boolean {
  return tags(header).some((t) => t === '*' || (!etag.startsWith('W/') && !t.startsWith('W/') && t === etag));
}

/** Whole seconds, as HTTP dates carry them: a file's sub-second time compares truncated the same way. */
const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

export interface ConditionalHeaders {
  'if-match'?: string;
  'if-none-match'?: string;
  'if-modified-since'?: string;
  'if-unmodified-since'?: string;
}

/**
 * What the preconditions of a GET or HEAD say, evaluated in the order of §13.2.2:
 *  1. If-Match: no strong match -> 412.
 *  2. Else If-Unmodified-Since (a valid date): modified after it -> 412.
 *  3. If-None-Match: a weak match -> 304 (for GET and HEAD).
 *  4. Else If-Modified-Since (a valid date, GET or HEAD): not modified since -> 304.
 * If-Range comes after these, with the Range it governs (ifRangeHolds).
 */
export function preconditions(headers: ConditionalHeaders, etag: string, lastModifiedMs: number): 'send' | 'not-modified' | 'failed' {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!strongMatch(ifMatch, etag)) return 'failed';
  } else {
    const unmodifiedSince = parseHttpDate(headers['if-unmodified-since']);
    if (unmodifiedSince !== undefined && seconds(lastModifiedMs) > unmodifiedSince) return 'failed';
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) return weakMatch(ifNoneMatch, etag) ? 'not-modified' : 'send';
  const modifiedSince = parseHttpDate(headers['if-modified-since']);
  if (modifiedSince !== undefined && seconds(lastModifiedMs) <= modifiedSince) return 'not-modified';
  return 'send';
}

/** True when a GET or HEAD may be answered 304 Not Modified: preconditions() without the 412 cases. */
export function notModified(headers: ConditionalHeaders, etag: string, lastModifiedMs: number): boolean {
  return preconditions(headers, etag, lastModifiedMs) === 'not-modified';
}

/**
 * If-Range (§13.1.5): the Range applies only when the validator still matches; otherwise send
 * the whole representation. An entity tag must match strongly (a W/ tag never does); a date must
 * be a valid HTTP-date equal to Last-Modified exactly.
 */
export function ifRangeHolds(ifRange: string | undefined, etag: string, lastModifiedMs: number): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return !etag.startsWith('W/') && value === etag;
  const date = parseHttpDate(value);
  return date !== undefined && date === seconds(lastModifiedMs);
}
