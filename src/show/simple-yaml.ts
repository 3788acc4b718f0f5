// A fast path for the plainest manifests: `key: value` lines, one level of nested `key:` blocks,
// plain scalars that are words, dates or small integers. Most episode.yaml files are nothing more
// (netcaster new writes them so). Anything else, however slightly different, is left to js-yaml
// (yaml.ts), which also gives every error its message and position: this path only ever answers
// what js-yaml would answer, or declines.
//
// Why: js-yaml parsed the 300 manifests of a cold build in 90-160 ms of a ~550 ms build (issue 12:
// its event parser runs cold, unoptimised, on a few hundred tiny documents); this reads them in a
// few milliseconds. tests/show/simple-yaml.test.ts holds it to js-yaml's answers on every shape it
// takes and on the shapes next to them.
// https://yaml.org/spec/1.2.2/#plain-style (plain scalars)  https://yaml.org/spec/1.2.2/#1032-tag-resolution (core schema)

/** Keys this path takes: a name (letters, digits, '-', '_', starting with a letter). */
const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** A decimal integer that is a safe JavaScript number, written without sign or leading zero (the core schema's int, its plainest form). */
const SMALL_INT = /^(?:0|[1-9][0-9]{0,14})$/;
/** A date or date-time as manifests write them: a string in the core schema (no timestamp type). */
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$/;
/**
 * What may not appear in a value this path takes: control characters (tabs, CR), DEL, C1
 * controls, the line and paragraph separators, the byte order mark and the two non-characters (which
 * YAML processors treat apart), and the two-character indicators ': ' and ' #' (a mapping value, a comment).
 */
const UNSAFE_IN_VALUE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|: | #/;
/** Words the core schema resolves to null or a boolean, in any case (js-yaml takes some casings only: leave them all to it). */
const RESERVED = new Set(['null', 'true', 'false']);
/** Names every object answers to: left to yaml.ts and load.ts's shape check, which refuse them. */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

interface Mapping {
  [key: string]: string | number | Mapping;
}

/**
 * The mapping `text` holds, when it is of the plain shape above; undefined when it is not (then
 * js-yaml must read it). Never throws.
 */
export function parseSimpleYaml(text: string): Mapping | undefined {
  const root: Mapping = {};
  let entries = 0;
  let block: Mapping | undefined; // the nested mapping being filled, after a `key:` line
  let blockIndent = 0; // its lines' indentation, set by its first line
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline
  for (const line of lines) {
    if (line === '') continue;
    let indent = 0;
    while (line.charCodeAt(indent) === 0x20) indent++;
    if (indent > 0 && block === undefined) return undefined; // a continuation or a deeper level
    if (indent > 0 && blockIndent === 0) blockIndent = indent;
    if (indent > 0 && indent !== blockIndent) return undefined;
    if (indent === 0) {
      if (block !== undefined && blockIndent === 0) return undefined; // `key:` with nothing under it: null, for js-yaml
      block = undefined;
    }
    const colon = line.indexOf(':', indent);
    if (colon < 0) return undefined;
    const key = line.slice(indent, colon);
    if (!KEY.test(key) || RESERVED.has(key.toLowerCase()) || OBJECT_MEMBERS.has(key)) return undefined;
    const into = indent > 0 ? block! : root;
    if (Object.hasOwn(into, key)) return undefined; // a duplicate: js-yaml says so
    entries++;
    if (colon === line.length - 1) {
      if (indent > 0) return undefined; // a second level of nesting
      block = into[key] = {};
      blockIndent = 0;
      continue;
    }
    if (line.charCodeAt(colon + 1) !== 0x20) return undefined;
    const value = scalar(line.slice(colon + 2));
    if (value === undefined) return undefined;
    into[key] = value;
  }
  if (block !== undefined && blockIndent === 0) return undefined;
  return entries > 0 ? root : undefined; // an empty document is js-yaml's to answer
}

/** A plain scalar's value in the core schema, for the forms this path takes; undefined for any other. */
function scalar(raw: string): string | number | undefined {
  if (raw === '' || UNSAFE_IN_VALUE.test(raw)) return undefined;
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  if (last === 0x20 || last === 0x3a /* : */) return undefined; // trailing blanks, or a key with no value
  if (first >= 0x30 && first <= 0x39) {
    if (SMALL_INT.test(raw)) return Number(raw);
    return DATE.test(raw) ? raw : undefined;
  }
  // A letter (ASCII, or any character past Latin-1's controls and no-break space) starts no
  // indicator, number, null or boolean, except the reserved words.
  const letter = (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a) || first > 0xa0;
  if (!letter || RESERVED.has(raw.toLowerCase())) return undefined;
  return raw;
}
