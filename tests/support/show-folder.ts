// Show folders for tests, made in a temp dir from the committed fixtures.
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
