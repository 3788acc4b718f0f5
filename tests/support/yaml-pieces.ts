// Random YAML for the tests of the fast YAML reader and writer (src/show/simple-yaml*.ts): the
// pieces YAML gives meaning to (indicators, quotes, tags, anchors, reserved words, odd spaces and
// line breaks, numbers and dates in their edge forms), and a seeded generator, so a failure repeats.

export const YAML_PIECES: readonly string[] = [
  'title',
  'a',
  '__proto__',
  'constructor',
  'null',
  'True',
  ':',
  ': ',
  ' #',
  '#',
  ' ',
  '  ',
  '\t',
  '\r',
  '0',
  '07',
  '12',
  '1e3',
  '0x1',
  '-1',
  '2024-01-02',
  '2024-01-02T03:04:05Z',
  '2024-1-2',
  'yes',
  'No',
  '~',
  "'q'",
  '"d"',
  '[x]',
  '{y}',
  '&a',
  '*a',
  '!t',
  '|',
  '>',
  '-',
  '? ',
  'é',
  '\u00a0',
  '\u2028',
  '\u0085',
  '\ufeff',
  'x,y',
  '...',
  '---',
  '.inf',
  'NaN',
  '%',
  '@',
  '`',
];

/**
 * A 32-bit linear congruential generator from `seed`: next(n) is in 0..n-1. Kept exact with
 * Math.imul (in plain floating point the product loses its low bits: the sequence then repeats
 * within ~16,000 draws and every draw is even), choosing by its high bits, which cycle slowest.
 */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}
