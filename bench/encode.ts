// How long does `netcaster encode` take against the plain way: one separate ffmpeg run per
// output, each with `loudnorm` (one pass) and the same encoder settings? Two masters:
// a 10-minute stereo audio master to MP3 and M4A, and a 1-minute video master (640x360, 30 fps)
// to M4V and WebM. Both with the standard profile (what a podcaster publishes). netcaster's
// time includes everything it does: the analysis, the decode, the encodes, measuring every output
// again, and the check before media: is written.
// Run on its own: node dist/bench/encode.js   (bench/run.ts calls benchEncode() for BENCHMARKS.md)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp', 'encode');
const cli = path.join(root, 'dist', 'src', 'cli.js');
const AUDIO_SECONDS = 600;
const VIDEO_SECONDS = 60;
const ROUNDS = 2;

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** Masters made once and kept (bench/tmp is gitignored). */
function makeMasters(): { audio: string; video: string } {
  fs.mkdirSync(tmp, { recursive: true });
  const audio = path.join(tmp, 'master-10min.wav');
  const video = path.join(tmp, 'master-1min.mkv');
  // Speech-like: pink noise whose level swells and fades like phrases, over a quiet tone, too quiet (~-28 LUFS).
  const voice = (secs: number) =>
    `anoisesrc=duration=${secs}:color=pink:sample_rate=44100:amplitude=0.3:seed=7,volume=volume='0.05+0.4*abs(sin(t*2.1))*abs(sin(t/3))':eval=frame,lowpass=f=4000`;
  if (!fs.existsSync(audio)) {
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      voice(AUDIO_SECONDS),
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=180:sample_rate=44100:duration=${AUDIO_SECONDS}`,
      '-filter_complex',
      '[1:a]volume=0.02[b];[0:a][b]amix=inputs=2:normalize=0,pan=stereo|c0=c0|c1=0.9*c0',
      '-c:a',
      'pcm_s16le',
      `${audio}.part.wav`,
    ]);
    fs.renameSync(`${audio}.part.wav`, audio);
  }
  if (!fs.existsSync(video)) {
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=640x360:rate=30:duration=${VIDEO_SECONDS}`,
      '-f',
      'lavfi',
      '-i',
      voice(VIDEO_SECONDS),
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-ac',
      '2',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'flac',
      `${video}.part.mkv`,
    ]);
    fs.renameSync(`${video}.part.mkv`, video);
  }
  return { audio, video };
}

function show(name: string, master: string, formats: string[]): string {
  const dir = path.join(tmp, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, '001-episode'), { recursive: true });
  fs.copyFileSync(path.join(root, 'episodes', 'artwork.jpg'), path.join(dir, 'artwork.jpg'));
  const enclosure = formats[0];
  fs.writeFileSync(
    path.join(dir, 'show.yaml'),
    `title: Bench\ndescription: Bench.\nauthor: Bench\nlanguage: en\nbaseUrl: https://bench.example\nartwork: artwork.jpg\nfeeds:\n  main: { title: Main, enclosure: ${enclosure}, alternates: [${formats.slice(1).join(', ')}] }\nencode:\n  formats: [${formats.join(', ')}]\n`,
  );
  const masterName = `master${path.extname(master)}`;
  fs.linkSync(master, path.join(dir, '001-episode', masterName));
  fs.writeFileSync(
    path.join(dir, '001-episode', 'episode.yaml'),
    `title: Episode\ndate: 2024-01-01T00:00:00Z\nnumber: 1\nsummary: S.\nguid: bench-1\nmaster: ${masterName}\n`,
  );
  return dir;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return s;
}

/**
 * The plain way: one ffmpeg per output, loudnorm (one pass) in each, the same encoder settings
 * as netcaster's standard recipes (src/encode/recipes.ts: x264 medium at CRF 23, VP9 CRF 33 at
 * good/cpu-used 4 with row-mt, the same audio bitrates), so both make the same quality, each
 * encoder with ffmpeg's own threads, as in netcaster.
 */
const plainArgs: Record<string, (master: string, out: string) => string[]> = {
  mp3: (m, o) => ['-i', m, '-map', '0:a', '-af', 'loudnorm=I=-16:TP=-1:LRA=11', '-c:a', 'libmp3lame', '-b:a', '128k', '-ar', '44100', o],
  m4a: (m, o) => [
    '-i',
    m,
    '-map',
    '0:a',
    '-af',
    'loudnorm=I=-16:TP=-1:LRA=11',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-movflags',
    '+faststart',
    o,
  ],
  m4v: (m, o) => [
    '-i',
    m,
    '-map',
    '0:v',
    '-map',
    '0:a',
    '-af',
    'loudnorm=I=-16:TP=-1:LRA=11',
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    '23',
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-movflags',
    '+faststart',
    o,
  ],
  webm: (m, o) => [
    '-i',
    m,
    '-map',
    '0:v',
    '-map',
    '0:a',
    '-af',
    'loudnorm=I=-16:TP=-1:LRA=11',
    '-c:v',
    'libvpx-vp9',
    '-crf',
    '33',
    '-b:v',
    '0',
    '-deadline',
    'good',
    '-cpu-used',
    '4',
    '-row-mt',
    '1',
    '-c:a',
    'libopus',
    '-b:a',
    '96k',
    '-ar',
    '48000',
    o,
  ],
};

function plain(master: string, formats: string[]): number {
  let total = 0;
  for (const f of formats)
    total += timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...plainArgs[f](master, path.join(tmp, `plain.${f}`))]);
  return total;
}

function ours(dir: string): number {
  return timed(process.execPath, [cli, 'encode', dir], {
    NETCASTER_CACHE_DIR: path.join(tmp, 'cache'),
    NETCASTER_ENCODE_PROFILE: 'standard',
  });
}

export interface EncodeFigures {
  audio: Figures;
  video: Figures;
}

interface Figures {
  seconds: number;
  formats: string[];
  netcaster: number;
  plain: number;
  speed: number;
  rounds: { netcaster: number[]; plain: number[] };
}

export function benchEncode(): EncodeFigures {
  const { audio, video } = makeMasters();
  // Two rounds in alternating order, the faster of each kept: on a shared machine the load
  // drifts, and whichever runs second in a round would otherwise carry the drift alone.
  const run = (name: string, master: string, formats: string[], seconds: number) => {
    const times = { netcaster: [] as number[], plain: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['netcaster', 'plain'] as const) : (['plain', 'netcaster'] as const);
      for (const which of order) times[which].push(which === 'netcaster' ? ours(show(name, master, formats)) : plain(master, formats));
    }
    const netcaster = Math.min(...times.netcaster);
    const baseline = Math.min(...times.plain);
    // Speed against real time: seconds of programme made per second, over all outputs.
    return { seconds, formats, netcaster, plain: baseline, speed: (seconds * formats.length) / netcaster, rounds: times };
  };
  const figures = {
    audio: run('audio-show', audio, ['mp3', 'm4a'], AUDIO_SECONDS),
    video: run('video-show', video, ['m4v', 'webm'], VIDEO_SECONDS),
  };
  fs.rmSync(path.join(tmp, 'cache'), { recursive: true, force: true });
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchEncode(), null, 2));
}
