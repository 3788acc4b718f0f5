// The media fixtures (made by scripts/make-fixtures.sh) and their true durations.
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir } from '../support/env.js';

export const mediaDir = path.join(fixturesDir, 'media');
export const fixture = (name: string) => path.join(mediaDir, name);
export const trueDuration: Record<string, number> = JSON.parse(fs.readFileSync(fixture('durations.json'), 'utf8'));

/** A small seeded generator (mulberry32), so "random" bytes are the same on every run. */
export function seededBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}
