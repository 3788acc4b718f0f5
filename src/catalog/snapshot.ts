// A whole-show snapshot: when no file of the show folder changed (same names, sizes and
// modification times), the last check's result is still true, and `check` can answer without
// loading a YAML parser, a validator or a media parser. This is what keeps a warm `check`
// within a few milliseconds of Node's own start-up. No third-party imports here.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readCacheJson, showCacheFile, writeCacheFile } from './cache.js';
import { realpathOr } from '../show/show-file.js';
import type { Catalog, CatalogBrief } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';

export interface CheckResult {
  /** Undefined when the show itself cannot be published (show.yaml or its artwork is broken). */
  catalog?: Catalog;
  problems: Problem[];
  /**
   * The show's fingerprint when this result was found (the same files, options and netcaster
   * give the same catalog): `build` stamps OUT with it rather than hashing every episode again.
   */
  fingerprint?: string;
  /**
   * True when the snapshot answered: no file of the show was read after the fingerprint's walk,
   * so what that walk saw (CheckOptions.walk) is exactly what this result describes.
   */
  fromSnapshot?: boolean;
}

/**
 * What a warm `check` or `build` reads of a check (check-show.ts, checkShowBrief), kept in a file
 * of its own beside the snapshot: the catalog's brief, its media files counted, the problems.
 */
export interface CheckBrief {
  /** Undefined when the show itself cannot be published, as CheckResult's catalog. */
  brief?: CatalogBrief;
  /** The media files of all the catalog's episodes (check's summary counts them). */
  mediaFiles: number;
  problems: Problem[];
}

/**
 * Sees every entry the fingerprint's walk stats, for a caller that keeps its own view of the
 * folders (serve's live loop, src/live/scan.ts) and so needs no second walk of its own: on a
 * show of 10,000 episodes a walk is 10,000 folders and 20,000 files.
 */
export interface WalkObserver {
  /** A folder about to be walked ('' is the show folder), with its stat. */
  folder(rel: string, stat: fs.Stats): void;
  /**
   * One name in a walked folder and its stat (undefined: it could not be stat'ed). Names starting
   * with "." are passed too inside folders of the show (the digest leaves them out), never at its top.
   */
  entry(rel: string, name: string, stat: fs.Stats | undefined): void;
}

const VERSION = 8; // 4: feed guids in the lock; 5: image problems under their manifest field, MP3 seek headers and image pixels checked; 6: dates checked part by part, impossible durations and chapter times refused, SubRip transcripts checked, drafts wait for their files, hidden names, blank titles and guids XML cannot carry refused, Apple's category and description bound and episode number 0 warned of; 7: the warning of a missing baseUrl says what serve does without it; 8: a link to an episode folder is refused in words, MP4 codecs and video offered as m4a checked, text that is not UTF-8 refused
/** Files netcaster itself writes into the show folder; they never change what check finds. */
const IGNORED_AT_TOP = new Set(['netcaster.lock']);

/**
 * What the last check saw of each folder of the show (the show folder itself under "", each
 * episode folder under its name): the folder's inode and mtime, and the names in it. A folder's
 * mtime changes whenever a name in it is added, removed or renamed, so while it stands still its
 * names need not be listed again: a warm check of a big show is one stat per folder and per file,
 * not one readdir per episode (issue 12).
 */
export type Listings = Record<string, { ino: number; mtimeMs: number; names: string[] }>;

export interface Fingerprint {
  /** Names, sizes and mtimes of the show folder's files and of each episode folder's files. */
  digest: string;
  /** The listings to keep for the next check. */
  listings: Listings;
  /** Some folder was listed afresh that a later check may trust: the listings are worth saving. */
  relisted: boolean;
  /** The names the walk went by in each episode folder (settled or not), sorted: a check that reads the show lists no folder again. */
  episodeNames: Map<string, string[]>;
}

/**
 * A folder whose mtime is this recent may change again within the same tick of the file
 * system's clock without its mtime moving (coarse timestamps; FAT keeps 2 s): its names are not
 * trusted from a listing, as git treats "racy" index entries.
 */
export const SETTLED_MS = 2500;

/** Names, sizes and mtimes of the show folder's files, and of each episode folder's files. */
export function fingerprintShow(showDir: string, salt: string, previous: Listings = {}, observer?: WalkObserver): Fingerprint {
  const root = path.resolve(showDir);
  // The digest's text goes into the hash as it is made, some 64 KB at a time, with the lines in
  // the same order and the same newlines between them as one string of them all would have (the
  // same digest). Kept to the end, the 40,000 lines of a warm check of 10,000 episodes outlived the
  // young generation's collections, which copied them: 57-72 ms of scavenges against 40-53 now.
  const hash = createHash('sha1').update(root).update('\0');
  let text = `${VERSION}\0${salt}\0`;
  const line = (next: string) => {
    text += `\n${next}`;
    if (text.length < 65536) return;
    hash.update(text);
    text = '';
  };
  // Sizes and mtimes go into the digest as bytes, not text: no float formatted per file.
  const numbers: number[] = [];
  const listings: Listings = Object.create(null);
  const episodeNames = new Map<string, string[]>();
  const settledBefore = Date.now() - SETTLED_MS;
  let relisted = false;
  const walk = (rel: string, dir: string, folder: fs.Stats) => {
    observer?.folder(rel, folder);
    const before = Object.hasOwn(previous, rel) ? previous[rel] : undefined;
    let names: string[];
    if (before && before.ino === folder.ino && before.mtimeMs === folder.mtimeMs) {
      names = before.names;
    } else {
      try {
        names = fs.readdirSync(dir).sort();
      } catch {
        line(`missing ${dir}`);
        return;
      }
      if (folder.mtimeMs < settledBefore) relisted = true;
    }
    // An unchanged folder keeps the entry it had, not a new one for each of 10,000 folders: a warm
    // check of 10,000 episodes took 688 against 751 ms and 704 against 775 (alternated, 12 each).
    if (folder.mtimeMs < settledBefore)
      listings[rel] = before && names === before.names ? before : { ino: folder.ino, mtimeMs: folder.mtimeMs, names };
    if (rel !== '') episodeNames.set(rel, names);
    const prefix = rel === '' ? '' : `${rel}/`;
    for (const name of names) {
      if (name.charCodeAt(0) === 0x2e /* . */) {
        if (observer && rel !== '') observer.entry(rel, name, statOrUndefined(`${dir}${path.sep}${name}`));
        continue;
      }
      if (rel === '' && IGNORED_AT_TOP.has(name)) continue;
      const full = `${dir}${path.sep}${name}`; // not path.join: names from readdir need no normalizing, and this runs per file
      let st = fs.lstatSync(full, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) {
        // A link counts by where it leads and what is there. A check refuses an episode folder that
        // is a link, and any file whose real path is outside the show; a folder or file swapped for
        // a link to a copy of it (the same names, sizes and times) left the digest as it was, and
        // the snapshot published the copy's bytes from outside the show (regression tests).
        line(`l ${prefix}${name} ${realpathOr(full)}`);
        st = fs.statSync(full, { throwIfNoEntry: false });
      }
      observer?.entry(rel, name, st);
      if (!st) {
        line(`dangling ${prefix}${name}`);
      } else if (st.isDirectory()) {
        line(`d ${prefix}${name}`);
        if (rel === '') walk(name, full, st);
      } else {
        line(`f ${prefix}${name}`);
        numbers.push(st.size, st.mtimeMs);
      }
    }
  };
  let top: fs.Stats | undefined;
  try {
    top = fs.statSync(root);
  } catch {
    // Said below as a missing folder.
  }
  if (top?.isDirectory()) walk('', root, top);
  else line(`missing ${root}`);
  const digest = hash.update(text).update(new Float64Array(numbers)).digest('hex');
  return { digest, listings, relisted, episodeNames };
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

const snapshotFile = (showDir: string) => showCacheFile('check', showDir);
const briefFile = (showDir: string) => showCacheFile('brief', showDir);
const listingsFile = (showDir: string) => showCacheFile('listing', showDir);

/** The listings the last check kept, or none; an entry that is not what this module wrote is dropped (its folder is listed again). */
export function readListings(showDir: string): Listings {
  const data = readCacheJson(listingsFile(showDir)) as { version?: unknown; listings?: unknown } | undefined;
  if (data?.version !== VERSION || !data.listings || typeof data.listings !== 'object' || Array.isArray(data.listings))
    return Object.create(null) as Listings;
  // Checked where JSON.parse put it, not copied (10,000 folders: 5 ms instead of 15-30), and
  // without a prototype: a folder may be called "__proto__" (JSON.parse makes that an own key).
  const listings = Object.setPrototypeOf(data.listings, null) as Record<string, Partial<Listings[string]> | null>;
  // The cache folder may be shared or tampered with: a name is one plain name, never a path to stat elsewhere.
  const plain = (n: unknown) => typeof n === 'string' && n !== '' && !n.includes('/') && !n.includes('\0');
  for (const rel in listings) {
    const e = listings[rel];
    const good = e && typeof e.ino === 'number' && typeof e.mtimeMs === 'number' && Array.isArray(e.names) && e.names.every(plain);
    if (!good || (rel !== '' && !plain(rel))) delete listings[rel];
  }
  return listings as Listings;
}

export function writeListings(showDir: string, listings: Listings): void {
  writeCacheFile(listingsFile(showDir), JSON.stringify({ version: VERSION, listings }));
}

export function readSnapshot(showDir: string, fingerprint: string): CheckResult | undefined {
  const data = readCacheJson(snapshotFile(showDir)) as { fingerprint?: unknown; result?: unknown } | undefined;
  return data?.fingerprint === fingerprint && looksWritten(data.result) ? data.result : undefined;
}

/**
 * Whether a snapshot has the shape writeSnapshot gives it, down to each episode: the cache may be
 * damaged or tampered with while its fingerprint stays whole, and such a result (a null catalog, a
 * string for the feeds) made every command an internal error until the cache was wiped. Anything
 * else is no snapshot: the show is checked afresh.
 */
function looksWritten(result: unknown): result is CheckResult {
  if (!isObject(result) || !problemsLookWritten(result.problems)) return false;
  if (result.catalog === undefined) return true;
  const catalog = result.catalog;
  return (
    briefLooksWritten(catalog) &&
    (catalog.episodes as unknown[]).every(
      (e) => isObject(e) && Array.isArray(e.media) && e.media.every((m) => isObject(m) && isObject(m.facts)),
    )
  );
}

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function problemsLookWritten(problems: unknown): problems is CheckResult['problems'] {
  return (
    Array.isArray(problems) &&
    problems.every((p) => isObject(p) && typeof p.level === 'string' && typeof p.file === 'string' && typeof p.message === 'string')
  );
}

function briefLooksWritten(catalog: unknown): catalog is CatalogBrief {
  if (!isObject(catalog) || !isObject(catalog.show) || !Array.isArray(catalog.episodes)) return false;
  const show = catalog.show;
  if (typeof show.title !== 'string' || !Array.isArray(show.feeds) || !isObject(show.artwork)) return false;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  if (!optionalString(show.baseUrl)) return false;
  if (!show.feeds.every((f) => isObject(f) && typeof f.name === 'string' && optionalString(f.guid))) return false;
  return catalog.episodes.every(
    (e) =>
      isObject(e) && typeof e.slug === 'string' && typeof e.guid === 'string' && typeof e.date === 'string' && typeof e.draft === 'boolean',
  );
}

/** The snapshot and its brief, both under the fingerprint they were found with. */
export function writeSnapshot(showDir: string, fingerprint: string, result: CheckResult): void {
  writeCacheFile(snapshotFile(showDir), JSON.stringify({ fingerprint, result: { ...result, fingerprint: undefined } }));
  writeBrief(showDir, fingerprint, result);
}

/** The brief alone, of a snapshot that has none yet (written by an older netcaster, or lost). */
export function writeBrief(showDir: string, fingerprint: string, result: CheckResult): void {
  writeCacheFile(briefFile(showDir), JSON.stringify({ fingerprint, ...briefOf(result) }));
}

/** The brief of a check's result: of each episode only what CatalogBrief keeps. */
export function briefOf(result: CheckResult): CheckBrief {
  const catalog = result.catalog;
  if (!catalog) return { mediaFiles: 0, problems: result.problems };
  let mediaFiles = 0;
  const episodes = catalog.episodes.map(({ slug, guid, date, draft, media }) => {
    mediaFiles += media.length;
    return { slug, guid, date, draft };
  });
  return { brief: { show: catalog.show, episodes }, mediaFiles, problems: result.problems };
}

/** The brief kept under this fingerprint, or none (absent, of other files, or not in the shape writeBrief gives it). */
export function readBrief(showDir: string, fingerprint: string): CheckBrief | undefined {
  const data = readCacheJson(briefFile(showDir));
  if (!isObject(data) || data.fingerprint !== fingerprint) return undefined;
  const { brief, mediaFiles, problems } = data;
  if (typeof mediaFiles !== 'number' || !problemsLookWritten(problems)) return undefined;
  if (brief !== undefined && !briefLooksWritten(brief)) return undefined;
  return { brief, mediaFiles, problems };
}
