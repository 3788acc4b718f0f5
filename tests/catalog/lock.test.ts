import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  findLock,
  LOCK_FILE,
  lockProblemsAt,
  publishedFeedGuids,
  readLock,
  recordPublished,
  withPublishedFeedGuids,
} from '../../src/catalog/lock.js';
import { groupProblems } from '../../src/commands/problem-groups.js';
import { lockProblemsOf } from '../support/lock.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { podcastGuid } from '../../src/catalog/feed-guid.js';
import { episode, show } from '../support/catalog-data.js';
import { tempDir } from '../support/temp-dir.js';

const NOW = new Date('2025-03-04T06:00:00Z');
const tempShow = () => tempDir('lock');

function catalog(): Catalog {
  const s = show();
  s.feeds.push({ name: 'video', title: 'Video', enclosure: 'm4v', alternates: [] });
  return {
    show: s,
    episodes: [
      { ...episode('003-draft', '2025-01-01T00:00:00Z'), draft: true },
      episode('004-scheduled', '2025-03-11T06:00:00Z'),
      episode('002-second', '2025-02-01T00:00:00Z'),
      episode('001-first', '2025-01-01T00:00:00Z'),
    ],
  };
}

test('recordPublished writes the feeds and the published episodes, not drafts or scheduled ones', () => {
  const dir = tempShow();
  const result = recordPublished(dir, catalog(), { now: NOW });
  assert.equal(result.written, true);
  assert.deepEqual(result.added, { feeds: ['audio', 'video'], episodes: ['002-second', '001-first'] });
  assert.equal(
    fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'),
    `{
  "feeds": {
    "audio": "https://tiny.example/feeds/audio.xml",
    "video": "https://tiny.example/feeds/video.xml"
  },
  "feedGuids": {
    "audio": "${podcastGuid('tiny.example/feeds/audio.xml')}",
    "video": "${podcastGuid('tiny.example/feeds/video.xml')}"
  },
  "episodes": {
    "guid-001-first": {
      "slug": "001-first",
      "firstPublished": "2025-01-01T00:00:00.000Z"
    },
    "guid-002-second": {
      "slug": "002-second",
      "firstPublished": "2025-02-01T00:00:00.000Z"
    }
  }
}
`,
  );
});

test('recording again changes nothing, byte for byte, and writes nothing', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const file = path.join(dir, LOCK_FILE);
  const before = fs.readFileSync(file);
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(file, old, old);
  const again = recordPublished(dir, catalog(), { now: NOW });
  assert.equal(again.written, false);
  assert.deepEqual(fs.readFileSync(file), before);
  assert.equal(fs.statSync(file).mtimeMs, old.getTime(), 'the file was not rewritten');
});

test('a hand-reordered lock is left as it is while nothing is added, and written in the stable order when something is', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const file = path.join(dir, LOCK_FILE);
  const canonical = fs.readFileSync(file, 'utf8');
  const { lock } = readLock(dir);
  const episodes = Object.fromEntries(Object.entries(lock.episodes).reverse());
  const reordered = JSON.stringify({ episodes, feedGuids: lock.feedGuids, feeds: lock.feeds });
  fs.writeFileSync(file, reordered);
  assert.equal(recordPublished(dir, catalog(), { now: NOW }).written, false);
  assert.equal(fs.readFileSync(file, 'utf8'), reordered, 'a build that publishes nothing new leaves the lock alone');
  const shorter = JSON.parse(reordered) as { episodes: Record<string, unknown> };
  const [first] = Object.keys(shorter.episodes);
  delete shorter.episodes[first];
  fs.writeFileSync(file, JSON.stringify(shorter));
  assert.equal(recordPublished(dir, catalog(), { now: NOW }).written, true);
  assert.equal(fs.readFileSync(file, 'utf8'), canonical);
});

test('entries are never removed, and newly due episodes are added', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const later = catalog();
  later.episodes = later.episodes.filter((e) => e.slug !== '001-first');
  const result = recordPublished(dir, later, { now: new Date('2025-03-12T00:00:00Z') });
  assert.deepEqual(result.added.episodes, ['004-scheduled']);
  assert.deepEqual(Object.keys(readLock(dir).lock.episodes), ['guid-001-first', 'guid-002-second', 'guid-004-scheduled']);
});

test("recordPublished given the lock's findings from before an episode's time came records it once it is due, and the same at every run", () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const { findings } = findLock(dir, catalog(), undefined);
  assert.deepEqual(findings.unrecorded, { feeds: false, episodes: ['guid-003-draft', 'guid-004-scheduled'] });
  const before = fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8');
  assert.equal(recordPublished(dir, catalog(), { now: NOW, findings }).written, false);
  assert.equal(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), before);
  const due = recordPublished(dir, catalog(), { now: new Date('2025-03-12T00:00:00Z'), findings });
  assert.deepEqual(due.added.episodes, ['004-scheduled']);
  assert.deepEqual(Object.keys(readLock(dir).lock.episodes), ['guid-001-first', 'guid-002-second', 'guid-004-scheduled']);
  // A feed the lock lacks is recorded whatever the clock says.
  const more = catalog();
  more.show.feeds.push({ name: 'extra', title: 'Extra', enclosure: 'mp3', alternates: [] });
  const withExtra = findLock(dir, more, undefined).findings;
  assert.equal(withExtra.unrecorded?.feeds, true);
  assert.deepEqual(recordPublished(dir, more, { now: NOW, findings: withExtra }).added.feeds, ['extra']);
});

test('a changed guid of a published episode is an error on its episode.yaml', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const edited = catalog();
  edited.episodes.find((e) => e.slug === '002-second')!.guid = 'a-new-guid';
  assert.deepEqual(
    lockProblemsOf(dir, edited, undefined).map((p) => [p.level, p.file, p.field]),
    [['error', '002-second/episode.yaml', 'guid']],
  );
  assert.deepEqual(lockProblemsOf(dir, catalog(), undefined), [], 'no problem without the edit');
});

test('a renamed or removed feed is an error, and so is a changed base URL', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const renamed = catalog();
  renamed.show.feeds[0] = { ...renamed.show.feeds[0], name: 'mp3' };
  assert.deepEqual(
    lockProblemsOf(dir, renamed, undefined).map((p) => [p.level, p.file, p.field]),
    [['error', 'show.yaml', 'feeds.audio']],
  );
  const moved = lockProblemsOf(dir, catalog(), 'https://new.example');
  assert.deepEqual(
    moved.map((p) => [p.level, p.file, p.field]),
    [
      ['error', 'show.yaml', 'baseUrl'],
      ['error', 'show.yaml', 'baseUrl'],
    ],
  );
  assert.match(moved[0].message, /from https:\/\/tiny\.example\/feeds\/audio\.xml .* to https:\/\/new\.example\/feeds\/audio\.xml/);
});

test('a local preview URL is neither recorded nor compared', () => {
  const dir = tempShow();
  assert.equal(recordPublished(dir, catalog(), { baseUrl: 'http://127.0.0.1:8080', now: NOW }).written, false);
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
  recordPublished(dir, catalog(), { now: NOW });
  assert.deepEqual(lockProblemsOf(dir, catalog(), 'http://localhost:8080'), []);
});

test('a published episode gone from the show is a warning, unless its folder is there but broken', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const gone = catalog();
  gone.episodes = gone.episodes.filter((e) => e.slug !== '001-first');
  assert.deepEqual(
    lockProblemsOf(dir, gone, undefined).map((p) => [p.level, p.file, p.field]),
    [['warning', LOCK_FILE, 'episodes."guid-001-first"']],
  );
  fs.mkdirSync(path.join(dir, '001-first'));
  assert.deepEqual(lockProblemsOf(dir, gone, undefined), []);
});

test('a published episode whose folder became a symbolic link (not read as an episode folder) is a warning, not silence', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const elsewhere = tempShow();
  fs.mkdirSync(path.join(elsewhere, '001-first'));
  fs.symlinkSync(path.join(elsewhere, '001-first'), path.join(dir, '001-first'));
  const gone = catalog();
  gone.episodes = gone.episodes.filter((e) => e.slug !== '001-first');
  const problems = lockProblemsOf(dir, gone, undefined);
  assert.deepEqual(
    problems.map((p) => [p.level, p.file, p.field]),
    [['warning', LOCK_FILE, 'episodes."guid-001-first"']],
  );
  assert.match(problems[0].message, /"001-first" is a symbolic link/);
});

test('an unreadable lock (a merge conflict) is an error and is never overwritten', () => {
  const dir = tempShow();
  const file = path.join(dir, LOCK_FILE);
  const conflict = '<<<<<<< HEAD\n{"feeds":{}}\n=======\n{}\n>>>>>>> other\n';
  fs.writeFileSync(file, conflict);
  assert.deepEqual(
    lockProblemsOf(dir, catalog(), undefined).map((p) => [p.level, p.file]),
    [['error', LOCK_FILE]],
  );
  const result = recordPublished(dir, catalog(), { now: NOW });
  assert.equal(result.written, false);
  assert.equal(result.problems.length, 1);
  assert.equal(fs.readFileSync(file, 'utf8'), conflict);
});

test('regression: a feed keeps the podcast:guid it was published with, whatever base URL comes later', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const { lock } = readLock(dir);
  const elsewhere = withPublishedFeedGuids(catalog(), publishedFeedGuids(lock));
  assert.deepEqual(Object.fromEntries(elsewhere.show.feeds.map((f) => [f.name, f.guid])), {
    audio: podcastGuid('https://tiny.example/feeds/audio.xml'),
    video: podcastGuid('https://tiny.example/feeds/video.xml'),
  });
  // Recording again from another base URL adds nothing: the published guid stays.
  assert.equal(recordPublished(dir, elsewhere, { baseUrl: 'https://mirror.example', now: NOW }).written, false);
});

test('a lock written before feedGuids existed stands for the guid derived from its recorded feed URL', () => {
  const dir = tempShow();
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ feeds: { audio: 'https://old.example/feeds/audio.xml' }, episodes: {} }));
  const { lock } = readLock(dir);
  assert.equal(
    withPublishedFeedGuids(catalog(), publishedFeedGuids(lock)).show.feeds.find((f) => f.name === 'audio')!.guid,
    podcastGuid('https://old.example/feeds/audio.xml'),
  );
  assert.equal(
    withPublishedFeedGuids(catalog(), publishedFeedGuids(lock)).show.feeds.find((f) => f.name === 'video')!.guid,
    undefined,
    'never published: derived when rendered',
  );
  // The next record writes it down, and show.yaml's own guid for a feed is never overridden.
  recordPublished(dir, withPublishedFeedGuids(catalog(), publishedFeedGuids(lock)), { baseUrl: 'https://old.example', now: NOW });
  assert.equal(readLock(dir).lock.feedGuids.audio, podcastGuid('https://old.example/feeds/audio.xml'));
  const own = catalog();
  own.show.feeds[1] = { ...own.show.feeds[1], guid: '11111111-1111-5111-8111-111111111111' };
  assert.equal(
    withPublishedFeedGuids(own, publishedFeedGuids(readLock(dir).lock)).show.feeds[1].guid,
    '11111111-1111-5111-8111-111111111111',
  );
});

test('a published feed whose guid show.yaml changes is an error on feeds.<name>.guid', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const edited = catalog();
  edited.show.feeds[0] = { ...edited.show.feeds[0], guid: '11111111-1111-5111-8111-111111111111' };
  assert.deepEqual(
    lockProblemsOf(dir, edited, undefined).map((p) => [p.level, p.file, p.field]),
    [['error', 'show.yaml', 'feeds.audio.guid']],
  );
  const kept = catalog();
  kept.show.feeds[0] = { ...kept.show.feeds[0], guid: podcastGuid('https://tiny.example/feeds/audio.xml').toUpperCase() };
  assert.deepEqual(lockProblemsOf(dir, kept, undefined), [], 'the same UUID in capitals is the same guid');
});

test('regression: a published episode made a draft, or dated after it was published, is a warning while it is out of the feeds (it was silent)', () => {
  const dir = tempShow();
  recordPublished(dir, catalog(), { now: NOW });
  const later = catalog();
  later.episodes = later.episodes.map((e) =>
    e.slug === '002-second' ? { ...e, draft: true } : e.slug === '001-first' ? { ...e, date: '2041-01-01T00:00:00Z' } : e,
  );
  const { findings } = findLock(dir, later, undefined);
  assert.deepEqual(findings.problems, [], 'the findings (kept while the show stands still) do not depend on the clock');
  const said = (now: Date) => lockProblemsAt(findings, now).map((p) => `${p.level} ${p.file} ${p.field}`);
  assert.deepEqual(said(NOW), ['warning 002-second/episode.yaml draft', 'warning 001-first/episode.yaml date']);
  assert.match(lockProblemsAt(findings, NOW)[1].message, /now dated 2041-01-01T00:00:00Z, still to come: it leaves the feeds/);
  // Once that date has come, the episode is back in the feeds: nothing to say of it.
  assert.deepEqual(said(new Date('2041-01-02T00:00:00Z')), ['warning 002-second/episode.yaml draft']);
  // Drafts and scheduled episodes never published are none of the lock's business.
  assert.deepEqual(lockProblemsAt(findLock(dir, catalog(), undefined).findings, NOW), []);
});

test('regression: a thousand published episodes gone are one line of the report, not a thousand', () => {
  const dir = tempShow();
  const many = catalog();
  many.episodes = Array.from({ length: 1000 }, (_, i) => episode(`${String(i).padStart(4, '0')}-ep`, '2025-01-01T00:00:00Z'));
  recordPublished(dir, many, { now: NOW });
  const gone = catalog();
  const lines = groupProblems(lockProblemsOf(dir, gone, undefined));
  assert.equal(lines.length, 1);
  assert.ok(lines[0].kind === 'group' && lines[0].count === 1000, JSON.stringify(lines[0]));
});
