// netcaster check [DIR] [--json] [--strict] [--loudness]
// Exit 0: publishable (warnings allowed unless --strict); 1: problems found; 2: bad usage.
import fs from 'node:fs';
import { checkShow } from '../catalog/check-show.js';
import { checkLock } from '../catalog/lock.js';
import { episodeStatus } from '../catalog/status.js';
import type { Catalog } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import { groupProblems } from './problem-groups.js';
import { visible } from './terminal.js';

export async function run(dir: string, options: Record<string, string | boolean | undefined>): Promise<number> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return report(options, [{ level: 'error', file: dir, message: 'no such show folder' }], undefined);
  }
  const progress = !options.json && process.stderr.isTTY ? new Progress(process.stderr) : undefined;
  const { catalog, problems } = await checkShow(dir, { onProgress: progress?.update });
  progress?.clear();
  // Loudness only when asked: it decodes every file once (then it is cached, src/encode/loudness-check.ts).
  const loudness = options.loudness && catalog ? await (await import('../encode/loudness-check.js')).checkLoudness(catalog) : [];
  // What was published must stay where subscribers found it (netcaster.lock).
  return report(options, [...problems, ...loudness, ...checkLock(dir, catalog, undefined)], catalog);
}

function report(options: Record<string, string | boolean | undefined>, problems: Problem[], catalog: Catalog | undefined): number {
  const errors = problems.filter((p) => p.level === 'error').length;
  const warnings = problems.length - errors;
  const ok = errors === 0 && !!catalog && !(options.strict && warnings > 0);
  if (options.json) {
    const now = new Date();
    const episodes = (catalog?.episodes ?? []).map((e) => ({ ...e, status: episodeStatus(e, now) }));
    process.stdout.write(`${JSON.stringify({ ok, problems, episodes }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  if (catalog) process.stdout.write(`${visible(summary(catalog))}\n`);
  printProblems(problems, process.stdout);
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  process.stdout.write(ok ? `\n✓ publishable (${counts})\n` : `\n✗ not publishable: ${counts}${errors === 0 && options.strict ? ' (--strict fails on warnings)' : ''}\n`);
  return ok ? 0 : 1;
}

function summary(catalog: Catalog): string {
  const now = new Date();
  const count = { published: 0, scheduled: 0, draft: 0 };
  let files = 0;
  for (const e of catalog.episodes) {
    count[episodeStatus(e, now)]++;
    files += e.media.length;
  }
  return `${catalog.show.title}: ${plural(catalog.episodes.length, 'episode')} (${count.published} published, ${count.scheduled} scheduled, ${plural(count.draft, 'draft')}), ${plural(files, 'media file')}, feeds: ${catalog.show.feeds.map((f) => f.name).join(', ')}`;
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
      const files = more > 0 ? `${named.join(', ')} and ${more} more` : named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
      stream.write(`\n${line.level} ×${line.count}: ${line.field ? `${visible(line.field)}: ` : ''}${visible(line.message)} — in ${files}\n`);
      continue;
    }
    const p = line.problem;
    if (p.file !== current) {
      current = p.file;
      stream.write(`\n${visible(p.file)}\n`);
    }
    const where = [p.field, p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}` : undefined].filter(Boolean).join(' ');
    stream.write(`  ${p.level.padEnd(7)}  ${where ? `${visible(where)}: ` : ''}${visible(p.message)}\n`);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One self-overwriting line on a terminal while files are probed. */
class Progress {
  private last = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}
  update = (done: number, total: number) => {
    const now = Date.now();
    if (now - this.last < 80 && done < total) return;
    this.last = now;
    this.stream.write(`\rprobing ${done}/${total} files…`);
  };
  clear() {
    if (this.last) this.stream.write('\r\x1b[K');
  }
}
