// One episode's encode: master -> every format the show needs, loudness-normalised, tagged, with
// chapters and cover, checked, then published by writing `media:`.
//
//   1. read the master's streams (ffprobe); decode its sound once into PCM, measuring its
//      loudness (ebur128) on the way; the picture of every video format, which needs nothing from
//      the sound, starts encoding at the same time (the longest work, so it starts first);
//   2. from that PCM, make the normalised programme (gain, and a true-peak limiter where the gain
//      would clip), measured again on the way (the limiter takes a little loudness with it, and
//      then the gain is corrected);
//   3. encode every output from that file in parallel, up to the cores, into hidden partial files
//      (a video format: its encoded picture copied in beside the sound);
//   4. measure each output's loudness and true peak (an error when outside the target);
//   5. check the outputs as `check --strict` would (publish.ts), and only then move them to their
//      names and write `media:`.
// Whatever stops it (an error, Ctrl-C) removes its partial files: no half-written file is ever
// left where `check`, `serve` or a listener could find it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Problem } from '../contract/problems.js';
import { fileInFolder, realpathOr } from '../catalog/files.js';
import type { JsonCache } from '../catalog/cache.js';
import { EPISODE_FILE, SHOW_FILE, type LoadedEpisode } from '../show/load.js';
import type { ShowManifest } from '../show/schema.js';
import { FfmpegFailed, Interrupted, probeStreams, runFfmpeg, type StreamInfo } from './ffmpeg.js';
import { id3v23Tag } from './id3.js';
import {
  loudnessProblem,
  measureLoudness,
  parseEbur128Summary,
  planGain,
  targetFor,
  type Loudness,
  type LoudnessTarget,
} from './loudness.js';
import { fileSha256, freeName, outputName } from './plan.js';
import type { ProgressDisplay } from './progress.js';
import { seconds } from './progress.js';
import { checkStaged, publishedMedia, writeMedia } from './publish.js';
import { RECIPES, type Profile } from './recipes.js';
import { ffmetadata, readChapters, type EpisodeTags } from './tags.js';

export interface EncodeContext {
  showDir: string;
  show: ShowManifest;
  formats: string[];
  profile: Profile;
  ffmpeg: string;
  force: boolean;
  signal: AbortSignal;
  progress: ProgressDisplay;
  masterHashes: JsonCache<string>;
  /** Outputs encoded at once. */
  concurrency: number;
}

export interface EpisodeResult {
  slug: string;
  status: 'encoded' | 'up-to-date' | 'failed';
  problems: Problem[];
  media?: Record<string, string>;
  /** Measured loudness of each output, by format. */
  loudness?: Record<string, Loudness>;
  /** Seconds of programme, and of wall time the encode took. */
  programme?: number;
  took?: number;
}

/** The loudness of the normalised audio may be this far from the target before the gain is corrected once more. */
const RETRY_OFF_LU = 0.3;
const MAX_PASSES = 3;
/** Sample rate of the normalised audio: Opus and video want 48 kHz; the MP3 recipe resamples to 44.1. */
const PCM_RATE = 48000;
/** An output further than this from the target is made once more with the difference as a gain (nudgeDb). */
const NUDGE_OFF_LU = 0.2;
const NUDGE_PEAK_MARGIN_DB = 0.3;
/** ebur128's absolute gate: an integrated loudness this low means nothing was loud enough to measure. */
const SILENCE_LUFS = -70;
/** Still frames from artwork: square, as podcast artwork is. */
const STILL_SIZE: Record<Profile, number> = { standard: 720, draft: 160 };

export async function encodeEpisode(le: LoadedEpisode, ctx: EncodeContext): Promise<EpisodeResult> {
  const started = Date.now();
  const manifestFile = `${le.slug}/${EPISODE_FILE}`;
  const problems: Problem[] = [];
  const fail = (p: Omit<Problem, 'level'>): EpisodeResult => ({
    slug: le.slug,
    status: 'failed',
    problems: [...problems, { level: 'error', ...p }],
  });
  const mf = le.manifest;
  const realShowDir = realpathOr(ctx.showDir);

  const masterName = mf.master!;
  const master = fileInFolder(le.dir, realShowDir, masterName);
  if ('message' in master) return fail({ file: manifestFile, field: 'master', message: master.message });
  const masterFile = `${le.slug}/${masterName}`;

  // The master's streams. A file ffmpeg cannot read is the podcaster's problem, named as such.
  let streams: StreamInfo;
  try {
    streams = await probeStreams(master.path, ctx.signal);
  } catch (err) {
    if (err instanceof Interrupted || ctx.signal.aborted) throw err;
    return fail({ file: masterFile, message: `ffmpeg cannot read the master: ${(err as Error).message}` });
  }
  if (!streams.audio) return fail({ file: masterFile, message: 'the master has no audio track' });
  if (!streams.duration || streams.duration <= 0) return fail({ file: masterFile, message: 'the master has no duration ffmpeg can read' });
  const channels = Math.min(streams.audio.channels, 2);
  const target = targetFor(ctx.show.encode, channels);

  // Tags, chapters, cover.
  const chaptersName = mf.chapters ?? (le.files.includes('chapters.json') ? 'chapters.json' : undefined);
  let chapters: ReturnType<typeof readChapters> = [];
  if (chaptersName) {
    const found = fileInFolder(le.dir, realShowDir, chaptersName);
    chapters = 'message' in found ? found : readChapters(le.dir, chaptersName);
    if ('message' in chapters) return fail({ file: `${le.slug}/${chaptersName}`, message: chapters.message });
  }
  const coverFound = mf.image ? fileInFolder(le.dir, realShowDir, mf.image) : fileInFolder(ctx.showDir, realShowDir, ctx.show.artwork);
  if ('message' in coverFound)
    return fail({ file: mf.image ? manifestFile : SHOW_FILE, field: mf.image ? 'image' : 'artwork', message: coverFound.message });
  const cover = { path: coverFound.path, mime: imageMime(coverFound.path) };
  if (!cover.mime)
    return fail({
      file: mf.image ? manifestFile : SHOW_FILE,
      field: mf.image ? 'image' : 'artwork',
      message: 'the cover must be a JPEG or PNG image',
    });

  const year = Number(mf.date.slice(0, 4)); // the year as written, in the podcaster's own time zone
  const tags: EpisodeTags = {
    title: mf.title,
    artist: ctx.show.author,
    album: ctx.show.title,
    ...(mf.number !== undefined && { track: mf.number }),
    year,
    comment: mf.summary,
  };
  const metadata = ffmetadata(tags, chapters, streams.duration);

  // Names from content, and whether they are there already.
  const masterSha256 = fileSha256(master.path, ctx.masterHashes);
  const coverSha256 = fileSha256(cover.path);
  const needsStill = ctx.formats.some((f) => RECIPES[f].video) && !streams.video;
  const names: Record<string, string> = {};
  for (const format of ctx.formats) {
    names[format] = outputName({
      slug: le.slug,
      format,
      masterSha256,
      profile: ctx.profile,
      channels,
      target,
      metadata,
      coverSha256,
      ...(needsStill && { stillSha256: coverSha256 }),
      ffmpeg: ctx.ffmpeg,
    });
  }
  const current = mf.media ?? {};
  // A --force encode of the same recipe is named <name>-r2, -r3... (plan.ts freeName): just as current.
  const isCurrent = (f: string) =>
    current[f] !== undefined &&
    (current[f] === names[f] || sameRecipe(current[f], names[f])) &&
    fs.existsSync(path.join(le.dir, current[f]));
  const upToDate = ctx.formats.every(isCurrent);
  if (upToDate && !ctx.force) return { slug: le.slug, status: 'up-to-date', problems, media: current };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-encode-'));
  const partials: string[] = [];
  // The pictures of the video formats, encoding from the start; stopped if the episode fails.
  const pictures = new Map<string, Promise<string>>();
  const stopPictures = new AbortController();
  const onAbort = () => stopPictures.abort();
  ctx.signal.addEventListener('abort', onAbort);
  try {
    ctx.progress.note(`${le.slug}: analysing ${masterName} (${seconds(streams.duration)}, ${channels === 1 ? 'mono' : 'stereo'})`);
    // Which outputs this run makes: the others were made by an earlier run that stopped before
    // `media:` (same name: same content) and are only checked again.
    const toEncode = ctx.formats.filter((f) => ctx.force || !fs.existsSync(path.join(le.dir, names[f])));
    let still: string | undefined;
    if (needsStill && toEncode.some((f) => RECIPES[f].video)) {
      still = path.join(tmp, 'still.png');
      const size = STILL_SIZE[ctx.profile];
      await runFfmpeg(
        [
          '-i',
          cover.path,
          '-vf',
          `scale=${size}:${size}:force_original_aspect_ratio=decrease,pad=${size}:${size}:(ow-iw)/2:(oh-ih)/2,format=yuv420p`,
          '-frames:v',
          '1',
          still,
        ],
        { signal: ctx.signal },
      );
    }
    for (const format of toEncode) {
      const recipe = RECIPES[format];
      if (!recipe.videoArgs) continue;
      const file = path.join(tmp, `${format}.picture`);
      // Each encoder with ffmpeg's own threads (one per core or more). Giving x264 one thread
      // beside VP9 (so that VP9, the longer, gets the cores) was measured slower on a busy
      // machine: a process with fewer threads gets less of the cores others share.
      const onProgress = ctx.progress.add(`${format.padEnd(5)} picture`, streams.duration);
      const picture = runFfmpeg(
        recipe.videoArgs({
          picture: streams.video ? { kind: 'video', file: master.path } : { kind: 'still', file: still! },
          // The master's length: the programme (its decoded sound) is that long too, within
          // samples. Where the master's sound ends before its picture, the output is cut to the
          // programme; a cut on copied video falls on a packet, at most a few frames late.
          duration: streams.duration,
          profile: ctx.profile,
          output: file,
        }),
        { signal: stopPictures.signal, onProgress },
      ).then(() => file);
      picture.catch(() => {}); // awaited by its output's job, or by the cleanup below
      pictures.set(format, picture);
    }
    // The master is decoded once, into PCM, and measured on the way; the rest reads the PCM.
    const raw = path.join(tmp, 'master.wav');
    let measured: Loudness;
    try {
      measured = await decodeAndMeasure(master.path, raw, channels, ctx, streams.duration);
    } catch (err) {
      if (err instanceof Interrupted || ctx.signal.aborted) throw err;
      return fail({ file: masterFile, message: `ffmpeg cannot decode the master: ${(err as Error).message}` });
    }
    // ebur128 says -70 LUFS (its absolute gate), not -inf, when no 400 ms block is louder than
    // that: a silent master, or one shorter than a block. A gain from there would be 50 dB or more.
    if (!Number.isFinite(measured.integrated) || measured.integrated <= SILENCE_LUFS)
      return fail({
        file: masterFile,
        message: 'the master is silent (or shorter than the 0.4 s loudness is measured over): there is no loudness to normalise',
      });

    const audio = path.join(tmp, 'programme.wav');
    const normalised = await normalise(raw, audio, measured, target, ctx, streams.duration);
    fs.rmSync(raw);
    ctx.progress.note(
      `${le.slug}: ${measured.integrated} LUFS, ${measured.truePeak} dBTP -> ${target.integrated} LUFS, at most ${target.truePeak} dBTP (${normalised.mode === 'linear' ? 'a gain' : 'a gain and a true-peak limiter'} of ${normalised.gainDb} dB)`,
    );

    const metadataFile = path.join(tmp, 'metadata.txt');
    fs.writeFileSync(metadataFile, metadata);

    // Every output, in parallel up to the cores, each into a hidden partial file in the episode
    // folder (so the final move is a rename on one file system).
    const media: Record<string, string> = {};
    const sources: Record<string, string> = {};
    const jobs: (() => Promise<void>)[] = [];
    const jobFormats: string[] = [];
    // Loudness of every output, as a listener's player will decode it: measured as soon as the
    // output is written, while the others still encode.
    const loudness: Record<string, Loudness> = {};
    /** Measures an output; false (and a problem) when it cannot be measured. */
    const measure = async (format: string, name: string): Promise<boolean> => {
      try {
        loudness[format] = await measureLoudness(sources[name], ctx.signal);
        return true;
      } catch (err) {
        if (err instanceof Interrupted || ctx.signal.aborted) throw err;
        problems.push({ level: 'error', file: `${le.slug}/${name}`, message: `cannot be measured: ${(err as Error).message}` });
        return false;
      }
    };
    const judge = (format: string, name: string) => {
      const problem = loudnessProblem(loudness[format], target);
      if (problem) problems.push({ level: 'error', file: `${le.slug}/${name}`, field: 'loudness', message: problem });
    };
    const measureOutput = async (format: string, name: string) => {
      if (await measure(format, name)) judge(format, name);
    };
    for (const format of ctx.formats) {
      const name = names[format];
      const existing = path.join(le.dir, name);
      if (!ctx.force && fs.existsSync(existing)) {
        // Made by an earlier run that stopped before `media:` (same name: same content). Checked again below.
        media[format] = name;
        sources[name] = existing;
        jobs.push(() => measureOutput(format, name));
        jobFormats.push(format);
        continue;
      }
      const finalName = freeName(le.dir, name);
      const partial = ownPartial(le.dir, finalName);
      partials.push(partial);
      media[format] = finalName;
      sources[finalName] = partial;
      jobs.push(async () => {
        const recipe = RECIPES[format];
        const output = recipe.ownTag ? path.join(tmp, `${format}.audio`) : partial;
        const picture = pictures.get(format);
        const make = async (label: string, gainDb?: number) => {
          const onProgress = ctx.progress.add(label, normalised.duration);
          await runFfmpeg(
            recipe.args({
              audio,
              metadata: metadataFile,
              ...(picture && { picture: await picture }),
              cover: cover.path,
              channels,
              duration: normalised.duration,
              profile: ctx.profile,
              ...(gainDb !== undefined && { gainDb }),
              output,
            }),
            { signal: ctx.signal, onProgress },
          );
          if (recipe.ownTag) {
            const tag = id3v23Tag(
              tags,
              chapters as Exclude<typeof chapters, { message: string }>,
              normalised.duration,
              { mime: cover.mime!, bytes: fs.readFileSync(cover.path) },
              ctx.show.language,
            );
            fs.rmSync(partial, { force: true });
            prependTo(output, tag, partial);
            fs.rmSync(output);
          }
        };
        await make(`${format.padEnd(5)} ${finalName}`);
        if (!(await measure(format, finalName))) return;
        // A lossy encoder takes a little loudness with it (LAME's MP3 about half a LU): the output
        // is made once more with that difference as a gain, where the ceiling leaves room for it.
        const nudge = nudgeDb(loudness[format], target);
        if (nudge !== undefined) {
          await make(`${format.padEnd(5)} ${finalName} (${nudge > 0 ? '+' : ''}${nudge} dB)`, nudge);
          if (!(await measure(format, finalName))) return;
        }
        judge(format, finalName);
      });
      jobFormats.push(format);
    }
    try {
      // The audio formats share the cores up to their number; a video format's job mostly waits
      // for its picture (already encoding), so it does not hold a place among them.
      const video = jobs.filter((_, i) => pictures.has(jobFormats[i]));
      const audioOnly = jobs.filter((_, i) => !pictures.has(jobFormats[i]));
      const settled = await Promise.allSettled([runPool(audioOnly, ctx.concurrency), ...video.map((job) => job())]);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      if (!(err instanceof FfmpegFailed)) throw err; // Interrupted, or a fault of the program
      return fail({ file: masterFile, message: `encoding failed: ${err.message}` });
    } finally {
      ctx.progress.finish();
    }

    if (problems.some((p) => p.level === 'error')) return { slug: le.slug, status: 'failed', problems, loudness };

    // The check `check --strict` runs, on a staged copy: any problem, warning or error, holds it back.
    const found = await checkStaged(ctx.showDir, ctx.show.artwork, [{ slug: le.slug, dir: le.dir, media, sources, manifest: mf }]);
    if (found.length > 0) {
      return {
        slug: le.slug,
        status: 'failed',
        problems: [
          ...problems,
          ...found.map((p) => ({
            ...p,
            level: 'error' as const,
            message: `${p.message} (found by check in the new file; media: not written)`,
          })),
        ],
        loudness,
      };
    }

    // Into place: link then unlink, never a rename over an existing file (link fails if it exists).
    for (const [name, from] of Object.entries(sources)) {
      const to = path.join(le.dir, name);
      if (from === to) continue;
      fs.linkSync(from, to);
      fs.rmSync(from);
    }
    try {
      writeMedia(le.dir, publishedMedia(mf, media));
    } catch (err) {
      return fail({
        file: manifestFile,
        field: 'media',
        message: `${(err as Error).message}: ${Object.entries(media)
          .map(([f, n]) => `${f}: ${n}`)
          .join(', ')}`,
      });
    }
    return {
      slug: le.slug,
      status: 'encoded',
      problems,
      media,
      loudness,
      programme: normalised.duration,
      took: (Date.now() - started) / 1000,
    };
  } finally {
    // A picture still encoding (the episode failed before it was needed) is stopped before its file goes.
    stopPictures.abort();
    ctx.signal.removeEventListener('abort', onAbort);
    await Promise.allSettled(pictures.values());
    ctx.progress.finish();
    for (const p of partials) fs.rmSync(p, { force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The gain that brings an encoded output nearer its target, when it is more than NUDGE_OFF_LU
 * away: the whole difference where the true peak stays under the ceiling, else what fits.
 * Undefined when there is nothing (worth) doing.
 */
export function nudgeDb(measured: Loudness, target: LoudnessTarget): number | undefined {
  const off = target.integrated - measured.integrated;
  if (!Number.isFinite(off) || Math.abs(off) <= NUDGE_OFF_LU) return undefined;
  // Upwards only as far as the ceiling allows (less a margin: a re-encode moves the peaks a little).
  const gain = Math.round(Math.min(off, target.truePeak - NUDGE_PEAK_MARGIN_DB - measured.truePeak) * 100) / 100;
  return gain > 0.05 || off < 0 ? gain : undefined;
}

/** Decodes the master's first audio track into PCM (32-bit float, so nothing clips yet), measuring it on the way. */
async function decodeAndMeasure(master: string, out: string, channels: number, ctx: EncodeContext, duration: number): Promise<Loudness> {
  const onProgress = ctx.progress.add(`decode ${path.basename(master)}`, duration);
  const log = await runFfmpeg(
    [
      '-i',
      master,
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-ac',
      String(channels),
      '-af',
      'ebur128=peak=true',
      '-c:a',
      'pcm_f32le',
      '-rf64',
      'auto',
      '-f',
      'wav',
      out,
    ],
    {
      signal: ctx.signal,
      onProgress,
    },
  );
  return parseEbur128Summary(log);
}

/**
 * The decoded master at the target loudness. The limiter, where it works, lowers the loudness a
 * little; the gain is then corrected by what was measured on the way (ebur128 passes the audio
 * through), up to MAX_PASSES passes over the PCM in all.
 */
async function normalise(
  raw: string,
  out: string,
  measured: Loudness,
  target: LoudnessTarget,
  ctx: EncodeContext,
  masterDuration: number,
): Promise<{ mode: 'linear' | 'limited'; gainDb: number; duration: number; loudness: Loudness }> {
  let extra = 0;
  for (let pass = 1; ; pass++) {
    const plan = planGain(measured, target, PCM_RATE, extra);
    const onProgress = ctx.progress.add(`normalise${pass > 1 ? ` (pass ${pass})` : ''}`, masterDuration);
    const log = await runFfmpeg(['-i', raw, '-af', `${plan.filter},ebur128`, '-c:a', 'pcm_f32le', '-rf64', 'auto', '-f', 'wav', out], {
      signal: ctx.signal,
      onProgress,
    });
    // Loudness only: the limiter bounds the peaks, and every output's true peak is measured in full.
    const result = parseEbur128Summary(log, false);
    const off = target.integrated - result.integrated;
    if (Math.abs(off) <= RETRY_OFF_LU || pass >= MAX_PASSES || plan.mode === 'linear') {
      const duration = (await probeStreams(out, ctx.signal)).duration ?? masterDuration;
      return { mode: plan.mode, gainDb: plan.gainDb, duration, loudness: result };
    }
    extra += off;
  }
}

/**
 * A new, empty hidden file of our own for an output to be written into, made exclusively: a
 * file or link already at a name (a partial name can be foreseen) is never written through, nor
 * removed when the encode cleans up.
 */
function ownPartial(dir: string, finalName: string): string {
  for (;;) {
    const partial = path.join(dir, `.${finalName}.${randomBytes(4).toString('hex')}.partial`);
    try {
      fs.closeSync(fs.openSync(partial, 'wx'));
      return partial;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** `a` is `b` re-encoded with --force: `b`'s name with -r<N> before the extension. */
function sameRecipe(a: string, b: string): boolean {
  const ext = path.extname(b);
  return a.startsWith(b.slice(0, -ext.length)) && new RegExp(`^-r\\d+${ext.replace('.', '\\.')}$`).test(a.slice(b.length - ext.length));
}

/** Writes `head` and then the bytes of `file` into `out` (a new file), a megabyte at a time. */
function prependTo(file: string, head: Buffer, out: string): void {
  const to = fs.openSync(out, 'wx');
  const from = fs.openSync(file, 'r');
  try {
    fs.writeSync(to, head);
    const buffer = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(from, buffer, 0, buffer.length, null)) > 0) fs.writeSync(to, buffer, 0, n);
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
}

function imageMime(file: string): string | undefined {
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head[0] === 0xff && head[1] === 0xd8) return 'image/jpeg';
  if (head.toString('latin1', 1, 4) === 'PNG') return 'image/png';
  return undefined;
}

async function runPool(jobs: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < jobs.length && failed === undefined) {
      try {
        await jobs[next++]();
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  if (failed !== undefined) throw failed;
}
