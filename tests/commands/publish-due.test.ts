// `netcaster publish-due` through the real CLI: builds OUT when an episode comes due, and leaves
// OUT alone when nothing is due.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/env.js';
import { isoIn, makeTinyShow, writeEpisode } from '../support/show-folder.js';
import { makeShow } from '../support/show-folder.js';

test('publish-due builds when an episode comes due and says "nothing due" otherwise', async (t) => {
  const due = isoIn(5000);
  const { dir, cacheDir, root } = makeTinyShow([
    { slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' },
    { slug: '002-due', title: 'Due Soon', date: due },
  ]);
  const out = path.join(root, 'site');
  const env = { NETCASTER_CACHE_DIR: cacheDir };
  const feed = () => fs.readFileSync(path.join(out, 'feeds', 'audio.xml'), 'utf8');

  // First run: OUT has no record of what it holds, so it is built.
  const first = runCli(['publish-due', dir, '--out', out], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /published 1 episode/);
  assert.match(feed(), /First/);
  assert.doesNotMatch(feed(), /Due Soon/);
  assert.equal(fs.existsSync(path.join(out, 'episodes', '002-due')), false);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, '.netcaster-published.json'), 'utf8')).guids, ['guid-001-first']);

  // Nothing changed: OUT is not touched at all.
  const before = fs.statSync(path.join(out, 'feeds', 'audio.xml'));
  const idle = runCli(['publish-due', dir, '--out', out], { env });
  assert.equal(idle.code, 0, idle.stderr);
  assert.match(idle.stdout, /^nothing due \(next scheduled episode: .* UTC, in \d+ s\)$/m);
  const after = fs.statSync(path.join(out, 'feeds', 'audio.xml'));
  assert.equal(after.ino, before.ino, 'OUT was not rebuilt');

  // Once its time has come, the scheduled episode is published.
  await sleep(Math.max(0, Date.parse(due) - Date.now()) + 200);
  const release = runCli(['publish-due', dir, '--out', out], { env });
  assert.equal(release.code, 0, release.stderr);
  assert.match(release.stdout, /^published 002-due {2}"Due Soon"$/m);
  assert.match(feed(), /Due Soon/);
  assert.ok(fs.existsSync(path.join(out, 'episodes', '002-due', 'index.html')));
});

test('publish-due leaves OUT as it was when the show has errors', (t) => {
  const { dir, cacheDir, root } = makeTinyShow([{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  const out = path.join(root, 'site');
  const env = { NETCASTER_CACHE_DIR: cacheDir };
  assert.equal(runCli(['publish-due', dir, '--out', out], { env }).code, 0);
  const before = fs.statSync(path.join(out, 'index.html')).ino;
  // A new, already-due episode with a missing media file: build refuses, OUT stays.
  writeEpisode(dir, { slug: '002-broken', title: 'Broken', date: '2024-02-01T10:00:00Z' });
  fs.rmSync(path.join(dir, '002-broken', '002-broken.mp3'));
  writeEpisode(dir, { slug: '003-new', title: 'New', date: '2024-03-01T10:00:00Z' });
  const r = runCli(['publish-due', dir, '--out', out], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /file not found: 002-broken\.mp3/);
  assert.equal(fs.statSync(path.join(out, 'index.html')).ino, before);
  assert.equal(runCli(['publish-due', dir], { env }).code, 2, '--out is required');
});

// publish-due --out goes through build's guard on OUT (issue 11): the same refusals, before the show is read.

test('publish-due --out an unrelated folder with files in it refuses (exit 2) and deletes nothing', async () => {
  const show = await makeShow({ '001-first': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  const documents = path.join(show, '..', `${path.basename(show)}-Documents`);
  fs.mkdirSync(documents);
  try {
    fs.writeFileSync(path.join(documents, 'letter.txt'), 'irreplaceable');
    const r = runCli(['publish-due', show, '--out', documents]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^netcaster publish-due: .* is a folder with files in it that netcaster did not write/);
    assert.deepEqual(fs.readdirSync(documents), ['letter.txt']);
    assert.equal(fs.readFileSync(path.join(documents, 'letter.txt'), 'utf8'), 'irreplaceable');
  } finally {
    fs.rmSync(documents, { recursive: true, force: true });
    fs.rmSync(show, { recursive: true, force: true });
  }
});

test('publish-due --out an episode folder inside the show refuses (exit 2): the episode stays', async () => {
  const show = await makeShow({ '001-first': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  try {
    const episode = path.join(show, '001-first');
    const r = runCli(['publish-due', show, '--out', episode]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is inside the show folder/);
    assert.deepEqual(fs.readdirSync(episode).sort(), ['a.mp3', 'episode.yaml']);
  } finally {
    fs.rmSync(show, { recursive: true, force: true });
  }
});

test('publish-due builds into a symlink to a folder and records what it published there', async () => {
  const show = await makeShow({ '001-first': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  const www = `${show}-www`;
  const out = `${show}-out`;
  fs.mkdirSync(www);
  fs.symlinkSync(www, out);
  try {
    const r = runCli(['publish-due', show, '--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(fs.lstatSync(out).isSymbolicLink());
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(www, '.netcaster-published.json'), 'utf8')).guids, ['guid-001-first']);
    assert.match(runCli(['publish-due', show, '--out', out]).stdout, /^nothing due/);
  } finally {
    for (const p of [out, www, show]) fs.rmSync(p, { recursive: true, force: true });
  }
});

test('regression: a FIFO, a huge file or a folder at the record name neither hangs publish-due nor costs gigabytes nor crashes it', async () => {
  const { spawnSync } = await import('node:child_process');
  const { cliPath } = await import('../support/env.js');
  const { dir, cacheDir, root } = makeTinyShow([{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  const out = path.join(root, 'site');
  const record = path.join(out, '.netcaster-published.json');
  const run = () => {
    runCli(['--version']); // the bundle is fresh (runCli checks)
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', cliPath, 'publish-due', dir, '--out', out], {
      env: { ...process.env, NETCASTER_CACHE_DIR: cacheDir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  assert.equal(run().code, 0);

  fs.rmSync(record);
  spawnSync('mkfifo', [record]);
  const fifo = run();
  assert.equal(fifo.signal, null, 'publish-due did not hang on a FIFO');
  assert.equal(fifo.code, 0, fifo.stderr);
  assert.ok(fs.statSync(record).isFile(), 'the record is written again');

  // 64 MB of guids: no record netcaster wrote; read whole it took gigabytes.
  fs.writeFileSync(record, `{"guids":[${'"x",'.repeat(16 * 1024 * 1024)}"x"]}`);
  const huge = run();
  assert.equal(huge.code, 0, huge.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(record, 'utf8')).guids, ['guid-001-first']);

  fs.rmSync(record);
  fs.mkdirSync(path.join(record, 'inside'), { recursive: true });
  const folder = run();
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /its record could not be written to .*: \.netcaster-published\.json is a folder/);
  assert.doesNotMatch(folder.stderr, /internal error/);
});
