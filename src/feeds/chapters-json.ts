// Podcast Index JSON chapters, served at /episodes/<slug>/chapters.json and announced in the feed
// with <podcast:chapters type="application/json+chapters">.
// Format: https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md
import type { Chapter, Episode } from '../contract/catalog.js';

/** The format version this file follows. */
const chaptersVersion = '1.2.0';

// Embedded chapter times come out of the media as floats (12.345000001); milliseconds are more
// than any player uses, and rounding keeps the file identical from one probe to the next.
const seconds = (t: number) => Math.round(t * 1000) / 1000;

/** One chapter with its keys always in the same order and no undefined ones. */
function chapterObject(chapter: Chapter): Record<string, string | number> {
  const out: Record<string, string | number> = { startTime: seconds(chapter.startTime) };
  if (chapter.endTime !== undefined) out.endTime = seconds(chapter.endTime);
  out.title = chapter.title;
  if (chapter.img !== undefined) out.img = chapter.img;
  if (chapter.url !== undefined) out.url = chapter.url;
  return out;
}

/** The episode's chapters as a JSON chapters document, or undefined when it has none. */
export function renderChapters(episode: Episode): string | undefined {
  const chapters = episode.chapters?.chapters ?? [];
  if (chapters.length === 0) return undefined;
  // The spec orders chapters by startTime; a stable sort keeps equal times as written.
  const ordered = [...chapters].sort((a, b) => a.startTime - b.startTime);
  return JSON.stringify({ version: chaptersVersion, chapters: ordered.map(chapterObject) }, null, 2) + '\n';
}
