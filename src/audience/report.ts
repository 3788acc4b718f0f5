// What `stats` shows, from the stored aggregates (pure: rows in, report and text out).
import type { WindowKind } from './engine.js';
import type { DownloadRow, FeedRow } from './store.js';

export interface EpisodeInfo {
  slug: string;
  title?: string;
  /** Publication time, ISO 8601. */
  date?: string;
}

/** The contract's `stats --json` document. */
export interface StatsJson {
  window: WindowKind;
  since: string;
  until: string;
  downloads: {
    total: number;
    byEpisode: Record<string, number>;
    byFormat: Record<string, number>;
    byDay: Record<string, number>;
    byApp: Record<string, number>;
  };
}

export interface StatsReport extends StatsJson {
  byDevice: Record<string, number>;
  byKind: { audio: number; video: number };
  episodes: { slug: string; title?: string; published?: string; total: number; first7?: number; first30?: number }[];
  /** Per feed: distinct listeners per day, averaged over the days it was fetched, and the highest day. */
  feeds: { feed: string; days: number; averagePerDay: number; highest: number }[];
}

const DAY_MS = 24 * 3600 * 1000;

function add(map: Record<string, number>, key: string, n: number): void {
  map[key] = (map[key] ?? 0) + n;
}

const inRange = (day: string, since: string | undefined, until: string | undefined) => (!since || day >= since) && (!until || day <= until);

export function buildReport(input: {
  window: WindowKind;
  /** Every stored row (the first 7 and 30 days of an episode may lie outside --since/--until). */
  rows: DownloadRow[];
  feeds: FeedRow[];
  since?: string;
  until?: string;
  today: string;
  episodes: EpisodeInfo[];
  isVideo: (format: string) => boolean;
}): StatsReport {
  const rows = input.rows.filter((r) => inRange(r.day, input.since, input.until));
  const days = rows.map((r) => r.day).sort();
  const since = input.since ?? days[0] ?? input.today;
  const until = input.until ?? days[days.length - 1] ?? input.today;
  const report: StatsReport = {
    window: input.window,
    since,
    until,
    downloads: { total: 0, byEpisode: {}, byFormat: {}, byDay: {}, byApp: {} },
    byDevice: {},
    byKind: { audio: 0, video: 0 },
    episodes: [],
    feeds: [],
  };
  const d = report.downloads;
  for (const r of rows) {
    d.total += r.downloads;
    add(d.byEpisode, r.episode, r.downloads);
    add(d.byFormat, r.format, r.downloads);
    add(d.byDay, r.day, r.downloads);
    add(d.byApp, r.app, r.downloads);
    add(report.byDevice, r.device, r.downloads);
    report.byKind[input.isVideo(r.format) ? 'video' : 'audio'] += r.downloads;
  }
  d.byDay = Object.fromEntries(Object.entries(d.byDay).sort(([a], [b]) => a.localeCompare(b)));

  const known = new Map(input.episodes.map((e) => [e.slug, e]));
  const slugs = new Set([
    ...Object.keys(d.byEpisode),
    ...input.episodes.filter((e) => e.date && e.date.slice(0, 10) <= until).map((e) => e.slug),
  ]);
  for (const slug of slugs) {
    const info = known.get(slug);
    const published = info?.date?.slice(0, 10);
    const entry: StatsReport['episodes'][number] = { slug, title: info?.title, published, total: d.byEpisode[slug] ?? 0 };
    if (published) {
      const start = Date.parse(published + 'T00:00:00Z');
      const within = (n: number) =>
        input.rows
          .filter(
            (r) => r.episode === slug && Date.parse(r.day + 'T00:00:00Z') >= start && Date.parse(r.day + 'T00:00:00Z') < start + n * DAY_MS,
          )
          .reduce((s, r) => s + r.downloads, 0);
      entry.first7 = within(7);
      entry.first30 = within(30);
    }
    report.episodes.push(entry);
  }
  report.episodes.sort((a, b) => (b.published ?? '').localeCompare(a.published ?? '') || a.slug.localeCompare(b.slug));

  const perFeedDay = new Map<string, Map<string, number>>();
  for (const f of input.feeds.filter((f) => inRange(f.day, input.since, input.until))) {
    const byDay = perFeedDay.get(f.feed) ?? new Map<string, number>();
    byDay.set(f.day, (byDay.get(f.day) ?? 0) + f.listeners);
    perFeedDay.set(f.feed, byDay);
  }
  for (const [feed, byDay] of [...perFeedDay].sort(([a], [b]) => a.localeCompare(b))) {
    const values = [...byDay.values()];
    report.feeds.push({
      feed,
      days: values.length,
      averagePerDay: Math.round((values.reduce((s, n) => s + n, 0) / values.length) * 10) / 10,
      highest: Math.max(...values),
    });
  }
  return report;
}

export function toJson(report: StatsReport): StatsJson {
  const { window, since, until, downloads } = report;
  return { window, since, until, downloads };
}

function table(headers: string[], rows: (string | number)[][], rightAlignFrom = 1): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i >= rightAlignFrom ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function share(n: number, total: number): string {
  return total ? `${((n / total) * 100).toFixed(1)}%` : '-';
}

const sortedCounts = (map: Record<string, number>) => Object.entries(map).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

/** Readable tables for a terminal. */
export function toText(report: StatsReport): string {
  const d = report.downloads;
  const out: string[] = [];
  out.push(`Downloads from ${report.since} to ${report.until} (window: ${report.window}): ${d.total}`);
  out.push('');
  out.push(
    table(
      ['Episode', 'Published', 'Downloads', 'First 7 days', 'First 30 days'],
      report.episodes.map((e) => [e.slug, e.published ?? '-', e.total, e.first7 ?? '-', e.first30 ?? '-']),
      2,
    ),
  );
  out.push('');
  out.push(table(['Day', 'Downloads'], Object.entries(d.byDay)));
  out.push('');
  out.push(
    table(
      ['App', 'Downloads', 'Share'],
      sortedCounts(d.byApp).map(([k, n]) => [k, n, share(n, d.total)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['Device', 'Downloads', 'Share'],
      sortedCounts(report.byDevice).map(([k, n]) => [k, n, share(n, d.total)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['Audio / video', 'Downloads', 'Share'],
      [
        ['audio', report.byKind.audio, share(report.byKind.audio, d.total)],
        ['video', report.byKind.video, share(report.byKind.video, d.total)],
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['Format', 'Downloads', 'Share'],
      sortedCounts(d.byFormat).map(([k, n]) => [k, n, share(n, d.total)]),
    ),
  );
  if (report.feeds.length) {
    out.push('');
    out.push(
      table(
        ['Feed', 'Days fetched', 'Listeners/day (avg)', 'Highest day'],
        report.feeds.map((f) => [f.feed, f.days, f.averagePerDay, f.highest]),
      ),
    );
  }
  return out.join('\n') + '\n';
}

function csvCell(value: string | number): string {
  const s = String(value);
  // Quote what needs it, and keep a spreadsheet from running a cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per stored aggregate in the range: day, episode, format, app, device, downloads. */
export function toCsv(rows: DownloadRow[], since: string, until: string): string {
  const lines = ['day,episode,format,app,device,downloads'];
  for (const r of rows)
    if (inRange(r.day, since, until)) lines.push([r.day, r.episode, r.format, r.app, r.device, r.downloads].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
