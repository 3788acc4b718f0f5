// netcaster.lock: what this show has published, kept in the show folder and meant to be committed.
// Feeds make promises a later edit must keep: an item's <guid> is how podcast apps tell episodes
// apart (change it and every subscriber gets the episode again as new), and a feed's URL is where
// every subscriber's app looks (move it and they silently stop getting episodes). The lock
// remembers both, so `check` can refuse such an edit before it reaches a listener.
//
//   { "feeds": { "audio": "https://virtzine.example/feeds/audio.xml" },
//     "feedGuids": { "audio": "<the feed's podcast:guid>" },
//     "episodes": { "<guid>": { "slug": "046-the-mega-edition", "firstPublished": "2014-09-01T22:00:00.000Z" } } }
//
// A feed's podcast:guid is its identity in Podcast Index: once published it stays, whatever base
// URL a later build or serve is given (a lock written before feedGuids existed stands for the guid
// derived from its recorded feed URL).
//
// Entries are only ever added. Stable key order and pretty-printing keep diffs small; writes are
// atomic (temp file + rename) so a crash never leaves half a lock.
import fs from 'node:fs';
import path from 'node:path';
import { podcastGuid } from './feed-guid.js';
import { isObject } from './snapshot.js';
import { writeWhole } from '../own-files.js';
import { episodeStatus } from './status.js';
import { isRefusal, READ_LIMITS, readShowText, realpathOr } from '../show/show-file.js';
import type { CatalogBrief, EpisodeBrief, FeedDef } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';

export const LOCK_FILE = 'netcaster.lock';

export interface Lock {
  /** Feed name -> the absolute URL it was published at. */
  feeds: Record<string, string>;
  /** Feed name -> the podcast:guid it was published with. */
  feedGuids: Record<string, string>;
  /** Episode guid -> its folder when first published, and when that was (the episode's date). */
  episodes: Record<string, { slug: string; firstPublished: string }>;
}

export interface LockRead {
  lock: Lock;
  /** False when there is no lock file yet (nothing recorded). */
  exists: boolean;
  /** A lock that cannot be read (e.g. a merge conflict left in it) is an error, and is never overwritten. */
  problems: Problem[];
  /** The file's text as read, so that nobody reads it again by path to compare. */
  text?: string;
  /** The file read, as fstat saw it before the read (none when there is no lock or it was refused): lock-findings.ts keys on it. */
  stat?: fs.Stats;
}

/**
 * The last lock parsed, by its file's path and text: one command reads the lock several times
 * (the check, the lock check, the recording), and a show of 10,000 episodes has a lock of a
 * megabyte (issue 12). Reading the file again is cheap; parsing it again is not.
 */
let lastParsed: { file: string; text: string; read: LockRead } | undefined;

/** The lock as the file says now. The result may be shared: callers must not change it. */
export function readLock(showDir: string): LockRead {
  const file = path.join(showDir, LOCK_FILE);
  const empty: Lock = { feeds: {}, feedGuids: {}, episodes: {} };
  // Through the guard (src/show/show-file.ts): a FIFO, a device or a link out of the show is refused, never read.
  const read = readShowText(file, realpathOr(showDir), LOCK_FILE, READ_LIMITS.lock);
  if (isRefusal(read)) {
    if (read.reason === 'missing') return { lock: empty, exists: false, problems: [] };
    return { lock: empty, exists: true, problems: [{ level: 'error', file: LOCK_FILE, message: read.message }] };
  }
  const resolved = path.resolve(file);
  if (lastParsed?.file !== resolved || lastParsed.text !== read.text)
    lastParsed = { file: resolved, text: read.text, read: parseLock(read.text) };
  return { ...lastParsed.read, stat: read.stat };
}

function parseLock(text: string): LockRead {
  const empty: Lock = { feeds: {}, feedGuids: {}, episodes: {} };
  const problem = (message: string, field?: string): LockRead => ({
    lock: empty,
    exists: true,
    problems: [{ level: 'error', file: LOCK_FILE, ...(field && { field }), message }],
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return problem(`not valid JSON (${(err as Error).message}); a merge conflict? Restore it from version control`);
  }
  if (!isObject(data) || !isObject(data.feeds ?? {}) || !isObject(data.feedGuids ?? {}) || !isObject(data.episodes ?? {})) {
    return problem('must be an object with "feeds", "feedGuids" and "episodes" objects');
  }
  const lock = emptyLock();
  for (const [name, url] of Object.entries((data.feeds ?? {}) as Record<string, unknown>)) {
    if (typeof url !== 'string') return problem('must be the feed URL', `feeds.${name}`);
    lock.feeds[name] = url;
  }
  for (const [name, guid] of Object.entries((data.feedGuids ?? {}) as Record<string, unknown>)) {
    if (typeof guid !== 'string') return problem("must be the feed's podcast:guid", `feedGuids.${name}`);
    lock.feedGuids[name] = guid;
  }
  // The episodes are checked where JSON.parse put them, not copied: a lock of 10,000 episodes took
  // 23-28 ms to parse with the copies. Without a prototype, as record() makes them (JSON.parse
  // makes a guid "__proto__" an own key, never the prototype).
  const episodes = Object.setPrototypeOf(data.episodes ?? {}, null) as Record<string, unknown>;
  for (const guid in episodes) {
    const entry = episodes[guid];
    if (!isObject(entry) || typeof entry.slug !== 'string' || typeof entry.firstPublished !== 'string') {
      return problem('must be { "slug": ..., "firstPublished": ... }', `episodes.${guid}`);
    }
  }
  lock.episodes = episodes as Lock['episodes'];
  return { lock, exists: true, problems: [], text };
}

/**
 * Maps without a prototype: an episode's guid is any text, and in a plain object a guid such as
 * "constructor" or "toString" would be found before it was recorded (so it never was), and
 * "__proto__" would set the prototype instead of adding an entry.
 */
const record = <T>(from: Record<string, T> = {}): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, from);
const emptyLock = (): Lock => ({ feeds: record(), feedGuids: record(), episodes: record() });

/**
 * A base URL on this machine (http://127.0.0.1:8080, http://localhost) is a preview: nothing is
 * published to listeners there, so it is neither recorded nor compared with the recorded URLs.
 */
export function isPreviewUrl(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
  } catch {
    return false;
  }
}

/** The podcast:guid a feed was published with, by the lock; undefined when it was not published. */
export function publishedFeedGuid(lock: Lock, name: string): string | undefined {
  if (lock.feedGuids[name] !== undefined) return lock.feedGuids[name];
  // Recorded before feedGuids existed: the feed carried the guid derived from its URL.
  return lock.feeds[name] === undefined ? undefined : podcastGuid(lock.feeds[name]);
}

/** Each published feed's podcast:guid by the lock (publishedFeedGuid), by the feed's name. */
export function publishedFeedGuids(lock: Lock): Record<string, string> {
  const guids = record<string>();
  for (const name of new Set([...Object.keys(lock.feeds), ...Object.keys(lock.feedGuids)])) {
    const guid = publishedFeedGuid(lock, name);
    if (guid !== undefined) guids[name] = guid;
  }
  return guids;
}

/**
 * The catalog with each feed's published podcast:guid (publishedFeedGuids), where show.yaml sets
 * none: what every command renders, so `build --base-url elsewhere` keeps the feed's identity.
 */
export function withPublishedFeedGuids<C extends CatalogBrief>(catalog: C, published: Record<string, string>): C {
  // hasOwn: the guids may come from a cache's JSON, where a feed called "constructor" would find Object's.
  const guidOf = (name: string) => (Object.hasOwn(published, name) ? published[name] : undefined);
  if (!catalog.show.feeds.some((f) => f.guid === undefined && guidOf(f.name) !== undefined)) return catalog;
  const feeds = catalog.show.feeds.map((f) => {
    const guid = f.guid ?? guidOf(f.name);
    return guid === undefined ? f : { ...f, guid };
  });
  return { ...catalog, show: { ...catalog.show, feeds } };
}

/** `/feeds/<name>.xml`, as docs/show-folder.md fixes it (src/contract/urls.ts builds the same). */
function feedUrlOf(baseUrl: string, name: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/feeds/${encodeURIComponent(name)}.xml`;
}

export interface Recorded {
  written: boolean;
  added: { feeds: string[]; episodes: string[] };
  problems: Problem[];
}

/** What recordPublished would add to the lock for a catalog, the clock aside: its episodes the lock lacks are added once published. */
interface Unrecorded {
  /** Feeds whose URL the lock lacks (only with a base URL to make it of). */
  feeds: FeedDef[];
  /** Feeds whose podcast:guid the lock lacks, of those with a URL in it or about to be. */
  guids: FeedDef[];
  episodes: EpisodeBrief[];
}

function unrecorded(lock: Lock, catalog: CatalogBrief, baseUrl: string | undefined): Unrecorded {
  // A preview publishes nothing (isPreviewUrl): nothing to record.
  if (baseUrl && isPreviewUrl(baseUrl)) return { feeds: [], guids: [], episodes: [] };
  const feeds = baseUrl ? catalog.show.feeds.filter((f) => lock.feeds[f.name] === undefined) : [];
  const guids = catalog.show.feeds.filter(
    (f) => lock.feedGuids[f.name] === undefined && (lock.feeds[f.name] !== undefined || feeds.includes(f)),
  );
  return { feeds, guids, episodes: catalog.episodes.filter((e) => !Object.hasOwn(lock.episodes, e.guid)) };
}

/**
 * Adds the feeds and the episodes published at `now` that the lock does not hold yet; never
 * removes. `findings` (the lock's findings for this catalog and base URL, lock-findings.ts) spare
 * reading the lock when they show nothing to add at `now`.
 */
export function recordPublished(
  showDir: string,
  catalog: CatalogBrief,
  options: { baseUrl?: string; now: Date; findings?: LockFindings },
): Recorded {
  const added = { feeds: [] as string[], episodes: [] as string[] };
  const known = options.findings?.unrecorded;
  if (known && !known.feeds && !anyPublished(catalog, new Set(known.episodes), options.now)) return { written: false, added, problems: [] };
  const read = readLock(showDir);
  if (read.problems.length) return { written: false, added, problems: read.problems };
  const baseUrl = options.baseUrl ?? catalog.show.baseUrl;

  // What the lock lacks, found before anything is copied: the build of a show that published
  // nothing new adds nothing, and then the lock is left as it is (not formatted again to be
  // compared: 40 ms for 10,000 episodes), even where a person reordered it by hand.
  const { feeds: newFeeds, guids: newGuids, episodes: lacking } = unrecorded(read.lock, catalog, baseUrl);
  const episodes = lacking.filter((e) => episodeStatus(e, options.now) === 'published');
  added.feeds.push(...newFeeds.map((f) => f.name));
  added.episodes.push(...episodes.map((e) => e.slug));
  if (newFeeds.length === 0 && newGuids.length === 0 && episodes.length === 0) return { written: false, added, problems: [] };

  // A copy: the lock read may be shared with other readers (see readLock).
  const lock: Lock = { feeds: record(read.lock.feeds), feedGuids: record(read.lock.feedGuids), episodes: record(read.lock.episodes) };
  for (const feed of newFeeds) lock.feeds[feed.name] = feedUrlOf(baseUrl as string, feed.name);
  // The guid each feed went out with: show.yaml's, else the one derived from its published URL.
  for (const feed of newGuids) lock.feedGuids[feed.name] = feed.guid ?? podcastGuid(lock.feeds[feed.name]);
  // The episode's own date, not the clock: two machines recording the same show write the same lock.
  for (const e of episodes) lock.episodes[e.guid] = { slug: e.slug, firstPublished: e.date };
  const text = formatLock(lock);
  writeWhole(path.join(showDir, LOCK_FILE), text);
  return { written: true, added, problems: [] };
}

/**
 * Stable order: feeds by name, episodes in the order they were published. The text is what
 * `JSON.stringify(lock, null, 2)` gives for that order, written out directly: every build of a
 * big show formats its whole lock to compare it with the file.
 */
export function formatLock(lock: Lock): string {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const q = JSON.stringify;
  const strings = (map: Record<string, string>) => {
    const names = Object.keys(map).sort(byName);
    return names.length === 0 ? '{}' : `{\n${names.map((n) => `    ${q(n)}: ${q(map[n])}`).join(',\n')}\n  }`;
  };
  const entries = Object.entries(lock.episodes).sort(([ga, a], [gb, b]) =>
    a.firstPublished < b.firstPublished ? -1 : a.firstPublished > b.firstPublished ? 1 : ga < gb ? -1 : ga > gb ? 1 : 0,
  );
  const episodes =
    entries.length === 0
      ? '{}'
      : `{\n${entries.map(([guid, e]) => `    ${q(guid)}: {\n      "slug": ${q(e.slug)},\n      "firstPublished": ${q(e.firstPublished)}\n    }`).join(',\n')}\n  }`;
  return `{\n  "feeds": ${strings(lock.feeds)},\n  "feedGuids": ${strings(lock.feedGuids)},\n  "episodes": ${episodes}\n}\n`;
}

function anyPublished(catalog: CatalogBrief, guids: Set<string>, now: Date): boolean {
  return guids.size > 0 && catalog.episodes.some((e) => guids.has(e.guid) && episodeStatus(e, now) === 'published');
}

/**
 * All a check learns from the lock about a catalog and a base URL, none of it depending on the
 * clock: kept by lock-findings.ts for the next check of the same files and the same lock.
 */
export interface LockFindings {
  /** publishedFeedGuids: what withPublishedFeedGuids gives the catalog. */
  feedGuids: Record<string, string>;
  /** The promises an edit of the show would break (lockProblems). */
  problems: Problem[];
  /**
   * What recordPublished would add: whether any feed's URL or guid, and the guids of the episodes
   * the lock lacks (added once published). None when there is no catalog or the lock cannot be read.
   */
  unrecorded?: { feeds: boolean; episodes: string[] };
  /**
   * Published episodes (in the lock) now drafts or dated after they were published: whether each
   * has left the feeds depends on the clock (lockProblemsAt), which these findings, kept while the
   * show stands still, must not depend on.
   */
  withdrawn?: WithdrawnEpisode[];
}

export interface WithdrawnEpisode {
  slug: string;
  firstPublished: string;
  draft: boolean;
  date: string;
}

/**
 * The lock's problems at `now`: its findings', and a warning for each published episode that a
 * draft or a date still to come takes out of the feeds and the site (apps that have it keep it,
 * and its media URLs stop working): the same promise broken as by a folder removed, and that one
 * is said (lockProblems); these were silent.
 */
export function lockProblemsAt(findings: LockFindings, now: Date): Problem[] {
  const withdrawn = (findings.withdrawn ?? []).filter((e) => e.draft || Date.parse(e.date) > now.getTime());
  if (withdrawn.length === 0) return findings.problems;
  const said = (e: WithdrawnEpisode) =>
    e.draft
      ? `was published (${e.firstPublished}, ${LOCK_FILE}) and is now a draft`
      : `was published dated ${e.firstPublished} (${LOCK_FILE}) and is now dated ${e.date}, still to come`;
  return [
    ...findings.problems,
    ...withdrawn.map(
      (e): Problem => ({
        level: 'warning',
        file: `${e.slug}/episode.yaml`,
        field: e.draft ? 'draft' : 'date',
        message: `${said(e)}: it leaves the feeds and the site${e.draft ? '' : ' until then'}, while apps that have it keep listing it and its media URLs stop working`,
      }),
    ),
  ];
}

/** The lock read once, and all a check learns from it (LockFindings); with the lock's stat, for lock-findings.ts. */
export function findLock(
  showDir: string,
  catalog: CatalogBrief | undefined,
  baseUrl: string | undefined,
): { findings: LockFindings; stat?: fs.Stats } {
  const read = readLock(showDir);
  const findings: LockFindings = { feedGuids: publishedFeedGuids(read.lock), problems: lockProblems(read, showDir, catalog, baseUrl) };
  if (catalog && read.problems.length === 0) {
    const missing = unrecorded(read.lock, catalog, baseUrl ?? catalog.show.baseUrl);
    findings.unrecorded = { feeds: missing.feeds.length + missing.guids.length > 0, episodes: missing.episodes.map((e) => e.guid) };
    const withdrawn: WithdrawnEpisode[] = [];
    for (const e of catalog.episodes) {
      const locked = Object.hasOwn(read.lock.episodes, e.guid) ? read.lock.episodes[e.guid] : undefined;
      if (locked && (e.draft || Date.parse(e.date) > Date.parse(locked.firstPublished)))
        withdrawn.push({ slug: e.slug, firstPublished: locked.firstPublished, draft: e.draft, date: e.date });
    }
    if (withdrawn.length) findings.withdrawn = withdrawn;
  }
  return { findings, stat: read.stat };
}

/**
 * The promises an edit would break: a published feed's URL changing (the feed renamed or removed,
 * or the base URL changed) and a published episode's guid changing are errors; a published episode
 * gone from the show is a warning (apps keep it, but its media stops resolving).
 */
function lockProblems(read: LockRead, showDir: string, catalog: CatalogBrief | undefined, baseUrl: string | undefined): Problem[] {
  if (read.problems.length || !catalog) return read.problems;
  const problems: Problem[] = [];
  const { lock } = read;
  const base = baseUrl ?? catalog.show.baseUrl;

  for (const [name, lockedUrl] of Object.entries(lock.feeds)) {
    if (!catalog.show.feeds.some((f) => f.name === name)) {
      problems.push({
        level: 'error',
        file: 'show.yaml',
        field: `feeds.${name}`,
        message: `the feed "${name}" is published at ${lockedUrl} (${LOCK_FILE}): renaming or removing it leaves its subscribers without new episodes`,
      });
    } else if (base && !isPreviewUrl(base) && feedUrlOf(base, name) !== lockedUrl) {
      problems.push({
        level: 'error',
        file: 'show.yaml',
        field: 'baseUrl',
        message: `would move the feed "${name}" from ${lockedUrl} (${LOCK_FILE}) to ${feedUrlOf(base, name)}: its subscribers would stop getting episodes (keep the old URL, or redirect it and edit ${LOCK_FILE} on purpose)`,
      });
    }
  }

  for (const feed of catalog.show.feeds) {
    const published = lock.feedGuids[feed.name];
    if (published === undefined || feed.guid === undefined || feed.guid.toLowerCase() === published.toLowerCase()) continue;
    problems.push({
      level: 'error',
      file: 'show.yaml',
      field: `feeds.${feed.name}.guid`,
      message: `the feed "${feed.name}" was published with podcast:guid ${published} (${LOCK_FILE}), now ${feed.guid}: Podcast Index would take it for another podcast`,
    });
  }

  // Loops rather than pairs copied into Maps and entries copied out of the lock: a show of 10,000
  // episodes checked its lock in 40-47 ms at serve's start, 29-34 without those copies.
  const byGuid = new Map<string, EpisodeBrief>();
  const bySlug = new Map<string, EpisodeBrief>();
  for (const e of catalog.episodes) {
    byGuid.set(e.guid, e);
    bySlug.set(e.slug, e);
  }
  for (const guid in lock.episodes) {
    const locked = lock.episodes[guid];
    const same = byGuid.get(guid);
    if (same) {
      if (same.slug !== locked.slug) {
        problems.push({
          level: 'warning',
          file: `${same.slug}/episode.yaml`,
          message: `was published as ${locked.slug} (${LOCK_FILE}): renaming the folder changes the episode's page and media URLs`,
        });
      }
      continue;
    }
    const current = bySlug.get(locked.slug);
    if (current) {
      problems.push({
        level: 'error',
        file: `${locked.slug}/episode.yaml`,
        field: 'guid',
        message: `was ${guid} when published (${LOCK_FILE}), now ${current.guid}: podcast apps would offer the episode again as a new one`,
      });
    } else {
      // lstat, not exists: a symbolic link where the folder was is not read as an episode folder
      // (src/show/load.ts), and nothing else would say that the episode left the feeds.
      const folder = fs.lstatSync(path.join(showDir, locked.slug), { throwIfNoEntry: false });
      if (!folder?.isDirectory()) {
        // The guid and the folder in quotes: values, so that a thousand episodes gone are one line
        // of `check`'s report (src/commands/problem-groups.ts), not a thousand.
        problems.push({
          level: 'warning',
          file: LOCK_FILE,
          field: `episodes."${guid}"`,
          message: folder?.isSymbolicLink()
            ? `the published episode "${locked.slug}" is a symbolic link, which netcaster does not read as an episode folder: it is gone from the feeds and the site (move the folder itself into the show)`
            : `the published episode "${locked.slug}" is gone from the show: apps keep listing it, but its media URLs stop working`,
        });
      }
    }
    // Else its folder is there but does not pass check: those problems are reported already.
  }
  return problems;
}

/**
 * The lock's problems, found with the --base-url flag as the base URL, as said to a command given
 * one: that is a build or serve for somewhere else (a staging copy, a mirror), not an edit of the
 * show, so a feed URL that differs from the lock's is a warning rather than refused.
 */
export function withBaseUrlFlag(problems: Problem[], baseUrlFlag: string | undefined): Problem[] {
  return problems.map((p) =>
    baseUrlFlag && p.field === 'baseUrl' ? { ...p, level: 'warning', message: `--base-url ${baseUrlFlag}: ${p.message}` } : p,
  );
}
