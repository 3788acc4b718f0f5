// What netcaster.lock tells a check (lock.ts, LockFindings), kept beside the check's brief: the
// findings depend only on the show's files and base URL (the fingerprint) and on the lock itself,
// so while neither changed, a warm `check` or `build` reads a few bytes instead of the lock. A
// show of 10,000 published episodes has a lock of a megabyte: reading, parsing and checking it
// was 35-55 ms of a warm check's 500 (issue 12).
import fs from 'node:fs';
import path from 'node:path';
import { readCacheJson, showCacheFile, writeCacheFile } from './cache.js';
import { findLock, LOCK_FILE, type LockFindings } from './lock.js';
import { isObject, problemsLookWritten, SETTLED_MS } from './snapshot.js';
import type { CatalogBrief } from '../contract/catalog.js';

const VERSION = 2; // 2: published episodes withdrawn by a draft or a later date

/** The lock file as lstat or fstat saw it; null when there is none. A write in place moves its ctime, a rename over it its inode. */
type LockStamp = { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number } | null;

const stampOf = (st: fs.Stats | undefined): LockStamp =>
  st ? { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs } : null;

const sameStamp = (a: unknown, b: LockStamp): boolean =>
  b === null
    ? a === null
    : isObject(a) && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/**
 * The lock's findings for the catalog a check found under `fingerprint` (whose salt holds the
 * base URL given), from the cache when the lock is the file they were found in, else from the
 * lock itself (and then kept).
 */
export function lockFindings(
  showDir: string,
  fingerprint: string,
  catalog: CatalogBrief | undefined,
  baseUrl: string | undefined,
): LockFindings {
  const file = showCacheFile('lock', showDir);
  // lstat: a link where the lock is goes through readLock's guard every time.
  const before = fs.lstatSync(path.join(showDir, LOCK_FILE), { throwIfNoEntry: false });
  const plain = before === undefined || before.isFile();
  if (plain) {
    const kept = readCacheJson(file);
    if (isObject(kept) && kept.version === VERSION && kept.fingerprint === fingerprint && sameStamp(kept.lock, stampOf(before))) {
      if (findingsLookWritten(kept.findings)) return kept.findings;
    }
  }
  const { findings, stat } = findLock(showDir, catalog, baseUrl);
  // Kept only for the file lstat saw (not one put there since), and only once its last change is
  // settled: one written again within the same tick of the file system's clock keeps its times.
  const same = stat === undefined ? before === undefined : before !== undefined && stat.dev === before.dev && stat.ino === before.ino;
  if (plain && same && (stat === undefined || stat.ctimeMs < Date.now() - SETTLED_MS))
    writeCacheFile(file, JSON.stringify({ version: VERSION, fingerprint, lock: stampOf(stat), findings }));
  return findings;
}

/** Whether kept findings have the shape lockFindings writes: the cache folder may be damaged or tampered with. */
function findingsLookWritten(x: unknown): x is LockFindings {
  if (!isObject(x) || !isObject(x.feedGuids) || !problemsLookWritten(x.problems)) return false;
  if (!Object.values(x.feedGuids).every((g) => typeof g === 'string')) return false;
  const u = x.unrecorded;
  const w = x.withdrawn;
  return (
    (u === undefined ||
      (isObject(u) && typeof u.feeds === 'boolean' && Array.isArray(u.episodes) && u.episodes.every((g) => typeof g === 'string'))) &&
    (w === undefined ||
      (Array.isArray(w) &&
        w.every(
          (e) =>
            isObject(e) &&
            typeof e.slug === 'string' &&
            typeof e.firstPublished === 'string' &&
            typeof e.draft === 'boolean' &&
            typeof e.date === 'string',
        )))
  );
}
