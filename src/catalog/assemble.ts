// show folder -> manifests -> probed facts -> catalog, with every problem collected on the way.
// Reached through checkShow (build.ts), which answers from a snapshot when nothing changed.
//
// An episode with an error is left out of the catalog (and reported); the others go on, so a typo
// in one episode never holds back another. A broken show.yaml or show artwork leaves no catalog.
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { loadShow, EPISODE_FILE, SHOW_FILE, type LoadedEpisode } from '../show/load.js';
import type { EpisodeManifest, ShowManifest } from '../show/schema.js';
import type { Finding } from '../media/probe.js';
import { checkDeclaredFormat } from '../media/formats.js';
import type { MediaPool } from '../media/pool.js';
import { checkArtwork } from '../artwork/image.js';
import { checkCategory } from '../feeds/apple-categories.js';
import { personTaxonomyProblems } from '../show/person-taxonomy.js';
import { baseUrlProblem, httpUrlProblem } from '../show/urls.js';
import { JsonCache, MEDIA_FACTS_CACHE } from './cache.js';
import { fileInFolder, readHeadInFolder, readTextInFolder, realpathOr, type FoundFile } from './files.js';
import { isRefusal, READ_LIMITS, readShowText } from '../show/show-file.js';
import type { CheckOptions, CheckResult } from './build.js';
import type { Catalog, Chapter, Episode, EpisodeMedia, ImageFacts, MediaFacts, Problem, Show } from './types.js';

/** Formats of one episode whose durations differ by more than this are worth a warning. */
const DURATION_TOLERANCE_S = 1;
/** How many files are probed at once: enough to keep the disk busy, few enough to stay in cache. */
const PROBE_CONCURRENCY = 16;
/** Namespace for GUIDs derived from a folder name when episode.yaml has none. */
const DERIVED_GUID_NAMESPACE = '0f5b9a4e-2c1d-5f55-9d55-6e6574636173';

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

/** Probes on `media` (started by the caller, build.ts's checkShow). */
export async function checkShowFresh(showDir: string, options: CheckOptions & { media: MediaPool }): Promise<CheckResult> {
  const { media } = options;
  const loaded = await loadShow(showDir);
  options.onManifests?.(loaded);

  const problems = loaded.problems;
  const dir = loaded.dir;
  const realShowDir = realpathOr(dir);
  const mediaCache = new JsonCache<CachedMedia>(MEDIA_FACTS_CACHE, dir);
  const imageCache = new JsonCache<CachedImage>('images', dir);
  const used = new Set<string>();
  const probed: string[] = [];

  // Probing: a small pool, each file through the cache.
  const jobs: (() => Promise<void>)[] = [];
  let done = 0;
  const tick = () => options.onProgress?.(++done, jobs.length);

  const probeFile = async ({ path: abs, stat }: FoundFile): Promise<CachedMedia> => {
    used.add(abs);
    const hit = mediaCache.get(abs, stat);
    if (hit) return hit;
    const result = await media.probe(abs);
    probed.push(path.relative(dir, abs));
    mediaCache.set(abs, stat, result);
    return result;
  };
  const probeImageFile = async ({ path: abs, stat }: FoundFile, file: string): Promise<CachedImage> => {
    used.add(abs);
    const hit = imageCache.get(abs, stat);
    if (hit) return hit;
    const result = await probeImage(abs, file);
    probed.push(file);
    imageCache.set(abs, stat, result);
    return result;
  };

  // Show artwork.
  let showArtwork: ImageFacts | undefined;
  const m = loaded.manifest;
  if (m) {
    jobs.push(async () => {
      showArtwork = await imageInFolder(dir, realShowDir, m.artwork, SHOW_FILE, 'artwork', problems, probeImageFile);
      tick();
    });
  }

  // Episodes: each assembly gathers its pieces as its probe jobs finish.
  const assemblies = loaded.episodes.map((le) => new EpisodeAssembly(le, realShowDir));
  for (const a of assemblies) {
    const { le } = a;
    for (const [format, fileName] of Object.entries(le.manifest.media ?? {})) {
      jobs.push(async () => {
        await a.addMedia(format, fileName, probeFile);
        tick();
      });
    }
    const image = le.manifest.image;
    if (image) {
      jobs.push(async () => {
        a.image = await imageInFolder(le.dir, realShowDir, image, `${le.slug}/${EPISODE_FILE}`, 'image', a.problems, probeImageFile, le.slug);
        tick();
      });
    }
    jobs.push(async () => {
      a.readSideFiles();
      tick();
    });
  }

  await runPool(jobs, PROBE_CONCURRENCY);
  mediaCache.retain(used);
  imageCache.retain(used);
  mediaCache.save();
  imageCache.save();

  const list: Episode[] = [];
  for (const a of assemblies) {
    const episode = a.finish();
    problems.push(...a.problems);
    if (episode && !a.problems.some((p) => p.level === 'error')) list.push(episode);
  }

  const show = m && showArtwork ? buildShow(m, dir, showArtwork, options.baseUrl, problems) : undefined;
  if (m && !options.baseUrl && !m.baseUrl) {
    problems.push({ level: 'warning', file: SHOW_FILE, field: 'baseUrl', message: 'not set: feeds need absolute URLs, so `build` and `serve` will need --base-url' });
  }
  if (show) checkFeeds(show, new Set(loaded.episodes.flatMap((e) => Object.keys(e.manifest.media ?? {}))), problems);
  checkDuplicateGuids(list, problems);
  checkDuplicateNumbers(list, problems);

  list.sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || b.slug.localeCompare(a.slug));
  sortProblems(problems);
  return { catalog: show ? { show, episodes: list } : undefined, problems, probed: probed.sort() };
}

/** Collects one episode's pieces as its probe jobs finish. */
class EpisodeAssembly {
  problems: Problem[] = [];
  media: (EpisodeMedia | undefined)[] = [];
  image?: ImageFacts;
  notesMarkdown?: string;
  chapters?: Episode['chapters'];
  transcript?: Episode['transcript'];
  private readonly manifestFile: string;

  constructor(
    readonly le: LoadedEpisode,
    readonly realShowDir: string,
  ) {
    this.manifestFile = `${le.slug}/${EPISODE_FILE}`;
    this.media = Object.keys(le.manifest.media ?? {}).map(() => undefined);
    this.checkMaster();
  }

  /**
   * `master:` is the recording `netcaster encode` makes the formats from: never published, so it
   * may never be one of the media. Without `media:` the episode waits on `encode`.
   */
  private checkMaster(): void {
    const mf = this.le.manifest;
    if (mf.master !== undefined) {
      const found = fileInFolder(this.le.dir, this.realShowDir, mf.master);
      if ('message' in found) this.problems.push({ level: 'error', file: this.manifestFile, field: 'master', message: found.message });
      for (const [format, fileName] of Object.entries(mf.media ?? {})) {
        if (fileName === mf.master) {
          this.problems.push({ level: 'error', file: this.manifestFile, field: `media.${format}`, message: `is the master (${mf.master}), which is never published: run \`netcaster encode\` to make the ${format} from it` });
        }
      }
    }
    if (mf.media === undefined) {
      // A draft may wait; an episode meant for publication cannot go out without its files.
      const level = mf.draft ? 'warning' : 'error';
      const message =
        mf.master !== undefined
          ? `no media yet: waiting on \`netcaster encode\` to make them from the master ${mf.master}`
          : 'is required (or `master:`, a recording that `netcaster encode` makes the media from)';
      this.problems.push({ level, file: this.manifestFile, field: 'media', message });
    }
  }

  async addMedia(format: string, fileName: string, probe: (found: FoundFile) => Promise<CachedMedia>): Promise<void> {
    const index = Object.keys(this.le.manifest.media ?? {}).indexOf(format);
    const field = `media.${format}`;
    const found = fileInFolder(this.le.dir, this.realShowDir, fileName);
    if ('message' in found) {
      this.problems.push({ level: 'error', file: this.manifestFile, field, message: found.message });
      return;
    }
    const file = `${this.le.slug}/${fileName}`;
    const { facts, findings } = await probe(found);
    for (const f of findings) this.problems.push({ level: f.level, file, message: f.message });
    if (!facts) return;
    for (const f of checkDeclaredFormat(format, fileName, facts)) this.problems.push({ level: f.level, file, message: `${f.message} (${field} in ${EPISODE_FILE})` });
    this.media[index] = { format, fileName, path: found.path, facts };
  }

  readSideFiles(): void {
    const { le } = this;
    const files = new Set(le.files);
    if (files.has('notes.md')) {
      const notes = readShowText(path.join(le.dir, 'notes.md'), this.realShowDir, 'notes.md', READ_LIMITS.notes);
      if (isRefusal(notes)) this.problems.push({ level: 'error', file: `${le.slug}/notes.md`, message: notes.message });
      else this.notesMarkdown = notes.text;
    }

    const chaptersName = le.manifest.chapters ?? (files.has('chapters.json') ? 'chapters.json' : undefined);
    if (chaptersName) {
      const chapters = this.readChaptersFile(chaptersName);
      if (chapters) this.chapters = { source: 'file', chapters };
    }

    const transcriptName = le.manifest.transcript ?? ['transcript.vtt', 'transcript.srt'].find((n) => files.has(n));
    if (transcriptName) {
      // Only its first bytes are read (the signature); the file is served as it is, never parsed.
      const found = readHeadInFolder(le.dir, this.realShowDir, transcriptName, 256, READ_LIMITS.transcript);
      if ('message' in found) {
        this.problems.push({ level: 'error', file: this.manifestFile, field: 'transcript', message: found.message });
      } else {
        const head = found.head.toString('utf8').replace(/^\uFEFF/, '').slice(0, 64);
        const isVtt = /\.vtt$/i.test(transcriptName);
        if (isVtt && !/^WEBVTT(\s|$)/.test(head)) {
          this.problems.push({ level: 'error', file: `${le.slug}/${transcriptName}`, message: 'not a WebVTT file: it must start with "WEBVTT"' });
        } else if (!isVtt && !/\.srt$/i.test(transcriptName)) {
          this.problems.push({ level: 'error', file: this.manifestFile, field: 'transcript', message: `must be a WebVTT (.vtt) or SubRip (.srt) file, got ${transcriptName}` });
        } else {
          const { path: abs, stat } = found;
          this.transcript = { path: abs, fileName: transcriptName, mime: isVtt ? 'text/vtt' : 'application/x-subrip', size: stat.size, mtimeMs: stat.mtimeMs };
        }
      }
    }
  }

  private readChaptersFile(name: string): Chapter[] | undefined {
    const file = `${this.le.slug}/${name}`;
    const found = readTextInFolder(this.le.dir, this.realShowDir, name, READ_LIMITS.chapters);
    if ('message' in found) {
      this.problems.push({ level: 'error', file: this.manifestFile, field: 'chapters', message: found.message });
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(found.text);
    } catch (err) {
      this.problems.push({ level: 'error', file, message: `not valid JSON: ${(err as Error).message}` });
      return undefined;
    }
    // https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md
    const list = (data as { chapters?: unknown })?.chapters;
    if (!Array.isArray(list)) {
      this.problems.push({ level: 'error', file, field: 'chapters', message: 'must be an array of chapters (Podcast Index JSON chapters)' });
      return undefined;
    }
    const chapters: Chapter[] = [];
    list.forEach((c: Record<string, unknown>, i) => {
      const field = `chapters.${i}`;
      if (typeof c?.startTime !== 'number' || c.startTime < 0) {
        this.problems.push({ level: 'error', file, field: `${field}.startTime`, message: 'must be a number of seconds, 0 or more' });
        return;
      }
      if (typeof c.title !== 'string' || !c.title) {
        this.problems.push({ level: 'error', file, field: `${field}.title`, message: 'is required' });
        return;
      }
      const chapter: Chapter = { startTime: c.startTime, title: c.title };
      if (typeof c.endTime === 'number') chapter.endTime = c.endTime;
      for (const key of ['url', 'img'] as const) {
        if (typeof c[key] !== 'string') continue;
        // As in the notes (src/notes/markdown.ts), only http(s) reaches listeners: apps open a
        // chapter's url and load its img, and javascript: or data: has no business there.
        const problem = httpUrlProblem(c[key]);
        if (problem) this.problems.push({ level: 'warning', file, field: `${field}.${key}`, message: `${problem}: left out of the chapters` });
        else chapter[key] = c[key];
      }
      chapters.push(chapter);
    });
    for (let i = 1; i < chapters.length; i++) {
      if (chapters[i].startTime < chapters[i - 1].startTime) {
        this.problems.push({ level: 'warning', file, field: `chapters.${i}.startTime`, message: 'chapters are not in time order' });
        break;
      }
    }
    return chapters;
  }

  finish(): Episode | undefined {
    const { le } = this;
    const mf = le.manifest;
    const media = this.media.filter((x): x is EpisodeMedia => !!x);
    if (media.length !== this.media.length) return undefined; // a media file had an error
    if (media.length === 0) return undefined; // no media: yet (checkMaster said so)

    this.crossCheck(mf, media);
    if (!this.chapters) {
      const embedded = media.find((x) => x.facts.chapters.length > 0);
      if (embedded) this.chapters = { source: 'embedded', chapters: embedded.facts.chapters };
    }
    const longest = Math.max(0, ...media.map((x) => x.facts.duration ?? 0));
    if (this.chapters?.source === 'file' && longest > 0) {
      const late = this.chapters.chapters.findIndex((c) => c.startTime > longest);
      if (late >= 0) this.problems.push({ level: 'warning', file: `${le.slug}/${mf.chapters ?? 'chapters.json'}`, field: `chapters.${late}.startTime`, message: `starts after the end of the media (${Math.round(longest)} s)` });
    }

    let guid = mf.guid;
    if (!guid) {
      guid = uuidv5(le.slug, DERIVED_GUID_NAMESPACE);
      this.problems.push({ level: 'warning', file: this.manifestFile, field: 'guid', message: `not set: using ${guid}, derived from the folder name; add \`guid: ${guid}\` so renaming the folder never changes it` });
    }
    return {
      slug: le.slug,
      dir: le.dir,
      title: mf.title,
      date: new Date(Date.parse(mf.date.replace(' ', 'T'))).toISOString(),
      summary: mf.summary,
      guid,
      ...(mf.number !== undefined && { number: mf.number }),
      ...(mf.season !== undefined && { season: mf.season }),
      episodeType: mf.type ?? 'full',
      ...(mf.explicit !== undefined && { explicit: mf.explicit }),
      draft: mf.draft ?? false,
      ...(this.image && { image: this.image }),
      ...(this.notesMarkdown !== undefined && { notesMarkdown: this.notesMarkdown }),
      media,
      ...(this.chapters && { chapters: this.chapters }),
      ...(this.transcript && { transcript: this.transcript }),
      links: mf.links ?? [],
    };
  }

  /** Warnings a podcaster should fix: formats that disagree, tags that contradict the manifest. */
  private crossCheck(mf: EpisodeManifest, media: EpisodeMedia[]): void {
    if (Number.isNaN(Date.parse(mf.date.replace(' ', 'T')))) {
      this.problems.push({ level: 'error', file: this.manifestFile, field: 'date', message: `not a real date: ${mf.date}` });
    }
    const timed = media.filter((x) => x.facts.duration !== undefined);
    if (timed.length > 1) {
      const min = timed.reduce((a, b) => (a.facts.duration! <= b.facts.duration! ? a : b));
      const max = timed.reduce((a, b) => (a.facts.duration! >= b.facts.duration! ? a : b));
      if (max.facts.duration! - min.facts.duration! > DURATION_TOLERANCE_S) {
        this.problems.push({
          level: 'warning',
          file: this.manifestFile,
          field: 'media',
          message: `formats disagree on duration: ${min.fileName} is ${fmt(min.facts.duration!)}, ${max.fileName} is ${fmt(max.facts.duration!)} (is one of them cut short or a different edit?)`,
        });
      }
    }
    for (const x of media) {
      const file = `${this.le.slug}/${x.fileName}`;
      const tagTitle = x.facts.tags.title?.trim();
      if (tagTitle && !looselyEqual(tagTitle, mf.title)) {
        this.problems.push({ level: 'warning', file, field: 'tags.title', message: `embedded title "${tagTitle}" contradicts episode.yaml's title "${mf.title}"` });
      }
      if (x.facts.tags.track !== undefined && mf.number !== undefined && x.facts.tags.track !== mf.number) {
        this.problems.push({ level: 'warning', file, field: 'tags.track', message: `embedded track number ${x.facts.tags.track} contradicts episode.yaml's number ${mf.number}` });
      }
      if (x.facts.duration === undefined) {
        this.problems.push({ level: 'error', file, message: 'duration could not be determined from the file' });
      }
    }
  }
}

/** Titles match if one contains the other once case, punctuation and spacing are ignored ("VirtZine #46: The Mega Edition!" vs "The Mega Edition!"). */
function looselyEqual(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '');
  const x = norm(a);
  const y = norm(b);
  return x.includes(y) || y.includes(x);
}

const fmt = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;

async function imageInFolder(
  folder: string,
  realShowDir: string,
  name: string,
  manifestFile: string,
  field: string,
  problems: Problem[],
  probe: (found: FoundFile, file: string) => Promise<CachedImage>,
  slug?: string,
): Promise<ImageFacts | undefined> {
  // The image library reads artwork whole: bounded here.
  const found = fileInFolder(folder, realShowDir, name, READ_LIMITS.artwork);
  if ('message' in found) {
    problems.push({ level: 'error', file: manifestFile, field, message: found.message });
    return undefined;
  }
  const file = slug ? `${slug}/${name}` : name;
  const { facts, findings } = await probe(found, file);
  // Filed under the manifest field that names the image (the messages name the image itself):
  // an image has no fields of its own, and `artwork`/`image` is where the fix goes.
  for (const f of findings) problems.push({ level: f.level, file: manifestFile, field, message: f.message });
  if (!facts) return undefined;
  const checks = checkArtwork(facts, name);
  for (const f of checks) problems.push({ level: f.level, file: manifestFile, field, message: f.message });
  return [...findings, ...checks].some((f) => f.level === 'error') ? undefined : facts;
}

function buildShow(m: ShowManifest, dir: string, artwork: ImageFacts, baseUrlOverride: string | undefined, problems: Problem[]): Show {
  for (const [i, name] of (m.categories ?? []).entries()) {
    const message = checkCategory(name);
    if (message) problems.push({ level: 'error', file: SHOW_FILE, field: `categories.${i}`, message });
  }
  // The schema refuses most bad base URLs; the URL parser finds the rest (a host that is no host).
  const baseUrlWhy = m.baseUrl === undefined ? undefined : baseUrlProblem(m.baseUrl);
  if (baseUrlWhy) problems.push({ level: 'error', file: SHOW_FILE, field: 'baseUrl', message: baseUrlWhy });
  const baseUrl = (baseUrlOverride ?? (baseUrlWhy ? undefined : m.baseUrl))?.replace(/\/+$/, '');
  for (const [i, person] of (m.persons ?? []).entries()) {
    for (const p of personTaxonomyProblems(person)) problems.push({ level: 'warning', file: SHOW_FILE, field: `persons.${i}.${p.field}`, message: p.message });
  }
  checkFeedGuids(m, problems);
  const hubs = m.hub === undefined ? [] : Array.isArray(m.hub) ? m.hub : [m.hub];
  return {
    dir,
    title: m.title,
    description: m.description,
    author: m.author,
    language: m.language,
    ...(baseUrl && { baseUrl }),
    artwork,
    ...(m.owner && { owner: m.owner }),
    categories: m.categories ?? [],
    explicit: m.explicit ?? false,
    type: m.type ?? 'episodic',
    ...(m.copyright !== undefined && { copyright: m.copyright }),
    ...(m.locked !== undefined && { locked: m.locked }),
    funding: m.funding ?? [],
    persons: m.persons ?? [],
    hubs,
    feeds: Object.entries(m.feeds).map(([name, f]) => ({
      name,
      title: f.title,
      ...(f.description !== undefined && { description: f.description }),
      enclosure: f.enclosure,
      alternates: f.alternates ?? [],
      ...feedGuid(m, f.guid),
      ...(f.limit !== undefined && { limit: f.limit }),
    })),
  };
}

/**
 * A podcast:guid names one feed: Podcast Index takes two feeds with the same guid for one podcast
 * and keeps only one (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md).
 * So a show-level `guid` is the guid of a show with one feed, and is refused when there are more.
 */
function feedGuid(m: ShowManifest, own: string | undefined): { guid?: string } {
  // As written: a published guid is compared byte for byte by some directories.
  if (own !== undefined) return { guid: own };
  if (m.guid !== undefined && Object.keys(m.feeds).length === 1) return { guid: m.guid };
  return {};
}

/** Problems of the guids show.yaml sets: a show-level one over several feeds, or one feed's repeated in another. */
function checkFeedGuids(m: ShowManifest, problems: Problem[]): void {
  const names = Object.keys(m.feeds);
  if (m.guid !== undefined && names.length > 1) {
    problems.push({
      level: 'error',
      file: SHOW_FILE,
      field: 'guid',
      message: `one podcast:guid for ${names.length} feeds (${names.join(', ')}): Podcast Index would take them for one podcast and keep only one. Remove it (each feed then gets its own, derived from its URL) or set a different guid under each feed`,
    });
  }
  const seen = new Map<string, string>();
  for (const [name, f] of Object.entries(m.feeds)) {
    if (f.guid === undefined) continue;
    const other = seen.get(f.guid.toLowerCase());
    if (other) problems.push({ level: 'error', file: SHOW_FILE, field: `feeds.${name}.guid`, message: `same guid as the feed "${other}": each feed is its own podcast and needs its own` });
    else seen.set(f.guid.toLowerCase(), name);
  }
}

/** Feeds whose enclosure format no episode declares are empty: almost always a typo in one of them. */
function checkFeeds(show: Show, declaredFormats: Set<string>, problems: Problem[]): void {
  for (const feed of show.feeds) {
    if (!declaredFormats.has(feed.enclosure)) {
      problems.push({ level: 'warning', file: SHOW_FILE, field: `feeds.${feed.name}.enclosure`, message: `no episode has a "${feed.enclosure}" file, so this feed is empty` });
    }
    if (feed.alternates.includes(feed.enclosure)) {
      problems.push({ level: 'warning', file: SHOW_FILE, field: `feeds.${feed.name}.alternates`, message: `lists the enclosure format "${feed.enclosure}" again` });
    }
  }
}

function checkDuplicateGuids(episodes: Episode[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const e of episodes) {
    const other = seen.get(e.guid);
    if (other) problems.push({ level: 'error', file: `${e.slug}/${EPISODE_FILE}`, field: 'guid', message: `same guid as ${other}: every episode needs its own` });
    else seen.set(e.guid, e.slug);
  }
}

/**
 * Apps sort and label episodes by season and number (itunes:episode), so two full episodes with
 * the same number in the same season are almost always a copied episode.yaml. Trailers and bonus
 * episodes may carry the number of the episode they belong to
 * (https://podcasters.apple.com/support/823-podcast-requirements), so only full episodes count.
 */
function checkDuplicateNumbers(episodes: Episode[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const e of [...episodes].sort((a, b) => a.slug.localeCompare(b.slug))) {
    if (e.number === undefined || e.episodeType !== 'full') continue;
    const key = `${e.season ?? ''}:${e.number}`;
    const other = seen.get(key);
    const season = e.season === undefined ? '' : ` in season ${e.season}`;
    if (other) problems.push({ level: 'warning', file: `${e.slug}/${EPISODE_FILE}`, field: 'number', message: `same number ${e.number}${season} as ${other}/${EPISODE_FILE}: apps would show two episodes ${e.number}` });
    else seen.set(key, e.slug);
  }
}

function sortProblems(problems: Problem[]): void {
  problems.sort((a, b) => a.file.localeCompare(b.file) || (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
}

async function runPool(jobs: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}
