// A tiny real show in a temp folder, for the live-publishing tests (watch, serve, status,
// publish-due): show.yaml, a real 1400 px JPEG made by ffmpeg, and episodes from a list whose
// media are copies of the committed fixtures; its cache sits beside the show folder, never in it. Each test edits
// dates and files in its own copy. Callers check needTool(t, 'ffmpeg') first.
import fs from 'node:fs';
import path from 'node:path';
import { ffmpeg, fixturesDir } from './env.js';
import { tempDir } from './temp-dir.js';

export const fixtureMp3 = path.join(fixturesDir, 'media', 'good-cbr.mp3');

let artwork: string | undefined;
/** One artwork file per test process (ffmpeg takes a moment). */
function artworkFile(): string {
  if (!artwork) {
    const dir = tempDir('art');
    artwork = path.join(dir, 'artwork.jpg');
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x336699:s=1400x1400', '-frames:v', '1', '-pix_fmt', 'yuvj420p', artwork]);
  }
  return artwork;
}

export interface TinyEpisode {
  slug: string;
  title: string;
  /** ISO date; a future one schedules the episode. */
  date: string;
  draft?: boolean;
  guid?: string;
}

export function makeTinyShow(episodes: TinyEpisode[], extraShowYaml = ''): { dir: string; cacheDir: string; root: string } {
  const root = tempDir('live');
  const dir = path.join(root, 'show');
  fs.mkdirSync(dir);
  fs.copyFileSync(artworkFile(), path.join(dir, 'artwork.jpg'));
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    [
      'title: Tiny Show',
      'description: A show made by the tests',
      'author: Netcaster Tests',
      'language: en',
      'baseUrl: https://tiny.example',
      'artwork: artwork.jpg',
      'feeds:',
      '  audio: { title: "Tiny Show - Audio", enclosure: mp3 }',
      extraShowYaml,
    ].join('\n'),
  );
  for (const e of episodes) writeEpisode(dir, e);
  const cacheDir = path.join(root, 'cache');
  return { dir, cacheDir, root };
}

export function writeEpisode(showDir: string, e: TinyEpisode, options: { copyMedia?: boolean } = {}): void {
  const folder = path.join(showDir, e.slug);
  fs.mkdirSync(folder, { recursive: true });
  if (options.copyMedia ?? true) fs.copyFileSync(fixtureMp3, path.join(folder, `${e.slug}.mp3`));
  fs.writeFileSync(path.join(folder, 'episode.yaml'), tinyEpisodeYaml(e));
}

export function tinyEpisodeYaml(e: TinyEpisode): string {
  return [
    `title: "${e.title}"`,
    `date: ${e.date}`,
    `summary: The episode called ${e.title}`,
    `guid: ${e.guid ?? `guid-${e.slug}`}`,
    ...(e.draft ? ['draft: true'] : []),
    'media:',
    `  mp3: ${e.slug}.mp3`,
    '',
  ].join('\n');
}

/** An ISO time `ms` from now, to the second (the manifest schema takes seconds). */
export function isoIn(ms: number): string {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
