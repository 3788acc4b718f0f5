// Show folders for tests, made in temp folders from the committed fixtures: one writer
// (writeShowFolder) behind every builder, so each show a test makes has the same shape: show.yaml,
// the sample show's 1400 px artwork, and one folder per episode with its episode.yaml and files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir, sampleShowDir } from './env.js';
import { tempDir } from './temp-dir.js';

export const media = (name: string) => path.join(fixturesDir, 'media', name);
export const fixtureMp3 = media('good-cbr.mp3');

export const showYaml = `title: Fixture Show
description: A show made of fixtures.
author: Tester
language: en
baseUrl: https://fixture.example
artwork: artwork.jpg
owner: { name: Tester, email: tester@example.com }
categories: [Technology]
feeds:
  audio: { title: Audio, enclosure: mp3 }
`;

/** One episode folder: its manifest, and the files beside it (name -> a file to copy, or text to write). */
export interface EpisodeFolder {
  slug: string;
  yaml: string;
  files?: Record<string, string | { text: string }>;
}

/** Writes a show folder at `dir` (which exists): show.yaml, the sample's artwork.jpg, and the episodes. */
export function writeShowFolder(dir: string, show: string, episodes: EpisodeFolder[]): string {
  fs.writeFileSync(path.join(dir, 'show.yaml'), show);
  fs.copyFileSync(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  for (const e of episodes) writeEpisodeFolder(dir, e);
  return dir;
}

/** Writes (or rewrites) one episode folder of the show at `dir`. */
export function writeEpisodeFolder(dir: string, e: EpisodeFolder): void {
  const folder = path.join(dir, e.slug);
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, from] of Object.entries(e.files ?? {})) {
    if (typeof from === 'string') fs.copyFileSync(from, path.join(folder, name));
    else fs.writeFileSync(path.join(folder, name), from.text);
  }
  fs.writeFileSync(path.join(folder, 'episode.yaml'), e.yaml);
}

export interface EpisodeSpec {
  yaml?: string;
  files?: Record<string, string>; // name in folder -> fixture name
}

/**
 * A show folder in a temp dir, for tests that run netcaster in their own process: it sets
 * NETCASTER_CACHE_DIR to a cache of its own, so tests never share facts.
 */
export async function makeShow(episodes: Record<string, EpisodeSpec>, show = showYaml): Promise<string> {
  const dir = tempDir('show');
  process.env.NETCASTER_CACHE_DIR = path.join(dir, '.cache');
  return writeShowFolder(
    dir,
    show,
    Object.entries(episodes).map(([slug, spec]) => ({
      slug,
      yaml: spec.yaml ?? episodeYaml(slug),
      files: Object.fromEntries(Object.entries(spec.files ?? {}).map(([name, fixture]) => [name, media(fixture)])),
    })),
  );
}

export function episodeYaml(slug: string, extra = '', mediaBlock = '  mp3: a.mp3\n'): string {
  return `title: Fixture Episode\ndate: 2020-01-01T10:00:00Z\nsummary: S.\nguid: guid-${slug}\n${extra}media:\n${mediaBlock}`;
}

/**
 * A show of `count` published MP3 episodes, `ep-0001` (the oldest, 2020-01-01) to `ep-<count>`,
 * one a day, each with its own guid and the same small MP3; `feeds` replaces the feeds: block.
 */
export async function makeShowOfMany(count: number, feeds = '  audio: { title: Audio, enclosure: mp3 }\n'): Promise<string> {
  const episodes: Record<string, EpisodeSpec> = {};
  for (let n = 1; n <= count; n++) {
    const slug = `ep-${String(n).padStart(4, '0')}`;
    const date = new Date(Date.UTC(2020, 0, 1) + (n - 1) * 86_400_000).toISOString();
    episodes[slug] = {
      yaml: `title: Episode ${n}\ndate: ${date}\nnumber: ${n}\nsummary: S.\nguid: guid-${slug}\nmedia:\n  mp3: a.mp3\n`,
      files: { 'a.mp3': 'good-cbr.mp3' },
    };
  }
  return makeShow(episodes, showYaml.replace(/^feeds:\n[\s\S]*$/m, `feeds:\n${feeds}`));
}

/** The smallest show.yaml that passes the schema (manifest tests; no files behind it). */
export const minimalShowYaml = `title: Test Show
description: A show for tests.
author: Tester
language: en-US
baseUrl: https://example.test
artwork: artwork.jpg
feeds:
  audio: { title: Audio, enclosure: mp3 }
`;

/** An episode.yaml that passes the schema (manifest tests; no file behind its mp3). */
export const minimalEpisodeYaml = `title: One
date: 2020-01-01T10:00:00Z
summary: The first one.
guid: 11111111-2222-3333-4444-555555555555
media:
  mp3: one.mp3
`;

/** The smallest show manifest as parsed data (schema and plan tests). */
export const minimalShowManifest = {
  title: 'T',
  description: 'D',
  author: 'A',
  language: 'en',
  artwork: 'artwork.jpg',
  feeds: { audio: { title: 'Audio', enclosure: 'mp3' as const } },
};

/**
 * Overwrites a file's bytes with zeros, keeping its size and modification time: a check that
 * reads the file again finds it broken, one that trusts its facts cache (keyed on size and mtime)
 * does not. How the tests see which files a check read.
 */
export async function zeroKeepingStat(file: string): Promise<void> {
  const stat = await fs.promises.stat(file, { bigint: true });
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.write(Buffer.alloc(Number(stat.size)), 0, Number(stat.size), 0);
  } finally {
    await handle.close();
  }
  // To the nanosecond: fs.utimes takes seconds as a double, which cannot hold every nanosecond
  // of today's clock; GNU touch can.
  const ns = stat.mtimeNs;
  execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, file]);
}

export interface TinyEpisode {
  slug: string;
  title: string;
  /** ISO date; a future one schedules the episode. */
  date: string;
  draft?: boolean;
  guid?: string;
}

/**
 * A tiny show for the live-publishing tests (watch, serve, status, publish-due), which edit dates
 * and files in their own copy: episodes from a list, each with a copy of the fixture MP3; its
 * cache sits beside the show folder, never in it.
 */
export function makeTinyShow(episodes: TinyEpisode[], extraShowYaml = ''): { dir: string; cacheDir: string; root: string } {
  const root = tempDir('live');
  const dir = path.join(root, 'show');
  fs.mkdirSync(dir);
  writeShowFolder(
    dir,
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
    episodes.map((e) => tinyEpisodeFolder(e)),
  );
  const cacheDir = path.join(root, 'cache');
  return { dir, cacheDir, root };
}

/** Adds (or rewrites) one episode of a tiny show; without `copyMedia`, its MP3 is left as it is. */
export function writeEpisode(showDir: string, e: TinyEpisode, options: { copyMedia?: boolean } = {}): void {
  writeEpisodeFolder(showDir, tinyEpisodeFolder(e, options.copyMedia ?? true));
}

function tinyEpisodeFolder(e: TinyEpisode, copyMedia = true): EpisodeFolder {
  return { slug: e.slug, yaml: tinyEpisodeYaml(e), files: copyMedia ? { [`${e.slug}.mp3`]: fixtureMp3 } : {} };
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
