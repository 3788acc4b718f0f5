// checkShow: the entry to the catalog stage for every command.
// When no file of the show folder changed since the last check with the same options, the
// snapshot answers at once; otherwise read-files.ts re-reads the manifests and re-probes only the
// files whose size or mtime changed, and assemble.ts makes the catalog of them. Light on purpose:
// the YAML parser, the validator and the media parsers load only on a miss.
import type { MediaPool } from '../media/pool.js';
import type { LoadedShow, LoadHooks } from '../show/load.js';
import { readLock, withPublishedFeedGuids } from './lock.js';
import {
  fingerprintShow,
  readListings,
  readSnapshot,
  writeListings,
  writeSnapshot,
  type CheckResult,
  type WalkObserver,
} from './snapshot.js';

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
  /** Called as files are probed, for a progress display. */
  onProgress?: (done: number, total: number) => void;
  /** Sees the fingerprint's walk of the show folder (the live loop's folder prints come from it). */
  walk?: WalkObserver;
  /** Manifests already parsed, by their exact text (`import` hands over those it wrote): not parsed again. */
  parsedManifests?: LoadHooks['parsed'];
  /** The names in each episode folder, as listed a moment ago (the fingerprint's walk): not listed again. */
  listed?: LoadHooks['listed'];
}

export async function checkShow(showDir: string, options: CheckOptions = {}): Promise<CheckResult> {
  const result = await checkShowFiles(showDir, options);
  // What netcaster.lock says was published (not part of the snapshot: the lock is netcaster's own
  // record, written after a check): each feed keeps the podcast:guid it went out with.
  if (result.catalog) result.catalog = withPublishedFeedGuids(result.catalog, readLock(showDir).lock);
  return result;
}

/** A check that reads every manifest and file (through the facts cache), without the snapshot. */
export async function checkShowFresh(showDir: string, options: CheckOptions & { workers: MediaPool }): Promise<CheckResult> {
  const [{ readShowFiles }, { assembleCatalog }] = await Promise.all([import('./read-files.js'), import('./assemble.js')]);
  return assembleCatalog(await readShowFiles(showDir, options), options.baseUrl);
}

async function checkShowFiles(showDir: string, options: CheckOptions): Promise<CheckResult> {
  const salt = JSON.stringify({ baseUrl: options.baseUrl });
  const seen = fingerprintShow(showDir, salt, readListings(showDir), options.walk);
  const fingerprint = seen.digest;
  const cached = readSnapshot(showDir, fingerprint);
  if (cached) {
    if (seen.relisted) writeListings(showDir, seen.listings);
    return { ...cached, fingerprint, fromSnapshot: true };
  }
  // Workers first: they load their parsers while this thread loads the rest and reads the manifests.
  const { MediaPool } = await import('../media/pool.js');
  const workers = options.workers ?? new MediaPool();
  workers.start();
  try {
    const result = await checkShowFresh(showDir, { ...options, workers, listed: (slug) => seen.episodeNames.get(slug) });
    writeSnapshot(showDir, fingerprint, result);
    writeListings(showDir, seen.listings);
    return { ...result, fingerprint };
  } finally {
    if (workers !== options.workers) await workers.close();
  }
}
