// withIntegrity over real show folders made from the committed fixtures.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { checkShow } from '../../src/catalog/check-show.js';
import { HashFailed, IntegrityHashes, withIntegrity } from '../../src/catalog/integrity.js';
import { JsonCache } from '../../src/catalog/cache.js';
import type { CheckedFile } from '../../src/media/sri-hash.js';
import { MediaPool } from '../../src/media/pool.js';
import { episodeYaml, makeShow, media, showYaml } from '../support/show-folder.js';

test("only files that are some feed's alternate are hashed (an MP3-only show hashes nothing)", async () => {
  const video = showYaml.replace('feeds:\n', 'feeds:\n  video: { title: Video, enclosure: m4v }\n');
  const dir = await makeShow(
    {
      '001-audio-only': { yaml: episodeYaml('001-audio-only'), files: { 'a.mp3': 'good-cbr.mp3' } },
      '002-both': {
        yaml: episodeYaml('002-both', '', '  mp3: a.mp3\n  m4v: a.m4v\n'),
        files: { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' },
      },
    },
    video,
  );
  const checked = await checkShow(dir);
  assert.deepEqual(
    checked.problems.filter((p) => p.level === 'error'),
    [],
  );
  const catalog = await withIntegrity(checked.catalog!, dir);
  const hashed = catalog.episodes.flatMap((e) =>
    e.media.map((m) => `${e.slug}/${m.fileName}: ${m.facts.sha256 ? 'hashed' : 'not hashed'}`),
  );
  assert.deepEqual(hashed.sort(), ['001-audio-only/a.mp3: not hashed', '002-both/a.m4v: hashed', '002-both/a.mp3: hashed']);
});

/** One episode in M4V and MP3, and a video feed beside the audio one: each file is the other feed's alternate. */
function videoAndAudioShow(): Promise<string> {
  const video = showYaml.replace('feeds:\n', 'feeds:\n  video: { title: Video, enclosure: m4v }\n');
  return makeShow(
    {
      '001-both': {
        yaml: episodeYaml('001-both', '', '  mp3: a.mp3\n  m4v: a.m4v\n'),
        files: { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' },
      },
    },
    video,
  );
}

test('hashes are the SHA-256 of the bytes in SRI form, kept in the cache, and recomputed when a file changes', async () => {
  const dir = await videoAndAudioShow();
  const sri = (file: string) => `sha256-${createHash('sha256').update(fs.readFileSync(file)).digest('base64')}`;
  const hashesOf = async () => {
    const checked = await checkShow(dir);
    const catalog = await withIntegrity(checked.catalog!, dir);
    return Object.fromEntries(
      catalog.episodes[0].media.map((m) => [m.fileName, { path: m.path, sha256: m.facts.sha256, truth: sri(m.path) }]),
    );
  };
  const first = await hashesOf();
  for (const { sha256, truth } of Object.values(first)) assert.equal(sha256, truth);

  // A second run answers from the cache: a wrong value planted there comes back unchanged.
  const mp3 = first['a.mp3'].path; // as the catalog names it (the real path)
  const cache = new JsonCache<string>('integrity', dir);
  cache.set(mp3, fs.statSync(mp3), 'sha256-planted');
  cache.save();
  assert.equal((await hashesOf())['a.mp3'].sha256, 'sha256-planted');

  // A changed file (new size and mtime) is hashed again.
  fs.appendFileSync(mp3, Buffer.alloc(417));
  const after = await hashesOf();
  assert.equal(after['a.mp3'].sha256, after['a.mp3'].truth);
  assert.notEqual(after['a.mp3'].sha256, first['a.mp3'].sha256);
});

/** A real pool of workers that notes every file it is asked to hash (its public API, seen from outside). */
class HashRequests extends MediaPool {
  readonly asked: string[] = [];

  override hash(file: string, checked: CheckedFile, realShowDir: string): Promise<string> {
    this.asked.push(file);
    return super.hash(file, checked, realShowDir);
  }
}

test('hashes started from the manifests are the ones the stage takes: no file is hashed twice, none outside the show', async () => {
  const video = showYaml.replace('feeds:\n', 'feeds:\n  video: { title: Video, enclosure: m4v, alternates: [webm] }\n');
  const dir = await makeShow(
    {
      '001-all': {
        yaml: episodeYaml('001-all', '', '  mp3: a.mp3\n  m4v: a.m4v\n  webm: a.webm\n'),
        files: { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v', 'a.webm': 'good.webm' },
      },
      '002-audio': { yaml: episodeYaml('002-audio'), files: { 'a.mp3': 'good-cbr.mp3' } },
      // A link out of the show folder: the check rejects it, and nothing reads it before the check does.
      '003-outside': { yaml: episodeYaml('003-outside', '', '  mp3: a.mp3\n  m4v: out.m4v\n'), files: { 'a.mp3': 'good-cbr.mp3' } },
    },
    video,
  );
  const outside = path.join(path.dirname(dir), `${path.basename(dir)}-outside.m4v`);
  fs.copyFileSync(media('good-faststart.m4v'), outside);
  fs.symlinkSync(outside, path.join(dir, '003-outside', 'out.m4v'));

  const pool = new HashRequests(2);
  try {
    const hashes = new IntegrityHashes(dir, pool);
    let askedWhenRead: string[] = [];
    const checked = await checkShow(dir, {
      workers: pool,
      onManifests: (loaded) => {
        hashes.hashFromManifests(loaded);
        askedWhenRead = [...pool.asked];
      },
    });
    assert.ok(checked.problems.some((p) => p.file === '003-outside/episode.yaml' && /outside the show folder/.test(p.message)));
    // 001's three files (each an alternate in the video or audio feed); 003's mp3 only, not its link out.
    const inShow = (file: string) => path.relative(fs.realpathSync(dir), file);
    assert.deepEqual(askedWhenRead.map(inShow).sort(), ['001-all/a.m4v', '001-all/a.mp3', '001-all/a.webm', '003-outside/a.mp3']);
    const asked = pool.asked.length;
    const catalog = await hashes.apply(checked.catalog!);
    assert.equal(pool.asked.length, asked, 'the stage asked the workers for nothing more');
    const sri = (file: string) => `sha256-${createHash('sha256').update(fs.readFileSync(file)).digest('base64')}`;
    const all = catalog.episodes.find((e) => e.slug === '001-all')!;
    for (const m of all.media) assert.equal(m.facts.sha256, sri(m.path), m.fileName);
  } finally {
    await pool.close();
  }
});

test('regression: hashing opened an alternate again by its path, as whatever was there by then (a FIFO hung a worker); a file no longer the one checked is refused, named', {
  timeout: 30_000,
}, async () => {
  const dir = await videoAndAudioShow();
  const checked = await checkShow(dir);
  const mp3 = path.join(dir, '001-both', 'a.mp3'); // the alternate of the video feed
  const outside = path.join(path.dirname(dir), `${path.basename(dir)}-secret.bin`);
  fs.writeFileSync(outside, 'not for the feed');
  const swaps: [string, () => void][] = [
    ['a FIFO', () => execFileSync('mkfifo', [mp3])],
    ['a link out of the show', () => fs.symlinkSync(outside, mp3)],
    ['other bytes', () => fs.writeFileSync(mp3, 'other bytes')],
  ];
  for (const [what, swap] of swaps) {
    fs.rmSync(mp3);
    swap();
    await assert.rejects(
      withIntegrity(checked.catalog!, dir),
      (err: Error) => err instanceof HashFailed && /^cannot hash 001-both\/a\.mp3 for podcast:integrity: /.test(err.message),
      what,
    );
  }
});
