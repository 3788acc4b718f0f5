// `encode` for a whole show: which episodes, which formats, and the results in order.
// Episodes go one after another; each one's outputs encode in parallel (episode.ts), which keeps
// every core busy without holding several masters' PCM at once.
import fs from 'node:fs';
import type { Problem } from '../contract/problems.js';
import { EPISODE_FILE, SHOW_FILE, loadShow } from '../show/load.js';
import { FfmpegMissing, Interrupted, ffmpegVersion, requireEncoders } from './ffmpeg.js';
import { encodeEpisode, type EpisodeResult } from './episode.js';
import { formatsNeeded, masterHashCache, profileFromEnv } from './plan.js';
import { ProgressDisplay, seconds } from './progress.js';
import { ENCODABLE, RECIPES } from './recipes.js';

export interface EncodeShowOptions {
  /** Slugs to encode; all episodes with a master when empty. */
  episodes: string[];
  force: boolean;
  signal: AbortSignal;
  concurrency: number;
  progress?: ProgressDisplay;
}

export interface EncodeShowResult {
  /** Set when the command line was wrong (exit 2). */
  usage?: string;
  problems: Problem[];
  /** One line per episode, for the person at the terminal. */
  summary: string[];
  results: EpisodeResult[];
}

export async function encodeShow(dir: string, options: EncodeShowOptions): Promise<EncodeShowResult> {
  const result: EncodeShowResult = { problems: [], summary: [], results: [] };
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    result.problems.push({ level: 'error', file: dir, message: 'no such show folder' });
    return result;
  }
  const show = await loadShow(dir);
  if (!show.manifest) {
    result.problems.push(...show.problems.filter((p) => p.file === SHOW_FILE));
    return result;
  }
  const bySlug = new Map(show.episodes.map((e) => [e.slug, e]));
  const unknown = options.episodes.filter((slug) => !bySlug.has(slug.replace(/\/+$/, '')));
  if (unknown.length > 0) {
    // A folder whose episode.yaml is broken is not unknown: its problems say what is wrong.
    const broken = unknown.filter((slug) => show.brokenEpisodes.includes(slug.replace(/\/+$/, '')));
    if (broken.length < unknown.length) {
      return { ...result, usage: `no episode ${unknown.filter((s) => !broken.includes(s)).join(', ')} in ${dir}` };
    }
  }
  const wanted = options.episodes.length > 0 ? options.episodes.map((s) => s.replace(/\/+$/, '')) : undefined;
  result.problems.push(...show.problems.filter((p) => !wanted || wanted.some((slug) => p.file.startsWith(`${slug}/`))));

  const formats = formatsNeeded(show.manifest);
  const unsupported = formats.filter((f) => !ENCODABLE.includes(f));
  if (unsupported.length > 0) {
    result.problems.push({
      level: 'error',
      file: SHOW_FILE,
      field: show.manifest.encode?.formats ? 'encode.formats' : 'feeds',
      message: `encode cannot make ${unsupported.join(', ')} (it makes ${ENCODABLE.join(', ')}); list the formats to make under encode.formats`,
    });
    return result;
  }

  const episodes = show.episodes.filter((e) => (wanted ? wanted.includes(e.slug) : e.manifest.master !== undefined));
  for (const e of episodes) {
    if (e.manifest.master === undefined) {
      result.problems.push({
        level: 'error',
        file: `${e.slug}/${EPISODE_FILE}`,
        field: 'master',
        message: 'is not set: encode needs the recording to make the formats from',
      });
    }
  }
  const toEncode = episodes.filter((e) => e.manifest.master !== undefined);
  if (toEncode.length === 0) {
    if (!wanted) result.summary.push('no episode has a master: nothing to encode');
    return result;
  }

  let ffmpeg: string;
  try {
    ffmpeg = ffmpegVersion();
    requireEncoders([...new Set(formats.flatMap((f) => RECIPES[f].encoders))]);
  } catch (err) {
    if (!(err instanceof FfmpegMissing)) throw err;
    result.problems.push({ level: 'error', file: SHOW_FILE, field: 'encode', message: err.message });
    return result;
  }

  const masterHashes = masterHashCache(show.dir);
  const progress = options.progress ?? new ProgressDisplay();
  const context = {
    showDir: show.dir,
    show: show.manifest,
    formats,
    profile: profileFromEnv(),
    ffmpeg,
    force: options.force,
    signal: options.signal,
    progress,
    masterHashes,
    concurrency: Math.max(1, options.concurrency),
  };
  try {
    for (const e of toEncode) {
      if (options.signal.aborted) throw new Interrupted();
      const r = await encodeEpisode(e, context);
      result.results.push(r);
      result.problems.push(...r.problems);
      result.summary.push(describe(r));
    }
  } finally {
    masterHashes.save();
  }
  return result;
}

function describe(r: EpisodeResult): string {
  if (r.status === 'up-to-date') return `${r.slug}: up to date (${Object.values(r.media ?? {}).join(', ')})`;
  if (r.status === 'failed') return `${r.slug}: not encoded (see below)`;
  const outputs = Object.entries(r.media ?? {}).map(([format, name]) => {
    const l = r.loudness?.[format];
    return `  ${name}${l ? `  ${l.integrated} LUFS, ${l.truePeak} dBTP` : ''}`;
  });
  const speed = r.programme && r.took ? `, ${(r.programme / r.took).toFixed(1)}x real time` : '';
  return [
    `${r.slug}: encoded ${Object.keys(r.media ?? {}).join(', ')} in ${seconds(r.took ?? 0)}${speed}; media: written`,
    ...outputs,
  ].join('\n');
}
