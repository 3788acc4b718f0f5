import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ShowTargets } from '../../src/audience/targets.js';
import type { Catalog, Episode } from '../../src/contract/catalog.js';
import { episode, show } from '../support/catalog-data.js';
import { fixtureMp3 } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

/** A show with an audio and a video feed; ep1 has an MP3 and an M4V, "two words" a file with a space in its name. */
function catalog(ep1Path = '/shows/tiny/ep1/ep1.mp3'): Catalog {
  const ep1 = episode('ep1', '2024-01-01T00:00:00Z');
  const video: Episode['media'][number] = {
    ...ep1.media[0],
    format: 'm4v',
    fileName: 'ep1.m4v',
    path: '/shows/tiny/ep1/ep1.m4v',
    facts: { ...ep1.media[0].facts, hasVideo: true, mime: 'video/mp4' },
  };
  const spaced = episode('two-words', '2024-01-02T00:00:00Z');
  spaced.media = [{ ...spaced.media[0], fileName: 'a b.mp3' }];
  return {
    show: { ...show(), feeds: [...show().feeds, { name: 'video', title: 'Video', enclosure: 'm4v', alternates: [] }] },
    episodes: [{ ...ep1, media: [{ ...ep1.media[0], path: ep1Path }, video] }, spaced],
  } as Catalog;
}

test('a media path names its episode, format and file, under /media/, /download/ or a CDN prefix, encoded or not', () => {
  const targets = new ShowTargets(catalog());
  for (const p of ['/media/ep1/ep1.mp3', '/download/ep1/ep1.mp3', '/cdn/prefix/ep1/ep1.mp3']) {
    const t = targets.resolve(p);
    assert.equal(t.kind, 'media', p);
    assert.ok(t.kind === 'media');
    assert.equal(t.episode, 'ep1');
    assert.equal(t.format, 'mp3');
    assert.equal(t.file, 'ep1/ep1.mp3');
  }
  const spaced = targets.resolve('/media/two-words/a%20b.mp3');
  assert.ok(spaced.kind === 'media');
  assert.equal(spaced.file, 'two-words/a b.mp3');
  assert.equal(targets.resolve('/media/ep1/ep1.m4v').kind === 'media' && targets.resolve('/media/ep1/ep1.m4v').media?.video, true);
});

test('a feed path names a feed the show has; anything else is other', () => {
  const targets = new ShowTargets(catalog());
  assert.deepEqual(targets.resolve('/feeds/audio.xml'), { kind: 'feed', feed: 'audio' });
  assert.deepEqual(targets.resolve('/feeds/video.xml'), { kind: 'feed', feed: 'video' });
  for (const p of [
    '/feeds/nope.xml',
    '/feeds/audio',
    '/feeds/audioxxxx',
    '/',
    '/episodes/ep1/',
    '/media/ep2/ep1.mp3',
    '/media/ep1/other.mp3',
    '/media/%E0%A4%A/x.mp3',
    'ep1.mp3',
  ]) {
    assert.deepEqual(targets.resolve(p), { kind: 'other' }, p);
  }
});

test('resolve gives the same object for the same path, and stays correct past its bound of remembered paths', () => {
  const targets = new ShowTargets(catalog());
  assert.equal(targets.resolve('/media/ep1/ep1.mp3'), targets.resolve('/media/ep1/ep1.mp3'));
  for (let i = 0; i < 10_050; i++) targets.resolve(`/scan/${i}`);
  assert.equal(targets.resolve('/media/ep1/ep1.mp3').kind, 'media');
});

test('isVideoFormat follows the probed facts of the show, not the format name', () => {
  const targets = new ShowTargets(catalog());
  assert.equal(targets.isVideoFormat('m4v'), true);
  assert.equal(targets.isVideoFormat('mp3'), false);
  assert.equal(targets.isVideoFormat('webm'), false, 'a format the show does not have');
});

test('threshold: the file size and its one-minute offset; undefined when the file is gone; the new size once it changes', (t) => {
  const dir = tempDir('targets', t);
  const file = path.join(dir, 'ep1.mp3');
  fs.copyFileSync(fixtureMp3, file);
  const targets = new ShowTargets(catalog(file));
  const media = targets.resolve('/media/ep1/ep1.mp3');
  assert.ok(media.kind === 'media' && media.media);
  const first = targets.threshold(media.media)!;
  assert.equal(first.size, fs.statSync(fixtureMp3).size);
  assert.ok(first.bytes > 0 && first.bytes <= first.size);

  // Another file with the same name and another size (looked at again after a second at most).
  const fresh = new ShowTargets(catalog(file));
  const fm = fresh.resolve('/media/ep1/ep1.mp3');
  assert.ok(fm.kind === 'media' && fm.media);
  fs.writeFileSync(file, Buffer.alloc(1000));
  assert.equal(fresh.threshold(fm.media)!.size, 1000);
  fs.rmSync(file);
  assert.equal(new ShowTargets(catalog(file)).threshold(fm.media), undefined);
});
