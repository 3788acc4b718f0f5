// The one way netcaster runs ffmpeg: the system's binary (Debian's `ffmpeg`), spawned directly
// with an argument array, never through a shell, so no file name can become a command.
// fluent-ffmpeg is archived; what it did for us is this file.
//
// Progress comes from ffmpeg's `-progress` key=value blocks (https://ffmpeg.org/ffmpeg.html#Advanced-options),
// written to a pipe of their own so the log on stderr stays the log.
import { spawn, spawnSync } from 'node:child_process';

/** A missing ffmpeg or encoder: the machine's fault, said plainly (never a stack trace). */
export class FfmpegMissing extends Error {}

/** An ffmpeg run that failed; `log` is the tail of what it said. */
export class FfmpegFailed extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}

/**
 * The run was stopped on purpose: its AbortSignal fired, or ffmpeg itself got the terminal's
 * Ctrl-C (it shares netcaster's process group) and quit before netcaster's own handler ran.
 */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export interface FfmpegProgress {
  /** Seconds of output written so far. */
  outTime: number;
  /** Speed against real time (2 = twice as fast as playing it). */
  speed?: number;
  done: boolean;
}

export interface RunOptions {
  onProgress?: (p: FfmpegProgress) => void;
  /** Aborting kills ffmpeg; the promise then rejects with Interrupted. */
  signal?: AbortSignal;
}

const ENCODER_PACKAGES: Record<string, string> = {
  libmp3lame: 'MP3',
  libx264: 'H.264 (M4V)',
  'libvpx-vp9': 'VP9 (WebM)',
  libopus: 'Opus (WebM)',
  aac: 'AAC (M4V, M4A)',
};

let encodersCache: Set<string> | undefined;

/** Throws FfmpegMissing, naming what to install, unless ffmpeg and every encoder are there. */
export function requireEncoders(encoders: string[]): void {
  if (!encodersCache) {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 });
    if (r.error || r.status !== 0) {
      throw new FfmpegMissing(
        'ffmpeg is not installed (or does not run): install it, e.g. `sudo apt-get install ffmpeg` on Debian or Ubuntu',
      );
    }
    // Lines look like " A....D libmp3lame  libmp3lame MP3 (MPEG audio layer 3) (codec mp3)".
    encodersCache = new Set(
      r.stdout
        .split('\n')
        .map((line) => /^\s*[VAS][.A-Z]{5}\s+(\S+)/.exec(line)?.[1])
        .filter((x): x is string => !!x),
    );
  }
  const missing = encoders.filter((e) => !encodersCache!.has(e));
  if (missing.length > 0) {
    throw new FfmpegMissing(
      `this ffmpeg has no ${missing.map((e) => `${e} encoder (for ${ENCODER_PACKAGES[e] ?? e})`).join(', ')}: install a full build, e.g. Debian's \`ffmpeg\` package`,
    );
  }
}

/** ffmpeg's version line ("ffmpeg version 5.1.9-0+deb12u1"): part of every recipe, since another build writes other bytes. */
export function ffmpegVersion(): string {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new FfmpegMissing(
      'ffmpeg is not installed (or does not run): install it, e.g. `sudo apt-get install ffmpeg` on Debian or Ubuntu',
    );
  return r.stdout.split('\n')[0].trim();
}

/** Keeps the last bytes of a stream: ffmpeg's log can be long, only its end says what failed. */
const LOG_TAIL = 16 * 1024;

/**
 * Runs ffmpeg with `args` (after the common ones) and resolves with its log (stderr) when it
 * exits 0; rejects with FfmpegFailed otherwise.
 */
export function runFfmpeg(args: string[], options: RunOptions = {}): Promise<string> {
  const { onProgress, signal } = options;
  const common = ['-hide_banner', '-nostdin', '-y', '-nostats'];
  const progressArgs = onProgress ? ['-progress', 'pipe:1'] : [];
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Interrupted());
    const child = spawn('ffmpeg', [...common, ...progressArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      log = (log + chunk).slice(-LOG_TAIL);
    });
    let pending = '';
    let block: Record<string, string> = {};
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const key = line.slice(0, eq);
        block[key] = line.slice(eq + 1);
        if (key === 'progress') {
          // out_time_us is microseconds despite ffmpeg 5's out_time_ms having the same value.
          const us = Number(block.out_time_us ?? block.out_time_ms);
          const speed = Number.parseFloat(block.speed ?? '');
          onProgress?.({
            outTime: Number.isFinite(us) && us > 0 ? us / 1e6 : 0,
            ...(Number.isFinite(speed) && { speed }),
            done: block.progress === 'end',
          });
          block = {};
        }
      }
    });
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(
        err.code === 'ENOENT'
          ? new FfmpegMissing('ffmpeg is not installed: install it, e.g. `sudo apt-get install ffmpeg` on Debian or Ubuntu')
          : err,
      );
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(new Interrupted());
      if (code === 0) return resolve(log);
      // ffmpeg says "Exiting normally, received signal 2." when a Ctrl-C reached it first.
      if (killedBy === 'SIGINT' || killedBy === 'SIGTERM' || /received signal (2|15)\b/.test(log)) return reject(new Interrupted());
      reject(new FfmpegFailed(`ffmpeg ${killedBy ? `was killed (${killedBy})` : `exited with ${code}`}: ${lastLines(log)}`, log));
    });
  });
}

/** The last meaningful lines of an ffmpeg log, for a one-line message. */
export function lastLines(log: string, n = 2): string {
  return log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('frame=') && !l.startsWith('size='))
    .slice(-n)
    .join(' / ');
}

export interface StreamInfo {
  duration?: number;
  audio?: { channels: number; sampleRate: number };
  video?: { width: number; height: number; frameRate?: number };
}

/** What a file holds, from ffprobe (Debian's ffmpeg package ships it). */
export function probeStreams(file: string, signal?: AbortSignal): Promise<StreamInfo> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-LOG_TAIL)));
    // A missing ffprobe is the machine's fault (a static ffmpeg build alone has none), not the file's.
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new FfmpegMissing('ffprobe is not installed: install ffmpeg with it, e.g. `sudo apt-get install ffmpeg` on Debian or Ubuntu')
          : e,
      ),
    );
    child.on('close', (code) => {
      if (code !== 0) return reject(new FfmpegFailed(lastLines(err) || `ffprobe exited with ${code}`, err));
      const data = JSON.parse(out) as {
        format?: { duration?: string };
        streams?: {
          codec_type?: string;
          channels?: number;
          sample_rate?: string;
          width?: number;
          height?: number;
          avg_frame_rate?: string;
          disposition?: { attached_pic?: number };
        }[];
      };
      const streams = data.streams ?? [];
      const a = streams.find((s) => s.codec_type === 'audio');
      // A cover picture in an audio file is a video stream with attached_pic: not a picture to show.
      const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
      const [num, den] = (v?.avg_frame_rate ?? '').split('/').map(Number);
      const duration = Number.parseFloat(data.format?.duration ?? '');
      resolve({
        ...(Number.isFinite(duration) && { duration }),
        ...(a && { audio: { channels: a.channels ?? 2, sampleRate: Number(a.sample_rate) || 48000 } }),
        ...(v && { video: { width: v.width ?? 0, height: v.height ?? 0, ...(num > 0 && den > 0 && { frameRate: num / den }) } }),
      });
    });
  });
}
