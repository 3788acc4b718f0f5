// The live loop's folder prints (src/live/scan.ts) come from the check's walk when the check
// read nothing after it, so they must be exactly what a walk of their own gives: the same
// prints and the same last-change times, for every kind of entry a show folder may hold.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fingerprintShow } from '../../src/catalog/snapshot.js';
import type { FolderFingerprints } from '../../src/live/live-catalog.js';
import { FolderPrints, fingerprintFolders } from '../../src/live/scan.js';
import { tempDir } from '../support/temp-dir.js';

/** A show folder with one of each: hidden files, the lock, a "_" folder, a subfolder, dangling links. */
function oddShow(): string {
  const dir = tempDir('scan');
  const write = (rel: string, text = rel) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('show.yaml');
  write('artwork.jpg');
  write('netcaster.lock');
  write('.hidden-at-top');
  write('.git/HEAD');
  write('_drafts/idea.md');
  write('001-a/episode.yaml');
  write('001-a/a.mp3', 'x'.repeat(100));
  write('001-a/.a.mp3.partial'); // rsync's temporary file: hidden, but someone is writing here
  write('001-a/extra/inner.txt');
  write('002-b/episode.yaml');
  fs.symlinkSync(path.join(dir, 'nowhere.mp3'), path.join(dir, '002-b', 'gone.mp3'));
  fs.symlinkSync(path.join(dir, 'nowhere.jpg'), path.join(dir, 'gone.jpg'));
  fs.mkdirSync(path.join(dir, '003-empty'));
  return dir;
}

/** Every print, made: the prints themselves are made only when asked for. */
const made = (prints: FolderFingerprints) => new Map([...prints.keys()].map((key) => [key, prints.get(key)]));

function viaCheckWalk(dir: string, listings = {}) {
  const observer = new FolderPrints();
  const seen = fingerprintShow(dir, 'salt', listings, observer);
  const lastChanged = new Map<string, number>();
  return { prints: made(observer.result(lastChanged)), lastChanged, listings: seen.listings };
}

function viaOwnWalk(dir: string) {
  const lastChanged = new Map<string, number>();
  return { prints: made(fingerprintFolders(dir, lastChanged)), lastChanged };
}

test("the check's walk gives the folder prints and times a walk of their own gives", () => {
  const dir = oddShow();
  const own = viaOwnWalk(dir);
  const walked = viaCheckWalk(dir);
  assert.deepEqual(walked.prints, own.prints);
  assert.deepEqual(walked.lastChanged, own.lastChanged);
  assert.deepEqual([...own.prints.keys()].sort(), ['', '001-a', '002-b', '003-empty']);
  assert.match(own.prints.get('001-a')!, /\.a\.mp3\.partial/, 'a hidden file in an episode folder is part of its print');
  assert.equal(own.lastChanged.get('002-b'), Infinity, 'a dangling link: never quiet');
});

test("the check's walk from kept listings (folders settled) still gives the same prints, and sees a change", () => {
  const dir = oddShow();
  const past = new Date(Date.now() - 3_600_000);
  for (const name of ['', '001-a', '002-b', '003-empty', '_drafts']) fs.utimesSync(path.join(dir, name), past, past);
  const first = viaCheckWalk(dir);
  assert.ok(Object.keys(first.listings).includes('001-a'), 'the listings were kept');
  const fromListings = viaCheckWalk(dir, first.listings);
  assert.deepEqual(fromListings.prints, viaOwnWalk(dir).prints);
  assert.deepEqual(fromListings.lastChanged, viaOwnWalk(dir).lastChanged);

  fs.writeFileSync(path.join(dir, '001-a', 'a.mp3'), 'y'.repeat(50));
  const changed = viaCheckWalk(dir, first.listings);
  assert.deepEqual(changed.prints, viaOwnWalk(dir).prints);
  assert.notEqual(changed.prints.get('001-a'), fromListings.prints.get('001-a'));
});
