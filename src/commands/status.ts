// netcaster status [DIR]: what is published, what is scheduled and when, what waits on a problem.
// Exit 0 whatever the show's problems (this is a report, `check` is the gate); 1 if the show
// cannot be read at all.
import { checkShow } from '../catalog/check-show.js';
import { LOCK_FILE, lockProblemsAt, readLock } from '../catalog/lock.js';
import { episodeStatus } from '../catalog/status.js';
import { describeProblem, draftsWaitingForMedia, errorsByFolder, formatTime, relativeTime, SHOW_KEY } from '../live/live-catalog.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';
import { beforeBurst } from './v8-flags.js';

export async function run({ dir, now }: CommandContext): Promise<number> {
  const out = process.stdout;
  const checked = await checkShow(dir, { beforeFreshCheck: beforeBurst });
  const { catalog, problems } = checked;
  if (!catalog) {
    process.stderr.write(`netcaster status: ${dir} cannot be read as a show:\n`);
    printProblems(problems, process.stderr);
    return 1;
  }
  const { lock, exists } = readLock(dir);
  const allProblems = [...problems, ...lockProblemsAt(checked.lock, now)];
  const lockedSlugs = new Set(Object.values(lock.episodes).map((e) => e.slug));

  const byStatus = { published: [] as string[], scheduled: [] as string[], draft: [] as string[] };
  for (const e of catalog.episodes) {
    const status = episodeStatus(e, now);
    const date = new Date(e.date);
    // Titles and folder names are the show's own text: shown, not obeyed, by the terminal.
    const [title, slug] = [visible(e.title), visible(e.slug)];
    if (status === 'published') byStatus.published.push(`  ${formatTime(date)}  ${title}  (${slug})`);
    else if (status === 'scheduled')
      byStatus.scheduled.unshift(`  ${formatTime(date)}  ${relativeTime(now, date).padEnd(12)}  ${title}  (${slug})`);
    else byStatus.draft.push(`  ${title}  (${slug})`);
  }
  // A draft waiting for its media files (what `netcaster new` makes) is left out of the catalog
  // with warnings only (src/catalog/assemble.ts): it is still a draft, and listed as one.
  const withErrors = errorsByFolder(allProblems);
  for (const slug of draftsWaitingForMedia(catalog, allProblems)) byStatus.draft.push(`  (${visible(slug)})  waiting for its media files`);
  const waiting: string[] = [];
  for (const [key, errors] of [...withErrors].sort(([a], [b]) => a.localeCompare(b))) {
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    const note =
      key === SHOW_KEY
        ? ' [a running serve keeps the last good version of the whole show]'
        : lockedSlugs.has(key)
          ? ' [published before: a running serve keeps its last good version]'
          : '';
    waiting.push(`  ${key === SHOW_KEY ? 'show' : visible(key)}: ${visible(describeProblem(errors[0]))}${more}${note}`);
  }

  out.write(`${visible(catalog.show.title)}, as of ${formatTime(now)}\n`);
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.write(`\n${title} (${lines.length}):\n${lines.join('\n')}\n`);
  };
  section('Published', byStatus.published);
  section('Scheduled', byStatus.scheduled);
  section('Drafts', byStatus.draft);
  section('Waiting on a problem', waiting);
  if (!byStatus.published.length && !byStatus.scheduled.length && !byStatus.draft.length) out.write('\nNo episodes yet.\n');
  const locked = Object.keys(lock.episodes).length;
  out.write(
    exists
      ? `\n${LOCK_FILE}: ${locked} episode${locked === 1 ? '' : 's'} and ${Object.keys(lock.feeds).length} feed URL(s) recorded as published\n`
      : `\n${LOCK_FILE}: not written yet (serve and build record what they publish)\n`,
  );
  if (waiting.length) out.write('Run `netcaster check` for every problem.\n');
  return 0;
}
