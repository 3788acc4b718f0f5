// Plots for the /stats/ page as SVG strings: pure functions, no framework, no script.
// Accessible: each plot is an <svg role="img"> named by its <title> and described by <desc>, and
// the page puts the same numbers in a table next to it. Colours are the site's CSS variables
// (public/style.css), so the plots follow the light and dark themes; series also differ by dash.
import { esc } from '../pages/html.js';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };
const SERIES = ['var(--accent)', '#d9730d', '#2f9e44', '#ae3ec9', '#e03131', '#1098ad', 'var(--muted)', '#f08c00'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '', '6 3', '2 3', '8 3 2 3'];

export interface Series {
  name: string;
  values: number[];
}

/** A round step for the y axis: 1, 2 or 5 times a power of ten, about four steps to the top. */
function niceStep(max: number): number {
  if (max <= 4) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

function frame(title: string, description: string, body: string[]): string {
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `<svg class="plot" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" style="max-width: ${WIDTH}px; height: auto; color: var(--fg)">
<title id="${id}-title">${esc(title)}</title>
<desc id="${id}-desc">${esc(description)}</desc>
${body.join('\n')}
</svg>`;
}

function yAxis(max: number): { y: (v: number) => number; lines: string[]; top: number } {
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const inner = HEIGHT - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + inner - (v / top) * inner;
  const lines: string[] = [];
  for (let v = 0; v <= top; v += step) {
    lines.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" style="stroke: var(--line)" />`,
    );
    lines.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="currentColor">${v}</text>`);
  }
  return { y, lines, top };
}

/** Lines over a shared x axis (`labels`), one per series, with a legend when there are several. */
export function linePlot(title: string, description: string, labels: string[], series: Series[]): string {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const { y, lines } = yAxis(max);
  const n = Math.max(1, labels.length - 1);
  const x = (i: number) => PAD.left + (i / n) * (WIDTH - PAD.left - PAD.right);
  const body = [...lines];
  const tickEvery = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((label, i) => {
    if (i % tickEvery === 0 || i === labels.length - 1) {
      body.push(
        `<text x="${x(i).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" font-size="11" fill="currentColor">${esc(label)}</text>`,
      );
    }
  });
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const dash = DASHES[k % DASHES.length] ? ` stroke-dasharray="${DASHES[k % DASHES.length]}"` : '';
    body.push(
      `<polyline fill="none" stroke-width="2"${dash} style="stroke: ${SERIES[k % SERIES.length]}" points="${points}"><title>${esc(s.name)}</title></polyline>`,
    );
    if (s.values.length === 1)
      body.push(`<circle cx="${x(0).toFixed(1)}" cy="${y(s.values[0]).toFixed(1)}" r="3" style="fill: ${SERIES[k % SERIES.length]}" />`);
  });
  if (series.length > 1) {
    series.forEach((s, k) => {
      const ly = PAD.top + 4 + k * 16;
      const dash = DASHES[k % DASHES.length] ? ` stroke-dasharray="${DASHES[k % DASHES.length]}"` : '';
      body.push(
        `<line x1="${PAD.left + 10}" x2="${PAD.left + 34}" y1="${ly}" y2="${ly}" stroke-width="2"${dash} style="stroke: ${SERIES[k % SERIES.length]}" />`,
      );
      body.push(`<text x="${PAD.left + 40}" y="${ly + 4}" font-size="12" fill="currentColor">${esc(s.name)}</text>`);
    });
  }
  return frame(title, description, body);
}

/** Horizontal bars, largest first. */
export function barPlot(title: string, description: string, entries: [string, number][]): string {
  const rows = entries.slice(0, 10);
  const height = PAD.top + rows.length * 26 + 8;
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const labelWidth = 150;
  const barMax = WIDTH - labelWidth - 70;
  const body = rows.map(([name, v], i) => {
    const y = PAD.top + i * 26;
    const w = Math.max(1, (v / max) * barMax);
    return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="12" fill="currentColor">${esc(name)}</text>
<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="20" style="fill: var(--accent)"><title>${esc(`${name}: ${v}`)}</title></rect>
<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 15}" font-size="12" fill="currentColor">${v}</text>`;
  });
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `<svg class="plot" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${Math.max(height, 40)}" width="100%" style="max-width: ${WIDTH}px; height: auto; color: var(--fg)">
<title id="${id}-title">${esc(title)}</title>
<desc id="${id}-desc">${esc(description)}</desc>
${body.join('\n')}
</svg>`;
}
