// Validators and conditional requests (RFC 9110 §8.8 and §13).
// https://www.rfc-editor.org/rfc/rfc9110#section-13.1

/** A strong entity tag for a file: size and modification time, the way nginx makes them. Strong, so If-Range works (§13.1.5). */
export function fileEtag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** HTTP-date (IMF-fixdate, §5.6.7), whole seconds. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function tags(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Weak comparison (§8.8.3.2), as If-None-Match uses: W/ prefixes do not matter. */
function weakMatch(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return tags(header).some((t) => t === '*' || t.replace(/^W\//, '') === opaque);
}

/**
 * True when a GET or HEAD may be answered 304 Not Modified (§13.1.2, §13.1.3, order from §13.2.2):
 * If-None-Match decides when present; If-Modified-Since is looked at only without it.
 */
export function notModified(headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, etag: string, lastModifiedMs: number): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return weakMatch(inm, etag);
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  // HTTP dates have whole seconds: compare the file's time truncated the same way.
  return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
}

/**
 * If-Range (§13.1.5): the Range applies only when the validator still matches; otherwise send
 * the whole representation. An entity tag must match strongly (a W/ tag never does); a date must
 * equal Last-Modified exactly.
 */
export function ifRangeHolds(ifRange: string | undefined, etag: string, lastModifiedMs: number): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return !etag.startsWith('W/') && value === etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Math.floor(lastModifiedMs / 1000) * 1000;
}
