// Plots for /stats/ (pure SVG strings). The first two tests moved here from stats-page.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barPlot, linePlot } from '../../src/audience/plots.js';

/** The numbers on the y axis, bottom to top. */
const yLabels = (svg: string) =>
  [...svg.matchAll(/<text x="42" y="[\d.]+" text-anchor="end"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));

describe('plots', () => {
  it('the per-day plot has a point for every day, the missing ones at zero', () => {
    const svg = linePlot('t', 'd', ['a', 'b', 'c'], [{ name: 's', values: [3, 0, 2] }]);
    const points = /points="([^"]+)"/.exec(svg)![1].split(' ');
    assert.equal(points.length, 3);
    assert.equal(points[1].split(',')[1], (260 - 36).toFixed(1), 'zero sits on the axis');
  });
  it('bars are as long as their share of the largest', () => {
    const svg = barPlot('t', 'd', [
      ['a', 10],
      ['b', 5],
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths[0], widths[1] * 2);
  });
  it('the y axis steps by 1, 2 or 5 times a power of ten, and reaches at least the largest value', () => {
    assert.deepEqual(yLabels(linePlot('t', 'd', ['a', 'b'], [{ name: 's', values: [0, 37] }])), [0, 10, 20, 30, 40]);
    assert.deepEqual(yLabels(linePlot('t', 'd', ['a', 'b'], [{ name: 's', values: [0, 3] }])), [0, 1, 2, 3]);
    assert.deepEqual(yLabels(linePlot('t', 'd', ['a', 'b'], [{ name: 's', values: [0, 0] }])), [0, 1], 'nothing counted yet');
    assert.deepEqual(yLabels(linePlot('t', 'd', ['a'], [{ name: 's', values: [1800] }])), [0, 500, 1000, 1500, 2000]);
  });
  it('the largest value on a step sits on the top line', () => {
    const svg = linePlot('t', 'd', ['a', 'b'], [{ name: 's', values: [0, 40] }]);
    const points = /points="([^"]+)"/.exec(svg)![1].split(' ');
    assert.equal(points[1].split(',')[1], '16.0');
  });
  it('many days: at most about eight x labels, always the last', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `d${i + 1}`);
    const svg = linePlot('t', 'd', labels, [{ name: 's', values: labels.map(() => 1) }]);
    const shown = [...svg.matchAll(/text-anchor="middle"[^>]*>([^<]+)</g)].map((m) => m[1]);
    assert.ok(shown.length <= 9, String(shown.length));
    assert.equal(shown.at(-1), 'd30');
    assert.equal(shown[0], 'd1');
  });
  it('a legend only when there are several series, each series its own colour or dash; one point is drawn as a dot', () => {
    const one = linePlot('t', 'd', ['a'], [{ name: 'only', values: [2] }]);
    assert.ok(!one.includes('font-size="12" fill="currentColor">only</text>'), 'no legend for one series');
    assert.match(one, /<circle /);
    const two = linePlot(
      't',
      'd',
      ['a', 'b'],
      [
        { name: 'first', values: [1, 2] },
        { name: 'second', values: [2, 1] },
      ],
    );
    assert.ok(two.includes('>first</text>') && two.includes('>second</text>'));
    const styles = [...two.matchAll(/<polyline ([^>]*)points=/g)].map((m) => m[1]);
    assert.equal(styles.length, 2);
    assert.notEqual(styles[0], styles[1]);
    assert.doesNotMatch(two, /<circle /);
  });
  it('titles, descriptions, labels and names are escaped, and the svg is labelled by its own title and desc', () => {
    const svg = linePlot('A <b> & "c"', 'd <script>', ['<x>'], [{ name: '<s>', values: [1] }]);
    assert.ok(!/<b>|<script>|<x>|<s>/.test(svg));
    const [, ids] = /aria-labelledby="([^"]+)"/.exec(svg)!;
    for (const id of ids.split(' ')) assert.ok(svg.includes(`id="${id}"`), id);
    const bars = barPlot('Apps <&>', 'd', [['<app>', 1]]);
    assert.ok(!/<app>|<&>/.test(bars));
    assert.ok(bars.includes('&lt;app&gt;: 1'));
  });
  it('bars: at most ten, and a count of zero still shows as a sliver', () => {
    const entries = Array.from({ length: 12 }, (_, i): [string, number] => [`app${i}`, 12 - i]);
    assert.equal([...barPlot('t', 'd', entries).matchAll(/<rect /g)].length, 10);
    const zero = barPlot('t', 'd', [
      ['a', 3],
      ['b', 0],
    ]);
    const widths = [...zero.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths[1], 1);
  });
});
