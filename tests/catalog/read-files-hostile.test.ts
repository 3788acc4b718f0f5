// Side files from outside the show, of the wrong kind or of absurd size (issue 11): each is a
// problem naming file and field, nothing of it reaches the catalog, and the other episode goes on.
// (FIFOs and /dev/zero, which hang a reader, are tried through the CLI in tests/commands/hostile-show.test.ts.)
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import { LOCK_FILE, readLock } from '../../src/catalog/lock.js';
import { lockProblemsOf } from '../support/lock.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

/** Two good episodes; `setup` then spoils 002-b. */
async function twoEpisodes(extra = ''): Promise<string> {
  return makeShow({
    '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } },
    '002-b': { yaml: episodeYaml('002-b', extra), files: { 'a.mp3': 'good-cbr.mp3' } },
  });
}

const b = (dir: string, name: string) => path.join(dir, '002-b', name);

test('regression: notes.md linked to /etc/passwd is refused and never published', async () => {
  const dir = await twoEpisodes();
  fs.symlinkSync('/etc/passwd', b(dir, 'notes.md'));
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => [p.level, p.file, p.message]),
    [['error', '002-b/notes.md', 'notes.md is a link to a file outside the show folder']],
  );
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
  assert.doesNotMatch(JSON.stringify(result), /root:/, 'nothing of /etc/passwd is anywhere in the result');
});

test('regression: notes.md that is a folder, or a dangling link, is a problem, not an internal error', async () => {
  const dir = await twoEpisodes();
  fs.mkdirSync(b(dir, 'notes.md'));
  const asFolder = await checkShow(dir);
  assert.deepEqual(
    asFolder.problems.map((p) => [p.file, p.message]),
    [['002-b/notes.md', 'notes.md is a folder, not a file']],
  );
  assert.deepEqual(
    asFolder.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );

  fs.rmdirSync(b(dir, 'notes.md'));
  fs.symlinkSync('notes-draft.md', b(dir, 'notes.md'));
  const dangling = await checkShow(dir);
  assert.deepEqual(
    dangling.problems.map((p) => [p.file, p.message]),
    [['002-b/notes.md', 'notes.md is a link to a file that does not exist']],
  );
  assert.deepEqual(
    dangling.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('notes.md linked to another file inside the show is read', async () => {
  const dir = await twoEpisodes();
  fs.writeFileSync(path.join(dir, '001-a', 'notes.md'), 'Shared notes.');
  fs.symlinkSync('../001-a/notes.md', b(dir, 'notes.md'));
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.equal(result.catalog!.episodes.find((e) => e.slug === '002-b')?.notesMarkdown, 'Shared notes.');
});

test('regression: a 3 GB transcript is a problem naming file and field, found without reading it', async () => {
  const dir = await twoEpisodes();
  fs.writeFileSync(b(dir, 'transcript.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n');
  fs.truncateSync(b(dir, 'transcript.vtt'), 3 * 1024 ** 3); // sparse: costs no disk
  const before = process.memoryUsage().rss;
  const result = await checkShow(dir);
  assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024, 'the transcript was not read into memory');
  const p = result.problems.find((x) => x.file === '002-b/episode.yaml');
  assert.equal(p?.field, 'transcript', JSON.stringify(result.problems));
  assert.match(p.message, /transcript\.vtt is 3072 MB, more than the 32 MB netcaster reads/);
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('a transcript of 20 MB (under the bound) is taken, from its first bytes only', async () => {
  const dir = await twoEpisodes();
  fs.writeFileSync(b(dir, 'transcript.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n');
  fs.truncateSync(b(dir, 'transcript.vtt'), 20 * 1024 * 1024);
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.equal(result.catalog!.episodes.find((e) => e.slug === '002-b')?.transcript?.size, 20 * 1024 * 1024);
});

test('regression: a chapters file over the bound is a problem naming file and field, not parsed', async () => {
  const dir = await twoEpisodes('chapters: chapters.json\n');
  fs.writeFileSync(b(dir, 'chapters.json'), '{"version":"1.2.0","chapters":[');
  fs.truncateSync(b(dir, 'chapters.json'), 100 * 1024 * 1024);
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.field, p.message]),
    [['002-b/episode.yaml', 'chapters', 'chapters.json is 100 MB, more than the 4 MB netcaster reads of such a file']],
  );
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('regression: episode artwork of 100 MB is refused before the image library reads it whole', async () => {
  const dir = await twoEpisodes('image: cover.jpg\n');
  fs.copyFileSync(path.join(dir, 'artwork.jpg'), b(dir, 'cover.jpg'));
  fs.truncateSync(b(dir, 'cover.jpg'), 100 * 1024 * 1024);
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.field, p.message]),
    [['002-b/episode.yaml', 'image', 'cover.jpg is 100 MB, more than the 64 MB netcaster reads of such a file']],
  );
});

test('regression: a __proto__ format in media: naming a real file is a problem, not an internal error', async () => {
  const dir = await twoEpisodes();
  fs.writeFileSync(b(dir, 'episode.yaml'), episodeYaml('002-b', '', '  __proto__: a.mp3\n  mp3: a.mp3\n'));
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.field]),
    [['002-b/episode.yaml', 'media.__proto__']],
  );
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('regression: a format named constructor naming a real file is a problem, not an internal error', async () => {
  const dir = await twoEpisodes();
  fs.writeFileSync(b(dir, 'episode.yaml'), episodeYaml('002-b', '', '  constructor: a.mp3\n  mp3: a.mp3\n'));
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => [p.file, p.field]),
    [['002-b/episode.yaml', 'media.constructor']],
  );
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('regression: an episode folder named with a backslash is a problem at check (build crashed on it)', async () => {
  const dir = await twoEpisodes();
  fs.renameSync(path.join(dir, '002-b'), path.join(dir, '002-a\\b'));
  const result = await checkShow(dir);
  assert.deepEqual(
    result.problems.map((p) => p.file),
    ['002-a\\b/episode.yaml'],
  );
  assert.deepEqual(
    result.catalog!.episodes.map((e) => e.slug),
    ['001-a'],
  );
});

test('regression: netcaster.lock linked to a lock outside the show is refused, not trusted', async () => {
  const dir = await twoEpisodes();
  const outside = path.join(tempDir('outside'), LOCK_FILE);
  fs.writeFileSync(outside, JSON.stringify({ feeds: { audio: 'https://elsewhere.example/feeds/audio.xml' }, episodes: {} }));
  fs.symlinkSync(outside, path.join(dir, LOCK_FILE));
  const read = readLock(dir);
  assert.deepEqual(read.lock, { feeds: {}, feedGuids: {}, episodes: {} });
  assert.deepEqual(
    read.problems.map((p) => [p.file, p.message]),
    [[LOCK_FILE, 'netcaster.lock is a link to a file outside the show folder']],
  );
  const { catalog } = await checkShow(dir);
  assert.deepEqual(
    lockProblemsOf(dir, catalog, undefined).map((p) => p.file),
    [LOCK_FILE],
  );
});
