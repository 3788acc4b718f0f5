import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadShow } from '../../src/show/load.js';
import { jsonSchemaFiles } from '../../src/show/json-schema.js';
import { repoRoot } from '../support/env.js';

const goodShow = `title: Test Show
description: A show for tests.
author: Tester
language: en-US
baseUrl: https://example.test
artwork: artwork.jpg
feeds:
  audio: { title: Audio, enclosure: mp3 }
`;
const goodEpisode = `title: One
date: 2020-01-01T10:00:00Z
summary: The first one.
guid: 11111111-2222-3333-4444-555555555555
media:
  mp3: one.mp3
`;

async function show(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcaster-load-'));
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return dir;
}

test('a valid show and episode load with no problems', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': goodEpisode });
  const loaded = await loadShow(dir);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.manifest?.title, 'Test Show');
  assert.deepEqual(loaded.episodes.map((e) => e.slug), ['001-one']);
});

test('every problem of every file is reported at once, with file and field', async () => {
  const dir = await show({
    'show.yaml': goodShow.replace('language: en-US', 'language: en_US').replace('author: Tester\n', '') + 'tittle: typo\n',
    '001-one/episode.yaml': goodEpisode.replace('summary: The first one.\n', '').replace('date: 2020-01-01T10:00:00Z', 'date: next tuesday'),
    '002-two/episode.yaml': goodEpisode.replace('media:\n  mp3: one.mp3\n', 'media: {}\ndraft: maybe\n'),
  });
  const { problems } = await loadShow(dir);
  const got = problems.map((p) => `${p.file} ${p.field}`).sort();
  assert.deepEqual(got, [
    '001-one/episode.yaml date',
    '001-one/episode.yaml summary',
    '002-two/episode.yaml draft',
    '002-two/episode.yaml media',
    'show.yaml author',
    'show.yaml language',
    'show.yaml tittle',
  ]);
  assert.match(problems.find((p) => p.field === 'tittle')!.message, /unknown key/);
  assert.match(problems.find((p) => p.field === 'author')!.message, /required/);
  assert.match(problems.find((p) => p.field === 'language')!.message, /BCP 47.*en_US/);
  assert.ok(problems.every((p) => p.level === 'error'));
});

test('a YAML syntax error names the line and column', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': 'title: One\nsummary: [unclosed\ndate: x\n' });
  const { problems, brokenEpisodes } = await loadShow(dir);
  assert.deepEqual(brokenEpisodes, ['001-one']);
  const p = problems.find((x) => x.file === '001-one/episode.yaml')!;
  assert.match(p.message, /^YAML syntax/);
  assert.equal(typeof p.line, 'number');
  assert.equal(typeof p.column, 'number');
});

test('a duplicate key is an error, not a silent override', async () => {
  const dir = await show({ 'show.yaml': goodShow + 'title: Again\n' });
  const { problems } = await loadShow(dir);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /YAML syntax.*unique|YAML syntax.*duplicate/i);
});

test('a missing show.yaml is reported as such', async () => {
  const dir = await show({ '001-one/episode.yaml': goodEpisode });
  const { problems, manifest } = await loadShow(dir);
  assert.equal(manifest, undefined);
  assert.deepEqual(problems.map((p) => [p.file, p.message]), [['show.yaml', 'file is missing']]);
});

test('an episode.yml (wrong extension) is called out rather than ignored', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yml': goodEpisode });
  const { problems } = await loadShow(dir);
  assert.deepEqual(problems.map((p) => p.file), ['001-one/episode.yml']);
});

test('the committed JSON Schema files match the schema (run `npm run schema` after editing it)', async () => {
  for (const [name, text] of Object.entries(jsonSchemaFiles())) {
    assert.equal(await fs.readFile(path.join(repoRoot, 'schema', name), 'utf8'), text, `schema/${name} is stale`);
  }
});
