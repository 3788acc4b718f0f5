// encode/show.ts: `encode` for a whole show, called directly: which episodes, which formats, what
// is bad usage and what is a problem, all decided before ffmpeg runs. Encoding itself (every format,
// loudness, tags, the summary, up to date on a second run) is in encode.test.ts, which runs it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { encodeShow, type EncodeShowOptions } from '../../src/encode/show.js';
import { fixturesDir, sampleShowDir } from '../support/env.js';
import { minimalShowYaml } from '../support/show-folder.js';
import { quietProgress } from '../support/quiet-progress.js';
import { tempDir } from '../support/temp-dir.js';
import type { TestContext } from 'node:test';

/** A show folder: show.yaml and episode folders with the given episode.yaml and files (name -> path to copy). */
function show(t: TestContext, showYaml: string, episodes: Record<string, { yaml: string; files?: Record<string, string> }>): string {
  const dir = tempDir('encode-show', t);
  const cache = tempDir('encode-show-cache', t);
  process.env.NETCASTER_CACHE_DIR = cache;
  fs.writeFileSync(path.join(dir, 'show.yaml'), showYaml);
  fs.copyFileSync(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  for (const [slug, e] of Object.entries(episodes)) {
    fs.mkdirSync(path.join(dir, slug));
    fs.writeFileSync(path.join(dir, slug, 'episode.yaml'), e.yaml);
    for (const [name, from] of Object.entries(e.files ?? {})) fs.copyFileSync(from, path.join(dir, slug, name));
  }
  return dir;
}

const episode = (slug: string, extra = '') => `title: ${slug}\ndate: 2021-03-01T10:00:00Z\nsummary: S.\nguid: guid-${slug}\n${extra}`;
const withMaster = (slug: string) => ({
  yaml: episode(slug, 'master: master.flac\n'),
  files: { 'master.flac': path.join(fixturesDir, 'masters', 'speech-mono.flac') },
});
const options = (extra: Partial<EncodeShowOptions> = {}): EncodeShowOptions => ({
  episodes: [],
  force: false,
  signal: new AbortController().signal,
  concurrency: 1,
  progress: quietProgress(),
  ...extra,
});

test('a folder that is not there, or a file, is a problem, not a throw', async (t) => {
  const dir = tempDir('encode-show', t);
  fs.writeFileSync(path.join(dir, 'a-file'), '');
  for (const name of ['missing', 'a-file']) {
    const result = await encodeShow(path.join(dir, name), options());
    assert.deepEqual(
      result.problems.map((p) => p.message),
      ['no such show folder'],
      name,
    );
  }
});

test('a broken show.yaml: its problems only, and nothing encoded', async (t) => {
  const dir = show(t, 'title: [unclosed\n', { '001-a': withMaster('001-a'), '002-b': { yaml: 'title: [unclosed\n' } });
  const result = await encodeShow(dir, options());
  assert.ok(result.problems.length > 0);
  assert.ok(
    result.problems.every((p) => p.file === 'show.yaml'),
    JSON.stringify(result.problems),
  );
  assert.deepEqual(result.results, []);
});

test('an episode named that the show does not have is bad usage; a trailing slash on a name is fine', async (t) => {
  const dir = show(t, minimalShowYaml, { '001-a': { yaml: episode('001-a') } });
  const unknown = await encodeShow(dir, options({ episodes: ['001-a', '999-nope'] }));
  assert.equal(unknown.usage, `no episode 999-nope in ${dir}`);
  const slash = await encodeShow(dir, options({ episodes: ['001-a/'] }));
  assert.equal(slash.usage, undefined);
});

test('an episode named whose episode.yaml is broken is not bad usage: its problems say what is wrong', async (t) => {
  const dir = show(t, minimalShowYaml, { '001-a': { yaml: 'title: [unclosed\n' }, '002-b': { yaml: 'title: B\n' } });
  const result = await encodeShow(dir, options({ episodes: ['001-a'] }));
  assert.equal(result.usage, undefined);
  assert.ok(result.problems.some((p) => p.file === '001-a/episode.yaml'));
  assert.ok(!result.problems.some((p) => p.file.startsWith('002-b/')), "only the named episode's problems");
});

test('a format encode cannot make is an error on the field that asked for it (feeds, or encode.formats)', async (t) => {
  const fromFeeds = show(t, minimalShowYaml.replace('enclosure: mp3', 'enclosure: ogg'), { '001-a': withMaster('001-a') });
  const r1 = await encodeShow(fromFeeds, options());
  assert.deepEqual(
    r1.problems.map((p) => [p.file, p.field, p.level]),
    [['show.yaml', 'feeds', 'error']],
  );
  assert.match(r1.problems[0].message, /encode cannot make ogg \(it makes mp3, m4a, m4v, mp4, webm\)/);
  const fromList = show(t, `${minimalShowYaml}encode:\n  formats: [mp3, flac]\n`, { '001-a': withMaster('001-a') });
  const r2 = await encodeShow(fromList, options());
  assert.deepEqual(
    r2.problems.map((p) => p.field),
    ['encode.formats'],
  );
  assert.match(r2.problems[0].message, /cannot make flac/);
});

test('an episode named without a master is an error on its master field; with none named, no master means nothing to do', async (t) => {
  const dir = show(t, minimalShowYaml, { '001-a': { yaml: episode('001-a', 'media:\n  mp3: a.mp3\n') } });
  const named = await encodeShow(dir, options({ episodes: ['001-a'] }));
  assert.deepEqual(
    named.problems.map((p) => [p.file, p.field, p.level]),
    [['001-a/episode.yaml', 'master', 'error']],
  );
  assert.deepEqual(named.summary, []);
  const all = await encodeShow(dir, options());
  assert.deepEqual(all.problems, []);
  assert.deepEqual(all.summary, ['no episode has a master: nothing to encode']);
});

test('without ffmpeg, an episode with a master gets one problem saying what to install, and nothing is written', async (t) => {
  const dir = show(t, minimalShowYaml, { '001-a': withMaster('001-a') });
  const before = process.env.PATH;
  process.env.PATH = '/nonexistent';
  let result: Awaited<ReturnType<typeof encodeShow>>;
  try {
    result = await encodeShow(dir, options());
  } finally {
    process.env.PATH = before;
  }
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.field]),
    [['show.yaml', 'encode']],
  );
  assert.match(result.problems[0].message, /ffmpeg is not installed/);
  assert.deepEqual(fs.readdirSync(path.join(dir, '001-a')).sort(), ['episode.yaml', 'master.flac']);
});
