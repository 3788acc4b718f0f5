import test from 'node:test';
import assert from 'node:assert/strict';
import { parseSimpleYaml } from '../../src/show/simple-yaml.js';
import { parseYaml, parseYamlWithLibrary } from '../../src/show/yaml.js';
import { seededRandom, YAML_PIECES } from '../support/yaml-pieces.js';

// The fast path must answer exactly what js-yaml answers, or decline: every document below is
// read both ways, and wherever the fast path answers, the two answers must be deeply equal
// (prototypes included).

const VALUES = [
  'Episode 1',
  'Episode 1 of the bench show.',
  'https://example.com/a?b=c#d',
  'a#b',
  'a #b',
  'a: b',
  'a:b',
  'ends with a colon:',
  'trailing blank ',
  'tab\there',
  'cr\r',
  'it\'s "quoted" inside',
  "'quoted'",
  '"quoted"',
  'a [b] {c}, d',
  '[a, b]',
  '{a: b}',
  '- a',
  '-a',
  '? a',
  '! tag',
  '&anchor x',
  '*alias',
  '| block',
  '> folded',
  '% directive',
  '@at',
  '`tick',
  ',comma',
  '.dot',
  '~',
  'null',
  'Null',
  'NULL',
  'nUll',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'yes',
  'No',
  'on',
  'y',
  '0',
  '1',
  '42',
  '007',
  '-1',
  '+1',
  '1.5',
  '.5',
  '1e3',
  '0x1f',
  '0o17',
  '1_000',
  '123abc',
  '999999999999999',
  '9999999999999999',
  '9007199254740993',
  '.inf',
  '-.inf',
  '.nan',
  '2020-01-02',
  '2020-01-02T00:00:00.000Z',
  '2020-01-02T10:00:00+02:00',
  '2020-01-02 10:00',
  '2020-01-02t10:00:00z',
  '2020-1-2',
  '12:30',
  '1.0.0',
  'v1.0',
  'Café au lait',
  'Épisode',
  '日本語のタイトル',
  '🎙 live',
  '\u00a0nbsp',
  'a\u2028b',
  '\ufeffbom',
  'x\u0085y',
  '«quoted»',
  'a\\nb',
];

const KEYS = [
  'title',
  'summary',
  'a-b',
  'a_b',
  'A1',
  'true',
  'True',
  'null',
  'y',
  'no',
  'constructor',
  'toString',
  '__proto__',
  '1a',
  'a b',
  'ä',
  '-a',
];

/** Every document the fast path may see, and the shapes just beside the ones it takes. */
function documents(): string[] {
  const docs: string[] = [];
  for (const v of VALUES) {
    docs.push(`title: ${v}\n`, `title: ${v}`, `media:\n  mp3: ${v}\n`, `title: A\nsummary: ${v}\nnumber: 3\n`);
  }
  for (const k of KEYS) docs.push(`${k}: x\n`, `media:\n  ${k}: x\n`, `${k}:\n  mp3: a.mp3\n`);
  docs.push(
    '',
    '\n',
    '\n\n',
    '---\ntitle: A\n',
    'title: A\n...\n',
    '# comment\ntitle: A\n',
    'title: A # comment\n',
    '  # indented comment\ntitle: A\n',
    '\ufefftitle: A\n',
    'title: A\r\nnumber: 1\r\n',
    'title: A\n\n\nnumber: 1\n',
    'title:  A\n',
    'title:A\n',
    'title : A\n',
    'title: A\n  continued\n',
    'title: A\ntitle: B\n',
    'media:\n  mp3: a.mp3\n  mp3: b.mp3\n',
    'media:\n  mp3: a.mp3\n   m4v: b.m4v\n',
    'media:\n   mp3: a.mp3\n   m4v: b.m4v\n',
    'media:\n mp3: a.mp3\n',
    'media:\n  mp3: a.mp3\n\n  m4v: b.m4v\nnumber: 2\n',
    'media:\n  mp3:\n    x: y\n',
    'media:\n\ntitle: A\n',
    'media:\n',
    'media:',
    'a:\n  b: c\nd:\n  e: f\n',
    'a:\n  b: c\nd:\n    e: f\n',
    '  title: A\n',
    'links:\n  - title: L\n    url: https://example.com/\n',
    'categories: [Technology]\n',
    'owner: { name: A, email: a@example.com }\n',
    'a: &x b\nc: *x\n',
    'title: |\n  block\n',
    'title: >\n  folded\n',
    'x: !!str 1\n',
    'just a scalar\n',
    '- a\n- b\n',
    '? complex\n: key\n',
    'title: A\n\t\n',
    'title: A\n \n',
  );
  return docs;
}

test('the fast path answers exactly as js-yaml does, or declines', () => {
  let answered = 0;
  for (const doc of documents()) {
    const simple = parseSimpleYaml(doc);
    if (simple === undefined) continue;
    answered++;
    assert.deepStrictEqual({ data: simple }, parseYamlWithLibrary(doc, 'episode.yaml'), `document: ${JSON.stringify(doc)}`);
  }
  assert.ok(answered >= 80, `the fast path answered only ${answered} documents`);
});

test('a manifest as `netcaster new` and the bench write it takes the fast path', () => {
  const manifest =
    'title: Episode 1\ndate: 2020-01-02T00:00:00.000Z\nnumber: 1\nsummary: Episode 1 of the bench show.\nguid: bench-001\nmedia:\n  mp3: show-001.mp3\n';
  assert.deepStrictEqual(parseSimpleYaml(manifest), {
    title: 'Episode 1',
    date: '2020-01-02T00:00:00.000Z',
    number: 1,
    summary: 'Episode 1 of the bench show.',
    guid: 'bench-001',
    media: { mp3: 'show-001.mp3' },
  });
});

test('what the fast path declines still gets js-yaml answers and errors through parseYaml', () => {
  for (const doc of ['title: A\ntitle: B\n', 'media:\n', '__proto__: x\n', 'title: a: b\n', 'n: 007\n', 'd: 2020-01-02 10:00 # c\n']) {
    assert.equal(parseSimpleYaml(doc), undefined, JSON.stringify(doc));
    assert.deepStrictEqual(parseYaml(doc, 'episode.yaml'), parseYamlWithLibrary(doc, 'episode.yaml'));
  }
  assert.ok('syntax' in parseYaml('title: A\ntitle: B\n', 'episode.yaml'));
});

// Hostile manifests: documents stitched at random (a fixed seed, so a failure repeats) from the
// pieces YAML gives meaning to (indicators, quotes, tags, anchors, reserved words, odd spaces and
// line breaks, numbers and dates in their edge forms). Wherever the fast path answers, js-yaml must
// answer the same; a run of 300,000 such documents found no difference.
test('random documents of YAML indicators and edge values: the fast path answers as js-yaml or declines', () => {
  const pieces = YAML_PIECES;
  const keys = ['title', 'media', 'mp3', 'number', 'guid', 'x-y', 'a_b'];
  const next = seededRandom(12345);
  let answered = 0;
  for (let i = 0; i < 30_000; i++) {
    let text = '';
    for (let line = 1 + next(4); line > 0; line--) {
      text += `${next(3) === 0 ? '  ' : ''}${keys[next(keys.length)]}${next(6) === 0 ? ':' : ': '}`;
      for (let n = 1 + next(3); n > 0; n--) text += pieces[next(pieces.length)];
      text += '\n';
    }
    const fast = parseSimpleYaml(text);
    if (fast === undefined) continue;
    answered++;
    assert.deepStrictEqual({ data: fast }, parseYamlWithLibrary(text, 'episode.yaml'), JSON.stringify(text));
  }
  assert.ok(answered > 500, `the fast path answered ${answered} documents: enough to compare`);
});
