// How fast and how exact is our MP3 frame scan? A 60-minute VBR MP3 without a Xing header
// (the worst case: only counting frames gives its duration), probed by us, by music-metadata's
// own full scan (`duration: true`) and by ffprobe. Prints one JSON object.
// Run: node dist/bench/mp3-scan.js   (bench/run.ts calls benchMp3Scan() for BENCHMARKS.md)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { musicMetadataDuration, probeMedia } from '../src/media/probe.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = path.join(root, 'bench', 'tmp');
const SECONDS = 3600;

/** Made once and kept (bench/tmp is gitignored): encoding an hour takes a while. */
function makeFile(): string {
  const file = path.join(tmp, 'vbr-no-xing-60min.mp3');
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(tmp, { recursive: true });
  const part = `${file}.part`;
  // Pink noise whose loudness swells and fades, so the VBR encoder's frame sizes keep changing.
  const source = `anoisesrc=duration=${SECONDS}:color=pink:sample_rate=22050:amplitude=0.5:seed=1,volume=volume='0.02+0.98*abs(sin(t/5))':eval=frame`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    source,
    '-c:a',
    'libmp3lame',
    '-q:a',
    '4',
    '-ac',
    '1',
    '-write_xing',
    '0',
    '-f',
    'mp3',
    part,
  ]);
  fs.renameSync(part, file);
  return file;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, value };
}

export async function benchMp3Scan() {
  const file = makeFile();
  let ours = { seconds: Infinity, duration: NaN };
  for (let run = 0; run < 3; run++) {
    const r = await timed(() => probeMedia(file));
    if (r.seconds < ours.seconds) ours = { seconds: r.seconds, duration: r.value.facts?.duration ?? NaN };
  }
  const mm = await timed(() => musicMetadataDuration(file));
  const ff = await timed(async () =>
    Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim(),
    ),
  );
  return {
    trueDuration: SECONDS,
    ours,
    musicMetadata: { seconds: mm.seconds, duration: mm.value },
    ffprobe: { seconds: ff.seconds, duration: Number.isFinite(ff.value) ? ff.value : undefined },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchMp3Scan(), null, 2));
}
