// netcaster import SOURCE [DIR] [--unlock] [--base-url URL]
// Exit 0: imported and the show passes check; 1: problems (listed) or a refusal; 2: bad usage;
// 130: interrupted (run it again to continue).
import v8 from 'node:v8';
import { checkShow } from '../catalog/check-show.js';
import { importFeed, type ImportReport, type ReportLine } from '../import/importer.js';
import { describeWriteError } from '../site/out-dir.js';
import { printProblems } from './problem-groups.js';
import type { CommandContext } from './context.js';
import { exposedGc, keepYoungGenerationSmall } from './v8-flags.js';

const usage = 'usage: netcaster import SOURCE [DIR] [--unlock] [--base-url URL]';

export async function run(context: CommandContext): Promise<number> {
  // What an import keeps of each episode it has done survives scavenges: on a feed of 3,000 items
  // the young generation grew twice, to 32 MB. Kept small (bench/import.ts's memory part, 2-3 runs
  // each): peak resident memory 101 -> 86 MB at 300 items, 183 -> 142-156 MB at 3,000; the import
  // of 300 real-sized enclosures made 41 scavenges instead of 33, 27 ms more of them in all (of
  // ~1.8 s of CPU).
  keepYoungGenerationSmall();
  const collector = collectAsTheHeapGrows();
  try {
    return await importAndCheck(context, collector);
  } finally {
    collector.stop();
  }
}

async function importAndCheck({ options, positionals }: CommandContext, collector: Collector): Promise<number> {
  const [source, dir = 'episodes', ...extra] = positionals;
  if (!source || extra.length) {
    console.error(
      `netcaster import: ${source ? `one SOURCE and one DIR at most, got ${positionals.join(' ')}` : 'SOURCE (a feed URL or file) is required'}\n${usage}`,
    );
    return 2;
  }
  const baseUrl = typeof options['base-url'] === 'string' ? options['base-url'] : undefined;
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    console.error(`netcaster import: --base-url must be an http(s) URL, got ${baseUrl}\n${usage}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = process.stderr.isTTY ? new Progress(process.stderr) : undefined;
  let outcome;
  try {
    outcome = await importFeed({
      source,
      dir,
      unlock: options.unlock === true,
      baseUrl,
      signal: controller.signal,
      onProgress: progress?.update,
    });
  } catch (err) {
    progress?.clear();
    if (controller.signal.aborted) {
      console.error('netcaster import: interrupted. Finished files are kept; run the same command again to continue.');
      return 130;
    }
    // The disk, not the feed: what is written stays, nothing is half-written (episodes go in by one rename).
    const why = describeWriteError(err);
    if (why === undefined) throw err;
    console.error(
      `netcaster import: cannot write to ${dir}: ${why}. Finished episodes are kept; make room and run the same command again to continue.`,
    );
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  progress?.clear();
  const { report } = outcome;
  if (outcome.refused) {
    printReport(report, false);
    console.error(`netcaster import: ${outcome.refused}`);
    return 1;
  }
  printReport(report, true);

  // The verdict is check's: the import is done when the show is publishable. The importer handed
  // it the facts of every file it probed, so there is next to nothing left to probe: no worker
  // threads to start (a show imported earlier and never checked is probed on this thread, which
  // on two cores is as fast, see media/pool.ts). It is handed the manifests written too, so it
  // parses none of them again: on a 3,000-item feed that took the import's peak resident memory
  // from 163 to 150 MB (bench/import.ts, medians of 3), the check's YAML garbage being most of it.
  // What the import made and no longer needs (the feed's text, its items, the facts it probed) is
  // let go before the check makes its own: the check reads the show in long synchronous stretches,
  // in which the collector's timer cannot run.
  collector.now();
  const { MediaPool } = await import('../media/pool.js');
  const checked = await checkShow(dir, { workers: new MediaPool(0), parsedManifests: outcome.written });
  const { catalog } = checked;
  const all = [...checked.problems, ...checked.lock.problems];
  const errors = all.filter((p) => p.level === 'error');
  if (all.length) {
    process.stdout.write('\nWhat check says about the imported show (fix the errors before publishing):\n');
    printProblems(all, process.stdout);
  }
  const ok = errors.length === 0 && !!catalog && report.failed.length === 0;
  process.stdout.write(
    ok
      ? `\n✓ imported and publishable\n`
      : `\n✗ not publishable yet: ${errors.length} error(s) from check${report.failed.length ? `, ${report.failed.length} episode file(s) not fetched` : ''}\n`,
  );
  return ok ? 0 : 1;
}

const MB = 1024 * 1024;

interface Collector {
  /** A full GC now. */
  now: () => void;
  stop: () => void;
}

/**
 * A full GC each time the heap has grown 8 MB past what the last one left live, looked at every
 * 20 ms (none in the run that makes a code cache: see v8-flags.ts). An import's objects that
 * survive two scavenges go to the old generation (what it keeps of each episode, and more that
 * dies soon after: no cause that a change here removes was found), and V8 set the old
 * generation's limit at the first full GC, up to 4 times what was live then plus the young
 * generation: on a feed of 3,000 items the old generation held 46 MB at the end of the import and
 * 62 MB in the check after it, for 17-26 MB live. --heap-growing-percent would lower that limit,
 * but it made the import of 300 real-sized enclosures, whose downloads pass through Buffers, run
 * 30-40 full GCs instead of 1 (200 ms); this looks at the heap alone.
 * Measured (bench/import.ts's memory part, with keepYoungGenerationSmall, 2 runs each): peak
 * resident memory at 3,000 items 142-156 -> 114-116 MB, by 2 full GCs of ~15 ms (one the
 * collector's, one before the check); at 300 items 86 MB, as before, with the one before the
 * check (~10 ms), which is also all the import of 300 real-sized enclosures gets. The limit was
 * 1.5 times what was live plus 8 MB at first; 8 MB past it took 3,000 items from 122-124 to
 * 116-120 MB (4 alternated runs each), with no more GCs for 300 real-sized enclosures, whose heap
 * stays within 8 MB of what is live (840 against 835 ms, 6 alternated runs on a tmpfs).
 */
function collectAsTheHeapGrows(): Collector {
  const gc = exposedGc();
  if (!gc) return { now: () => undefined, stop: () => undefined };
  const used = () => v8.getHeapStatistics().used_heap_size;
  const limitAfter = (live: number) => live + 8 * MB;
  let limit = limitAfter(used());
  const now = () => {
    gc();
    limit = limitAfter(used());
  };
  const timer = setInterval(() => {
    if (used() >= limit) now();
  }, 20);
  timer.unref();
  return { now, stop: () => clearInterval(timer) };
}

function printReport(report: ImportReport, done: boolean): void {
  const out = process.stdout;
  out.write(`Feed: ${report.feedUrl}${report.feedName ? ` -> feed "${report.feedName}" (${report.format})` : ''}\n`);
  for (const move of report.moves) out.write(`  moved: ${move}\n`);
  if (done) {
    out.write(
      `Episodes: ${report.imported.length} imported, ${report.merged.length} given this format, ${report.unchanged} already there\n`,
    );
  }
  section('Fixed on the way', report.fixed);
  section('Not imported', report.notImported);
  section('Not fetched (run again to continue)', report.failed);
  if (done && report.checklist.length) {
    out.write('\nMigration checklist:\n');
    for (const line of report.checklist) out.write(`  [ ] ${line}\n`);
  }
}

function section(title: string, lines: ReportLine[]): void {
  if (!lines.length) return;
  process.stdout.write(`\n${title}:\n`);
  for (const line of lines) process.stdout.write(`  ${line.where}: ${line.message}\n`);
}

/** One self-overwriting line: bytes so far, of how many, and the time left at the rate so far. */
class Progress {
  private last = 0;
  private readonly started = Date.now();
  constructor(private readonly stream: NodeJS.WriteStream) {}
  update = (done: number, total: number) => {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const left = rate > 0 && total > done ? Math.round((total - done) / rate) : undefined;
    const eta = left === undefined ? '' : `, ${left >= 60 ? `${Math.floor(left / 60)} min ${left % 60} s` : `${left} s`} left`;
    this.stream.write(`\r\x1b[Kdownloading ${mb(done)} of ${mb(total)} (${mb(rate)}/s${eta})`);
  };
  clear() {
    if (this.last) this.stream.write('\r\x1b[K');
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
