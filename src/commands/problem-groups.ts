// Problems of one kind, told once: a show of 10 000 episodes with the same warning in each would
// otherwise print 30 000 lines, and the one problem that differs would be lost among them.
//
// Two problems are of one kind when they have the same level, and the same field and message but
// for the values in them: what is particular to the file they are about (its path, its name, its
// episode folder, a UUID such as the guid derived from the folder), a number, a text in quotes
// (the title each episode.yaml gives, say). A kind found more than three times is one line: its
// message with the values that differ shown as "…", its count and its first files. Fewer are
// printed one by one (the values they differ in are worth reading) unless their messages are the
// same. `check --json` still lists every problem; only the printed report groups them.
import type { Problem } from '../contract/problems.js';
import { visible } from './terminal.js';

/** A problem on its own, or a kind of problem found more than once. */
export type ProblemLine =
  | { kind: 'single'; problem: Problem }
  | {
      kind: 'group';
      level: Problem['level'];
      field?: string;
      /** The message with what differs between the problems shown as "…". */
      message: string;
      count: number;
      /** The files, each once, in the order found. */
      files: string[];
    };

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What in a message is particular to its problem's file: the path, the file's name, the episode
 * folder. A name that is a plain word ("intro") is left out: it could as well be a word of the
 * message ("a" in "has a"), which would then be taken for a value in one message and not another.
 */
function fileParts(file: string): string[] {
  const segments = file.split('/').filter(Boolean);
  const parts = new Set([file, segments[segments.length - 1] ?? '', segments.length > 1 ? segments[0] : '']);
  for (const part of parts) if (/^\p{L}*$/u.test(part)) parts.delete(part);
  // Longest first, so a path is taken whole before its folder.
  return [...parts].sort((a, b) => b.length - a.length);
}

/** `text` as its fixed parts and the values between them (values.length === fixed.length - 1). */
interface Split {
  fixed: string[];
  values: string[];
}

/**
 * The values in a message: a text in double quotes (the quotes stay fixed), and, as whole words of
 * a path or slug (the 046 of "virtzine-046.mp3" is no number of its own), the file's own names,
 * UUIDs and numbers.
 */
function splitMessage(text: string, fileNames: string[]): Split {
  const words = [...fileNames.map(escapeRegExp), UUID, '\\d+(?:\\.\\d+)?'].join('|');
  return splitValues(text, new RegExp(`"([^"\\n]*)"|(?<![\\w.-])(${words})(?![\\w-])`, 'g'));
}

/** The indexes in a field (chapters.3.startTime): chapters.3.startTime and chapters.7.startTime are one field of one kind. */
const fieldIndex = /"([^"\n]*)"|(?<![^.])(\d+)(?![^.])/g;

/** `text` split at `pattern`'s matches: group 1 a value between quotes (which stay fixed), group 2 a whole value. */
function splitValues(text: string, pattern: RegExp): Split {
  const fixed: string[] = [];
  const values: string[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const quoted = m[1] !== undefined;
    // A quoted value: the opening quote ends the fixed text before it, the closing one starts the next.
    fixed.push(text.slice(last, m.index + (quoted ? 1 : 0)));
    values.push(quoted ? m[1] : m[2]);
    last = m.index + m[0].length - (quoted ? 1 : 0);
  }
  fixed.push(text.slice(last));
  return { fixed, values };
}

/** The split text with each value as it is where every problem of the kind has the same, else "…". */
function render(fixed: string[], values: string[][]): string {
  return fixed.map((text, i) => (i === 0 ? text : `${sameOrEllipsis(values.map((v) => v[i - 1]))}${text}`)).join('');
}

const sameOrEllipsis = (values: string[]) => (values.every((v) => v === values[0]) ? values[0] : '…');

/** How many problems of one kind are always printed one by one, unless their messages are the same. */
const ALWAYS_APART = 3;

/**
 * The lines to print for `problems`: each problem whose kind occurs once as it is, in its order;
 * then each kind that occurs more than once as one line, errors first, in the order first found.
 */
export function groupProblems(problems: readonly Problem[]): ProblemLine[] {
  const kinds = new Map<
    string,
    { problems: Problem[]; field: Split; fieldValues: string[][]; message: Split; messageValues: string[][] }
  >();
  for (const problem of problems) {
    const names = fileParts(problem.file);
    const field = splitValues(problem.field ?? '', fieldIndex);
    const message = splitMessage(problem.message, names);
    const key = [problem.level, field.fixed.join('\u0000'), message.fixed.join('\u0000')].join('\u0001');
    let kind = kinds.get(key);
    if (!kind) kinds.set(key, (kind = { problems: [], field, fieldValues: [], message, messageValues: [] }));
    kind.problems.push(problem);
    kind.fieldValues.push(field.values);
    kind.messageValues.push(message.values);
  }
  const lines: ProblemLine[] = [];
  const groups: Extract<ProblemLine, { kind: 'group' }>[] = [];
  for (const kind of kinds.values()) {
    const [first] = kind.problems;
    const field = first.field === undefined ? undefined : render(kind.field.fixed, kind.fieldValues);
    const message = render(kind.message.fixed, kind.messageValues);
    const same =
      !`${field ?? ''}${message}`.includes('…') || kind.problems.every((p) => p.field === first.field && p.message === first.message);
    if (kind.problems.length === 1 || (kind.problems.length <= ALWAYS_APART && !same)) {
      for (const problem of kind.problems) lines.push({ kind: 'single', problem });
      continue;
    }
    groups.push({
      kind: 'group',
      level: first.level,
      ...(field !== undefined && { field }),
      message,
      count: kind.problems.length,
      files: [...new Set(kind.problems.map((p) => p.file))],
    });
  }
  // The singles in the order they came in (grouped by file, as whoever collected them grouped them).
  const order = new Map(problems.map((p, i) => [p, i]));
  const at = (line: ProblemLine) => (line.kind === 'single' ? order.get(line.problem)! : 0);
  lines.sort((a, b) => at(a) - at(b));
  const rank = (level: Problem['level']) => (level === 'error' ? 0 : 1);
  groups.sort((a, b) => rank(a.level) - rank(b.level));
  return [...lines, ...groups];
}

/** How many files a line about a repeated problem names before "and N more". */
const FILES_NAMED = 3;

/**
 * Problems grouped by file, in the order found; a kind of problem found more than once (the same
 * message in many episodes: problem-groups.ts) as one line after them, with its count and files.
 */
export function printProblems(problems: Problem[], stream: NodeJS.WritableStream): void {
  // Files, fields and messages quote the show's own text (titles, tags, names): shown, not obeyed.
  let current: string | undefined;
  for (const line of groupProblems(problems)) {
    if (line.kind === 'group') {
      current = undefined;
      const named = line.files.slice(0, FILES_NAMED).map(visible);
      const more = line.files.length - named.length;
      const files =
        more > 0
          ? `${named.join(', ')} and ${more} more`
          : named.length > 1
            ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
            : named[0];
      stream.write(
        `\n${line.level} ×${line.count}: ${line.field ? `${visible(line.field)}: ` : ''}${visible(line.message)} — in ${files}\n`,
      );
      continue;
    }
    const p = line.problem;
    if (p.file !== current) {
      current = p.file;
      stream.write(`\n${visible(p.file)}\n`);
    }
    const where = [p.field, p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}` : undefined]
      .filter(Boolean)
      .join(' ');
    stream.write(`  ${p.level.padEnd(7)}  ${where ? `${visible(where)}: ` : ''}${visible(p.message)}\n`);
  }
}
