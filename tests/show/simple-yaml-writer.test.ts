// The fast writer of manifests (src/show/simple-yaml-writer.ts): what it writes must read back as
// the very value it was given, by js-yaml and by the fast reader, whatever the strings hold.
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeSimpleYaml } from '../../src/show/simple-yaml-writer.js';
import { parseSimpleYaml } from '../../src/show/simple-yaml.js';
import { parseYaml, parseYamlWithLibrary, stringifyYaml, stringifyYamlWithLibrary } from '../../src/show/yaml.js';
import { seededRandom, YAML_PIECES } from '../support/yaml-pieces.js';

const readBack = (text: string) => parseYamlWithLibrary(text, 'episode.yaml');

test('an imported episode manifest is written plain where js-yaml writes it plain, and reads back the same', () => {
  const manifest = {
    title: 'The one about clouds',
    date: '2014-01-02T18:00:00+02:00',
    number: 5,
    season: 2,
    type: 'full',
    explicit: false,
    summary: 'Clouds, outages and what to do.',
    guid: 'urn:uuid:5e1b2c3d-0000-4000-8000-000000000005',
    media: { mp3: '005-the-one-about-clouds.mp3', m4v: '005-the-one-about-clouds.m4v' },
  };
  const text = writeSimpleYaml(manifest)!;
  assert.equal(
    text,
    [
      'title: The one about clouds',
      'date: "2014-01-02T18:00:00+02:00"',
      'number: 5',
      'season: 2',
      'type: full',
      'explicit: false',
      'summary: Clouds, outages and what to do.',
      'guid: urn:uuid:5e1b2c3d-0000-4000-8000-000000000005',
      'media:',
      '  mp3: 005-the-one-about-clouds.mp3',
      '  m4v: 005-the-one-about-clouds.m4v',
      '',
    ].join('\n'),
  );
  assert.deepEqual(readBack(text), { data: manifest });
  assert.deepEqual(readBack(stringifyYamlWithLibrary(manifest)), { data: manifest });
});

test('lists of scalars and of mappings, nested mappings: js-yaml reads the same value from both writers', () => {
  const show = {
    title: 'VirtZine',
    categories: ['Technology', 'News'],
    persons: [
      { name: 'Ann', role: 'host', links: ['https://example.com/ann'] },
      { name: 'Bo', role: 'guest' },
    ],
    owner: { name: 'Ann', email: 'ann@example.com' },
    feeds: { audio: { title: 'Audio', enclosure: 'mp3', limit: 50 }, video: { title: 'Video', enclosure: 'm4v', alternates: ['webm'] } },
  };
  const text = writeSimpleYaml(show)!;
  assert.deepEqual(readBack(text), { data: show });
  assert.deepEqual(readBack(text), readBack(stringifyYamlWithLibrary(show)));
});

test('what the fast writer leaves to js-yaml (null, an empty mapping or list, a Date, a list in a list, NaN) is written by js-yaml', () => {
  for (const value of [
    { a: null },
    { a: {} },
    { a: [] },
    { a: new Date(0) },
    { a: [[1]] },
    { a: Number.NaN },
    { a: undefined },
    { a: -0 },
  ]) {
    assert.equal(writeSimpleYaml(value), undefined, JSON.stringify(value));
  }
  assert.equal(stringifyYaml({ a: null }), stringifyYamlWithLibrary({ a: null }));
});

// Strings stitched at random (a fixed seed, so a failure repeats) from the pieces YAML gives
// meaning to: whatever the fast writer writes, js-yaml and the fast reader read back as given.
test('random strings of YAML indicators and edge values, written plain or quoted, read back as they were', () => {
  const pieces = [
    ...YAML_PIECES,
    ' :',
    '::',
    '\n',
    'FALSE',
    '0o7',
    '0b1',
    '1_000',
    '+1',
    '.5',
    '1.',
    '12:30',
    "''",
    '\\',
    '\\n',
    '- ',
    '-.Inf',
    '.nan',
    '日本',
    '😀',
    '\u2029',
    '\u007f',
    '\u009f',
    '\ufffe',
    '\uffff',
    '\u0000',
    '\u001b',
    '\ud800',
    'https://example.com/a?b=c#d',
    'urn:uuid:1',
    '005-x.mp3',
    'Épisode',
    'ß',
    'Ω',
    '½',
    'ǅ',
    'e\u0301',
    'Ⅻ',
    '\u0300',
    '7b71cab0-f21c-4f56',
    '0x1f',
    '1e5',
    '1E5x',
    '0o17',
    '0b101',
    '2024-1-2x',
    '1a',
    '9.5e3',
    '1-2',
    '=',
    '<<',
    'Z',
  ];
  const next = seededRandom(2026);
  let plain = 0;
  let fastRead = 0;
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    for (let n = 1 + next(4); n > 0; n--) s += pieces[next(pieces.length)];
    const value = next(5) === 0 ? { media: { mp3: s }, list: [s, { k: s }] } : { title: s, number: next(1000) };
    const text = writeSimpleYaml(value);
    assert.ok(text !== undefined, JSON.stringify(s));
    assert.deepStrictEqual(readBack(text), { data: value }, JSON.stringify(text));
    const fast = parseSimpleYaml(text);
    if (fast !== undefined) {
      fastRead++;
      assert.deepStrictEqual(fast, value, JSON.stringify(text));
    }
    assert.deepStrictEqual(parseYaml(text, 'episode.yaml'), { data: value });
    if (!text.includes('"')) plain++;
  }
  assert.ok(plain > 1000 && fastRead > 500, `plain ${plain}, read by the fast reader ${fastRead}: enough to compare`);
});
