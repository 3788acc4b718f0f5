// The rules of what `serve` puts in front of listeners, with fixed data and an injected clock.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult } from '../../src/catalog/snapshot.js';
import type { Catalog, Episode, Show } from '../../src/contract/catalog.js';
import type { Problem } from '../../src/contract/problems.js';
import { episode, show } from '../support/catalog-data.js';
import {
  describeState,
  formatTime,
  mergeCatalog,
  nextReleaseOf,
  publishedView,
  relativeTime,
  SHOW_KEY,
  type LiveState,
} from '../../src/live/live-catalog.js';

const check = (episodes: Episode[], problems: Problem[] = [], s: Show | undefined = show()): CheckResult => ({
  catalog: s ? ({ show: s, episodes } satisfies Catalog) : undefined,
  problems,
});
const prints = (entries: Record<string, string>) => ({ folderFingerprints: new Map(Object.entries({ [SHOW_KEY]: 'show-1', ...entries })) });
const error = (file: string, message: string, field?: string): Problem => ({ level: 'error', file, message, ...(field && { field }) });

const NOW = new Date('2025-03-04T05:59:00Z');
const published = (state: LiveState, now = NOW) => publishedView(state, now).episodes.map((e) => `${e.slug}:${e.title}`);

/** Two scans with the same files: what a settled show looks like. */
function settled(result: CheckResult, scan: ReturnType<typeof prints>, previous?: LiveState): LiveState {
  return mergeCatalog(mergeCatalog(previous, result, scan, NOW), result, scan, NOW);
}

test('nothing is taken at the first scan: a folder must be unchanged across two scans', () => {
  const result = check([episode('001-a', '2024-01-01T00:00:00Z')]);
  const first = mergeCatalog(undefined, result, prints({ '001-a': 'a1' }), NOW);
  assert.equal(first.catalog, undefined);
  assert.deepEqual([...first.settling].sort(), [SHOW_KEY, '001-a']);
  const second = mergeCatalog(first, result, prints({ '001-a': 'a1' }), NOW);
  assert.deepEqual(published(second), ['001-a:001-a']);
  assert.equal(second.settling.size, 0);
});

test('folders quiet since before the scan are taken at the first scan; a folder seen before and changed still waits', () => {
  const result = check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z')]);
  // 002-b was written a moment ago (still being copied, maybe): not quiet.
  const first = mergeCatalog(undefined, result, { ...prints({ '001-a': 'a1', '002-b': 'b1' }), quiet: new Set([SHOW_KEY, '001-a']) }, NOW);
  assert.deepEqual(published(first), ['001-a:001-a']);
  assert.deepEqual([...first.settling], ['002-b']);
  // Without the show folder's own files quiet, nothing is served yet.
  const showBusy = mergeCatalog(
    undefined,
    result,
    { ...prints({ '001-a': 'a1', '002-b': 'b1' }), quiet: new Set(['001-a', '002-b']) },
    NOW,
  );
  assert.equal(showBusy.catalog, undefined);
  // A folder that changed since the previous scan waits for the next one, quiet or not (its old version stays).
  const edited = check([episode('001-a', '2024-01-01T00:00:00Z', 'Edited'), episode('002-b', '2024-02-01T00:00:00Z')]);
  const second = mergeCatalog(
    first,
    edited,
    { ...prints({ '001-a': 'a2', '002-b': 'b1' }), quiet: new Set([SHOW_KEY, '001-a', '002-b']) },
    NOW,
  );
  assert.deepEqual(published(second), ['002-b:002-b', '001-a:001-a']);
  assert.ok(second.settling.has('001-a'));
});

test('a scheduled episode is taken but appears exactly when its date passes', () => {
  const due = '2025-03-04T06:00:00Z';
  const state = settled(check([episode('002-b', due), episode('001-a', '2024-01-01T00:00:00Z')]), prints({ '001-a': 'a1', '002-b': 'b1' }));
  assert.deepEqual(published(state, new Date(Date.parse(due) - 1)), ['001-a:001-a']);
  assert.deepEqual(published(state, new Date(due)), ['002-b:002-b', '001-a:001-a']);
  assert.equal(nextReleaseOf(state, NOW)?.toISOString(), new Date(due).toISOString());
  assert.equal(nextReleaseOf(state, new Date(due)), undefined);
  assert.match(describeState(state, NOW).join('\n'), /scheduled  2025-03-04 06:00 UTC \(in 1 min\)  002-b/);
});

test('a folder still changing is not taken until it is the same across two scans', () => {
  const base = settled(check([episode('001-a', '2024-01-01T00:00:00Z')]), prints({ '001-a': 'a1' }));
  // A half-copied MP3 that happens to check as a valid, shorter file.
  const copying = check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z', 'New', 400)]);
  const s1 = mergeCatalog(base, copying, prints({ '001-a': 'a1', '002-b': 'b-partial-1' }), NOW);
  assert.deepEqual(published(s1), ['001-a:001-a']);
  assert.ok(s1.settling.has('002-b'));
  const s2 = mergeCatalog(s1, copying, prints({ '001-a': 'a1', '002-b': 'b-partial-2' }), NOW);
  assert.deepEqual(published(s2), ['001-a:001-a']);
  const done = check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z', 'New', 1000)]);
  const s3 = mergeCatalog(s2, done, prints({ '001-a': 'a1', '002-b': 'b-full' }), NOW);
  assert.deepEqual(published(s3), ['001-a:001-a'], 'the first scan after the copy ends is not enough');
  const s4 = mergeCatalog(s3, done, prints({ '001-a': 'a1', '002-b': 'b-full' }), NOW);
  assert.deepEqual(published(s4), ['002-b:New', '001-a:001-a']);
  assert.equal(s4.catalog!.episodes[0].media[0].facts.size, 1000);
});

test('a changed episode keeps its last good version while its new files settle', () => {
  const base = settled(check([episode('001-a', '2024-01-01T00:00:00Z', 'Old title')]), prints({ '001-a': 'a1' }));
  const edited = check([episode('001-a', '2024-01-01T00:00:00Z', 'New title')]);
  const s1 = mergeCatalog(base, edited, prints({ '001-a': 'a2' }), NOW);
  assert.deepEqual(published(s1), ['001-a:Old title']);
  const s2 = mergeCatalog(s1, edited, prints({ '001-a': 'a2' }), NOW);
  assert.deepEqual(published(s2), ['001-a:New title']);
});

test('a broken episode keeps its last good version, logs its problem, and goes live again when fixed', () => {
  const base = settled(check([episode('001-a', '2024-01-01T00:00:00Z', 'Good')]), prints({ '001-a': 'a1' }));
  const broken = check([], [error('001-a/episode.yaml', 'YAML syntax: bad indentation')]);
  const s1 = settled(broken, prints({ '001-a': 'a2' }), base);
  assert.deepEqual(published(s1), ['001-a:Good']);
  assert.equal(s1.waiting.get('001-a')?.[0].message, 'YAML syntax: bad indentation');
  assert.ok(
    describeState(s1, NOW).includes('waiting    001-a: 001-a/episode.yaml: YAML syntax: bad indentation (serving its last good version)'),
  );
  const fixed = settled(check([episode('001-a', '2024-01-01T00:00:00Z', 'Fixed')]), prints({ '001-a': 'a3' }), s1);
  assert.deepEqual(published(fixed), ['001-a:Fixed']);
  assert.equal(fixed.waiting.size, 0);
});

test('a broken episode that was never published stays out', () => {
  const state = settled(
    check([episode('001-a', '2024-01-01T00:00:00Z')], [error('002-b/b.mp3', 'file is truncated')]),
    prints({ '001-a': 'a1', '002-b': 'b1' }),
  );
  assert.deepEqual(published(state), ['001-a:001-a']);
  assert.ok(
    describeState(state, NOW).some((l) =>
      l.startsWith('waiting    002-b: 002-b/b.mp3: file is truncated (not published until it is fixed)'),
    ),
  );
});

test('a broken episode does not hold back another episode’s scheduled release', () => {
  const due = '2025-03-04T06:00:00Z';
  const state = settled(
    check([episode('003-c', due)], [error('002-b/episode.yaml', 'not a real date: 2025-02-30T06:00:00Z', 'date')]),
    prints({ '002-b': 'b1', '003-c': 'c1' }),
  );
  assert.deepEqual(published(state, new Date(due)), ['003-c:003-c']);
});

test('an episode with an error but still in the catalog (a duplicate guid) is not taken', () => {
  const dup = { ...episode('002-b', '2024-02-01T00:00:00Z'), guid: 'guid-001-a' };
  const state = settled(
    check([episode('001-a', '2024-01-01T00:00:00Z'), dup], [error('002-b/episode.yaml', 'same guid as 001-a', 'guid')]),
    prints({ '001-a': 'a1', '002-b': 'b1' }),
  );
  assert.deepEqual(published(state), ['001-a:001-a']);
});

test('a broken show.yaml holds the whole show at its last good version', () => {
  const base = settled(check([episode('001-a', '2024-01-01T00:00:00Z', 'Good')], [], show('Good show')), prints({ '001-a': 'a1' }));
  // show.yaml broken: no catalog at all, and meanwhile an episode was edited and another added.
  const broken: CheckResult = { catalog: undefined, problems: [error('show.yaml', 'unknown key (a typo?)', 'titel')] };
  const s1 = settled(broken, prints({ '001-a': 'a2', '002-b': 'b1' }), base);
  assert.equal(s1.catalog?.show.title, 'Good show');
  assert.deepEqual(published(s1), ['001-a:Good']);
  assert.ok(
    describeState(s1, NOW).includes(
      'waiting    show: show.yaml titel: unknown key (a typo?) (the whole show stays at its last good version)',
    ),
  );
  // A show-level error with a catalog (a bad category) holds the show too.
  const badCategory = check(
    [episode('001-a', '2024-01-01T00:00:00Z', 'Edited')],
    [error('show.yaml', 'not an Apple category', 'categories.0')],
    show('Edited show'),
  );
  const s2 = settled(badCategory, prints({ [SHOW_KEY]: 'show-2', '001-a': 'a2' }), s1);
  assert.equal(s2.catalog?.show.title, 'Good show');
  assert.deepEqual(published(s2), ['001-a:Good']);
  // Fixed: the new show and its episodes go live together.
  const fixed = check(
    [episode('001-a', '2024-01-01T00:00:00Z', 'Edited'), episode('002-b', '2024-02-01T00:00:00Z')],
    [],
    show('Edited show'),
  );
  const s3 = settled(fixed, prints({ [SHOW_KEY]: 'show-2', '001-a': 'a2', '002-b': 'b1' }), s2);
  assert.equal(s3.catalog?.show.title, 'Edited show');
  assert.deepEqual(published(s3), ['002-b:002-b', '001-a:Edited']);
  assert.equal(s3.waiting.size, 0);
});

test('a broken show.yaml at start-up publishes nothing', () => {
  const state = settled({ catalog: undefined, problems: [error('show.yaml', 'file is missing')] }, prints({ '001-a': 'a1' }));
  assert.equal(state.catalog, undefined);
  assert.ok(describeState(state, NOW).includes('waiting    show: show.yaml: file is missing (nothing is published until it is fixed)'));
});

test('a removed folder or episode.yaml removes the episode at once', () => {
  const base = settled(
    check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z')]),
    prints({ '001-a': 'a1', '002-b': 'b1' }),
  );
  const folderGone = mergeCatalog(base, check([episode('001-a', '2024-01-01T00:00:00Z')]), prints({ '001-a': 'a1' }), NOW);
  assert.deepEqual(published(folderGone), ['001-a:001-a']);
  // The folder is still there but has no episode.yaml: no longer an episode (and not "settling").
  const manifestGone = mergeCatalog(base, check([episode('001-a', '2024-01-01T00:00:00Z')]), prints({ '001-a': 'a1', '002-b': 'b2' }), NOW);
  assert.deepEqual(published(manifestGone), ['001-a:001-a']);
  assert.ok(!manifestGone.settling.has('002-b'));
});

test('a settling show.yaml keeps the last good show while episodes go on', () => {
  const base = settled(check([episode('001-a', '2024-01-01T00:00:00Z')], [], show('Old')), prints({ '001-a': 'a1' }));
  const s1 = mergeCatalog(
    base,
    check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z')], [], show('New')),
    prints({ [SHOW_KEY]: 'show-2', '001-a': 'a1', '002-b': 'b1' }),
    NOW,
  );
  assert.equal(s1.catalog?.show.title, 'Old');
  const s2 = mergeCatalog(
    s1,
    check([episode('001-a', '2024-01-01T00:00:00Z'), episode('002-b', '2024-02-01T00:00:00Z')], [], show('New')),
    prints({ [SHOW_KEY]: 'show-2', '001-a': 'a1', '002-b': 'b1' }),
    NOW,
  );
  assert.equal(s2.catalog?.show.title, 'New');
  assert.deepEqual(published(s2), ['002-b:002-b', '001-a:001-a']);
});

test('relativeTime says "in 3 days" and friends', () => {
  const t0 = new Date('2025-01-01T00:00:00Z');
  assert.equal(relativeTime(t0, new Date('2025-01-04T01:00:00Z')), 'in 3 days');
  assert.equal(relativeTime(t0, new Date('2025-01-02T00:00:00Z')), 'in 1 day');
  assert.equal(relativeTime(t0, new Date('2025-01-03T23:59:50Z')), 'in 3 days', 'a release a few seconds short of 3 days away');
  assert.equal(relativeTime(t0, new Date('2025-01-01T05:20:00Z')), 'in 5 h');
  assert.equal(relativeTime(t0, new Date('2025-01-01T00:12:10Z')), 'in 12 min');
  assert.equal(relativeTime(t0, new Date('2025-01-01T00:00:40Z')), 'in 40 s');
  assert.equal(relativeTime(t0, new Date('2024-12-31T23:00:00Z')), '1 h ago');
});

test('only the show and episode folders settle: a folder of assets or drafts changing is not reported, a broken episode is', () => {
  const result = check([episode('001-a', '2024-01-01T00:00:00Z')], [error('002-broken/episode.yaml', 'not valid YAML')]);
  const first = mergeCatalog(undefined, result, prints({ '001-a': 'a1', '002-broken': 'b1', assets: 'x1', _drafts: 'd1' }), NOW);
  assert.deepEqual([...first.settling].sort(), [SHOW_KEY, '001-a', '002-broken'].sort());
});

test('regression: formatTime keeps the minutes of a date after the year 9999 (toISOString writes six year digits there)', () => {
  assert.equal(formatTime(new Date('2026-12-02T05:07:30Z')), '2026-12-02 05:07 UTC');
  assert.equal(formatTime(new Date('+010000-01-01T13:59:00Z')), '+010000-01-01 13:59 UTC');
});
