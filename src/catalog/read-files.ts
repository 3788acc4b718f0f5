// The I/O half of a check: show folder -> manifests -> every file they name, read or probed.
// The manifests come from src/show/load.ts; each media file and image is probed through the
// facts cache (only files whose size or modification time changed are read again), the side
// files (notes, chapters, transcript) are read with their bounds. What comes out is plain data
// for assemble.ts, which turns it into the catalog without touching the disk.
import fs from 'node:fs';
import path from 'node:path';
import type { Episode, EpisodeMedia, ImageFacts, MediaFacts } from '../contract/catalog.js';
import type { Finding, Problem } from '../contract/problems.js';
import { checkDeclaredFormat } from '../media/formats.js';
import type { MediaPool } from '../media/pool.js';
import { checkArtwork } from '../artwork/image.js';
import { loadShow, EPISODE_FILE, SHOW_FILE, type LoadedEpisode, type LoadedShow, type LoadHooks } from '../show/load.js';
import { isRefusal, READ_LIMITS, readShowText } from '../show/show-file.js';
import { IMAGE_FACTS_CACHE, JsonCache, MEDIA_FACTS_CACHE } from './cache.js';
import { fileInFolder, openInFolder, readHeadInFolder, readTextInFolder, realpathOr, type FoundFile } from './files.js';

/** The start of a SubRip file: blank lines, a cue number, then its time line (https://en.wikipedia.org/wiki/SubRip#Format). */
const SRT_START = /^\s*\d+[ \t]*\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->/;

/** How many files are probed at once: enough to keep the disk busy, few enough to stay in cache. */
const PROBE_CONCURRENCY = 16;

/** What a check read of a show: the manifests, and the facts of every file they name. */
export interface ShowFiles {
  loaded: LoadedShow;
  /** Problems of the show's own files (its artwork), beside the manifests' (`loaded.problems`). */
  problems: Problem[];
  /** Undefined when show.yaml is broken, or its artwork is missing or unusable (a problem says why). */
  showArtwork?: ImageFacts;
  episodes: EpisodeFiles[];
}

/** One episode folder's files, as found. */
export interface EpisodeFiles {
  loaded: LoadedEpisode;
  /** Problems of the files this episode names (not found, refused, unreadable, or what their probe found). */
  problems: Problem[];
  /** One per entry of the manifest's `media:`, in its order; undefined where that file cannot be published. */
  media: (EpisodeMedia | undefined)[];
  image?: ImageFacts;
  notesMarkdown?: string;
  /** The chapters file's text and name (chapters.json, or what `chapters:` names), parsed by assemble.ts. */
  chaptersFile?: { name: string; text: string };
  transcript?: Episode['transcript'];
}

export interface ReadOptions {
  /** Probes run on these workers (started by the caller). */
  workers: MediaPool;
  /** Called once show.yaml is read, before the episodes' manifests (see loadShow). */
  onShowManifest?: LoadHooks['onShowManifest'];
  /** Manifests already parsed, by their text (see loadShow). */
  parsedManifests?: LoadHooks['parsed'];
  /** Episode folders' names, listed already (see loadShow). */
  listed?: LoadHooks['listed'];
  /** Called once the manifests are read, before any file is probed. */
  onManifests?: (show: LoadedShow) => void;
  /** Called as files are done, for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

interface CachedMedia {
  facts?: MediaFacts;
  findings: Finding[];
}
interface CachedImage {
  facts?: ImageFacts;
  findings: Finding[];
}

// sharp is loaded only when an image actually needs probing (media parsers load in pool.ts),
// so a check where every file is cached never pays for them.
const probeImage = async (abs: string, file: string) => (await import('../artwork/image.js')).probeImage(abs, file);

export async function readShowFiles(showDir: string, options: ReadOptions): Promise<ShowFiles> {
  const loaded = await loadShow(showDir, {
    onShowManifest: options.onShowManifest,
    parsed: options.parsedManifests,
    listed: options.listed,
  });
  options.onManifests?.(loaded);
  const reader = new FileReader(loaded.dir, options.workers);

  const jobs: (() => Promise<void>)[] = [];
  let done = 0;
  const tick = () => options.onProgress?.(++done, jobs.length);

  const files: ShowFiles = { loaded, problems: [], episodes: [] };
  const m = loaded.manifest;
  if (m) {
    jobs.push(async () => {
      files.showArtwork = await reader.image(loaded.dir, m.artwork, SHOW_FILE, 'artwork', files.problems);
      tick();
    });
  }

  for (const le of loaded.episodes) {
    const episode: EpisodeFiles = { loaded: le, problems: [], media: Object.keys(le.manifest.media ?? {}).map(() => undefined) };
    files.episodes.push(episode);
    const manifestFile = `${le.slug}/${EPISODE_FILE}`;
    if (le.manifest.master !== undefined) {
      const found = fileInFolder(le.dir, reader.realShowDir, le.manifest.master);
      if ('message' in found) episode.problems.push({ level: 'error', file: manifestFile, field: 'master', message: found.message });
    }
    Object.entries(le.manifest.media ?? {}).forEach(([format, fileName], index) => {
      jobs.push(async () => {
        episode.media[index] = await reader.media(le, format, fileName, episode.problems);
        tick();
      });
    });
    const image = le.manifest.image;
    if (image) {
      jobs.push(async () => {
        episode.image = await reader.image(le.dir, image, manifestFile, 'image', episode.problems, le.slug);
        tick();
      });
    }
    jobs.push(async () => {
      reader.sideFiles(episode);
      tick();
    });
  }

  await runPool(jobs, PROBE_CONCURRENCY);
  reader.saveCaches();
  return files;
}

/** Reads and probes the files of one show, each through its cache. */
class FileReader {
  readonly realShowDir: string;
  private readonly mediaCache: JsonCache<CachedMedia>;
  private readonly imageCache: JsonCache<CachedImage>;
  private readonly used = new Set<string>();

  constructor(
    dir: string,
    private readonly workers: MediaPool,
  ) {
    this.realShowDir = realpathOr(dir);
    this.mediaCache = new JsonCache<CachedMedia>(MEDIA_FACTS_CACHE, dir);
    this.imageCache = new JsonCache<CachedImage>(IMAGE_FACTS_CACHE, dir);
  }

  /** Facts of one media file of an episode, or undefined (and its problems) when it cannot be published. */
  async media(le: LoadedEpisode, format: string, fileName: string, problems: Problem[]): Promise<EpisodeMedia | undefined> {
    const field = `media.${format}`;
    const found = openInFolder(le.dir, this.realShowDir, fileName);
    if ('message' in found) {
      // A draft may wait for its files (`netcaster new` names them before they exist): it is published
      // nowhere, so it must not hold back the rest of the show. Any other problem is still an error.
      const waits = le.manifest.draft === true && found.missing === true;
      problems.push({
        level: waits ? 'warning' : 'error',
        file: `${le.slug}/${EPISODE_FILE}`,
        field,
        message: waits ? `${found.message} (a draft: it waits for the file)` : found.message,
      });
      return undefined;
    }
    const file = `${le.slug}/${fileName}`;
    let probed: CachedMedia;
    try {
      // Probed from the descriptor the guard checked: the file read is the file that was judged.
      probed = await this.cached(this.mediaCache, found, () => this.workers.probe(found.path, found.fd));
    } finally {
      fs.closeSync(found.fd);
    }
    const { facts, findings } = probed;
    for (const f of findings) problems.push({ level: f.level, file, message: f.message });
    if (!facts) return undefined;
    for (const f of checkDeclaredFormat(format, fileName, facts))
      problems.push({ level: f.level, file, message: `${f.message} (${field} in ${EPISODE_FILE})` });
    return { format, fileName, path: found.path, facts };
  }

  /**
   * Facts of an image a manifest names (show artwork, an episode's image). Its problems are filed
   * under the manifest field that names it (the messages name the image itself): an image has no
   * fields of its own, and `artwork`/`image` is where the fix goes.
   */
  async image(
    folder: string,
    name: string,
    manifestFile: string,
    field: string,
    problems: Problem[],
    slug?: string,
  ): Promise<ImageFacts | undefined> {
    // The image library reads artwork whole: bounded here.
    const found = fileInFolder(folder, this.realShowDir, name, READ_LIMITS.artwork);
    if ('message' in found) {
      problems.push({ level: 'error', file: manifestFile, field, message: found.message });
      return undefined;
    }
    const file = slug ? `${slug}/${name}` : name;
    const { facts, findings } = await this.cached(this.imageCache, found, () => probeImage(found.path, file));
    for (const f of findings) problems.push({ level: f.level, file: manifestFile, field, message: f.message });
    if (!facts) return undefined;
    const checks = checkArtwork(facts, name);
    for (const f of checks) problems.push({ level: f.level, file: manifestFile, field, message: f.message });
    return [...findings, ...checks].some((f) => f.level === 'error') ? undefined : facts;
  }

  /** Notes, chapters file and transcript: read (bounded), not yet judged. */
  sideFiles(episode: EpisodeFiles): void {
    const le = episode.loaded;
    const manifestFile = `${le.slug}/${EPISODE_FILE}`;
    const files = new Set(le.files);
    if (files.has('notes.md')) {
      const notes = readShowText(path.join(le.dir, 'notes.md'), this.realShowDir, 'notes.md', READ_LIMITS.notes);
      if (isRefusal(notes)) episode.problems.push({ level: 'error', file: `${le.slug}/notes.md`, message: notes.message });
      else episode.notesMarkdown = notes.text;
    }

    const chaptersName = le.manifest.chapters ?? (files.has('chapters.json') ? 'chapters.json' : undefined);
    if (chaptersName) {
      const found = readTextInFolder(le.dir, this.realShowDir, chaptersName, READ_LIMITS.chapters);
      if ('message' in found) episode.problems.push({ level: 'error', file: manifestFile, field: 'chapters', message: found.message });
      else episode.chaptersFile = { name: chaptersName, text: found.text };
    }

    const transcriptName = le.manifest.transcript ?? ['transcript.vtt', 'transcript.srt'].find((n) => files.has(n));
    if (transcriptName) {
      // Only its first bytes are read (the signature); the file is served as it is, never parsed.
      const found = readHeadInFolder(le.dir, this.realShowDir, transcriptName, 256, READ_LIMITS.transcript);
      if ('message' in found) {
        episode.problems.push({ level: 'error', file: manifestFile, field: 'transcript', message: found.message });
        return;
      }
      const text = found.head.toString('utf8').replace(/^\uFEFF/, '');
      const head = text.slice(0, 64);
      const isVtt = /\.vtt$/i.test(transcriptName);
      const isSrt = /\.srt$/i.test(transcriptName);
      if (isVtt && !/^WEBVTT(\s|$)/.test(head)) {
        episode.problems.push({
          level: 'error',
          file: `${le.slug}/${transcriptName}`,
          message: 'not a WebVTT file: it must start with "WEBVTT"',
        });
      } else if (isSrt && !SRT_START.test(text)) {
        // Served as it is: without this, any file so named (a link to show.yaml, netcaster.lock or a master) would be published.
        episode.problems.push({
          level: 'error',
          file: `${le.slug}/${transcriptName}`,
          message: 'not a SubRip file: it must start with a cue number and a time line such as "00:00:01,000 --> 00:00:04,000"',
        });
      } else if (!isVtt && !/\.srt$/i.test(transcriptName)) {
        episode.problems.push({
          level: 'error',
          file: manifestFile,
          field: 'transcript',
          message: `must be a WebVTT (.vtt) or SubRip (.srt) file, got ${transcriptName}`,
        });
      } else {
        const { path: abs, stat } = found;
        episode.transcript = {
          path: abs,
          fileName: transcriptName,
          mime: isVtt ? 'text/vtt' : 'application/x-subrip',
          size: stat.size,
          mtimeMs: stat.mtimeMs,
        };
      }
    }
  }

  /** The caches keep only the files this check used, so a removed episode's facts do not linger. */
  saveCaches(): void {
    for (const cache of [this.mediaCache, this.imageCache]) {
      cache.retain(this.used);
      cache.save();
    }
  }

  private async cached<T>(cache: JsonCache<T>, { path: abs, stat }: FoundFile, probe: () => Promise<T>): Promise<T> {
    this.used.add(abs);
    const hit = cache.get(abs, stat);
    if (hit) return hit;
    const result = await probe();
    cache.set(abs, stat, result);
    return result;
  }
}

/**
 * A probe that finds its file in the page cache never waits on I/O: its reads are synchronous, so
 * the pool's jobs follow one another as promise continuations, and the event loop gets no turn
 * until the last is done. What other threads finished meanwhile waited for that turn: a cold
 * build's artwork copies (sharp, on libuv's threads) were made in some 40 ms and taken up 150-250 ms
 * later, when the whole show was probed, and the build then waited for them (issue 12). A turn
 * with nothing to take up costs a few microseconds.
 */
const JOBS_BETWEEN_TURNS = 8;

export async function runPool(jobs: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  let sinceTurn = 0;
  // One turn for all the pool's workers: the event loop turns only once none of them has a
  // continuation left to run.
  let turn: Promise<void> | undefined;
  const worker = async () => {
    while (next < jobs.length) {
      if (sinceTurn >= JOBS_BETWEEN_TURNS) {
        turn ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          sinceTurn = 0;
          turn = undefined;
        });
        await turn;
        continue; // another worker may have taken the last job meanwhile
      }
      sinceTurn++;
      await jobs[next++]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}
