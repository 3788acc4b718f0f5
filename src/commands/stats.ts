// netcaster stats [DIR] [--since DATE] [--until DATE] [--json] [--csv]
// netcaster stats import [DIR] FILE... --format nginx|cloudfront
//
// Downloads counted by the IAB rules (docs/how-we-count.md), from what `serve` recorded and what
// `stats import` read. Exit codes, as the contract lists them: stats 0, or 2 for bad usage, which
// includes a database the environment names that cannot be used (missing server, lock held
// elsewhere, corrupt file, another counting window); import 0, 1 when some lines could not be
// read (listed), 2 for bad usage and an unusable database alike.
import fs from 'node:fs';
import path from 'node:path';
import { checkShow } from '../catalog/check-show.js';
import type { Catalog } from '../contract/catalog.js';
import { WINDOW_KINDS, utcDay, type WindowKind } from '../audience/engine.js';
import { importLogs } from '../audience/import-logs.js';
import { buildReport, toCsv, toJson, toText } from '../audience/report.js';
import { CountingSession, storeWindow } from '../audience/session.js';
import { StoreError, type AudienceStore } from '../audience/store.js';
import { openStore } from '../audience/open-store.js';
import { ShowTargets } from '../audience/targets.js';
import { loadRules } from '../audience/user-agents.js';
import { FORMATS } from '../media/formats.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';

const usage =
  'usage: netcaster stats [DIR] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json | --csv]\n       netcaster stats import [DIR] FILE... --format nginx|cloudfront';

type Options = Record<string, string | boolean | undefined>;

export async function run({ options, positionals, now }: CommandContext & { options: Options }): Promise<number> {
  if (positionals[0] === 'import') return runImport(positionals.slice(1), options);
  if (positionals.length > 1) return usageError(`one show folder at most, got ${positionals.join(' ')}`);
  if (typeof options.format === 'string') return usageError('--format belongs to `stats import`');
  const showDir = positionals[0] ?? 'episodes';
  // The counts are in the store, not the show (which only names the episodes): a show folder that
  // is not there, named on purpose, is a slip of the keyboard, not a show without titles.
  if (positionals[0] !== undefined && !fs.statSync(showDir, { throwIfNoEntry: false })?.isDirectory())
    return usageError(`no such show folder: ${showDir}`);
  const since = dateOption(options.since, '--since');
  const until = dateOption(options.until, '--until');
  if (since === null || until === null) return 2;
  if (since && until && since > until) return usageError(`--since ${since} is after --until ${until}`);
  if (options.json && options.csv) return usageError('--json and --csv cannot be used together');
  const window = windowFromEnv();
  if (window === null) return 2;

  const catalog = fs.existsSync(path.join(showDir, 'show.yaml')) ? (await checkShow(showDir)).catalog : undefined;
  return withStore(async (store) => {
    const kind = await storeWindow(store, window);
    const [rows, feeds] = [await store.downloads({}), await store.feeds({})];
    const targets = catalog ? new ShowTargets(catalog) : undefined;
    const report = buildReport({
      window: kind,
      rows,
      feeds,
      since,
      until,
      today: utcDay(Date.now()),
      episodes: catalog?.episodes.filter((e) => !e.draft).map((e) => ({ slug: e.slug, title: e.title, date: e.date })) ?? [],
      isVideo: (format) => targets?.isVideoFormat(format) ?? FORMATS[format]?.video ?? format === 'webm',
    });
    if (options.json) process.stdout.write(JSON.stringify(toJson(report), null, 2) + '\n');
    else if (options.csv) process.stdout.write(toCsv(rows, report.since, report.until));
    else process.stdout.write(toText(report));
    return 0;
  });
}

async function runImport(args: string[], options: Options): Promise<number> {
  const format = options.format;
  if (format !== 'nginx' && format !== 'cloudfront') return usageError('stats import needs --format nginx or --format cloudfront');
  // [DIR] FILE...: the first argument is the show folder when it holds a show.yaml.
  let showDir = 'episodes';
  let files = args;
  if (args.length && fs.existsSync(path.join(args[0], 'show.yaml'))) {
    showDir = args[0];
    files = args.slice(1);
  }
  if (!files.length) return usageError('stats import needs at least one log FILE');
  const missing = files.filter((f) => !fs.existsSync(f) || !fs.statSync(f).isFile());
  if (missing.length) {
    printProblems(
      missing.map((f) => ({ level: 'error' as const, file: f, message: 'no such log file' })),
      process.stderr,
    );
    return 1;
  }
  const window = windowFromEnv();
  if (window === null) return 2;
  const { catalog, problems } = await checkShow(showDir);
  if (!catalog) {
    process.stderr.write(`netcaster stats import: ${showDir} cannot be read as a show, so log lines cannot be matched to episodes:\n`);
    printProblems(problems, process.stderr);
    return 1;
  }
  // NETCASTER_USER_AGENTS_DIR's lists: one that cannot be read is bad usage, named with its file.
  let rules: ReturnType<typeof loadRules>;
  try {
    rules = loadRules();
  } catch (err) {
    return usageError(`NETCASTER_USER_AGENTS_DIR: ${(err as Error).message}`);
  }
  return withStore(async (store) => {
    const session = await CountingSession.open(store, rules, window);
    const tty = process.stderr.isTTY;
    const started = Date.now();
    const result = await importLogs(files, store, session, new ShowTargets(catalog as Catalog), {
      format,
      onProgress: (file, lines) => {
        if (tty) process.stderr.write(`\r${path.basename(file)}: ${lines.toLocaleString('en')} lines`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    for (const u of result.unreadable) process.stderr.write(`${u.file}${u.line > 0 ? `:${u.line}` : ''}: ${u.message}\n`);
    if (result.unreadableCount > result.unreadable.length)
      process.stderr.write(`... and ${result.unreadableCount - result.unreadable.length} more unreadable lines\n`);
    if (result.unpublished)
      process.stderr.write(
        `${result.unpublished} line${result.unpublished === 1 ? '' : 's'} fetched media files that ${showDir} does not publish under that path ` +
          `(the first: ${visible(result.firstUnpublished ?? '')}): not counted, and not remembered, so if they are this show's ` +
          `(files renamed since, or another show folder), put that right and import the same logs again\n`,
      );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Read ${result.lines} lines from ${files.length} file${files.length === 1 ? '' : 's'} in ${seconds} s: ${result.downloads} downloads and ${result.feedFetches} feed listeners counted, ` +
        `${result.repeated} lines already imported, ${result.unreadableCount} unreadable.\n`,
    );
    return result.unreadableCount ? 1 : 0;
  });
}

async function withStore(work: (store: AudienceStore) => Promise<number>): Promise<number> {
  let store: AudienceStore;
  try {
    store = await openStore();
  } catch (err) {
    process.stderr.write(`netcaster stats: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    return await work(store);
  } catch (err) {
    if (err instanceof StoreError || /window/.test((err as Error).message)) {
      process.stderr.write(`netcaster stats: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
  }
}

/** NETCASTER_STATS_WINDOW picks the counting window of a new database (calendar-utc by default). */
function windowFromEnv(): WindowKind | undefined | null {
  const value = process.env.NETCASTER_STATS_WINDOW;
  if (!value) return undefined;
  if (WINDOW_KINDS.includes(value as WindowKind)) return value as WindowKind;
  usageError(`NETCASTER_STATS_WINDOW must be one of ${WINDOW_KINDS.join(', ')}, got "${value}"`);
  return null;
}

function dateOption(value: string | boolean | undefined, name: string): string | undefined | null {
  if (value === undefined) return undefined;
  if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(value + 'T00:00:00Z')) &&
    new Date(value + 'T00:00:00Z').toISOString().startsWith(value)
  ) {
    return value;
  }
  usageError(`${name} must be a date as YYYY-MM-DD, got "${String(value)}"`);
  return null;
}

function usageError(message: string): number {
  process.stderr.write(`netcaster stats: ${message}\n${usage}\n`);
  return 2;
}
