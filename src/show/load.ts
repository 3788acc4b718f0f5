// Reads show.yaml and every episode folder's episode.yaml, validates them against the schema,
// and collects every problem at once (file, field, and line/column for YAML syntax errors).
// No media is read here: that is the probe stage's job.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { Value, type ValueError } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Problem } from '../catalog/types.js';
import { EpisodeManifest, ShowManifest } from './schema.js';

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

// Reads are synchronous: a few hundred small files, each cheaper to read than a round trip
// through libuv's thread pool, and nothing else to do meanwhile.
export function loadShow(showDir: string): LoadedShow {
  const dir = path.resolve(showDir);
  const result: LoadedShow = { dir, episodes: [], brokenEpisodes: [], problems: [] };
  const show = readManifest(dir, SHOW_FILE, ShowManifest, result.problems);
  if (show) result.manifest = show as ShowManifest;

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
    const manifest = readManifest(episodeDir, EPISODE_FILE, EpisodeManifest, result.problems, folder.name);
    if (manifest) result.episodes.push({ slug: folder.name, dir: episodeDir, manifest: manifest as EpisodeManifest, files });
    else result.brokenEpisodes.push(folder.name);
  }
  result.episodes.sort((a, b) => a.slug.localeCompare(b.slug));
  result.brokenEpisodes.sort();
  return result;
}

/** Reads one YAML manifest; pushes its problems and returns the data only if it is valid. */
function readManifest(dir: string, name: string, schema: TSchema, problems: Problem[], slug?: string): unknown {
  const file = slug ? `${slug}/${name}` : name;
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, name), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({ level: 'error', file, message: code === 'ENOENT' ? 'file is missing' : `cannot be read (${code})` });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      problems.push({ level: 'error', file, message: `YAML syntax: ${firstLine(e.message)}`, line: pos?.line, column: pos?.col });
    }
    return undefined;
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ level: 'error', file, message: 'must be a YAML mapping of keys to values' });
    return undefined;
  }
  const before = problems.length;
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, data)) {
    const field = e.path.split('/').slice(1).join('.');
    if (seen.has(field)) continue; // one message per field: a union reports each branch
    seen.add(field);
    problems.push({ level: 'error', file, field: field || undefined, message: describe(e) });
  }
  return problems.length === before ? data : undefined;
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

const firstLine = (s: string) => s.split('\n')[0];
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
