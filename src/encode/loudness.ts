// Loudness: measured with ffmpeg's `ebur128` filter (ITU-R BS.1770 / EBU R 128, true peak by
// 4x oversampling), applied as one linear gain.
//
// Why not `loudnorm` for applying it: its linear mode is exactly a gain, but where that gain
// would push the true peak over the ceiling it silently falls back to dynamic mode (which rides
// the gain through the programme and resamples to 192 kHz:
// https://ffmpeg.org/ffmpeg-filters.html#loudnorm). So the gain is a plain `volume`, and where it
// would clip, the peaks go through a limiter at 4x the sample rate (a true-peak limiter, in
// effect) and come back down: the programme keeps its dynamics, only the peaks are held.
import { runFfmpeg } from './ffmpeg.js';

export interface Loudness {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** True peak, dBTP (ebur128 says dBFS of the oversampled signal). */
  truePeak: number;
}

export interface LoudnessTarget {
  integrated: number;
  truePeak: number;
}

/**
 * The podcast norm: -16 LUFS for stereo and -19 LUFS for mono (the same perceived loudness on
 * headphones), true peak at most -1 dBTP (AES TD1008, Apple's "Podcast loudness" guidance).
 */
export const DEFAULT_LOUDNESS = -16;
export const DEFAULT_TRUE_PEAK = -1;
/** A mono programme sounds 3 LU louder on two ears, so it aims that much lower (AES TD1008). */
const MONO_OFFSET = -3;
/** Outputs may be this far from the target (the tolerance; R 128 allows ±1 LU for live, too). */
export const LOUDNESS_TOLERANCE = 1;

export function targetFor(settings: { loudness?: number; truePeak?: number } | undefined, channels: number): LoudnessTarget {
  const integrated = (settings?.loudness ?? DEFAULT_LOUDNESS) + (channels === 1 ? MONO_OFFSET : 0);
  return { integrated, truePeak: settings?.truePeak ?? DEFAULT_TRUE_PEAK };
}

/**
 * Room left under the ceiling before the lossy encoders: MP3, AAC and Opus rebuild the wave
 * with small overshoots (Opus at 96 kb/s was measured 0.9 dB over the limiter), and the resampler to 44.1 kHz
 * can add a little too.
 */
const CODEC_HEADROOM_DB = 1.5;

/** Measures the first audio stream of a file. Throws FfmpegFailed when ffmpeg cannot read it. */
export async function measureLoudness(file: string, signal?: AbortSignal): Promise<Loudness> {
  const log = await runFfmpeg(['-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { signal });
  return parseEbur128Summary(log);
}

/** The summary ebur128 logs at the end ("I: -16.0 LUFS" ... "True peak: Peak: -1.5 dBFS"). */
export function parseEbur128Summary(log: string, withTruePeak = true): Loudness {
  const summary = log.slice(log.lastIndexOf('Summary:'));
  const number = (x: string | undefined) => (x === '-inf' ? -Infinity : Number(x));
  const integrated = number(/\bI:\s*(-?[\d.]+|-inf)\s*LUFS/.exec(summary)?.[1]);
  // Without peak=true ebur128 measures no true peak: NaN says "not measured".
  const truePeak = withTruePeak ? number(/True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS/.exec(summary)?.[1]) : Number.NaN;
  if (!summary.startsWith('Summary:') || Number.isNaN(integrated) || (withTruePeak && Number.isNaN(truePeak))) {
    throw new Error('ffmpeg ebur128 printed no loudness summary');
  }
  return { integrated, truePeak };
}

export interface GainPlan {
  /** 'linear': a gain alone; 'limited': a gain, then a true-peak limiter on the peaks. */
  mode: 'linear' | 'limited';
  gainDb: number;
  /** The audio filter chain, ending at `sampleRate`. */
  filter: string;
}

/** The gain (and, where it would clip, the limiter) that takes `measured` to `target`. */
export function planGain(measured: Loudness, target: LoudnessTarget, sampleRate: number, extraGainDb = 0): GainPlan {
  const gainDb = round2(target.integrated - measured.integrated + extraGainDb);
  const ceiling = target.truePeak - CODEC_HEADROOM_DB;
  const resample = `aresample=${sampleRate}`;
  if (measured.truePeak + gainDb <= ceiling) {
    return { mode: 'linear', gainDb, filter: `volume=${gainDb}dB,${resample}` };
  }
  // alimiter looks at samples; at 4x oversampling its sample peaks are the true peaks of BS.1770.
  // level=disabled: no automatic make-up gain (it would undo the ceiling).
  const limit = round4(10 ** (ceiling / 20));
  const oversampled = sampleRate * 4;
  return {
    mode: 'limited',
    gainDb,
    filter: `volume=${gainDb}dB,aresample=${oversampled},alimiter=limit=${limit}:attack=1:release=50:level=disabled,${resample}`,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** Whether a measured output meets its target: within the tolerance, and under the ceiling. */
export function loudnessProblem(measured: Loudness, target: LoudnessTarget): string | undefined {
  const off = measured.integrated - target.integrated;
  if (!Number.isFinite(measured.integrated) || Math.abs(off) > LOUDNESS_TOLERANCE) {
    return `loudness ${measured.integrated} LUFS is more than ${LOUDNESS_TOLERANCE} LU from the target ${target.integrated} LUFS`;
  }
  if (measured.truePeak > target.truePeak) return `true peak ${measured.truePeak} dBTP is over the ceiling ${target.truePeak} dBTP`;
  return undefined;
}
