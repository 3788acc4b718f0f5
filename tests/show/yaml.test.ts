import test from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, stringifyYaml } from '../../src/show/yaml.js';

test('a YAML mapping parses; dates stay strings for the schema to judge', () => {
  assert.deepEqual(parseYaml('title: A\ndate: 2024-01-02 10:00\n', 'episode.yaml'), { data: { title: 'A', date: '2024-01-02 10:00' } });
});

test('a syntax error is data, with its 1-based line and column', () => {
  const parsed = parseYaml('title: A\n  bad: [\n', 'episode.yaml');
  assert.ok('syntax' in parsed);
  assert.equal(parsed.syntax.line, 2);
  assert.ok(parsed.syntax.column! >= 1);
});

test('a duplicate key is an error, not a silent override', () => {
  assert.ok('syntax' in parseYaml('title: A\ntitle: B\n', 'episode.yaml'));
});

test('a manifest written out reads back the same, long lines kept whole', () => {
  const manifest = { title: 'x'.repeat(300), media: { mp3: 'a.mp3' }, links: [{ title: 'L', url: 'https://example.com/' }] };
  const text = stringifyYaml(manifest);
  assert.equal(text.split('\n')[0], `title: ${'x'.repeat(300)}`);
  assert.deepEqual(parseYaml(text, 'episode.yaml'), { data: manifest });
});
