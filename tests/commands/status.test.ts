// `netcaster status` through the real CLI, on a tiny real show.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/env.js';
import { isoIn, makeTinyShow, writeEpisode } from '../support/show-folder.js';

const DAY = 86_400_000;

test('status lists published, scheduled (with "in 3 days"), drafts and episodes waiting on a problem', (t) => {
  const { dir, cacheDir } = makeTinyShow([
    { slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' },
    { slug: '002-second', title: 'Second', date: '2024-02-01T10:00:00Z' },
    { slug: '003-next', title: 'Next Tuesday', date: isoIn(3 * DAY) },
    { slug: '004-idea', title: 'An idea', date: '2024-03-01T10:00:00Z', draft: true },
  ]);
  // An episode whose media file is missing: it waits on that problem.
  writeEpisode(dir, { slug: '005-broken', title: 'Broken', date: '2024-04-01T10:00:00Z' });
  fs.rmSync(path.join(dir, '005-broken', '005-broken.mp3'));
  const env = { NETCASTER_CACHE_DIR: cacheDir };

  const r = runCli(['status', dir], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^Tiny Show, as of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
  assert.match(
    out,
    /Published \(2\):\n {2}2024-02-01 10:00 UTC {2}Second {2}\(002-second\)\n {2}2024-01-01 10:00 UTC {2}First {2}\(001-first\)\n/,
  );
  assert.match(out, /Scheduled \(1\):\n {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}in 3 days {5}Next Tuesday {2}\(003-next\)\n/);
  assert.match(out, /Drafts \(1\):\n {2}An idea {2}\(004-idea\)\n/);
  assert.match(out, /Waiting on a problem \(1\):\n {2}005-broken: 005-broken\/episode\.yaml media\.mp3: file not found: 005-broken\.mp3\n/);
  assert.match(out, /netcaster\.lock: not written yet/);
});

test('status notes an episode published before that now waits on a problem, and the lock', (t) => {
  const { dir, cacheDir } = makeTinyShow([{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  fs.writeFileSync(
    path.join(dir, 'netcaster.lock'),
    JSON.stringify({
      feeds: { audio: 'https://tiny.example/feeds/audio.xml' },
      episodes: { 'guid-001-first': { slug: '001-first', firstPublished: '2024-01-01T10:00:00.000Z' } },
    }),
  );
  // The published episode's guid is edited: the lock makes that an error.
  writeEpisode(dir, { slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z', guid: 'another-guid' }, { copyMedia: false });
  const r = runCli(['status', dir], { env: { NETCASTER_CACHE_DIR: cacheDir } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /001-first: 001-first\/episode\.yaml guid: was guid-001-first when published .* \[published before: a running serve keeps its last good version\]/,
  );
  assert.match(r.stdout, /netcaster\.lock: 1 episode and 1 feed URL\(s\) recorded as published/);
});

test('status exits 1 when the show cannot be read', (t) => {
  const { dir, cacheDir, root } = makeTinyShow([]);
  const env = { NETCASTER_CACHE_DIR: cacheDir };
  const missing = runCli(['status', path.join(root, 'nope')], { env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such show folder/);
  fs.appendFileSync(path.join(dir, 'show.yaml'), 'titel: typo\n');
  const broken = runCli(['status', dir], { env });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /show\.yaml\n\s+error\s+titel: unknown key/);
  assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');
});

test('regression: a draft still waiting for its media files (as `netcaster new` makes it) is listed under Drafts', (t) => {
  const { dir, cacheDir } = makeTinyShow([{ slug: '001-first', title: 'First', date: '2024-01-01T10:00:00Z' }]);
  const env = { NETCASTER_CACHE_DIR: cacheDir };
  const made = runCli(['new', dir, '--title', 'Next one'], { env });
  assert.equal(made.code, 0, made.stderr);
  const r = runCli(['status', dir], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Drafts \(1\):\n {2}\(002-next-one\) {2}waiting for its media files\n/);
  assert.doesNotMatch(r.stdout, /Waiting on a problem/);
});
