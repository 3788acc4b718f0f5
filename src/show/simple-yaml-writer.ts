// A fast path for writing manifests (`netcaster import`, `netcaster new`): mappings, lists and
// scalars, written in block style as js-yaml's dump writes them, strings plain where that is
// unmistakably a string and double-quoted (JSON's escapes, which YAML 1.2 shares) everywhere else.
// Anything else (null, undefined, a Date, a list in a list, a number that is not finite) is left to
// js-yaml (yaml.ts), by answering undefined.
//
// Why: js-yaml's dump ran cold on each of an import's few hundred manifests: 49 ms of a 1.0 s
// import of 300 episodes (its scalar-style analysis, unoptimised), the largest share of any
// JavaScript module in it (issue 14: within 1.2x of wget). This writes them in a few milliseconds.
// tests/show/simple-yaml-writer.test.ts holds its output to js-yaml's reading of it (and to
// simple-yaml.ts's) on random documents of YAML's indicators and edge values (a run of 300,000
// found no difference).
// https://yaml.org/spec/1.2.2/#plain-style  https://yaml.org/spec/1.2.2/#double-quoted-style

/**
 * A string written plain: a letter first (of any script), then letters, marks, digits, spaces and
 * punctuation that is no indicator inside a plain scalar of block context ('#', brackets and braces
 * never; ':' only inside a word, as in URLs and urn:uuid guids), not ending in a space or ':'.
 * Starting with a letter it can be no number or date; the words below are the core schema's null
 * and booleans.
 */
const PLAIN = /^\p{L}[\p{L}\p{M}\p{N} _.,'!?()/&+=%@$*~:-]*$/u;
/**
 * Also plain: a word that starts with a digit and has a letter in it, as file names with their
 * number (005-episode-5.mp3) and UUIDs do, unless YAML could read it as a number (1e3, 0x1f, 0o7,
 * 0b1) or it begins like a date (2024-1-2).
 */
const DIGIT_WORD = /^[0-9][A-Za-z0-9._-]*$/;
const HAS_LETTER = /[A-Za-z]/;
const NUMBER_LIKE = /^(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)$/;
const DATE_LIKE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** The core schema's words for null and the booleans, in the casings it takes (and any other). */
const RESERVED = /^(?:null|true|false)$/i;
/** What a double-quoted scalar may not hold as it is: DEL, C1 controls, the line and paragraph separators, BOM and non-characters (JSON.stringify escapes the C0 controls itself). */
const ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

const isPlainString = (s: string) =>
  (PLAIN.test(s) || (DIGIT_WORD.test(s) && HAS_LETTER.test(s) && !NUMBER_LIKE.test(s) && !DATE_LIKE.test(s))) &&
  !s.endsWith(' ') &&
  !s.endsWith(':') &&
  !s.includes(': ') &&
  !RESERVED.test(s);

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (isPlainString(value)) return value;
    return JSON.stringify(value).replace(ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** Lines of a mapping at `indent` spaces (its first after `firstPrefix`, a list's dash); false when some value is not of the shapes above. */
function mapping(value: Record<string, unknown>, indent: string, out: string[], firstPrefix?: string): boolean {
  const keys = Object.keys(value);
  if (keys.length === 0) return false; // `{}`: js-yaml's
  for (const [i, key] of keys.entries()) {
    const k = scalar(key);
    if (k === undefined) return false;
    const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : indent;
    if (!entry(`${lead}${k}:`, value[key], indent, out)) return false;
  }
  return true;
}

/** `head` (a key and its colon) with `value` after it, or under it; false as mapping(). */
function entry(head: string, value: unknown, indent: string, out: string[]): boolean {
  const text = scalar(value);
  if (text !== undefined) {
    out.push(`${head} ${text}`);
    return true;
  }
  if (isMapping(value)) {
    out.push(head);
    return mapping(value, `${indent}  `, out);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    out.push(head);
    return list(value, `${indent}  `, out);
  }
  return false;
}

function list(items: unknown[], indent: string, out: string[]): boolean {
  for (const item of items) {
    const text = scalar(item);
    if (text !== undefined) out.push(`${indent}- ${text}`);
    else if (isMapping(item)) {
      // `- key: value` with the mapping's further keys under the first.
      if (!mapping(item, `${indent}  `, out, `${indent}- `)) return false;
    } else return false;
  }
  return true;
}

/** `value` as YAML, or undefined when it holds what this writer leaves to js-yaml. */
export function writeSimpleYaml(value: object): string | undefined {
  if (!isMapping(value)) return undefined;
  const out: string[] = [];
  return mapping(value, '', out) ? `${out.join('\n')}\n` : undefined;
}
