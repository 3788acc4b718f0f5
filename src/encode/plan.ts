// What `encode` makes for one episode, and under which names.
//
// Names come from content (as eleventy-img names its images): a hash of the master's bytes and
// of everything else that shapes the output (the recipe, the loudness target, the tags and
// chapters, the cover, the ffmpeg build). The bytes behind a published URL therefore never
// change: a re-encode with anything different writes a file of another name, and a listener
// downloading the old one keeps getting the old one. The episode's GUID stays; only media: moves.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ShowManifest } from '../show/schema.js';
import { JsonCache } from '../catalog/cache.js';
import { RECIPES, type Profile } from './recipes.js';

/** Bump when a change here changes outputs without changing what goes into the hash. */
// 2: a video format's picture is encoded on its own and copied in; an output may be made again with a gain.
const NAMING_VERSION = 2;
/** Hex digits of the hash in a name: 48 bits, no collision between an episode's encodes. */
const HASH_CHARS = 12;

/** The formats an episode needs: show.yaml's `encode.formats`, else every enclosure and alternate of the feeds. */
export function formatsNeeded(show: ShowManifest): string[] {
  if (show.encode?.formats) return [...new Set(show.encode.formats)];
  const formats = new Set<string>();
  for (const feed of Object.values(show.feeds)) for (const f of [feed.enclosure, ...(feed.alternates ?? [])]) formats.add(f);
  return [...formats];
}

export function profileFromEnv(): Profile {
  return process.env.NETCASTER_ENCODE_PROFILE === 'draft' ? 'draft' : 'standard';
}

/** SHA-256 of a file, read in chunks (masters are hundreds of MB), cached by path, size and mtime. */
export function fileSha256(file: string, cache?: JsonCache<string>): string {
  const stat = fs.statSync(file);
  const hit = cache?.get(file, stat);
  if (hit) return hit;
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  const digest = hash.digest('hex');
  cache?.set(file, stat, digest);
  return digest;
}

export function masterHashCache(showDir: string): JsonCache<string> {
  return new JsonCache<string>('encode-masters', showDir);
}

export interface NameInputs {
  slug: string;
  format: string;
  masterSha256: string;
  profile: Profile;
  channels: number;
  target: { integrated: number; truePeak: number };
  /** The FFMETADATA text (tags and chapters). */
  metadata: string;
  coverSha256?: string;
  stillSha256?: string;
  ffmpeg: string;
}

/** `<slug>-<hash>.<ext>`: the slug so a download is recognisable, the hash so it never changes. */
export function outputName(x: NameInputs): string {
  const recipe = RECIPES[x.format];
  const fingerprint = JSON.stringify({
    v: NAMING_VERSION,
    master: x.masterSha256,
    format: x.format,
    settings: recipe.settings(x.profile, x.channels),
    target: x.target,
    metadata: x.metadata,
    cover: x.coverSha256 ?? null,
    still: recipe.video ? (x.stillSha256 ?? null) : null,
    ffmpeg: x.ffmpeg,
  });
  const hash = createHash('sha256').update(fingerprint).digest('hex').slice(0, HASH_CHARS);
  return `${x.slug}-${hash}.${recipe.ext}`;
}

/**
 * A name that no file has yet: `name` itself, or (with --force, when `name` exists) `name` with
 * -r2, -r3... before the extension. An existing file is never overwritten.
 */
export function freeName(dir: string, name: string): string {
  if (!fs.existsSync(path.join(dir, name))) return name;
  const ext = path.extname(name);
  const base = name.slice(0, -ext.length);
  for (let i = 2; ; i++) {
    const candidate = `${base}-r${i}${ext}`;
    if (!fs.existsSync(path.join(dir, candidate))) return candidate;
  }
}
