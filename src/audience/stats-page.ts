// The /stats/ page of `serve` (pure: a report and rows in, HTML out): downloads per day, each
// episode's first 30 days as curves, apps and formats, each plot with its numbers in a table.
import type { Catalog } from '../contract/catalog.js';
import { esc } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import { barPlot, linePlot, type Series } from './plots.js';
import type { StatsReport } from './report.js';
import type { DownloadRow } from './store.js';

const DAY_MS = 24 * 3600 * 1000;
/** The per-day plot shows at most this many days (the latest). */
const MAX_DAYS = 366;
const CURVES = 8;

function daysBetween(since: string, until: string): string[] {
  const out: string[] = [];
  const end = Date.parse(until + 'T00:00:00Z');
  for (let t = Math.max(Date.parse(since + 'T00:00:00Z'), end - (MAX_DAYS - 1) * DAY_MS); t <= end; t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function table(caption: string, headers: string[], rows: (string | number)[][]): string {
  return `<details><summary>${esc(caption)} as a table</summary>
<table><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('\n')}</tbody></table>
</details>`;
}

export function renderStatsPage(report: StatsReport, rows: DownloadRow[], catalog: Catalog | undefined): string {
  const d = report.downloads;
  const days = daysBetween(report.since, report.until);
  const perDay = days.map((day) => d.byDay[day] ?? 0);

  // Each episode's first 30 days, cumulative, for the newest episodes with a publication date.
  const curves: Series[] = report.episodes
    .filter((e) => e.published)
    .slice(0, CURVES)
    .map((e) => {
      const start = Date.parse(e.published! + 'T00:00:00Z');
      const daily = new Array<number>(30).fill(0);
      for (const r of rows) {
        if (r.episode !== e.slug) continue;
        const i = Math.floor((Date.parse(r.day + 'T00:00:00Z') - start) / DAY_MS);
        if (i >= 0 && i < 30) daily[i] += r.downloads;
      }
      let sum = 0;
      return { name: e.title ?? e.slug, values: daily.map((v) => (sum += v)) };
    });
  const sorted = (map: Record<string, number>) => Object.entries(map).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const apps = sorted(d.byApp);
  const formats = sorted(d.byFormat);

  const main = `<h1>Downloads</h1>
<p>${d.total} downloads from ${esc(report.since)} to ${esc(report.until)}, counted by the IAB podcast measurement rules (${esc(report.window)} window).</p>
<section aria-labelledby="per-day"><h2 id="per-day">Downloads per day</h2>
${linePlot(
  'Downloads per day',
  `Downloads each day from ${days[0] ?? report.since} to ${report.until}; highest ${Math.max(0, ...perDay)}.`,
  days.map((x) => x.slice(5)),
  [{ name: 'Downloads', values: perDay }],
)}
${table(
  'Downloads per day',
  ['Day', 'Downloads'],
  days.map((x, i) => [x, perDay[i]]),
)}
</section>
<section aria-labelledby="first-30"><h2 id="first-30">Each episode's first 30 days</h2>
${
  curves.length
    ? linePlot(
        "Each episode's first 30 days",
        'Cumulative downloads of each episode by day since its publication.',
        Array.from({ length: 30 }, (_, i) => `day ${i + 1}`),
        curves,
      )
    : '<p>No published episodes yet.</p>'
}
${table(
  "Each episode's downloads",
  ['Episode', 'Published', 'Downloads', 'First 7 days', 'First 30 days'],
  report.episodes.map((e) => [e.title ?? e.slug, e.published ?? '-', e.total, e.first7 ?? '-', e.first30 ?? '-']),
)}
</section>
<section aria-labelledby="apps"><h2 id="apps">Apps</h2>
${barPlot('Downloads by app', `Downloads by podcast app or browser; ${apps.length} apps.`, apps)}
${table('Downloads by app', ['App', 'Downloads'], apps)}
</section>
<section aria-labelledby="formats"><h2 id="formats">Formats</h2>
${barPlot('Downloads by format', `Audio ${report.byKind.audio}, video ${report.byKind.video}.`, formats)}
${table('Downloads by format', ['Format', 'Downloads'], formats)}
</section>`;
  return layout({
    title: `Downloads${catalog ? ` - ${catalog.show.title}` : ''}`,
    lang: catalog?.show.language ?? 'en',
    head: '<meta name="robots" content="noindex">',
    main,
    catalog,
    link: (sitePath) => sitePath,
  });
}
