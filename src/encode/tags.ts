// Tags and chapters for every output, as one FFMETADATA file (https://ffmpeg.org/ffmpeg-formats.html#Metadata-2).
// ffmpeg turns it into ID3v2.3 frames in an MP3 (TIT2, TPE1, TALB, TRCK, TYER, COMM, and CHAP
// with a CTOC for the chapters: https://id3.org/id3v2-chapters-1.0), into iTunes atoms and a
// chapter track in an MP4, and into Matroska Tags and Chapters in a WebM. So every format says
// the same thing, and the check never finds tags contradicting the manifest.
import fs from 'node:fs';
import path from 'node:path';
import type { Chapter } from '../contract/catalog.js';

export interface EpisodeTags {
  title: string;
  /** The show's author. */
  artist: string;
  /** The show's title. */
  album: string;
  track?: number;
  year: number;
  /** The episode's summary (COMM in an MP3). */
  comment: string;
}

/** FFMETADATA escapes '=', ';', '#', '\' and newlines with a backslash. */
function escape(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/** The FFMETADATA text: global tags, then one [CHAPTER] per chapter, in milliseconds. */
export function ffmetadata(tags: EpisodeTags, chapters: Chapter[], duration: number): string {
  const lines = [';FFMETADATA1'];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`${key}=${escape(String(value))}`);
  };
  add('title', tags.title);
  add('artist', tags.artist);
  add('album', tags.album);
  add('track', tags.track);
  add('date', tags.year);
  add('comment', tags.comment);
  const ms = (s: number) => Math.round(s * 1000);
  const ordered = chapters.filter((c) => c.startTime < duration).sort((a, b) => a.startTime - b.startTime);
  ordered.forEach((c, i) => {
    // A chapter ends where the next begins (or where it says, if earlier), the last with the episode.
    const next = ordered[i + 1]?.startTime ?? duration;
    const end = Math.min(c.endTime !== undefined && c.endTime > c.startTime ? c.endTime : next, next);
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${ms(c.startTime)}`, `END=${ms(end)}`);
    add('title', c.title);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The episode's chapters from its Podcast Index JSON chapters file
 * (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md).
 * Returns a message instead when the file cannot be used; `check` describes it in detail.
 */
export function readChapters(episodeDir: string, name: string): Chapter[] | { message: string } {
  let data: unknown;
  try {
    const file = path.join(episodeDir, name);
    if (fs.statSync(file).size > 4 * 1024 * 1024) return { message: 'is larger than 4 MB' };
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { message: `cannot be read as JSON chapters: ${(err as Error).message}` };
  }
  const list = (data as { chapters?: unknown })?.chapters;
  if (!Array.isArray(list)) return { message: 'must hold an array of chapters (Podcast Index JSON chapters)' };
  const chapters: Chapter[] = [];
  for (const c of list as Record<string, unknown>[]) {
    if (typeof c?.startTime !== 'number' || typeof c.title !== 'string' || !c.title)
      return { message: 'every chapter needs a startTime and a title: run `netcaster check`' };
    chapters.push({ startTime: c.startTime, title: c.title, ...(typeof c.endTime === 'number' && { endTime: c.endTime }) });
  }
  return chapters;
}
