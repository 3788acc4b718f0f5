// checkShow over real shows made in a temp dir from the committed fixtures.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { checkShow, checkShowBrief } from '../../src/catalog/check-show.js';
import { sampleShowDir } from '../support/env.js';
import { episodeYaml, makeShow, media, zeroKeepingStat } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const one = (extra = '', mediaBlock?: string, files: Record<string, string> = { 'a.mp3': 'good-cbr.mp3' }) => ({
  '001-a': { yaml: episodeYaml('001-a', extra, mediaBlock), files },
});

test('a show of good fixtures checks clean and its catalog carries the probed facts', async () => {
  const dir = await makeShow(one());
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
  const [episode] = catalog!.episodes;
  assert.equal(episode.media[0].facts.mime, 'audio/mpeg');
  assert.equal(episode.media[0].facts.size, (await fs.stat(media('good-cbr.mp3'))).size);
  assert.ok(Math.abs(episode.media[0].facts.duration! - 6) < 0.5);
});

test('a media path outside the episode folder is an error naming the manifest field', async () => {
  const dir = await makeShow(one('', '  mp3: ../../etc/passwd\n'));
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(catalog!.episodes, []);
  const p = problems.find((x) => x.level === 'error')!;
  assert.equal(p.file, '001-a/episode.yaml');
  assert.equal(p.field, 'media.mp3');
  assert.match(p.message, /not a path/);
});

test('a missing media file is an error naming the file', async () => {
  const dir = await makeShow(one('', '  mp3: nope.mp3\n', {}));
  const { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.map((p) => [p.level, p.file, p.field]),
    [['error', '001-a/episode.yaml', 'media.mp3']],
  );
  assert.match(problems[0].message, /not found: nope\.mp3/);
});

test('regression: a symlink to a file outside the show folder is refused', async () => {
  const dir = await makeShow(one('', undefined, {}));
  await fs.symlink(media('good-cbr.mp3'), path.join(dir, '001-a', 'a.mp3'));
  const { problems } = await checkShow(dir);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /outside the show folder/);
});

test('formats of one episode whose durations disagree give a warning', async () => {
  // good-cbr.mp3 is 6 s, good-faststart.m4v 4 s.
  const dir = await makeShow(one('', '  m4v: a.m4v\n  mp3: a.mp3\n', { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' }));
  const { problems } = await checkShow(dir);
  const p = problems.find((x) => x.field === 'media')!;
  assert.equal(p.level, 'warning');
  assert.match(p.message, /disagree on duration/);
});

test('an embedded title that contradicts the manifest gives a warning', async () => {
  const yaml = episodeYaml('001-a').replace('title: Fixture Episode', 'title: Something Else Entirely');
  const dir = await makeShow({ '001-a': { yaml, files: { 'a.mp3': 'good-cbr.mp3' } } });
  const { catalog, problems } = await checkShow(dir);
  const p = problems.find((x) => x.field === 'tags.title')!;
  assert.equal(p.level, 'warning');
  assert.equal(p.file, '001-a/a.mp3');
  assert.equal(catalog!.episodes.length, 1, 'a warning does not hold the episode back');
});

test('an error in one episode leaves the others in the catalog', async () => {
  const dir = await makeShow({
    '001-a': { yaml: episodeYaml('001-a'), files: { 'a.mp3': 'good-cbr.mp3' } },
    '002-b': { yaml: episodeYaml('002-b', '', '  mp3: b.mp3\n'), files: { 'b.mp3': 'aac-in-mp4.mp3' } },
  });
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(
    catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
  assert.ok(problems.some((p) => p.level === 'error' && p.file === '002-b/b.mp3'));
});

test('two episodes with the same guid are an error', async () => {
  const dir = await makeShow({
    '001-a': { yaml: episodeYaml('same'), files: { 'a.mp3': 'good-cbr.mp3' } },
    '002-b': { yaml: episodeYaml('same'), files: { 'a.mp3': 'good-cbr.mp3' } },
  });
  const { problems } = await checkShow(dir);
  const p = problems.find((x) => x.field === 'guid')!;
  assert.equal(p.level, 'error');
  assert.match(p.message, /same guid/);
});

test('chapters.json problems name the chapter and field; good chapters reach the catalog', async () => {
  const dir = await makeShow(one());
  await fs.writeFile(
    path.join(dir, '001-a', 'chapters.json'),
    JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 'soon', title: 'Bad' },
      ],
    }),
  );
  let { problems } = await checkShow(dir);
  assert.deepEqual(
    problems.map((p) => [p.file, p.field]),
    [['001-a/chapters.json', 'chapters.1.startTime']],
  );
  await fs.writeFile(
    path.join(dir, '001-a', 'chapters.json'),
    JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 3, title: 'Main' },
      ],
    }),
  );
  const result = await checkShow(dir);
  problems = result.problems;
  assert.deepEqual(problems, []);
  assert.deepEqual(result.catalog!.episodes[0].chapters, {
    source: 'file',
    chapters: [
      { startTime: 0, title: 'Intro' },
      { startTime: 3, title: 'Main' },
    ],
  });
});

test('embedded ID3 chapters are used when there is no chapters.json', async () => {
  const dir = await makeShow(one());
  const { catalog } = await checkShow(dir);
  const chapters = catalog!.episodes[0].chapters;
  assert.equal(chapters?.source, 'embedded');
  assert.ok(chapters!.chapters.length >= 2);
});

test('a transcript that is not WebVTT is an error; a good one is in the catalog', async () => {
  const dir = await makeShow(one());
  await fs.writeFile(path.join(dir, '001-a', 'transcript.vtt'), 'hello\n');
  assert.match((await checkShow(dir)).problems[0].message, /not a WebVTT file/);
  await fs.writeFile(path.join(dir, '001-a', 'transcript.vtt'), 'WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n');
  const { catalog } = await checkShow(dir);
  assert.equal(catalog!.episodes[0].transcript?.mime, 'text/vtt');
});

test('a second check re-probes nothing that did not change, and only what did', async () => {
  const dir = await makeShow(one('', '  m4v: a.m4v\n  mp3: a.mp3\n', { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' }));
  const first = await checkShow(dir);
  assert.equal(first.catalog?.episodes.length, 1);
  // Zeroed in place with size and mtime kept: only a check that reads them again sees it.
  const mp3 = path.join(dir, '001-a', 'a.mp3');
  const m4v = path.join(dir, '001-a', 'a.m4v');
  await zeroKeepingStat(mp3);
  await zeroKeepingStat(m4v);
  await zeroKeepingStat(path.join(dir, 'artwork.jpg'));
  assert.deepEqual((await checkShow(dir)).catalog, first.catalog);
  // A new episode.yaml (snapshot miss) re-reads manifests but probes no unchanged file.
  await fs.appendFile(path.join(dir, '001-a', 'episode.yaml'), 'number: 1\n');
  const edited = await checkShow(dir);
  assert.equal(edited.catalog?.episodes[0].number, 1);
  assert.deepEqual(edited.catalog?.episodes[0].media, first.catalog?.episodes[0].media);
  // A replaced media file is probed again, alone: the zeroed MP3 is now found broken, the M4V is not read.
  const later = new Date(Date.now() + 5000);
  await fs.utimes(mp3, later, later);
  const { problems } = await checkShow(dir);
  const files = [...new Set(problems.filter((p) => p.level === 'error').map((p) => p.file))];
  assert.deepEqual(files, ['001-a/a.mp3']);
});

test('the sample show checks with no errors', async () => {
  process.env.NETCASTER_CACHE_DIR = tempDir('cache');
  const { catalog, problems } = await checkShow(sampleShowDir);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.ok(catalog!.episodes.length >= 2);
  assert.ok(catalog!.episodes.some((e) => e.title === 'The Mega Edition!'));
});

/** The cache files of a show's check: the whole snapshot and its brief. */
function checkCacheFiles(dir: string): { snapshot: string; brief: string } {
  const key = createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 16);
  const cache = process.env.NETCASTER_CACHE_DIR!;
  return { snapshot: path.join(cache, `check-${key}.json`), brief: path.join(cache, `brief-${key}.json`) };
}

const twoEpisodes = () => ({
  '001-a': { yaml: episodeYaml('001-a'), files: { 'a.mp3': 'good-cbr.mp3' } },
  '002-b': {
    yaml: episodeYaml('002-b').replace(/guid: .*/, 'guid: fixture-002-b'),
    files: { 'a.mp3': 'good-cbr.mp3', 'b.mp3': 'good-cbr.mp3' },
  },
});

test('a warm checkShowBrief reads the brief alone; the whole catalog, asked for, is the checked one', async () => {
  const dir = await makeShow(twoEpisodes());
  const first = await checkShow(dir);
  const { snapshot } = checkCacheFiles(dir);
  // The whole snapshot unreadable: a brief check that read it would check the show afresh and write it again.
  await fs.writeFile(snapshot, 'not JSON');
  const warm = await checkShowBrief(dir);
  assert.equal(await fs.readFile(snapshot, 'utf8'), 'not JSON', 'the snapshot was not read (nor written)');
  assert.equal(warm.fingerprint, first.fingerprint);
  assert.deepEqual(warm.problems, first.problems);
  assert.equal(warm.mediaFiles, 2);
  assert.equal(warm.brief!.show.title, first.catalog!.show.title);
  assert.deepEqual(
    warm.brief!.episodes,
    first.catalog!.episodes.map(({ slug, guid, date, draft }) => ({ slug, guid, date, draft })),
  );
  // The snapshot gone, the catalog is checked afresh: the same.
  assert.deepEqual(await warm.catalog(), first.catalog);
});

test('a snapshot without its brief (an older netcaster wrote it) answers, and leaves the brief for the next check', async () => {
  const dir = await makeShow(twoEpisodes());
  const first = await checkShow(dir);
  const { brief } = checkCacheFiles(dir);
  await fs.rm(brief);
  // Zeroed with size and mtime kept: a check that probed it again would find it broken.
  await zeroKeepingStat(path.join(dir, '002-b', 'a.mp3'));
  const warm = await checkShowBrief(dir);
  assert.equal(warm.mediaFiles, 2);
  assert.deepEqual(await warm.catalog(), first.catalog);
  assert.ok(await fs.stat(brief));
  assert.deepEqual((await checkShowBrief(dir)).brief, warm.brief);
});

test('a brief damaged inside, its fingerprint whole, is no brief: the snapshot answers instead', async () => {
  const dir = await makeShow(twoEpisodes());
  const first = await checkShow(dir);
  const { brief } = checkCacheFiles(dir);
  const written = JSON.parse(await fs.readFile(brief, 'utf8'));
  const whole = await checkShowBrief(dir);
  for (const damage of [
    (b: Record<string, any>) => (b.brief.episodes[0] = null),
    (b: Record<string, any>) => (b.brief.episodes[1].draft = 'no'),
    (b: Record<string, any>) => (b.brief.show.feeds = [{}]),
    (b: Record<string, any>) => (b.brief.show.feeds[0].guid = 7),
    (b: Record<string, any>) => (b.brief.show.baseUrl = ['https://elsewhere.example']),
    (b: Record<string, any>) => (b.brief = 'catalog'),
    (b: Record<string, any>) => (b.mediaFiles = '2'),
    (b: Record<string, any>) => (b.problems = [null]),
  ]) {
    const damaged = structuredClone(written);
    damage(damaged);
    await fs.writeFile(brief, JSON.stringify(damaged));
    const again = await checkShowBrief(dir);
    assert.equal(again.mediaFiles, 2, String(damage));
    assert.deepEqual(again.brief, whole.brief, String(damage));
    assert.deepEqual(await again.catalog(), first.catalog, String(damage));
  }
});
