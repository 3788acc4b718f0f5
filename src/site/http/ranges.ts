// The Range request header, bytes unit only (RFC 9110 §14.1.2 and §14.2; RFC 7233 before it).
// https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export type RangeRequest =
  /** The header is absent or malformed: a server MAY ignore it and send the whole representation (§14.2). */
  | { kind: 'ignore' }
  /** Well formed but no range overlaps the representation: 416 with `Content-Range: bytes *\/SIZE` (§15.5.17). */
  | { kind: 'unsatisfiable' }
  /** Satisfiable ranges, sorted and with overlapping or adjacent ones merged. */
  | { kind: 'ranges'; ranges: ByteRange[] };

/** More parts than this is a scan, not a player: answer with the whole file (RFC 9110 §14.2 allows ignoring Range). */
export const MAX_RANGES = 16;

const rangeSpec = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'ignore' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'ignore' };
  const specs = header.slice(eq + 1).split(',');
  if (specs.length > MAX_RANGES * 4) return { kind: 'ignore' };
  const ranges: ByteRange[] = [];
  let given = 0;
  for (const spec of specs) {
    // Empty elements of a list are ignored (RFC 9110 §5.6.1): "bytes=0-9," is "bytes=0-9".
    if (spec.trim() === '') continue;
    given++;
    const m = rangeSpec.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'ignore' };
    if (m[1] === '') {
      // suffix-range "-N": the last N bytes (§14.1.2); "-0" is well formed but selects nothing.
      const length = Number(m[2]);
      if (length > 0 && size > 0) ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    // "first > last" makes the whole header invalid (§14.1.2): ignore it.
    if (last < start) return { kind: 'ignore' };
    // A range is satisfiable when its first position is below the length (§14.1.2); the last is clamped.
    if (start < size) ranges.push({ start, end: Math.min(last, size - 1) });
  }
  if (given === 0) return { kind: 'ignore' };
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges: merge(ranges) };
}

/** Overlapping or adjacent ranges are served as one (§14.2 lets a server coalesce them). */
function merge(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [{ ...sorted[0] }];
  for (const r of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
