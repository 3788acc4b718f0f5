// `netcaster new` through the real CLI (bin/netcaster.cjs, with the bundle built by `npm run build`), on a temp
// copy of the sample show's manifests (media are not needed to create an episode).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { load } from 'js-yaml';

/** A written episode.yaml as data (the tests read what they need of it). */
const parse = (text: string) => load(text) as any;
import { loadShow } from '../../src/show/load.js';
import { runCli, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let tmp: string;
let cacheDir: string;

test.before(async () => {
  tmp = tempDir('new');
  cacheDir = path.join(tmp, 'cache');
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A copy of the sample show: show.yaml and every episode.yaml (episodes 46 and 47). */
async function copyShow(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.mkdir(dir);
  await fs.copyFile(path.join(sampleShowDir, 'show.yaml'), path.join(dir, 'show.yaml'));
  for (const entry of await fs.readdir(sampleShowDir, { withFileTypes: true })) {
    const manifest = path.join(sampleShowDir, entry.name, 'episode.yaml');
    if (!entry.isDirectory() || !(await fs.stat(manifest).catch(() => undefined))) continue;
    await fs.mkdir(path.join(dir, entry.name));
    await fs.copyFile(manifest, path.join(dir, entry.name, 'episode.yaml'));
  }
  return dir;
}

const netcasterNew = (dir: string, ...args: string[]) => runCli(['new', dir, ...args], { env: { NETCASTER_CACHE_DIR: cacheDir } });

test('new creates the next episode folder with a valid draft episode.yaml', async () => {
  const show = await copyShow('show-a');
  const before = Date.now();
  const r = netcasterNew(show, '--title', 'Containers, Clouds & Crème Brûlée!');
  assert.equal(r.code, 0, r.stderr);

  const slug = '048-containers-clouds-and-creme-brulee';
  const folder = path.join(show, slug);
  assert.equal(r.stdout.trim(), folder);
  assert.deepEqual((await fs.readdir(folder)).sort(), ['episode.yaml', 'notes.md']);
  assert.equal(await fs.readFile(path.join(folder, 'notes.md'), 'utf8'), '');

  // The schema's verdict, through the same loader check and build use.
  const loaded = await loadShow(show);
  assert.deepEqual(
    loaded.problems.filter((p) => p.file.startsWith(`${slug}/`)),
    [],
  );
  const episode = loaded.episodes.find((e) => e.slug === slug);
  assert.ok(episode, 'the new episode loads');
  const m = episode.manifest;
  assert.equal(m.title, 'Containers, Clouds & Crème Brûlée!');
  assert.equal(m.number, 48);
  assert.equal(m.draft, true);
  assert.match(m.guid ?? '', uuid);
  assert.match(m.summary, /^TODO/);
  // Every format the show's feeds use: the video feed's m4v + webm, the audio feed's mp3.
  assert.deepEqual(m.media, { m4v: 'virtzine-048.m4v', webm: 'virtzine-048.webm', mp3: 'virtzine-048.mp3' });
  // Now, with the local offset written out.
  assert.match(m.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  const written = Date.parse(m.date);
  assert.ok(written >= Math.floor(before / 1000) * 1000 && written <= Date.now(), m.date);
});

test('two calls give consecutive numbers and different guids', async () => {
  const show = await copyShow('show-b');
  const first = netcasterNew(show, '--title', 'First');
  const second = netcasterNew(show, '--title', 'Second');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  const read = async (slug: string) => parse(await fs.readFile(path.join(show, slug, 'episode.yaml'), 'utf8'));
  const a = await read('048-first');
  const b = await read('049-second');
  assert.equal(a.number, 48);
  assert.equal(b.number, 49);
  assert.notEqual(a.guid, b.guid);
  assert.deepEqual((await loadShow(show)).problems, []);
});

test('a numbered folder without episode.yaml still counts for the next number', async () => {
  const show = await copyShow('show-c');
  await fs.mkdir(path.join(show, '060-still-recording'));
  const r = netcasterNew(show, '--title', 'After the gap');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parse(await fs.readFile(path.join(show, '061-after-the-gap', 'episode.yaml'), 'utf8')).number, 61);
});

test('missing --title is bad usage (exit 2) and creates nothing', async () => {
  const show = await copyShow('show-d');
  const before = await fs.readdir(show);
  const r = netcasterNew(show);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--title is required/);
  assert.match(r.stderr, /usage: netcaster new/);
  assert.deepEqual(await fs.readdir(show), before);
});

test('a folder without show.yaml is exit 1 naming the file', async () => {
  const empty = path.join(tmp, 'not-a-show');
  await fs.mkdir(empty);
  const r = netcasterNew(empty, '--title', 'Anything');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /show\.yaml: file is missing/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(await fs.readdir(empty), []);
});

test('a missing show folder is exit 1', () => {
  const r = netcasterNew(path.join(tmp, 'no-such-folder'), '--title', 'Anything');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no-such-folder\n\s+error\s+no such show folder/);
});

test('an invalid show.yaml is exit 1 naming the file and field', async () => {
  const show = await copyShow('show-e');
  const yaml = await fs.readFile(path.join(show, 'show.yaml'), 'utf8');
  await fs.writeFile(path.join(show, 'show.yaml'), yaml.replace('language: en-US', 'langauge: en-US'));
  const r = netcasterNew(show, '--title', 'Anything');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /show\.yaml: langauge: unknown key/);
  assert.match(r.stderr, /show\.yaml: language: is required/);
  assert.equal(
    (await fs.readdir(show)).some((name) => name.startsWith('048')),
    false,
  );
});

test('the date carries the local offset, half hours included', async () => {
  const show = await copyShow('show-f');
  const r = runCli(['new', show, '--title', 'Namaste'], { env: { NETCASTER_CACHE_DIR: cacheDir, TZ: 'Asia/Kolkata' } });
  assert.equal(r.code, 0, r.stderr);
  const { date } = parse(await fs.readFile(path.join(show, '048-namaste', 'episode.yaml'), 'utf8'));
  assert.match(date, /\+05:30$/);
  assert.ok(Math.abs(Date.parse(date) - Date.now()) < 60_000, date);
});

test('new run several times at once gives every episode its own number (no two folders share one)', async () => {
  const { spawn } = await import('node:child_process');
  const { cliPath } = await import('../support/env.js');
  const show = await copyShow('show-concurrent');
  const runs = Array.from(
    { length: 8 },
    (_, i) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [cliPath, 'new', show, '--title', `Concurrent ${i}`], {
          env: { ...process.env, NETCASTER_CACHE_DIR: cacheDir },
          stdio: 'ignore',
        });
        child.on('exit', (code) => resolve(code));
      }),
  );
  assert.deepEqual(await Promise.all(runs), Array(8).fill(0));
  const created = (await fs.readdir(show)).filter((name) => /^\d+-concurrent/.test(name));
  assert.equal(created.length, 8);
  const numbers = created.map((name) => Number(name.split('-')[0])).sort((a, b) => a - b);
  assert.deepEqual(numbers, [48, 49, 50, 51, 52, 53, 54, 55], created.join(', '));
  assert.equal((await fs.readdir(show)).includes('.netcaster-new.lock'), false, 'the lock is released');
});
