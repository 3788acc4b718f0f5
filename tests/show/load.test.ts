import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadShow } from '../../src/show/load.js';
import { minimalEpisodeYaml, minimalShowYaml } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const goodShow = minimalShowYaml;
const goodEpisode = minimalEpisodeYaml;

async function show(files: Record<string, string>): Promise<string> {
  const dir = tempDir('load');
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
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-one'],
  );
});

test('every problem of every file is reported at once, with file and field', async () => {
  const dir = await show({
    'show.yaml': goodShow.replace('language: en-US', 'language: en_US').replace('author: Tester\n', '') + 'tittle: typo\n',
    '001-one/episode.yaml': goodEpisode
      .replace('summary: The first one.\n', '')
      .replace('date: 2020-01-01T10:00:00Z', 'date: next tuesday'),
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
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': 'title: One\nsummary: "unclosed\ndate: x\n' });
  const { problems, brokenEpisodes } = await loadShow(dir);
  assert.deepEqual(brokenEpisodes, ['001-one']);
  const p = problems.find((x) => x.file === '001-one/episode.yaml')!;
  assert.match(p.message, /^YAML syntax: \w/);
  // Lines and columns count from 1, as editors show them: the quoted text runs on into line 3.
  assert.deepEqual([p.line, p.column], [3, 1]);
});

test('a key indented wrongly is a syntax error at that line, not a silent change of meaning', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': goodEpisode.replace('guid:', '   guid:') });
  const { problems } = await loadShow(dir);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /^YAML syntax/);
  assert.equal(problems[0].line, 4);
});

test('dates stay text as written (YAML 1.2), not timestamps converted to another zone', async () => {
  const dir = await show({
    'show.yaml': goodShow,
    '001-one/episode.yaml': goodEpisode.replace('2020-01-01T10:00:00Z', '2020-01-01T10:00:00-04:00'),
  });
  const loaded = await loadShow(dir);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.episodes[0].manifest.date, '2020-01-01T10:00:00-04:00');
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
  assert.deepEqual(
    problems.map((p) => [p.file, p.message]),
    [['show.yaml', 'file is missing']],
  );
});

test('an episode.yml (wrong extension) is called out rather than ignored', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yml': goodEpisode });
  const { problems } = await loadShow(dir);
  assert.deepEqual(
    problems.map((p) => p.file),
    ['001-one/episode.yml'],
  );
});

test('regression: a cold build made its artwork copies only after every manifest was read; onShowManifest comes first, and the loop yields meanwhile', async () => {
  const files: Record<string, string> = { 'show.yaml': goodShow };
  for (let i = 1; i <= 45; i++) files[`${String(i).padStart(3, '0')}-ep/episode.yaml`] = goodEpisode;
  const dir = await show(files);
  const events: string[] = [];
  let turns = 0;
  const loaded = await loadShow(dir, {
    onShowManifest: (s) => {
      events.push(`show ${s.manifest?.title} in ${s.dir}`);
      // What the hook starts runs between episode folders: count the event loop's turns until loadShow is done.
      const tick = () => {
        turns++;
        if (events.length === 1) setImmediate(tick);
      };
      setImmediate(tick);
    },
  });
  events.push('loaded');
  assert.deepEqual(events, [`show Test Show in ${path.resolve(dir)}`, 'loaded']);
  assert.ok(turns >= 2, `the event loop turned ${turns} times while 45 episode folders were read`);
  // The same show as without the hook.
  assert.deepEqual(loaded, await loadShow(dir));
});

test("episode folders listed a moment ago (the check's fingerprint walk) are not listed again; a name that is not UTF-8 always is", async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': goodEpisode, '001-one/notes.md': 'Notes.\n' });
  const raw = Buffer.from([0x30, 0x30, 0x32, 0x2d, 0xff]); // "002-" and a byte that is no UTF-8
  await fs.mkdir(Buffer.concat([Buffer.from(`${dir}/`), raw]), { recursive: true });
  await fs.writeFile(Buffer.concat([Buffer.from(`${dir}/`), raw, Buffer.from('/episode.yaml')]), goodEpisode);
  const asked: string[] = [];
  const listed = (slug: string) => {
    asked.push(slug);
    return ['episode.yaml', 'notes.md', 'said-by-the-walk.md'];
  };
  const loaded = await loadShow(dir, { listed });
  assert.deepEqual(asked, ['001-one']);
  assert.deepEqual(loaded.episodes.find((e) => e.slug === '001-one')?.files, ['episode.yaml', 'notes.md', 'said-by-the-walk.md']);
  assert.ok(loaded.problems.some((p) => /not valid UTF-8/.test(p.message)));
});

test('regression: a link to an episode folder (outside the show or inside it) is refused in words, not skipped without one', async () => {
  const dir = await show({ 'show.yaml': goodShow, '001-one/episode.yaml': goodEpisode });
  const elsewhere = await show({ '002-two/episode.yaml': goodEpisode, 'assets/readme.txt': 'x' });
  await fs.symlink(path.join(elsewhere, '002-two'), path.join(dir, '002-two'));
  await fs.symlink('001-one', path.join(dir, '003-again'));
  await fs.symlink(path.join(elsewhere, 'assets'), path.join(dir, 'assets')); // no episode.yaml: not an episode, not a word
  const { problems, episodes } = await loadShow(dir);
  assert.deepEqual(
    episodes.map((e) => e.slug),
    ['001-one'],
  );
  assert.deepEqual(problems.map((p) => `${p.level} ${p.file}`).sort(), ['error 002-two/', 'error 003-again/']);
  assert.match(problems[0].message, /a link to an episode folder.*not published/);
});
