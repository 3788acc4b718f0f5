// A whole-show snapshot: when no file of the show folder changed (same names, sizes and
// modification times), the last check's result is still true, and `check` can answer without
// loading a YAML parser, a validator or a media parser. This is what keeps a warm `check`
// within a few milliseconds of Node's own start-up. No third-party imports here.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { cacheDir, readCacheJson } from './cache.js';
import type { Catalog, Problem } from './types.js';

export interface CheckResult {
  /** Undefined when the show itself cannot be published (show.yaml or its artwork is broken). */
  catalog?: Catalog;
  problems: Problem[];
  /** Files (relative to the show folder) whose facts were read afresh in this run, not from the cache. */
  probed?: string[];
}

const VERSION = 5; // 4: feed guids in the lock; 5: image problems under their manifest field, MP3 seek headers and image pixels checked
/** Files netcaster itself writes into the show folder; they never change what check finds. */
const IGNORED_AT_TOP = new Set(['netcaster.lock']);

/** Names, sizes and mtimes of the show folder's files, and of each episode folder's files. */
export function fingerprintShow(showDir: string, salt: string): string {
  const hash = createHash('sha1').update(`${VERSION}\0${salt}\0`);
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      hash.update(`missing ${dir}\n`);
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || (depth === 0 && IGNORED_AT_TOP.has(name))) continue;
      const full = path.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.statSync(full); // follows symlinks: a link retargeted changes size/mtime
      } catch {
        hash.update(`dangling ${full}\n`);
        continue;
      }
      if (st.isDirectory()) {
        hash.update(`d ${full}\n`);
        if (depth === 0) walk(full, 1);
      } else {
        hash.update(`f ${full} ${st.size} ${st.mtimeMs}\n`);
      }
    }
  };
  walk(path.resolve(showDir), 0);
  return hash.digest('hex');
}

function snapshotFile(showDir: string): string {
  const key = createHash('sha1').update(path.resolve(showDir)).digest('hex').slice(0, 16);
  return path.join(cacheDir(), `check-${key}.json`);
}

export function readSnapshot(showDir: string, fingerprint: string): CheckResult | undefined {
  const data = readCacheJson(snapshotFile(showDir)) as { fingerprint?: unknown; result?: CheckResult } | undefined;
  return data?.fingerprint === fingerprint && data.result ? data.result : undefined;
}

export function writeSnapshot(showDir: string, fingerprint: string, result: CheckResult): void {
  const file = snapshotFile(showDir);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ fingerprint, result: { ...result, probed: undefined } }));
    fs.renameSync(tmp, file);
  } catch {
    // Only a cache.
  }
}
