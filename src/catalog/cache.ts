// The facts cache: each media file and image is probed once, and its facts kept, keyed on
// (path, size, mtime), so a second `check` re-probes nothing that did not change.
// It lives outside the show folder (which podcasters often keep in git), in
// $NETCASTER_CACHE_DIR, else $XDG_CACHE_HOME/netcaster, else ~/.cache/netcaster.
// Deliberately light: no third-party imports, so the warm path stays near Node's start-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readRegularFile } from '../show/show-file.js';
import { writeWhole } from '../own-files.js';

export function cacheDir(): string {
  // `||`, not `??`: an empty variable means "not set", never "the current folder".
  return process.env.NETCASTER_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'netcaster');
}

/** A cache file is ours, but the folder may be shared or tampered with: never more than this is read. */
export const MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024;

/** A cache file's JSON, or undefined when it is absent, unreadable, not a regular file, too big or not JSON. */
export function readCacheJson(file: string): unknown {
  const bytes = readRegularFile(file, MAX_CACHE_FILE_BYTES);
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The cache file of one kind for one show folder: its name carries a hash of the show's absolute
 * path, so shows never share one.
 */
export function showCacheFile(kind: string, showDir: string): string {
  const key = createHash('sha1').update(path.resolve(showDir)).digest('hex').slice(0, 16);
  return path.join(cacheDir(), `${kind}-${key}.json`);
}

/**
 * Writes a cache file whole or not at all (temp file + rename), and says whether it did: a cache
 * that cannot be written costs speed, never correctness.
 */
export function writeCacheFile(file: string, text: string): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeWhole(file, text);
    return true;
  } catch {
    return false; // a read-only home or a full disk
  }
}

const fallbackDirs = new Map<string, string>();

/**
 * A folder under the cache folder that files can be written into (artwork variants). A cache
 * costs speed, never correctness: when the cache folder is unusable (a file, read-only, full), a
 * private temporary folder of this process stands in, removed when the process exits.
 */
export function writableCacheDir(sub: string): string {
  const wanted = path.join(cacheDir(), sub);
  try {
    fs.mkdirSync(wanted, { recursive: true });
    fs.accessSync(wanted, fs.constants.W_OK);
    if (!fs.statSync(wanted).isDirectory()) throw new Error('not a folder');
    return wanted;
  } catch {
    let dir = fallbackDirs.get(sub);
    if (!dir) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `netcaster-${sub}-`));
      fallbackDirs.set(sub, dir);
      const made = dir;
      process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    }
    return dir;
  }
}

/**
 * The facts cache of media files (assemble.ts): probeMedia's result for each file, keyed on its
 * path. `import` puts in the files it has just probed, so the check after it reads none again.
 */
export const MEDIA_FACTS_CACHE = 'media';

/** The facts cache of images (read-files.ts): probeImage's result for each. `import` puts in the show artwork it fetched. */
export const IMAGE_FACTS_CACHE = 'images';

/** Bump when the shape of cached facts or checks changes, so old entries are never trusted. */
const VERSION = 7; // 5: MP3 seek headers checked against the file, damaged images found; 6: impossible durations refused; 7: an MP4 header longer than its samples refused, chapter pictures not taken for the video

interface Entry<T> {
  size: number;
  mtimeMs: number;
  value: T;
}

/** One JSON file per show folder, read once and written atomically (temp file + rename). */
export class JsonCache<T> {
  private entries: Record<string, Entry<T>> = Object.create(null);
  private dirty = false;
  readonly file: string;

  constructor(kind: string, showDir: string) {
    this.file = showCacheFile(kind, showDir);
    // No cache yet, or an unreadable one: start empty; it is only a cache.
    const data = readCacheJson(this.file) as { version?: unknown; entries?: unknown } | undefined;
    if (data?.version === VERSION && data.entries && typeof data.entries === 'object' && !Array.isArray(data.entries)) {
      // No prototype: a key is a file path, and a path such as "__proto__" must stay a plain key.
      this.entries = Object.assign(Object.create(null) as Record<string, Entry<T>>, data.entries);
    }
  }

  get(key: string, stat: { size: number; mtimeMs: number }): T | undefined {
    const e = this.entries[key];
    return e && e.size === stat.size && e.mtimeMs === stat.mtimeMs ? e.value : undefined;
  }

  set(key: string, stat: { size: number; mtimeMs: number }, value: T): void {
    this.entries[key] = { size: stat.size, mtimeMs: stat.mtimeMs, value };
    this.dirty = true;
  }

  /** Keeps only the given keys (files that were deleted or renamed drop out). */
  retain(keys: Set<string>): void {
    for (const k of Object.keys(this.entries)) {
      if (!keys.has(k)) {
        delete this.entries[k];
        this.dirty = true;
      }
    }
  }

  save(): void {
    if (!this.dirty) return;
    if (writeCacheFile(this.file, JSON.stringify({ version: VERSION, entries: this.entries }))) this.dirty = false;
  }
}
