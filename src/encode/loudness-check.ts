// `check --loudness`: every media file of the show measured with ebur128 and compared with the
// show's target (show.yaml's `encode:`, else the podcast norm), as a warning: files made by hand
// (or before `encode`) are often far too quiet, and listeners turn the next show up and this one
// down. A measurement decodes the whole file, so it is cached by path, size and modification time,
// as the media facts are.
import os from 'node:os';
import { JsonCache } from '../catalog/cache.js';
import type { Catalog } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import { SHOW_FILE, loadShow } from '../show/load.js';
import { FfmpegFailed, FfmpegMissing, runFfmpeg } from './ffmpeg.js';
import { LOUDNESS_TOLERANCE, parseEbur128Summary, targetFor, type Loudness } from './loudness.js';

interface Measured extends Loudness {
  channels: number;
}

/** Measures the first audio stream, and how many channels it has, from ffmpeg's log. */
async function measure(file: string): Promise<Measured> {
  const log = await runFfmpeg(['-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const layout =
    /Stream #0:\d+[^\n]*: Audio: [^\n]*?, (mono|stereo|\d+ channels|\d\.\d(?:\([a-z]+\))?)(?:,|\s|$)/.exec(log)?.[1] ?? 'stereo';
  return { ...parseEbur128Summary(log), channels: layout === 'mono' ? 1 : 2 };
}

export async function checkLoudness(catalog: Catalog): Promise<Problem[]> {
  const problems: Problem[] = [];
  // show.yaml's `encode:` settings (the catalog keeps only what feeds and pages need).
  const settings = (await loadShow(catalog.show.dir)).manifest?.encode;
  const cache = new JsonCache<Measured>('loudness', catalog.show.dir);
  const files = catalog.episodes.flatMap((e) => e.media.filter((m) => m.facts.hasAudio).map((m) => ({ slug: e.slug, m })));
  let next = 0;
  let missing: string | undefined;
  const worker = async () => {
    while (next < files.length && !missing) {
      const { slug, m } = files[next++];
      const file = `${slug}/${m.fileName}`;
      const stat = { size: m.facts.size, mtimeMs: m.facts.mtimeMs };
      let measured = cache.get(m.path, stat);
      if (!measured) {
        try {
          measured = await measure(m.path);
        } catch (err) {
          if (err instanceof FfmpegMissing) missing = err.message;
          else
            problems.push({
              level: 'warning',
              file,
              field: 'loudness',
              message: `cannot be measured: ${err instanceof FfmpegFailed ? err.message : String(err)}`,
            });
          continue;
        }
        cache.set(m.path, stat, measured);
      }
      const target = targetFor(settings, measured.channels);
      const off = measured.integrated - target.integrated;
      if (!Number.isFinite(measured.integrated) || Math.abs(off) > LOUDNESS_TOLERANCE) {
        problems.push({
          level: 'warning',
          file,
          field: 'loudness',
          message: `${measured.integrated} LUFS, ${Math.abs(off).toFixed(1)} LU ${off < 0 ? 'below' : 'above'} the show's target of ${target.integrated} LUFS (\`netcaster encode\` makes it right from a master)`,
        });
      }
      if (measured.truePeak > target.truePeak) {
        problems.push({
          level: 'warning',
          file,
          field: 'truePeak',
          message: `true peak ${measured.truePeak} dBTP is over the show's ceiling of ${target.truePeak} dBTP: some players will distort it`,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, os.availableParallelism()) }, worker));
  cache.retain(new Set(files.map((f) => f.m.path)));
  cache.save();
  if (missing) problems.push({ level: 'error', file: SHOW_FILE, message: `--loudness needs ffmpeg: ${missing}` });
  return problems;
}
