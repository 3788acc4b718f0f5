// `netcaster new [DIR] --title TITLE`: creates the next episode folder, <NNN>-<slug>/, with an
// episode.yaml filled in and an empty notes.md. The episode starts as a draft, so nothing
// unfinished is published until the podcaster says so.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringifyYaml } from '../show/yaml.js';
import { slugify } from '../show/slug.js';
import { EPISODE_FILE, SHOW_FILE, loadShow } from '../show/load.js';
import type { EpisodeManifest } from '../show/schema.js';
import { lockHolder } from '../site/out-dir.js';
import type { CommandContext } from './context.js';

const usage = 'usage: netcaster new [DIR] --title TITLE';

export async function run({ dir, options, now }: CommandContext): Promise<number> {
  const title = typeof options.title === 'string' ? options.title.trim() : '';
  if (!title) {
    console.error(`netcaster new: --title is required\n${usage}`);
    return 2;
  }

  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    console.error(`netcaster new: ${dir}: no such show folder (it needs a ${SHOW_FILE})`);
    return 1;
  }
  const show = await loadShow(dir);
  if (!show.manifest) {
    for (const p of show.problems.filter((p) => p.file === SHOW_FILE)) {
      const where = [path.join(dir, p.file), p.line && `${p.line}:${p.column ?? 1}`, p.field].filter(Boolean).join(': ');
      console.error(`netcaster new: ${where}: ${p.message}`);
    }
    return 1;
  }

  // Two `new` at once (two terminals, a script) must not both take the next number: the number is
  // found and its folder made while holding the show's `new` lock.
  let release: () => Promise<void>;
  try {
    release = await lockNew(dir);
  } catch (err) {
    console.error(`netcaster new: ${(err as Error).message}`);
    return 1;
  }
  let number: number;
  let padded: string;
  let episodeDir: string;
  try {
    number =
      (await highestNumber(
        show.dir,
        show.episodes.map((e) => e.manifest.number),
      )) + 1;
    padded = String(number).padStart(3, '0');
    episodeDir = path.join(dir, `${padded}-${slugify(title) || 'episode'}`);
    try {
      await fs.mkdir(episodeDir); // not recursive: an existing folder is an error, never overwritten
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      console.error(`netcaster new: ${episodeDir}: ${code === 'EEXIST' ? 'already exists' : `cannot be created (${code})`}`);
      return 1;
    }
  } finally {
    await release();
  }

  // Media names follow the show's habit: <show>-<NNN>.<format>, one per format any feed uses.
  const prefix = slugify(show.manifest.title) || 'episode';
  const formats = new Set(Object.values(show.manifest.feeds).flatMap((feed) => [feed.enclosure, ...(feed.alternates ?? [])]));
  const media: Record<string, string> = {};
  for (const format of formats) media[format] = `${prefix}-${padded}.${format}`;

  const manifest: EpisodeManifest = {
    title,
    date: localIsoDate(now),
    number,
    summary: 'TODO: one-paragraph summary',
    guid: randomUUID(),
    draft: true,
    media,
  };
  const text =
    `# Written by \`netcaster new\`. Put the media files named below into this folder, write the\n` +
    `# summary and notes.md, set the date, then set draft: false to publish.\n` +
    `# The guid identifies the episode to podcast apps: never change it once published.\n` +
    stringifyYaml(manifest);

  await fs.writeFile(path.join(episodeDir, EPISODE_FILE), text, { flag: 'wx' });
  await fs.writeFile(path.join(episodeDir, 'notes.md'), '', { flag: 'wx' });

  console.log(episodeDir);
  console.error(`netcaster new: episode ${number} is a draft; add ${Object.values(media).join(', ')} and set draft: false to publish`);
  return 0;
}

/** Held in the show folder (hidden: no scan or check looks at it) while `new` picks a number. */
export const NEW_LOCK = '.netcaster-new.lock';
/** How long `new` waits for another `new` of the same show to finish picking its number. */
const NEW_LOCK_WAIT_MS = 10_000;
/** A lock older than this was left by a `new` that was killed (picking a number takes milliseconds). */
const NEW_LOCK_STALE_MS = 60_000;

/** Takes the show's `new` lock (waiting while another live `new` holds it); returns the release. */
async function lockNew(showDir: string): Promise<() => Promise<void>> {
  const file = path.join(showDir, NEW_LOCK);
  const deadline = Date.now() + NEW_LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`${file}: cannot be created (${(err as NodeJS.ErrnoException).code})`);
    }
    // A lock whose process is gone (or that is very old) is taken over; one that is no file is refused.
    if (lockHolder(file, NEW_LOCK_STALE_MS, 5_000) === undefined) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another \`netcaster new\` is creating an episode in ${showDir} (${file}); try again`);
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
  }
}

/** The highest episode number so far: from the manifests, or from a folder's numeric prefix. */
async function highestNumber(showDir: string, numbers: (number | undefined)[]): Promise<number> {
  let highest = 0;
  for (const n of numbers) if (n !== undefined && n > highest) highest = n;
  // Folders count too, even those whose episode.yaml is broken or not there yet.
  for (const entry of await fs.readdir(showDir, { withFileTypes: true })) {
    const match = entry.isDirectory() ? /^(\d+)(-|$)/.exec(entry.name) : null;
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** ISO 8601 with the machine's local offset (2014-09-01T18:00:00-04:00), as a person would write it. */
export function localIsoDate(date: Date): string {
  const two = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const offset = -date.getTimezoneOffset(); // minutes east of UTC
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}` +
    `${sign}${two(offset / 60)}:${two(offset % 60)}`
  );
}
