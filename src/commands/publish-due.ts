// netcaster publish-due [DIR] --out OUT [--base-url URL] [--media-base-url URL]
// The schedule job as a command, for static sites: run it from a system cron (every few minutes)
// and OUT is rebuilt when, and only when, the set of published episodes differs from what OUT holds:
// a scheduled episode came due, or one was added, withdrawn or made a draft.
//   */5 * * * *  cd /srv/show && netcaster publish-due episodes --out /var/www/show
// What OUT holds is recorded in OUT/.netcaster-published.json (the published guids), written after
// a build succeeds. Exit codes are build's: 0 (built, or nothing due), 1 show problems, 2 bad usage.
import path from 'node:path';
import { checkShowBrief } from '../catalog/check-show.js';
import { writeWhole } from '../own-files.js';
import { nextRelease, publishedEpisodes } from '../catalog/status.js';
import { formatTime, relativeTime } from '../live/live-catalog.js';
import { describeWriteError } from '../site/out-dir.js';
import { readRegularFile } from '../show/show-file.js';
import { refuseOutDir, run as build } from './build.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';
import { beforeBurst } from './v8-flags.js';

export const RECORD_FILE = '.netcaster-published.json';
const usage = 'usage: netcaster publish-due [DIR] --out OUT [--base-url URL] [--media-base-url URL]';

interface PublishedRecord {
  guids: string[];
  /** Slug of each guid, so the next run can say what it withdrew. */
  slugs: Record<string, string>;
}

export async function run({ dir, options, now }: CommandContext): Promise<number> {
  const out = typeof options.out === 'string' && options.out !== '' ? options.out : undefined;
  if (!out) {
    process.stderr.write(`netcaster publish-due: --out OUT is required: the folder the site is built into\n${usage}\n`);
    return 2;
  }
  const refused = refuseOutDir('publish-due', out, dir);
  if (refused !== undefined) return refused;
  const baseUrl = typeof options['base-url'] === 'string' ? options['base-url'] : undefined;
  // The same options as build's check, so build answers from the snapshot this check leaves. The
  // brief is enough to tell whether anything is due, as it is on most runs of a cron job.
  const checked = await checkShowBrief(dir, { baseUrl, beforeFreshCheck: beforeBurst });
  const { brief: catalog, problems } = checked;
  if (!catalog) {
    printProblems(problems, process.stderr);
    process.stderr.write(`\nnetcaster publish-due: ${dir} cannot be published: fix the errors above (${out} was not changed)\n`);
    return 1;
  }
  const published = publishedEpisodes(catalog, now);
  const record: PublishedRecord = {
    guids: published.map((e) => e.guid).sort(),
    slugs: Object.fromEntries(published.map((e) => [e.guid, e.slug])),
  };
  const before = readRecord(out);
  const next = nextRelease(catalog, now);
  const nextNote = next ? ` (next scheduled episode: ${formatTime(next)}, ${relativeTime(now, next)})` : '';

  if (before && sameSet(before.guids, record.guids)) {
    process.stdout.write(`nothing due${nextNote}\n`);
    return 0;
  }
  const code = await build({ dir, options, positionals: [dir], now });
  if (code !== 0) return code;
  try {
    writeRecord(out, record);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = describeWriteError(err) ?? (code === 'EISDIR' || code === 'ENOTEMPTY' ? `${RECORD_FILE} is a folder` : undefined);
    if (why === undefined) throw err;
    // The site is out; only the record is missing, so the next run builds again to be sure.
    process.stderr.write(`netcaster publish-due: the site was built, but its record could not be written to ${out}: ${why}\n`);
    return 1;
  }

  const was = new Set(before?.guids ?? []);
  const is = new Set(record.guids);
  if (!before)
    process.stdout.write(
      `published ${published.length} episode${published.length === 1 ? '' : 's'} (${out} had no record of what it held)\n`,
    );
  else {
    const titles = new Map((await checked.catalog())?.episodes.map((e) => [e.guid, e.title]));
    for (const e of published) {
      if (was.has(e.guid)) continue;
      const title = titles.get(e.guid);
      process.stdout.write(`published ${visible(e.slug)}${title === undefined ? '' : `  "${visible(title)}"`}\n`);
    }
    for (const guid of before.guids) if (!is.has(guid)) process.stdout.write(`withdrew ${visible(before.slugs[guid] ?? guid)}\n`);
  }
  if (nextNote) process.stdout.write(`${nextNote.trim().replace(/^\(|\)$/g, '')}\n`);
  return 0;
}

/** A record is some 60 bytes a published episode: a show of 100,000 is 6 MB. More is not a record netcaster wrote. */
const RECORD_MAX_BYTES = 32 * 1024 * 1024;

function readRecord(out: string): PublishedRecord | undefined {
  // Through the guard every other read goes through: a FIFO left at its name must not hang the
  // cron job, nor a huge file take gigabytes of memory. Either is no record: build to be sure.
  const bytes = readRegularFile(path.join(out, RECORD_FILE), RECORD_MAX_BYTES);
  if (bytes === undefined) return undefined;
  try {
    const data = JSON.parse(bytes.toString('utf8'));
    if (!Array.isArray(data.guids) || !data.guids.every((g: unknown) => typeof g === 'string')) return undefined;
    return { guids: [...data.guids].sort(), slugs: typeof data.slugs === 'object' && data.slugs ? data.slugs : {} };
  } catch {
    return undefined; // no record (first run, or OUT built by `build`): build to be sure
  }
}

function writeRecord(out: string, record: PublishedRecord): void {
  const file = path.join(out, RECORD_FILE);
  writeWhole(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Both sorted. */
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
