// Show folders for tests, made in a temp dir from the committed fixtures.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir, sampleShowDir } from './env.js';

export const media = (name: string) => path.join(fixturesDir, 'media', name);

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

export interface EpisodeSpec {
  yaml?: string;
  files?: Record<string, string>; // name in folder -> fixture name
}

/** A show folder in a temp dir; its own cache dir so tests never share facts. */
export async function makeShow(episodes: Record<string, EpisodeSpec>, show = showYaml): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcaster-show-'));
  process.env.NETCASTER_CACHE_DIR = path.join(dir, '.cache');
  await fs.writeFile(path.join(dir, 'show.yaml'), show);
  await fs.copyFile(path.join(sampleShowDir, 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  for (const [slug, spec] of Object.entries(episodes)) {
    await fs.mkdir(path.join(dir, slug));
    for (const [name, fixture] of Object.entries(spec.files ?? {})) await fs.copyFile(media(fixture), path.join(dir, slug, name));
    await fs.writeFile(path.join(dir, slug, 'episode.yaml'), spec.yaml ?? episodeYaml(slug));
  }
  return dir;
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

/**
 * Overwrites a file's bytes with zeros, keeping its size and modification time: a check that
 * reads the file again finds it broken, one that trusts its facts cache (keyed on size and mtime)
 * does not. How the tests see which files a check read.
 */
export async function zeroKeepingStat(file: string): Promise<void> {
  const stat = await fs.stat(file, { bigint: true });
  const handle = await fs.open(file, 'r+');
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
