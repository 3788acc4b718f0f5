// The facts cache: each media file and image is probed once, and its facts kept, keyed on
// (path, size, mtime), so a second `check` re-probes nothing that did not change.
// It lives outside the show folder (which podcasters often keep in git), in
// $NETCASTER_CACHE_DIR, else $XDG_CACHE_HOME/netcaster, else ~/.cache/netcaster.
// Deliberately light: no third-party imports, so the warm path stays near Node's start-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';

export function cacheDir(): string {
  // `||`, not `??`: an empty variable means "not set", never "the current folder".
  return process.env.NETCASTER_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'netcaster');
}

/** Bump when the shape of cached facts or checks changes, so old entries are never trusted. */
const VERSION = 5; // 5: MP3 seek headers checked against the file, damaged images found

interface Entry<T> {
  size: number;
  mtimeMs: number;
  value: T;
}

/** One JSON file per show folder, read once and written atomically (temp file + rename). */
export class JsonCache<T> {
  private entries: Record<string, Entry<T>> = {};
  private dirty = false;
  readonly file: string;

  constructor(kind: string, showDir: string) {
    const key = createHash('sha1').update(path.resolve(showDir)).digest('hex').slice(0, 16);
    this.file = path.join(cacheDir(), `${kind}-${key}.json`);
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (data.version === VERSION && data.entries && typeof data.entries === 'object') this.entries = data.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty; it is only a cache.
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
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version: VERSION, entries: this.entries }));
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only home or full disk costs speed, never correctness.
    }
  }
}
