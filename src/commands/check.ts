// netcaster check [DIR] [--json] [--strict] [--loudness]
// Exit 0: publishable (warnings allowed unless --strict); 1: problems found; 2: bad usage.
import { checkShowBrief } from '../catalog/check-show.js';
import { lockProblemsAt } from '../catalog/lock.js';
import { episodeStatus } from '../catalog/status.js';
import { draftsWaitingForMedia } from '../live/live-catalog.js';
import type { Catalog, CatalogBrief } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';
import { beforeBurst } from './v8-flags.js';

export async function run({ dir, options, now }: CommandContext): Promise<number> {
  const progress = !options.json && process.stderr.isTTY ? new Progress(process.stderr) : undefined;
  const checked = await checkShowBrief(dir, { onProgress: progress?.update, beforeFreshCheck: beforeBurst });
  progress?.clear();
  const { brief, problems } = checked;
  // The whole catalog only where the brief is not enough: the JSON lists every episode's facts.
  const catalog = options.json || options.loudness ? await checked.catalog() : undefined;
  // Loudness only when asked: it decodes every file once (then it is cached, src/encode/loudness-check.ts).
  const loudness = options.loudness && catalog ? await (await import('../encode/loudness-check.js')).checkLoudness(catalog) : [];
  // What was published must stay where subscribers found it (netcaster.lock).
  const all = [...problems, ...loudness, ...lockProblemsAt(checked.lock, now)];
  return report(options, all, catalog ?? brief, checked.mediaFiles, now);
}

/** The check's report: the JSON form, or the summary and the problems, on stdout (its output is the report). */
export function report(
  options: Record<string, string | boolean | undefined>,
  problems: Problem[],
  catalog: Catalog | CatalogBrief | undefined,
  mediaFiles: number,
  now: Date,
): number {
  const errors = problems.filter((p) => p.level === 'error').length;
  const warnings = problems.length - errors;
  const ok = errors === 0 && !!catalog && !(options.strict && warnings > 0);
  if (options.json) {
    // Asked for with the whole catalog (run): every episode's facts.
    const episodes = (catalog?.episodes ?? []).map((e) => ({ ...e, status: episodeStatus(e, now) }));
    process.stdout.write(`${JSON.stringify({ ok, problems, episodes }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  if (catalog) process.stdout.write(`${visible(summary(catalog, mediaFiles, draftsWaitingForMedia(catalog, problems).length, now))}\n`);
  printProblems(problems, process.stdout);
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  process.stdout.write(
    ok
      ? `\n✓ publishable (${counts})\n`
      : `\n✗ not publishable: ${counts}${errors === 0 && options.strict ? ' (--strict fails on warnings)' : ''}\n`,
  );
  return ok ? 0 : 1;
}

/** `waitingDrafts`: the drafts left out of the catalog until their media files are there (draftsWaitingForMedia). */
function summary(catalog: CatalogBrief, files: number, waitingDrafts: number, now: Date): string {
  const count = { published: 0, scheduled: 0, draft: waitingDrafts };
  for (const e of catalog.episodes) count[episodeStatus(e, now)]++;
  const episodes = catalog.episodes.length + waitingDrafts;
  return `${catalog.show.title}: ${plural(episodes, 'episode')} (${count.published} published, ${count.scheduled} scheduled, ${plural(count.draft, 'draft')}), ${plural(files, 'media file')}, feeds: ${catalog.show.feeds.map((f) => f.name).join(', ')}`;
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
