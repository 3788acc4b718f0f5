// checkShow: the entry to the catalog stage for every command (checkShowBrief for check and
// build, which mostly need only the catalog's brief).
// When no file of the show folder changed since the last check with the same options, the
// snapshot (or its brief) answers at once; otherwise read-files.ts re-reads the manifests and
// re-probes only the files whose size or mtime changed, and assemble.ts makes the catalog of them.
// Light on purpose: the YAML parser, the validator and the media parsers load only on a miss.
import type { MediaPool } from '../media/pool.js';
import type { LoadedShow, LoadHooks } from '../show/load.js';
import { withPublishedFeedGuids, type LockFindings } from './lock.js';
import { lockFindings } from './lock-findings.js';
import {
  briefOf,
  fingerprintShow,
  readBrief,
  readListings,
  readSnapshot,
  writeBrief,
  writeListings,
  writeSnapshot,
  type CheckBrief,
  type CheckResult,
  type Fingerprint,
  type WalkObserver,
} from './snapshot.js';
import type { Catalog, CatalogBrief } from '../contract/catalog.js';

export type { CheckResult, WalkObserver };

export interface CheckOptions {
  /** Overrides show.yaml's baseUrl. */
  baseUrl?: string;
  /** Worker threads to probe on (a build hashes on them meanwhile, see integrity.ts); else a pool of the check's own. */
  workers?: MediaPool;
  /**
   * Called once the manifests are read, before any file is probed (not when the snapshot answers):
   * `build` starts hashing the alternates here, so the workers hash while this thread probes.
   */
  onManifests?: (show: LoadedShow) => void;
  /** Called once show.yaml is read, before the episodes' manifests (not when the snapshot answers): `build` starts its artwork copies here. */
  onShowManifest?: LoadHooks['onShowManifest'];
  /**
   * Called when no snapshot answers and the show is read afresh, before the parsers load: the short
   * commands raise V8's interrupt budget here (commands/v8-flags.ts, beforeBurst), not for a warm check.
   */
  beforeFreshCheck?: () => void;
  /** Called as files are probed, for a progress display. */
  onProgress?: (done: number, total: number) => void;
  /** Sees the fingerprint's walk of the show folder (the live loop's folder prints come from it). */
  walk?: WalkObserver;
  /** Manifests already parsed, by their exact text (`import` hands over those it wrote): not parsed again. */
  parsedManifests?: LoadHooks['parsed'];
  /** The names in each episode folder, as listed a moment ago (the fingerprint's walk): not listed again. */
  listed?: LoadHooks['listed'];
}

/** checkShow's answer: the check's result, and what netcaster.lock says of its catalog. */
export interface CheckedShow extends CheckResult {
  fingerprint: string;
  /** With the base URL given; the catalog's feeds carry the lock's published guids already. */
  lock: LockFindings;
}

export async function checkShow(showDir: string, options: CheckOptions = {}): Promise<CheckedShow> {
  const result = await checkShowFiles(showDir, options);
  // What netcaster.lock says was published (not part of the snapshot: the lock is netcaster's own
  // record, written after a check): each feed keeps the podcast:guid it went out with.
  const lock = lockFindings(showDir, result.fingerprint, result.catalog, options.baseUrl);
  return { ...result, catalog: result.catalog && withPublishedFeedGuids(result.catalog, lock.feedGuids), lock };
}

/** checkShow's answer as a warm `check` or `build` needs it: the brief now, the whole catalog when asked. */
export interface BriefCheck extends CheckBrief {
  fingerprint: string;
  /** What netcaster.lock says of this catalog, with the base URL given (the catalog's feeds carry its published guids already). */
  lock: LockFindings;
  /**
   * The whole catalog (checkShow's): at hand after a fresh check, else the snapshot's, read when
   * asked (a build whose OUT is out of date). Should the snapshot be gone by then, the show is
   * checked again.
   */
  catalog(): Promise<Catalog | undefined>;
}

/**
 * checkShow for the commands that mostly need only the brief (src/contract/catalog.ts): when no
 * file changed, it reads the snapshot's brief, not the whole snapshot. A warm check of 10,000
 * episodes read and parsed 7 MB to print one line (issue 12).
 */
export async function checkShowBrief(showDir: string, options: CheckOptions = {}): Promise<BriefCheck> {
  const seen = walkShow(showDir, options);
  const fingerprint = seen.digest;
  const withGuids = <C extends CatalogBrief>(catalog: C | undefined, lock: LockFindings) =>
    catalog && withPublishedFeedGuids(catalog, lock.feedGuids);
  const kept = readBrief(showDir, fingerprint);
  if (kept) {
    if (seen.relisted) writeListings(showDir, seen.listings);
    const lock = lockFindings(showDir, fingerprint, kept.brief, options.baseUrl);
    const catalog = async () =>
      withGuids((readSnapshot(showDir, fingerprint) ?? (await checkAfresh(showDir, options, seen))).catalog, lock);
    return { ...kept, brief: withGuids(kept.brief, lock), fingerprint, lock, catalog };
  }
  let result = readSnapshot(showDir, fingerprint);
  if (result) {
    // A snapshot without its brief (an older netcaster wrote it): the next check reads the brief.
    writeBrief(showDir, fingerprint, result);
    if (seen.relisted) writeListings(showDir, seen.listings);
  } else {
    result = await checkAfresh(showDir, options, seen);
  }
  const lock = lockFindings(showDir, fingerprint, result.catalog, options.baseUrl);
  const catalog = withGuids(result.catalog, lock);
  return { ...briefOf({ ...result, catalog }), fingerprint, lock, catalog: async () => catalog };
}

/** A check that reads every manifest and file (through the facts cache), without the snapshot. */
export async function checkShowFresh(showDir: string, options: CheckOptions & { workers: MediaPool }): Promise<CheckResult> {
  const [{ readShowFiles }, { assembleCatalog }] = await Promise.all([import('./read-files.js'), import('./assemble.js')]);
  return assembleCatalog(await readShowFiles(showDir, options), options.baseUrl);
}

/** The fingerprint's walk of the show folder, with the listings the last check kept. */
function walkShow(showDir: string, options: CheckOptions): Fingerprint {
  const salt = JSON.stringify({ baseUrl: options.baseUrl });
  return fingerprintShow(showDir, salt, readListings(showDir), options.walk);
}

async function checkShowFiles(showDir: string, options: CheckOptions): Promise<CheckResult & { fingerprint: string }> {
  const seen = walkShow(showDir, options);
  const fingerprint = seen.digest;
  const cached = readSnapshot(showDir, fingerprint);
  if (cached) {
    if (seen.relisted) writeListings(showDir, seen.listings);
    return { ...cached, fingerprint, fromSnapshot: true };
  }
  return checkAfresh(showDir, options, seen);
}

/** The check itself, after a walk that found no snapshot of the files it saw; the snapshot and listings written for the next. */
async function checkAfresh(showDir: string, options: CheckOptions, seen: Fingerprint): Promise<CheckResult & { fingerprint: string }> {
  options.beforeFreshCheck?.();
  // Workers first: they load their parsers while this thread loads the rest and reads the manifests.
  const { MediaPool } = await import('../media/pool.js');
  const workers = options.workers ?? new MediaPool();
  workers.start();
  try {
    const result = await checkShowFresh(showDir, { ...options, workers, listed: (slug) => seen.episodeNames.get(slug) });
    writeSnapshot(showDir, seen.digest, result);
    writeListings(showDir, seen.listings);
    return { ...result, fingerprint: seen.digest };
  } finally {
    if (workers !== options.workers) await workers.close();
  }
}
