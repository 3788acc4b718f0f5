// encode/plan.ts: which formats an episode needs, and names from content, so a published URL's
// bytes never change. The whole encode under these names is in encode.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { JsonCache } from '../../src/catalog/cache.js';
import { fileSha256, formatsNeeded, freeName, outputName, profileFromEnv, type NameInputs } from '../../src/encode/plan.js';
import type { ShowManifest } from '../../src/show/schema.js';
import { minimalShowManifest } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const show = (extra: Partial<ShowManifest>): ShowManifest => ({
  ...minimalShowManifest,
  ...extra,
});

const inputs: NameInputs = {
  slug: '046-the-mega-edition',
  format: 'mp3',
  masterSha256: 'a'.repeat(64),
  profile: 'standard',
  channels: 2,
  target: { integrated: -16, truePeak: -1 },
  metadata: ';FFMETADATA1\ntitle=Episode\n',
  coverSha256: 'c'.repeat(64),
  stillSha256: 'd'.repeat(64),
  ffmpeg: 'ffmpeg version 5.1.6-0+deb12u1',
};

test('formatsNeeded: every enclosure and alternate of every feed, each once', () => {
  const needed = formatsNeeded(
    show({
      feeds: {
        video: { title: 'Video', enclosure: 'm4v', alternates: ['webm', 'mp3'] },
        audio: { title: 'Audio', enclosure: 'mp3' },
      },
    }),
  );
  assert.deepEqual(needed.sort(), ['m4v', 'mp3', 'webm']);
});

test('formatsNeeded: encode.formats, when show.yaml lists them, instead of the feeds', () => {
  assert.deepEqual(formatsNeeded(show({ encode: { formats: ['m4a', 'mp3', 'm4a'] } })), ['m4a', 'mp3']);
});

test('profileFromEnv: draft only when NETCASTER_ENCODE_PROFILE says draft', (t) => {
  const before = process.env.NETCASTER_ENCODE_PROFILE;
  t.after(() => {
    if (before === undefined) delete process.env.NETCASTER_ENCODE_PROFILE;
    else process.env.NETCASTER_ENCODE_PROFILE = before;
  });
  process.env.NETCASTER_ENCODE_PROFILE = 'draft';
  assert.equal(profileFromEnv(), 'draft');
  process.env.NETCASTER_ENCODE_PROFILE = 'fast';
  assert.equal(profileFromEnv(), 'standard');
  delete process.env.NETCASTER_ENCODE_PROFILE;
  assert.equal(profileFromEnv(), 'standard');
});

test('fileSha256 is the SHA-256 of the whole file, across the chunks it is read in', (t) => {
  const file = path.join(tempDir('plan', t), 'master.flac');
  const bytes = randomBytes(2.5 * 1024 * 1024); // more than one 1 MiB chunk, the last one partial
  fs.writeFileSync(file, bytes);
  assert.equal(fileSha256(file), createHash('sha256').update(bytes).digest('hex'));
});

test('fileSha256 answers from the cache while the file is the same size and time, and reads it again once it changes', (t) => {
  const dir = tempDir('plan', t);
  const cacheDir = tempDir('plan-cache', t);
  const before = process.env.NETCASTER_CACHE_DIR;
  process.env.NETCASTER_CACHE_DIR = cacheDir;
  t.after(() => {
    if (before === undefined) delete process.env.NETCASTER_CACHE_DIR;
    else process.env.NETCASTER_CACHE_DIR = before;
  });
  const file = path.join(dir, 'master.flac');
  fs.writeFileSync(file, 'first');
  const cache = new JsonCache<string>('encode-masters-test', dir);
  const first = fileSha256(file, cache);
  assert.equal(cache.get(file, fs.statSync(file)), first, 'the digest is kept');
  // A digest only the cache can know: it is what comes back.
  cache.set(file, fs.statSync(file), 'from-the-cache');
  assert.equal(fileSha256(file, cache), 'from-the-cache');
  fs.writeFileSync(file, 'second, longer');
  assert.equal(fileSha256(file, cache), createHash('sha256').update('second, longer').digest('hex'));
});

test('outputName: the slug, 12 hex digits of the content hash and the format extension; the same inputs give the same name', () => {
  const name = outputName(inputs);
  assert.match(name, /^046-the-mega-edition-[0-9a-f]{12}\.mp3$/);
  assert.equal(outputName({ ...inputs }), name);
  assert.match(outputName({ ...inputs, format: 'm4v' }), /^046-the-mega-edition-[0-9a-f]{12}\.m4v$/);
});

test('outputName: everything that shapes the bytes changes the name', () => {
  const base = outputName(inputs);
  const changes: Partial<NameInputs>[] = [
    { masterSha256: 'b'.repeat(64) },
    { channels: 1 },
    { target: { integrated: -19, truePeak: -1 } },
    { target: { integrated: -16, truePeak: -2 } },
    { metadata: ';FFMETADATA1\ntitle=Episode, retitled\n' },
    { coverSha256: undefined },
    { coverSha256: 'e'.repeat(64) },
    { ffmpeg: 'ffmpeg version 6.1' },
  ];
  for (const change of changes) assert.notEqual(outputName({ ...inputs, ...change }), base, JSON.stringify(change));
  // The format changes the hash, not only the extension.
  const hash = (name: string) => /-([0-9a-f]{12})\./.exec(name)?.[1];
  assert.notEqual(hash(outputName({ ...inputs, format: 'm4v' })), hash(outputName({ ...inputs, format: 'mp4' })));
});

test("outputName: the profile and the still picture change a video format's name, and not an MP3's", () => {
  const video = { ...inputs, format: 'm4v' };
  assert.notEqual(outputName({ ...video, profile: 'draft' }), outputName(video));
  assert.notEqual(outputName({ ...video, stillSha256: 'f'.repeat(64) }), outputName(video));
  assert.equal(outputName({ ...inputs, stillSha256: 'f'.repeat(64) }), outputName(inputs), 'an MP3 has no picture');
  assert.equal(outputName({ ...inputs, profile: 'draft' }), outputName(inputs), 'the MP3 recipe is the same in both profiles');
});

test('freeName: the name itself when free; otherwise -r2, -r3... before the extension, never an existing file', (t) => {
  const dir = tempDir('plan', t);
  assert.equal(freeName(dir, 'ep-0123456789ab.mp3'), 'ep-0123456789ab.mp3');
  fs.writeFileSync(path.join(dir, 'ep-0123456789ab.mp3'), '');
  assert.equal(freeName(dir, 'ep-0123456789ab.mp3'), 'ep-0123456789ab-r2.mp3');
  fs.writeFileSync(path.join(dir, 'ep-0123456789ab-r2.mp3'), '');
  fs.writeFileSync(path.join(dir, 'ep-0123456789ab-r3.mp3'), '');
  assert.equal(freeName(dir, 'ep-0123456789ab.mp3'), 'ep-0123456789ab-r4.mp3');
});
