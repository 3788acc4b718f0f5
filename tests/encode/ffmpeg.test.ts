// encode/ffmpeg.ts with the system's ffmpeg and ffprobe on the committed tiny masters: the one
// runner (its log, its failures, its progress, stopping it), the encoder check and the probe.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  FfmpegFailed,
  FfmpegMissing,
  ffmpegVersion,
  Interrupted,
  lastLines,
  probeStreams,
  requireEncoders,
  runFfmpeg,
  type FfmpegProgress,
} from '../../src/encode/ffmpeg.js';
import { id3v23Tag } from '../../src/encode/id3.js';
import { fixturesDir, needTool, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

const master = (name: string) => path.join(fixturesDir, 'masters', name);

/** Runs `fn` with no ffmpeg on the PATH. */
async function withoutFfmpeg<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    return await fn();
  } finally {
    process.env.PATH = before;
  }
}

test('lastLines: the last meaningful lines of a log, without its frame= and size= progress lines', () => {
  const log = 'Input #0, flac\n  Duration: 00:00:05\n\nframe=  10 fps=0.0\nsize=   0kB time=00:00:01\nmaster.flac: Invalid data found\n';
  assert.equal(lastLines(log), 'Duration: 00:00:05 / master.flac: Invalid data found');
  assert.equal(lastLines(log, 1), 'master.flac: Invalid data found');
  assert.equal(lastLines(''), '');
});

test('ffmpegVersion is the version line of the ffmpeg on the PATH', (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  assert.match(ffmpegVersion(), /^ffmpeg version \S+/);
});

test('requireEncoders passes for encoders this ffmpeg has, and names each one it lacks with what it is for', (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  requireEncoders(['aac', 'libmp3lame']);
  assert.throws(
    () => requireEncoders(['aac', 'libnothing', 'libvpx-vp10']),
    (err: unknown) => {
      assert.ok(err instanceof FfmpegMissing);
      assert.match(err.message, /this ffmpeg has no libnothing encoder \(for libnothing\), libvpx-vp10 encoder \(for libvpx-vp10\)/);
      assert.doesNotMatch(err.message, /aac encoder/);
      return true;
    },
  );
});

test('without ffmpeg on the PATH: the version and a run say what to install (FfmpegMissing), never a stack trace', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  await withoutFfmpeg(async () => {
    assert.throws(
      () => ffmpegVersion(),
      (e: unknown) => e instanceof FfmpegMissing && /apt-get install ffmpeg/.test(e.message),
    );
    await assert.rejects(runFfmpeg(['-version']), (e: unknown) => e instanceof FfmpegMissing && /install/.test(e.message));
  });
});

test('runFfmpeg resolves with the log of a run that succeeds, and the output is written', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const out = path.join(tempDir('ffmpeg', t), 'out.wav');
  const log = await runFfmpeg(['-i', master('speech-mono.flac'), '-t', '1', out]);
  assert.match(log, /Input #0, flac/);
  assert.ok(fs.statSync(out).size > 22_050, 'a second of 16-bit mono WAV');
});

test('runFfmpeg rejects with FfmpegFailed, the exit code and the end of the log, when ffmpeg fails', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const dir = tempDir('ffmpeg', t);
  const bad = path.join(dir, 'not-audio.txt');
  fs.writeFileSync(bad, 'this is not audio');
  await assert.rejects(runFfmpeg(['-i', bad, path.join(dir, 'out.wav')]), (err: unknown) => {
    assert.ok(err instanceof FfmpegFailed);
    assert.match(err.message, /^ffmpeg exited with [1-9]\d*: \S/);
    assert.match(err.message, /not-audio\.txt: Invalid data found/, 'the message says which input failed and why');
    return true;
  });
  assert.ok(!fs.existsSync(path.join(dir, 'out.wav')));
});

test('runFfmpeg reports progress: output time rising to the programme, and done at the end', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const reports: FfmpegProgress[] = [];
  await runFfmpeg(['-i', master('speech-stereo.flac'), '-f', 'wav', path.join(tempDir('ffmpeg', t), 'out.wav')], {
    onProgress: (p) => reports.push(p),
  });
  assert.ok(reports.length >= 1);
  const last = reports.at(-1);
  assert.equal(last?.done, true);
  assert.ok(Math.abs((last?.outTime ?? 0) - 5) < 0.1, `ends at ${last?.outTime} s of 5 s`);
  assert.ok(
    reports.slice(0, -1).every((p) => !p.done),
    'only the last report is done',
  );
  for (let i = 1; i < reports.length; i++) assert.ok(reports[i].outTime >= reports[i - 1].outTime, 'never goes back');
  assert.ok(last?.speed === undefined || last.speed > 0);
});

test('runFfmpeg: aborting kills ffmpeg and rejects with Interrupted; an aborted signal starts nothing', { timeout: 10_000 }, async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const out = path.join(tempDir('ffmpeg', t), 'out.wav');
  const controller = new AbortController();
  const started = Date.now();
  // An endless input: only the abort ends this run.
  const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-f', 'wav', out], { signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(run, Interrupted);
  assert.ok(Date.now() - started < 5_000);

  const never = path.join(tempDir('ffmpeg', t), 'never.wav');
  await assert.rejects(runFfmpeg(['-f', 'lavfi', '-i', 'anullsrc', '-t', '0.1', never], { signal: AbortSignal.abort() }), Interrupted);
  assert.ok(!fs.existsSync(never), 'ffmpeg was never started');
});

test('probeStreams: a mono master is audio of one channel, with its duration and rate', async (t) => {
  if (!needTool(t, 'ffprobe')) return;
  const info = await probeStreams(master('speech-mono.flac'));
  assert.deepEqual(info, { duration: 5, audio: { channels: 1, sampleRate: 22050 } });
});

test('probeStreams: a video master has its picture size and frame rate too', async (t) => {
  if (!needTool(t, 'ffprobe')) return;
  const info = await probeStreams(master('video.mkv'));
  assert.equal(info.duration, 4);
  assert.deepEqual(info.audio, { channels: 2, sampleRate: 22050 });
  assert.deepEqual(info.video, { width: 320, height: 180, frameRate: 25 });
});

test('probeStreams: a cover picture in an MP3 is not a video stream', async (t) => {
  if (!needTool(t, 'ffprobe')) return;
  const mp3 = fs.readFileSync(path.join(fixturesDir, 'media', 'good-cbr.mp3'));
  const tagSize = ((mp3[6] & 0x7f) << 21) | ((mp3[7] & 0x7f) << 14) | ((mp3[8] & 0x7f) << 7) | (mp3[9] & 0x7f);
  const cover = { mime: 'image/jpeg', bytes: fs.readFileSync(path.join(sampleShowDir, 'artwork.jpg')) };
  const tag = id3v23Tag({ title: 'T', artist: 'A', album: 'S', year: 2021, comment: '' }, [], 1, cover);
  const file = path.join(tempDir('ffmpeg', t), 'with-cover.mp3');
  fs.writeFileSync(file, Buffer.concat([tag, mp3.subarray(10 + tagSize)]));
  const info = await probeStreams(file);
  assert.ok(info.audio);
  assert.equal(info.video, undefined);
});

test('without ffprobe on the PATH, probeStreams says what to install (FfmpegMissing), not that the master is unreadable', async (t) => {
  if (!needTool(t, 'ffprobe')) return;
  await withoutFfmpeg(() =>
    assert.rejects(
      probeStreams(master('speech-mono.flac')),
      (e: unknown) => e instanceof FfmpegMissing && /ffprobe is not installed/.test(e.message),
    ),
  );
});

test('probeStreams rejects a file that is not media with FfmpegFailed, saying why', async (t) => {
  if (!needTool(t, 'ffprobe')) return;
  const file = path.join(tempDir('ffmpeg', t), 'notes.txt');
  fs.writeFileSync(file, 'plain text');
  await assert.rejects(probeStreams(file), (err: unknown) => err instanceof FfmpegFailed && /Invalid data/.test(err.message));
});
