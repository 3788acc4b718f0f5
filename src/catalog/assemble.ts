// The pure half of a check: what read-files.ts found (manifests, facts, side files) -> the
// catalog, with every problem collected on the way. No disk, no clock: testable from in-memory
// facts. Reached through checkShow (check-show.ts), which answers from a snapshot when nothing
// changed.
//
// An episode with an error is left out of the catalog (and reported); the others go on, so a typo
// in one episode never holds back another. A broken show.yaml or show artwork leaves no catalog.
import type { Catalog, Chapter, Episode, EpisodeMedia, ImageFacts, Show } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import { isRealDay } from '../contract/calendar.js';
import type { EpisodeManifest, ShowManifest } from '../show/schema.js';
import { EPISODE_FILE, SHOW_FILE } from '../show/load.js';
import { APPLE_DESCRIPTION_BYTES, checkCategory } from '../show/apple-categories.js';
import { compareNames } from '../show/name-order.js';
import { personTaxonomyProblems } from '../show/person-taxonomy.js';
import { baseUrlProblem, httpUrlProblem } from '../show/urls.js';
import type { EpisodeFiles, ShowFiles } from './read-files.js';
import { uuidV5 } from './uuid-v5.js';

/** Formats of one episode whose durations differ by more than this are worth a warning. */
const DURATION_TOLERANCE_S = 1;
/** Namespace for GUIDs derived from a folder name when episode.yaml has none. */
const DERIVED_GUID_NAMESPACE = '0f5b9a4e-2c1d-5f55-9d55-6e6574636173';

/** `baseUrl` overrides show.yaml's (as `--base-url` does). */
export function assembleCatalog(files: ShowFiles, baseUrl?: string): { catalog?: Catalog; problems: Problem[] } {
  const { loaded } = files;
  const problems = [...loaded.problems, ...files.problems];
  const list: Episode[] = [];
  for (const episodeFiles of files.episodes) {
    const episodeProblems: Problem[] = [];
    const episode = assembleEpisode(episodeFiles, episodeProblems);
    problems.push(...episodeProblems);
    if (episode && !episodeProblems.some((p) => p.level === 'error')) list.push(episode);
  }

  const m = loaded.manifest;
  // show.yaml's own problems are said whether or not its artwork is usable: they were hidden
  // behind a broken artwork, and came one at a time.
  const baseUrlUsable = m ? checkShowManifest(m, problems) : false;
  const show = m && files.showArtwork ? buildShow(m, loaded.dir, files.showArtwork, baseUrl, baseUrlUsable) : undefined;
  if (m && !baseUrl && !m.baseUrl) {
    problems.push({
      level: 'warning',
      file: SHOW_FILE,
      field: 'baseUrl',
      message: 'not set: feeds need absolute URLs, so `build` will need --base-url (`serve` without it links to the address it listens on)',
    });
  }
  if (show) checkFeeds(show, new Set(loaded.episodes.flatMap((e) => Object.keys(e.manifest.media ?? {}))), problems);
  checkDuplicateGuids(list, problems);
  checkDuplicateNumbers(list, problems);

  list.sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || compareNames(b.slug, a.slug));
  sortProblems(problems);
  return { catalog: show ? { show, episodes: list } : undefined, problems };
}

/** One episode from its files, or undefined when a file it needs is missing or broken. */
function assembleEpisode(files: EpisodeFiles, problems: Problem[]): Episode | undefined {
  const le = files.loaded;
  const mf = le.manifest;
  const manifestFile = `${le.slug}/${EPISODE_FILE}`;
  problems.push(...masterProblems(mf, manifestFile), ...files.problems);
  for (const field of ['title', 'summary'] as const) {
    if (isBlank(mf[field])) problems.push({ level: 'error', file: manifestFile, field, message: BLANK_MESSAGE });
  }
  // The schema checks the date's form; its values (a 30th of February, 25:61, an offset of +99:99)
  // only here. Date.parse answers NaN for some and rolls others over to another day.
  const published = publicationTime(mf.date);
  if (published === undefined) {
    problems.push({ level: 'error', file: manifestFile, field: 'date', message: `not a real date: ${mf.date}` });
    return undefined;
  }

  let chapters: Episode['chapters'] | undefined;
  /** Each chapter's index in the chapters file (those left out shift the rest), for the fields problems name. */
  let filePositions: number[] = [];
  if (files.chaptersFile) {
    const parsed = parseChaptersFile(files.chaptersFile.text, `${le.slug}/${files.chaptersFile.name}`, problems);
    if (parsed) {
      chapters = { source: 'file', chapters: parsed.chapters };
      filePositions = parsed.positions;
    }
  }

  const media = files.media.filter((x): x is EpisodeMedia => !!x);
  if (media.length !== files.media.length) return undefined; // a media file had an error
  if (media.length === 0) return undefined; // no media: yet (masterProblems said so)

  crossCheck(mf, media, le.slug, manifestFile, problems);
  if (!chapters) {
    const embedded = media.find((x) => x.facts.chapters.length > 0);
    if (embedded) chapters = { source: 'embedded', chapters: embedded.facts.chapters };
  }
  const longest = Math.max(0, ...media.map((x) => x.facts.duration ?? 0));
  if (chapters?.source === 'file' && longest > 0) {
    const late = chapters.chapters.findIndex((c) => c.startTime > longest);
    if (late >= 0)
      problems.push({
        level: 'warning',
        file: `${le.slug}/${mf.chapters ?? 'chapters.json'}`,
        field: `chapters.${filePositions[late]}.startTime`,
        message: `starts after the end of the media (${Math.round(longest)} s)`,
      });
  }

  let guid = mf.guid;
  if (!guid) {
    guid = uuidV5(le.slug, DERIVED_GUID_NAMESPACE);
    problems.push({
      level: 'warning',
      file: manifestFile,
      field: 'guid',
      message: `not set: using ${guid}, derived from the folder name; add \`guid: ${guid}\` so renaming the folder never changes it`,
    });
  } else if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(guid)) {
    // A feed could not carry it as it is (https://www.w3.org/TR/xml/#charsets): the guid apps got
    // would not be this one.
    problems.push({ level: 'error', file: manifestFile, field: 'guid', message: 'holds a control character that XML 1.0 cannot carry' });
  }
  if (mf.number === 0)
    problems.push({
      level: 'warning',
      file: manifestFile,
      field: 'number',
      message: 'is 0: Apple Podcasts takes episode numbers of 1 or more, so the feeds give this episode none',
    });
  return {
    slug: le.slug,
    dir: le.dir,
    title: mf.title,
    date: new Date(published).toISOString(),
    summary: mf.summary,
    guid,
    ...(mf.number !== undefined && { number: mf.number }),
    ...(mf.season !== undefined && { season: mf.season }),
    episodeType: mf.type ?? 'full',
    ...(mf.explicit !== undefined && { explicit: mf.explicit }),
    draft: mf.draft ?? false,
    ...(files.image && { image: files.image }),
    ...(files.notesMarkdown !== undefined && { notesMarkdown: files.notesMarkdown }),
    media,
    ...(chapters && { chapters }),
    ...(files.transcript && { transcript: files.transcript }),
    links: mf.links ?? [],
  };
}

/**
 * `master:` is the recording `netcaster encode` makes the formats from: never published, so it
 * may never be one of the media. Without `media:` the episode waits on `encode`.
 */
function masterProblems(mf: EpisodeManifest, manifestFile: string): Problem[] {
  const problems: Problem[] = [];
  if (mf.master !== undefined) {
    for (const [format, fileName] of Object.entries(mf.media ?? {})) {
      if (fileName === mf.master) {
        problems.push({
          level: 'error',
          file: manifestFile,
          field: `media.${format}`,
          message: `is the master (${mf.master}), which is never published: run \`netcaster encode\` to make the ${format} from it`,
        });
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
    problems.push({ level, file: manifestFile, field: 'media', message });
  }
  return problems;
}

/** Podcast Index JSON chapters (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md). */
function parseChaptersFile(text: string, file: string, problems: Problem[]): { chapters: Chapter[]; positions: number[] } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    problems.push({ level: 'error', file, message: `not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
  const list = (data as { chapters?: unknown })?.chapters;
  if (!Array.isArray(list)) {
    problems.push({ level: 'error', file, field: 'chapters', message: 'must be an array of chapters (Podcast Index JSON chapters)' });
    return undefined;
  }
  const chapters: Chapter[] = [];
  const positions: number[] = [];
  list.forEach((c: Record<string, unknown>, i) => {
    const field = `chapters.${i}`;
    // JSON.parse reads 1e400 as Infinity: a number, but no time (and null once JSON-cached).
    if (typeof c?.startTime !== 'number' || !Number.isFinite(c.startTime) || c.startTime < 0) {
      problems.push({ level: 'error', file, field: `${field}.startTime`, message: 'must be a number of seconds, 0 or more' });
      return;
    }
    if (typeof c.title !== 'string' || !c.title) {
      problems.push({
        level: 'error',
        file,
        field: `${field}.title`,
        message: c.title === undefined ? 'is required' : 'must be a text, not empty',
      });
      return;
    }
    const chapter: Chapter = { startTime: c.startTime, title: c.title };
    if (c.endTime !== undefined) {
      if (typeof c.endTime === 'number' && Number.isFinite(c.endTime) && c.endTime >= c.startTime) chapter.endTime = c.endTime;
      else
        problems.push({
          level: 'warning',
          file,
          field: `${field}.endTime`,
          message: `must be a number of seconds, not before the chapter's startTime (${c.startTime}): left out of the chapters`,
        });
    }
    for (const key of ['url', 'img'] as const) {
      if (typeof c[key] !== 'string') continue;
      // As in the notes (src/notes/markdown.ts), only http(s) reaches listeners: apps open a
      // chapter's url and load its img, and javascript: or data: has no business there.
      const problem = httpUrlProblem(c[key]);
      if (problem) problems.push({ level: 'warning', file, field: `${field}.${key}`, message: `${problem}: left out of the chapters` });
      else chapter[key] = c[key];
    }
    chapters.push(chapter);
    positions.push(i);
  });
  for (let i = 1; i < chapters.length; i++) {
    if (chapters[i].startTime < chapters[i - 1].startTime) {
      problems.push({ level: 'warning', file, field: `chapters.${positions[i]}.startTime`, message: 'chapters are not in time order' });
      break;
    }
  }
  return { chapters, positions };
}

/** Warnings a podcaster should fix: formats that disagree, tags that contradict the manifest. */
function crossCheck(mf: EpisodeManifest, media: EpisodeMedia[], slug: string, manifestFile: string, problems: Problem[]): void {
  const timed = media.filter((x) => x.facts.duration !== undefined);
  if (timed.length > 1) {
    const min = timed.reduce((a, b) => (a.facts.duration! <= b.facts.duration! ? a : b));
    const max = timed.reduce((a, b) => (a.facts.duration! >= b.facts.duration! ? a : b));
    if (max.facts.duration! - min.facts.duration! > DURATION_TOLERANCE_S) {
      problems.push({
        level: 'warning',
        file: manifestFile,
        field: 'media',
        message: `formats disagree on duration: ${min.fileName} is ${fmt(min.facts.duration!)}, ${max.fileName} is ${fmt(max.facts.duration!)} (is one of them cut short or a different edit?)`,
      });
    }
  }
  for (const x of media) {
    const file = `${slug}/${x.fileName}`;
    const tagTitle = x.facts.tags.title?.trim();
    if (tagTitle && !looselyEqual(tagTitle, mf.title)) {
      problems.push({
        level: 'warning',
        file,
        field: 'tags.title',
        message: `embedded title "${tagTitle}" contradicts episode.yaml's title "${mf.title}"`,
      });
    }
    if (x.facts.tags.track !== undefined && mf.number !== undefined && x.facts.tags.track !== mf.number) {
      problems.push({
        level: 'warning',
        file,
        field: 'tags.track',
        message: `embedded track number ${x.facts.tags.track} contradicts episode.yaml's number ${mf.number}`,
      });
    }
    if (x.facts.duration === undefined) {
      problems.push({ level: 'error', file, message: 'duration could not be determined from the file' });
    }
  }
}

const DATE_PARTS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/**
 * The moment a manifest's `date` names, in ms since the epoch; undefined unless every part is in
 * its range (month 1-12, a day the month has, hour 0-23, minute and second 0-59, an offset of at
 * most 23:59), so that no date is rolled over to another one.
 */
export function publicationTime(date: string): number | undefined {
  const m = DATE_PARTS.exec(date);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const [offsetHours, offsetMinutes] = m[8] ? [0, 0] : [Number(m[10]), Number(m[11])];
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // years 0-99 too, which Date.UTC would take for 1900-1999
  utc.setUTCHours(hour, minute, second, fraction);
  const ms = utc.getTime() - offset;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Text that shows nothing: only spaces and control characters. The schema's minLength lets it by,
 * feeds drop control characters (XML 1.0 cannot carry them), and what is left is an empty title
 * (which the RSS library then calls "No title") or an empty itunes:author.
 */
const isBlank = (text: string) => !/[^\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(text);
const BLANK_MESSAGE = 'has no visible text (only spaces or control characters)';

/** Titles match if one contains the other once case, punctuation and spacing are ignored ("VirtZine #46: The Mega Edition!" vs "The Mega Edition!"). */
function looselyEqual(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}]+/gu, '');
  const x = norm(a);
  const y = norm(b);
  return x.includes(y) || y.includes(x);
}

const fmt = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;

/** show.yaml's problems beyond its schema, into `problems`; whether its baseUrl is usable. */
function checkShowManifest(m: ShowManifest, problems: Problem[]): boolean {
  const texts: [string, string][] = [
    ['title', m.title],
    ['description', m.description],
    ['author', m.author],
    ...Object.entries(m.feeds).map(([name, feed]): [string, string] => [`feeds.${name}.title`, feed.title]),
  ];
  for (const [field, text] of texts) {
    if (isBlank(text)) problems.push({ level: 'error', file: SHOW_FILE, field, message: BLANK_MESSAGE });
  }
  for (const [i, name] of (m.categories ?? []).entries()) {
    const message = checkCategory(name);
    if (message) problems.push({ level: 'error', file: SHOW_FILE, field: `categories.${i}`, message });
  }
  // Apple Podcasts requires a category and takes 4000 bytes of description at most
  // (https://podcasters.apple.com/support/823-podcast-requirements): other apps do without.
  if (!m.categories?.length)
    problems.push({
      level: 'warning',
      file: SHOW_FILE,
      field: 'categories',
      message:
        'none: Apple Podcasts requires one (itunes:category), e.g. categories: [Technology] (https://podcasters.apple.com/support/1691-apple-podcasts-categories)',
    });
  const descriptionBytes = Buffer.byteLength(m.description);
  if (descriptionBytes > APPLE_DESCRIPTION_BYTES)
    problems.push({
      level: 'warning',
      file: SHOW_FILE,
      field: 'description',
      message: `is ${descriptionBytes} bytes: Apple Podcasts takes ${APPLE_DESCRIPTION_BYTES} at most`,
    });
  // The schema refuses most bad base URLs; the URL parser finds the rest (a host that is no host).
  const baseUrlWhy = m.baseUrl === undefined ? undefined : baseUrlProblem(m.baseUrl);
  if (baseUrlWhy) problems.push({ level: 'error', file: SHOW_FILE, field: 'baseUrl', message: baseUrlWhy });
  for (const [i, person] of (m.persons ?? []).entries()) {
    for (const p of personTaxonomyProblems(person))
      problems.push({ level: 'warning', file: SHOW_FILE, field: `persons.${i}.${p.field}`, message: p.message });
  }
  checkFeedGuids(m, problems);
  return !baseUrlWhy;
}

function buildShow(m: ShowManifest, dir: string, artwork: ImageFacts, baseUrlOverride: string | undefined, baseUrlUsable: boolean): Show {
  const baseUrl = (baseUrlOverride ?? (baseUrlUsable ? m.baseUrl : undefined))?.replace(/\/+$/, '');
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
    if (other)
      problems.push({
        level: 'error',
        file: SHOW_FILE,
        field: `feeds.${name}.guid`,
        message: `same guid as the feed "${other}": each feed is its own podcast and needs its own`,
      });
    else seen.set(f.guid.toLowerCase(), name);
  }
}

/** Feeds whose enclosure format no episode declares are empty: almost always a typo in one of them. */
function checkFeeds(show: Show, declaredFormats: Set<string>, problems: Problem[]): void {
  for (const feed of show.feeds) {
    if (!declaredFormats.has(feed.enclosure)) {
      problems.push({
        level: 'warning',
        file: SHOW_FILE,
        field: `feeds.${feed.name}.enclosure`,
        message: `no episode has a "${feed.enclosure}" file, so this feed is empty`,
      });
    }
    if (feed.alternates.includes(feed.enclosure)) {
      problems.push({
        level: 'warning',
        file: SHOW_FILE,
        field: `feeds.${feed.name}.alternates`,
        message: `lists the enclosure format "${feed.enclosure}" again`,
      });
    }
  }
}

function checkDuplicateGuids(episodes: Episode[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const e of episodes) {
    const other = seen.get(e.guid);
    if (other)
      problems.push({
        level: 'error',
        file: `${e.slug}/${EPISODE_FILE}`,
        field: 'guid',
        message: `same guid as ${other}: every episode needs its own`,
      });
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
  for (const e of [...episodes].sort((a, b) => compareNames(a.slug, b.slug))) {
    if (e.number === undefined || e.episodeType !== 'full') continue;
    const key = `${e.season ?? ''}:${e.number}`;
    const other = seen.get(key);
    const season = e.season === undefined ? '' : ` in season ${e.season}`;
    if (other)
      problems.push({
        level: 'warning',
        file: `${e.slug}/${EPISODE_FILE}`,
        field: 'number',
        message: `same number ${e.number}${season} as ${other}/${EPISODE_FILE}: apps would show two episodes ${e.number}`,
      });
    else seen.set(key, e.slug);
  }
}

function sortProblems(problems: Problem[]): void {
  problems.sort((a, b) => compareNames(a.file, b.file) || (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
}
