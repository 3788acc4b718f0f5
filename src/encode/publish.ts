// The last step of `encode`: `media:` goes into episode.yaml only once the outputs pass the same
// check `check --strict` runs, with no warning. Until then nothing is published, because nothing
// names the new files.
//
// The check runs on a staging copy of the show (hard links, so no bytes are copied) in a hidden
// folder of the show, which loadShow and the serve loop skip: the episode.yaml with the new
// `media:` is checked there before the real one changes, so `serve` never sees an episode whose
// files have not passed.
import fs from 'node:fs';
import path from 'node:path';
import { JsonCache } from '../catalog/cache.js';
import { writeWhole } from '../own-files.js';
import type { Problem } from '../contract/problems.js';
import { EPISODE_FILE, SHOW_FILE, type LoadedShow } from '../show/load.js';
import type { EpisodeManifest } from '../show/schema.js';

/** The staging folder's prefix; a dot name keeps it out of every scan of the show. */
export const STAGING_PREFIX = '.netcaster-encode-';

export interface Staged {
  slug: string;
  /** The episode folder. */
  dir: string;
  /** format -> output file name (in the episode folder, once it passes). */
  media: Record<string, string>;
  /** output file name -> where its bytes are now (a partial file not yet in place, or the file itself). */
  sources: Record<string, string>;
  /** episode.yaml as it is now: with `media:` set, it must read back exactly so. */
  manifest: EpisodeManifest;
}

/** The problems `check` finds in the staged outputs (of those files, and of episode.yaml's media). */
export async function checkStaged(showDir: string, artwork: string, episodes: Staged[]): Promise<Problem[]> {
  // A new folder of our own (mkdtemp), so nothing that was there before is ever removed.
  const stage = fs.mkdtempSync(path.join(showDir, STAGING_PREFIX));
  try {
    linkOrCopy(path.join(showDir, SHOW_FILE), path.join(stage, SHOW_FILE));
    if (!artwork.includes('/') && fs.existsSync(path.join(showDir, artwork)))
      linkOrCopy(path.join(showDir, artwork), path.join(stage, artwork));
    for (const e of episodes) {
      const to = path.join(stage, e.slug);
      fs.mkdirSync(to);
      for (const name of fs.readdirSync(e.dir)) {
        if (name === EPISODE_FILE || name.startsWith('.') || Object.hasOwn(e.sources, name)) continue;
        const from = path.join(e.dir, name);
        if (fs.lstatSync(from).isFile()) linkOrCopy(from, path.join(to, name));
      }
      for (const [name, from] of Object.entries(e.sources)) linkOrCopy(from, path.join(to, name));
      fs.writeFileSync(
        path.join(to, EPISODE_FILE),
        withMedia(fs.readFileSync(path.join(e.dir, EPISODE_FILE), 'utf8'), publishedMedia(e.manifest, e.media)),
      );
    }
    const { MediaPool } = await import('../media/pool.js');
    const { checkShowFresh } = await import('../catalog/check-show.js');
    const pool = new MediaPool();
    pool.start();
    let problems: Problem[];
    // The edited episode.yaml must read back as the old one with the new media: and nothing else changed.
    let loaded: LoadedShow | undefined;
    try {
      problems = (await checkShowFresh(stage, { workers: pool, onManifests: (show) => (loaded = show) })).problems;
    } finally {
      await pool.close();
    }
    const relevant = (p: Problem) =>
      episodes.some(
        (e) =>
          Object.values(e.media).some((name) => p.file === `${e.slug}/${name}`) ||
          (p.file === `${e.slug}/${EPISODE_FILE}` && (p.field === 'media' || p.field?.startsWith('media.'))),
      );
    for (const e of episodes) {
      const read = loaded?.episodes.find((x) => x.slug === e.slug)?.manifest;
      const expected = { ...e.manifest, media: publishedMedia(e.manifest, e.media) };
      if (!read || JSON.stringify(sortKeys(read)) !== JSON.stringify(sortKeys(expected))) {
        problems.push({
          level: 'error',
          file: `${e.slug}/${EPISODE_FILE}`,
          field: 'media',
          message: 'could not be written without changing other keys; set it by hand',
        });
      }
    }
    return problems.filter(relevant);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
    forgetCache(stage);
  }
}

/** The staging folder's facts would only fill the cache: its entries go with it. */
function forgetCache(stage: string): void {
  for (const kind of ['media', 'images']) fs.rmSync(new JsonCache(kind, stage).file, { force: true });
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to); // a file system without hard links
  }
}

/**
 * episode.yaml's text with `media:` set to `media`, everything else as the podcaster wrote it
 * (comments, order, quoting): the top-level `media:` block is replaced, or added at the end.
 * checkStaged reads the result back before it is written for real, so an unusual layout can
 * never lose or change another key.
 */
export function withMedia(text: string, media: Record<string, string>): string {
  const block = `media:\n${Object.entries(media)
    .map(([format, name]) => `  ${format}: ${/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) ? name : JSON.stringify(name)}`)
    .join('\n')}\n`;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^media\s*:/.test(l));
  if (start < 0) return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${block}`;
  // The block runs on while lines are indented, blank or comments.
  let stop = start + 1;
  while (stop < lines.length && (/^\s+\S/.test(lines[stop]) || lines[stop].trim() === '')) stop++;
  // Blank lines at the block's end belong to what follows.
  while (stop > start + 1 && lines[stop - 1].trim() === '') stop--;
  return [...lines.slice(0, start), block.trimEnd(), ...lines.slice(stop)].join('\n');
}

const sortKeys = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * `media:` as it is to be written: the formats encode made, and every other format the podcaster
 * listed (a file made by hand) kept as it was, so that no published file drops out of its feed.
 */
export function publishedMedia(manifest: EpisodeManifest, outputs: Record<string, string>): Record<string, string> {
  const media = { ...outputs };
  for (const [format, name] of Object.entries(manifest.media ?? {})) if (!Object.hasOwn(media, format)) media[format] = name;
  return media;
}

/** Writes episode.yaml atomically (a temp file renamed over it), so a reader never sees half of it. */
export function writeMedia(episodeDir: string, media: Record<string, string>): void {
  const file = path.join(episodeDir, EPISODE_FILE);
  const text = withMedia(fs.readFileSync(file, 'utf8'), media);
  writeWhole(file, text);
}
