// Reads show.yaml and every episode folder's episode.yaml, validates them against the schema,
// and collects every problem at once (file, field, and line/column for YAML syntax errors).
// No media is read here: that is the probe stage's job.
import fs from 'node:fs';
import path from 'node:path';
import { load as parseYaml, YAMLException } from 'js-yaml';
import type { TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/value';
import type { Problem } from '../catalog/types.js';
import type { EpisodeManifest, ShowManifest } from './schema.js';
import { isEpisodeManifest, isShowManifest } from './manifest-checks.js';

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
export async function loadShow(showDir: string): Promise<LoadedShow> {
  const dir = path.resolve(showDir);
  const result: LoadedShow = { dir, episodes: [], brokenEpisodes: [], problems: [] };
  const invalid: Invalid[] = [];
  const show = readManifest(path.join(dir, SHOW_FILE), SHOW_FILE, result.problems);
  if (show && checkManifest(show, SHOW_FILE, 'ShowManifest', invalid)) result.manifest = show as ShowManifest;

  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    // A missing show folder: readManifest has said so for show.yaml.
  }
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'));
  for (const folder of folders) {
    const episodeDir = path.join(dir, folder.name);
    const files = fs.readdirSync(episodeDir).sort();
    if (!files.includes(EPISODE_FILE)) {
      if (files.includes('episode.yml')) {
        result.problems.push({ level: 'error', file: `${folder.name}/episode.yml`, message: `rename to ${EPISODE_FILE}: netcaster reads only that name` });
      }
      continue; // not an episode folder (assets, an episode still being set up)
    }
    const file = `${folder.name}/${EPISODE_FILE}`;
    const manifest = readManifest(path.join(episodeDir, EPISODE_FILE), file, result.problems);
    if (manifest && checkManifest(manifest, file, 'EpisodeManifest', invalid)) {
      result.episodes.push({ slug: folder.name, dir: episodeDir, manifest: manifest as EpisodeManifest, files });
    } else {
      result.brokenEpisodes.push(folder.name);
    }
  }
  if (invalid.length > 0) result.problems.push(...(await describeInvalid(invalid)));
  result.episodes.sort((a, b) => a.slug.localeCompare(b.slug));
  result.brokenEpisodes.sort();
  return result;
}

/** Reads and parses one YAML manifest; pushes its problems and returns the mapping it holds, if any. */
function readManifest(abs: string, file: string, problems: Problem[]): object | undefined {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({ level: 'error', file, message: code === 'ENOENT' ? 'file is missing' : `cannot be read (${code})` });
    return undefined;
  }
  let data: unknown;
  try {
    // YAML 1.2 core schema: dates stay strings (the schema checks their form), a duplicate key is
    // an error rather than a silent override, and aliases are capped against "billion laughs".
    data = parseYaml(text, { filename: file, maxAliases: 100 });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const mark = err.mark;
    problems.push({ level: 'error', file, message: `YAML syntax: ${err.reason}`, line: mark && mark.line + 1, column: mark && mark.column + 1 });
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ level: 'error', file, message: 'must be a YAML mapping of keys to values' });
    return undefined;
  }
  return data;
}

/** The compiled check (manifest-checks.ts) for the common case; a failure is kept for describeInvalid. */
function checkManifest(data: object, file: string, schema: Invalid['schema'], invalid: Invalid[]): boolean {
  const valid = schema === 'ShowManifest' ? isShowManifest(data) : isEpisodeManifest(data);
  if (!valid) invalid.push({ file, data, schema });
  return valid;
}

/** Every problem of every invalid manifest, one per field, from TypeBox (loaded only now). */
async function describeInvalid(invalid: Invalid[]): Promise<Problem[]> {
  const [{ Value }, schemas] = await Promise.all([import('@sinclair/typebox/value'), import('./schema.js')]);
  const problems: Problem[] = [];
  for (const { file, data, schema } of invalid) {
    const seen = new Set<string>();
    for (const e of Value.Errors(schemas[schema], data)) {
      const field = e.path.split('/').slice(1).join('.');
      if (seen.has(field)) continue; // one message per field: a union reports each branch
      seen.add(field);
      problems.push({ level: 'error', file, field: field || undefined, message: describe(e) });
    }
    // The compiled check and TypeBox are the same schema; should they ever disagree, the manifest
    // still does not pass unremarked.
    if (seen.size === 0) problems.push({ level: 'error', file, message: 'does not match the manifest schema' });
  }
  return problems;
}

function describe(e: ValueError): string {
  const got = e.value === undefined ? '' : `, got ${JSON.stringify(e.value)}`;
  const schema = e.schema as TSchema & { anyOf?: TSchema[]; description?: string; const?: unknown };
  if (e.message === 'Unexpected property') return 'unknown key (a typo?)';
  if (e.message === 'Expected required property') return 'is required';
  if (schema.anyOf?.every((s) => s.const !== undefined)) {
    return `must be one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}${got}`;
  }
  if (schema.description) return `must be ${schema.description}${got}`;
  return `${lowerFirst(e.message)}${got}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
