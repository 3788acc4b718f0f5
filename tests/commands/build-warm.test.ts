// A warm `build` (issue 12): an unchanged show leaves OUT as it is ("up to date") without
// hashing every episode, and any edit — one episode of many, an added one, a changed media
// file — still rebuilds, through the CLI users run (the bundle).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/env.js';
import { episodeYaml, makeShow, media } from '../support/show-folder.js';

const slugOf = (i: number) => `${String(i).padStart(3, '0')}-ep`;

async function show(t: test.TestContext): Promise<string> {
  const episodes: Record<string, { yaml: string; files: Record<string, string> }> = {};
  for (let i = 1; i <= 12; i++)
    episodes[slugOf(i)] = { yaml: episodeYaml(slugOf(i)).replace('Fixture Episode', `Episode ${i}`), files: { 'a.mp3': 'good-cbr.mp3' } };
  const dir = await makeShow(episodes);
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  // Settled folders (an hour old), so that the check trusts its listings as on a real show.
  const past = new Date(Date.now() - 3600_000);
  for (const slug of Object.keys(episodes)) await fs.utimes(path.join(dir, slug), past, past);
  await fs.utimes(dir, past, past);
  return dir;
}

function build(dir: string, ...flags: string[]): string {
  const r = runCli(
    ['build', dir, '--out', path.join(path.dirname(dir), `${path.basename(dir)}-out`), '--base-url', 'https://fixture.example', ...flags],
    {
      env: { NETCASTER_CACHE_DIR: path.join(dir, '.cache') },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const pageOf = (dir: string, slug: string) =>
  fs.readFile(path.join(path.dirname(dir), `${path.basename(dir)}-out`, 'episodes', slug, 'index.html'), 'utf8');

test('a warm build of an unchanged show says up to date; an edit of one episode of many rebuilds it', async (t) => {
  const dir = await show(t);
  t.after(() => fs.rm(`${dir}-out`, { recursive: true, force: true }));
  assert.match(build(dir), /^Built /);
  // Regression: the first build records the feeds' guids in netcaster.lock, and the second took
  // the recorded guid (the same one) for a change and wrote the whole site again.
  assert.match(build(dir), /is up to date/);
  const file = path.join(dir, slugOf(7), 'episode.yaml');
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('Episode 7', 'Episode Seven'));
  assert.match(build(dir), /^Built /);
  assert.match(await pageOf(dir, slugOf(7)), /Episode Seven/);
  assert.match(build(dir), /is up to date/);
});

test('a warm build notices an added episode, a removed one, and a media file changed in place', async (t) => {
  const dir = await show(t);
  t.after(() => fs.rm(`${dir}-out`, { recursive: true, force: true }));
  build(dir);
  await fs.mkdir(path.join(dir, '999-new'));
  await fs.copyFile(media('good-cbr.mp3'), path.join(dir, '999-new', 'a.mp3'));
  await fs.writeFile(path.join(dir, '999-new', 'episode.yaml'), episodeYaml('999-new').replace('Fixture Episode', 'The New One'));
  assert.match(build(dir), /13 episodes published, \d+ files written/);
  assert.match(await pageOf(dir, '999-new'), /The New One/);
  await fs.rm(path.join(dir, slugOf(3)), { recursive: true });
  assert.match(build(dir), /12 episodes published, \d+ files written/);
  const mp3 = path.join(dir, slugOf(5), 'a.mp3');
  await fs.writeFile(mp3, await fs.readFile(media('vbr-xing.mp3'))); // in place: the folder's mtime does not move
  assert.match(build(dir), /files written/);
  const built = await fs.readFile(path.join(`${dir}-out`, 'media', slugOf(5), 'a.mp3'));
  assert.deepEqual(built, await fs.readFile(media('vbr-xing.mp3')));
});

test('a build whose OUT is out of date while no file changed reads the whole catalog; with the snapshot gone, it checks the show again', async (t) => {
  const dir = await show(t);
  t.after(() => fs.rm(`${dir}-out`, { recursive: true, force: true }));
  build(dir);
  // The check's brief says nothing changed; the snapshot beside it is gone (a cache cleaned by hand).
  const cache = path.join(dir, '.cache');
  for (const name of await fs.readdir(cache)) if (name.startsWith('check-')) await fs.rm(path.join(cache, name));
  // Another media URL is not part of the check: OUT is out of date, and its pages need every episode's facts.
  assert.match(build(dir, '--media-base-url', 'https://cdn.example'), /^Built .* 12 episodes published/);
  assert.match(await pageOf(dir, slugOf(4)), /https:\/\/cdn\.example\/[^"]*004-ep\/a\.mp3/);
  assert.match(build(dir, '--media-base-url', 'https://cdn.example'), /is up to date/);
});
