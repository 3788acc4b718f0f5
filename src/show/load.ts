// Reads show.yaml and every episode folder's episode.yaml, validates them against the schema,
// and collects every problem at once (file, field, and line/column for YAML syntax errors).
// No media is read here: that is the probe stage's job.
import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../contract/problems.js';
import type { EpisodeManifest, ShowManifest } from './schema.js';
import { isEpisodeManifest, isShowManifest } from './manifest-checks.js';
import { isRefusal, READ_LIMITS, readShowText, realpathOr } from './show-file.js';
import { parseYaml } from './yaml.js';
import { compareNames } from './name-order.js';

export interface LoadedEpisode {
  slug: string;
  /** Absolute path of the episode folder. */
  dir: string;
  manifest: EpisodeManifest;
  /** Names of the files in the folder (for discovering notes, chapters, transcripts). */
  files: string[];
}

export interface LoadedShow {
  dir: string;
  /** Undefined when show.yaml is missing or invalid (its problems say why). */
  manifest?: ShowManifest;
  /** Episodes whose episode.yaml parsed and validated. */
  episodes: LoadedEpisode[];
  /** Slugs of episode folders whose manifest did not validate. */
  brokenEpisodes: string[];
  problems: Problem[];
}

export const SHOW_FILE = 'show.yaml';
export const EPISODE_FILE = 'episode.yaml';

/** A manifest that parsed but failed its schema check: described once the whole show is read. */
interface Invalid {
  file: string;
  data: object;
  schema: 'ShowManifest' | 'EpisodeManifest';
}

// Reads are synchronous: a few hundred small files, each cheaper to read than a round trip
// through libuv's thread pool, and nothing else to do meanwhile.
export interface LoadHooks {
  /**
   * Called once show.yaml is read, before the episodes' manifests. While a hook is given, reading
   * the episodes yields to the event loop every few folders, so that what the hook started (build's
   * artwork copies, issue 12) goes on meanwhile instead of waiting for the last manifest.
   */
  onShowManifest?: (show: Pick<LoadedShow, 'dir' | 'manifest'>) => void;
  /**
   * What manifest texts parse to, by their exact text: a manifest read with one of these texts is
   * not parsed again (it is still read, and still checked against the schema). `import` hands over
   * the manifests it has just written, which its final check would otherwise parse again: YAML
   * parsing was about half of that check's time, and some 15 KB of garbage per episode.
   */
  parsed?: ReadonlyMap<string, object>;
  /**
   * The names in an episode folder (by its name), sorted, when they were listed a moment ago:
   * the check's fingerprint walk lists every folder of the show, and a second listing of each was
   * 300 folders' worth of opendir, getdents and close in a cold build of 300 episodes (issue 12).
   */
  listed?: (slug: string) => string[] | undefined;
}

/** Episode folders read between two yields to the event loop, when a hook waits on them. */
const FOLDERS_PER_YIELD = 20;

export async function loadShow(showDir: string, hooks: LoadHooks = {}): Promise<LoadedShow> {
  const dir = path.resolve(showDir);
  const result: LoadedShow = { dir, episodes: [], brokenEpisodes: [], problems: [] };
  const invalid: Invalid[] = [];
  const realDir = realpathOr(dir);
  const show = readManifest(path.join(dir, SHOW_FILE), realDir, SHOW_FILE, result.problems, hooks.parsed);
  if (show && checkManifest(show, SHOW_FILE, 'ShowManifest', invalid)) result.manifest = show as ShowManifest;
  hooks.onShowManifest?.({ dir, manifest: result.manifest });

  // Names as bytes: a name that is not UTF-8 would come back as a string with U+FFFD in it,
  // which names no file, and every later read of that folder would fail.
  let entries: fs.Dirent<Buffer>[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    // A missing show folder: readManifest has said so for show.yaml.
  }
  const folders = entries.filter((e) => e.isDirectory() && e.name[0] !== 0x2e /* . */ && e.name[0] !== 0x5f /* _ */);
  // A link to an episode folder is never published (its files could be anywhere), but it looks
  // like an episode to the podcaster who made it: refused in words, not skipped without a word.
  for (const link of entries) {
    if (!link.isSymbolicLink() || link.name[0] === 0x2e || link.name[0] === 0x5f) continue;
    const name = link.name.toString('utf8');
    if (isFileFollowingLinks(path.join(dir, name, EPISODE_FILE)))
      result.problems.push({
        level: 'error',
        file: `${name}/`,
        message:
          'is a link to an episode folder: netcaster publishes only folders that are in the show folder itself, so this episode is not published; move the folder here instead of linking it',
      });
  }
  for (const [index, folder] of folders.entries()) {
    if (hooks.onShowManifest && index % FOLDERS_PER_YIELD === FOLDERS_PER_YIELD - 1) await new Promise(setImmediate);
    const slug = folder.name.toString('utf8');
    const episodeDir = Buffer.concat([Buffer.from(dir + path.sep), folder.name]);
    let files: string[];
    try {
      // A name that is not UTF-8 reads back as another name: listed here, by its bytes.
      const listed = Buffer.from(slug, 'utf8').equals(folder.name) ? hooks.listed?.(slug) : undefined;
      files = listed ?? fs.readdirSync(episodeDir).sort();
    } catch (err) {
      result.problems.push({
        level: 'error',
        file: `${slug}/`,
        message: `the folder cannot be read (${(err as NodeJS.ErrnoException).code})`,
      });
      result.brokenEpisodes.push(slug);
      continue;
    }
    if (!files.includes(EPISODE_FILE)) {
      if (files.includes('episode.yml')) {
        result.problems.push({
          level: 'error',
          file: `${slug}/episode.yml`,
          message: `rename to ${EPISODE_FILE}: netcaster reads only that name`,
        });
      }
      continue; // not an episode folder (assets, an episode still being set up)
    }
    const file = `${slug}/${EPISODE_FILE}`;
    const badName = unusableSlug(folder.name, slug);
    if (badName) {
      result.problems.push({ level: 'error', file, message: badName });
      result.brokenEpisodes.push(slug);
      continue;
    }
    const manifest = readManifest(path.join(dir, slug, EPISODE_FILE), realDir, file, result.problems, hooks.parsed);
    if (manifest && checkManifest(manifest, file, 'EpisodeManifest', invalid)) {
      result.episodes.push({ slug, dir: path.join(dir, slug), manifest: manifest as EpisodeManifest, files });
    } else {
      result.brokenEpisodes.push(slug);
    }
  }
  if (invalid.length > 0) result.problems.push(...(await describeInvalid(invalid)));
  result.episodes.sort((a, b) => compareNames(a.slug, b.slug));
  result.brokenEpisodes.sort();
  return result;
}

/**
 * A folder name is the episode's slug, and so a part of its URLs and of the files `build` writes:
 * it must be text (UTF-8) and must not hold what no URL path segment or file name may (a
 * backslash, which some systems take for a folder separator, or control characters).
 */
function unusableSlug(raw: Buffer, slug: string): string | undefined {
  if (!Buffer.from(slug, 'utf8').equals(raw))
    return `the folder name is not valid UTF-8 text: rename the folder (its name is the episode's URL)`;
  if (/[\\\u0000-\u001f\u007f]/.test(slug))
    return `the folder name ${JSON.stringify(slug)} has a backslash or a control character: rename the folder (its name is the episode's URL)`;
  return undefined;
}

/** Most values a manifest may expand to, aliases counted each time they are used. */
const MAX_EXPANDED_VALUES = 100_000;
/** Names every JavaScript object answers to (`__proto__`, `constructor`, `toString`...): a lookup by such a key finds them. */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));
/** Deepest nesting of mappings and lists a manifest may have (the schema's own is 4). */
const MAX_DEPTH = 64;

/** Reads and parses one YAML manifest; pushes its problems and returns the mapping it holds, if any. */
function readManifest(
  abs: string,
  realShowDir: string,
  file: string,
  problems: Problem[],
  known?: ReadonlyMap<string, object>,
): object | undefined {
  const read = readShowText(abs, realShowDir, path.basename(file), READ_LIMITS.manifest);
  if (isRefusal(read)) {
    problems.push({ level: 'error', file, message: read.reason === 'missing' ? 'file is missing' : read.message });
    return undefined;
  }
  const handed = known?.get(read.text);
  let parsed;
  try {
    parsed = handed ? { data: handed } : parseYaml(read.text, file);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    problems.push({ level: 'error', file, message: `nested too deeply to be a manifest (more than ${MAX_DEPTH} levels)` });
    return undefined;
  }
  if ('syntax' in parsed) {
    const { reason, line, column } = parsed.syntax;
    problems.push({ level: 'error', file, message: `YAML syntax: ${reason}`, line, column });
    return undefined;
  }
  const data = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ level: 'error', file, message: 'must be a YAML mapping of keys to values' });
    return undefined;
  }
  const shape = refuseShape(data);
  if (shape) {
    problems.push({ level: 'error', file, ...(shape.field && { field: shape.field }), message: shape.message });
    return undefined;
  }
  return data;
}

/**
 * What the parser accepts but no later stage may see. Aliases share one value in memory, so a few
 * of them ("billion laughs") parse into a small graph that every reader walking it (the schema
 * check, JSON of the snapshot) expands into billions of values: the expanded size is counted
 * here without expanding it (each value's size once, by identity). And a `__proto__` key, which
 * js-yaml keeps as an own property, would act as an object's prototype for any code that copies
 * or looks up by it; so would `constructor` or any other name every object answers to.
 */
function refuseShape(root: object): { field?: string; message: string } | undefined {
  const sizes = new Map<object, number>();
  let refused: { field?: string; message: string } | undefined;
  const sizeOf = (value: unknown, at: string[]): number => {
    if (refused || value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (at.length > MAX_DEPTH) {
      refused = { field: at.slice(0, 3).join('.'), message: `nested too deeply to be a manifest (more than ${MAX_DEPTH} levels)` };
      return 1;
    }
    sizes.set(value, 1); // a value that contains itself counts once
    let size = 1;
    for (const key of Object.keys(value)) {
      if (OBJECT_MEMBERS.has(key)) {
        refused = {
          field: [...at, key].join('.'),
          message: `"${key}" cannot be a key: every object already has it (a format or feed so named would be taken for it)`,
        };
        return 1;
      }
      size += sizeOf((value as Record<string, unknown>)[key], [...at, key]);
      if (size > MAX_EXPANDED_VALUES) break;
    }
    sizes.set(value, size);
    return size;
  };
  const total = sizeOf(root, []);
  if (refused) return refused;
  if (total > MAX_EXPANDED_VALUES) {
    return {
      message: `its aliases (*name) expand to more than ${MAX_EXPANDED_VALUES} values: a manifest never needs that many (a "billion laughs" document?)`,
    };
  }
  return undefined;
}

/** The compiled check (manifest-checks.ts) for the common case; a failure is kept for describeInvalid. */
function checkManifest(data: object, file: string, schema: Invalid['schema'], invalid: Invalid[]): boolean {
  const valid = schema === 'ShowManifest' ? isShowManifest(data) : isEpisodeManifest(data);
  if (!valid) invalid.push({ file, data, schema });
  return valid;
}

/** Every problem of every invalid manifest, one per field (schema.ts loads TypeBox only now). */
async function describeInvalid(invalid: Invalid[]): Promise<Problem[]> {
  const { schemaErrors } = await import('./schema.js');
  const problems: Problem[] = [];
  for (const { file, data, schema } of invalid) {
    const errors = schemaErrors(schema, data);
    for (const e of errors) problems.push({ level: 'error', file, field: e.field, message: e.message });
    // The compiled check and TypeBox are the same schema; should they ever disagree, the manifest
    // still does not pass unremarked.
    if (errors.length === 0) problems.push({ level: 'error', file, message: 'does not match the manifest schema' });
  }
  return problems;
}

/** Whether `file` is a file (following links); false for anything that cannot be stat'ed (ENOTDIR, EACCES, a loop). */
function isFileFollowingLinks(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
