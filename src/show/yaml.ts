// The one module that imports js-yaml (https://github.com/nodeca/js-yaml): manifests are read
// here (load.ts) and written here (`netcaster new`, `netcaster import`), so a swap of YAML
// library touches this file alone. The plainest manifests are read by simple-yaml.ts, which
// answers as js-yaml would, and written by simple-yaml-writer.ts; both are much faster on a few
// hundred of them.
import { dump, load, YAMLException } from 'js-yaml';
import { parseSimpleYaml } from './simple-yaml.js';
import { writeSimpleYaml } from './simple-yaml-writer.js';

/** Where a YAML text is not YAML: the parser's reason and 1-based position. */
export interface YamlSyntaxError {
  reason: string;
  line?: number;
  column?: number;
}

/**
 * Parses one YAML document. YAML 1.2 core schema: dates stay strings (the schema checks their
 * form), a duplicate key is an error rather than a silent override, and aliases are capped
 * against "billion laughs". A RangeError (nesting deeper than the stack) is left to the caller.
 */
export function parseYaml(text: string, fileName: string): { data: unknown } | { syntax: YamlSyntaxError } {
  const simple = parseSimpleYaml(text);
  return simple !== undefined ? { data: simple } : parseYamlWithLibrary(text, fileName);
}

/** parseYaml by js-yaml alone, without the fast path for plain manifests (simple-yaml.ts), which its tests hold to this. */
export function parseYamlWithLibrary(text: string, fileName: string): { data: unknown } | { syntax: YamlSyntaxError } {
  try {
    return { data: load(text, { filename: fileName, maxAliases: 100 }) };
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const mark = err.mark;
    return { syntax: { reason: err.reason, line: mark && mark.line + 1, column: mark && mark.column + 1 } };
  }
}

/**
 * A manifest as YAML: long lines kept whole (URLs, summaries), no anchors for repeated values.
 * The plain shapes manifests have are written by simple-yaml-writer.ts, much faster; js-yaml
 * writes the rest.
 */
export function stringifyYaml(value: object): string {
  return writeSimpleYaml(value) ?? stringifyYamlWithLibrary(value);
}

/** stringifyYaml by js-yaml alone (simple-yaml-writer.ts's tests compare with it). */
export function stringifyYamlWithLibrary(value: object): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}
