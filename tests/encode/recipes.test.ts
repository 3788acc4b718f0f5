// encode/recipes.ts: the ffmpeg arguments of every format. Their inputs and maps agree with the
// order the file documents, and each recipe, run by the real ffmpeg on a second of a committed
// master, makes the streams its format should hold, ending with the programme. The full encode
// (loudness, tags read back, check --strict) is in encode.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { probeStreams, runFfmpeg } from '../../src/encode/ffmpeg.js';
import { ENCODABLE, RECIPES, type RecipeInput, type VideoInput } from '../../src/encode/recipes.js';
import { ffmetadata } from '../../src/encode/tags.js';
import { fixturesDir, needTool, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

const input = (extra: Partial<RecipeInput> = {}): RecipeInput => ({
  audio: '/in/audio.wav',
  metadata: '/in/meta.txt',
  picture: '/in/picture.mp4',
  cover: '/in/cover.jpg',
  channels: 2,
  duration: 61.23456,
  profile: 'standard',
  output: '/out/file',
  ...extra,
});

/** The -i files of an argument list, in order: input N is inputs[N]. */
const inputsOf = (args: string[]) => args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
/** The -map values. */
const mapsOf = (args: string[]) => args.flatMap((a, i) => (a === '-map' ? [args[i + 1]] : []));
const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

test('every format encode makes has a recipe: its extension, whether it is video, its encoders', () => {
  assert.deepEqual(ENCODABLE.sort(), ['m4a', 'm4v', 'mp3', 'mp4', 'webm']);
  for (const format of ENCODABLE) {
    const r = RECIPES[format];
    assert.equal(r.format, format);
    assert.equal(r.ext, format);
    assert.equal(r.video, ['m4v', 'mp4', 'webm'].includes(format), format);
    assert.equal(typeof r.videoArgs === 'function', r.video, `${format}: a video format has a picture step`);
    assert.ok(r.encoders.length > 0);
  }
});

test('inputs come in the documented order (sound, tags, picture, cover) and every -map names one that is there', () => {
  for (const format of ENCODABLE) {
    const r = RECIPES[format];
    const args = r.args(input());
    const inputs = inputsOf(args);
    assert.deepEqual(inputs.slice(0, 2), ['/in/audio.wav', '/in/meta.txt'], format);
    assert.equal(valueOf(args, '-f'), 'ffmetadata', `${format}: the tags input is read as FFMETADATA`);
    if (r.video) assert.equal(inputs[2], '/in/picture.mp4', format);
    for (const map of mapsOf(args)) {
      const n = Number(map.split(':')[0]);
      assert.ok(n >= 0 && n < inputs.length, `${format}: -map ${map} names no input`);
    }
    assert.ok(mapsOf(args).includes('0:a'), `${format}: the sound is input 0`);
    if (r.video) assert.ok(mapsOf(args).includes('2:v:0'), `${format}: the picture is input 2`);
    assert.equal(args.at(-1), '/out/file', `${format}: the output is last`);
  }
});

test('the cover goes into the MP4 family as an attached picture, never into the WebM or by ffmpeg into the MP3', () => {
  for (const format of ['m4a', 'm4v', 'mp4']) {
    const args = RECIPES[format].args(input());
    const coverAt = inputsOf(args).indexOf('/in/cover.jpg');
    assert.ok(coverAt > 0, format);
    assert.ok(mapsOf(args).includes(`${coverAt}:v`), format);
    assert.ok(args.includes('attached_pic'), format);
    const without = RECIPES[format].args(input({ cover: undefined }));
    assert.ok(!without.includes('attached_pic'), `${format} without a cover`);
    assert.deepEqual(
      mapsOf(without).filter((m) => m.startsWith('3')),
      [],
    );
  }
  for (const format of ['webm', 'mp3']) {
    assert.ok(!inputsOf(RECIPES[format].args(input())).includes('/in/cover.jpg'), format);
  }
});

test('tags and chapters come from the FFMETADATA input, except in the MP3, whose tag id3.ts writes', () => {
  for (const format of ['m4a', 'm4v', 'mp4', 'webm']) {
    const args = RECIPES[format].args(input());
    assert.equal(valueOf(args, '-map_metadata'), '1', format);
    assert.equal(valueOf(args, '-map_chapters'), '1', format);
    assert.equal(RECIPES[format].ownTag, false);
  }
  const mp3 = RECIPES.mp3.args(input());
  assert.equal(RECIPES.mp3.ownTag, true);
  assert.equal(valueOf(mp3, '-map_metadata'), '-1');
  assert.equal(valueOf(mp3, '-id3v2_version'), '0');
  assert.equal(valueOf(mp3, '-write_id3v1'), '0');
});

test('every output ends with the programme (-t, in ms), and a gain is applied only when there is one', () => {
  for (const format of ENCODABLE) {
    const args = RECIPES[format].args(input());
    assert.equal(valueOf(args, '-t'), '61.235', format);
    assert.ok(!args.includes('-filter:a'), `${format}: no gain asked`);
    const gained = RECIPES[format].args(input({ gainDb: -0.7 }));
    assert.equal(valueOf(gained, '-filter:a'), 'volume=-0.7dB', format);
  }
});

test('mono gets the lower bitrate; more than two channels are encoded at the stereo rate', () => {
  const rate = (format: string, channels: number) => valueOf(RECIPES[format].args(input({ channels })), '-b:a');
  for (const format of ENCODABLE) {
    assert.ok(Number.parseInt(rate(format, 1)) < Number.parseInt(rate(format, 2)), format);
    assert.equal(rate(format, 6), rate(format, 2), format);
  }
  assert.equal(rate('mp3', 2), '128k');
});

test('settings (part of every output name) change with the channels, and with the profile for video only', () => {
  for (const format of ENCODABLE) {
    const r = RECIPES[format];
    assert.notDeepEqual(r.settings('standard', 1), r.settings('standard', 2), format);
    if (r.video) assert.notDeepEqual(r.settings('draft', 2), r.settings('standard', 2), format);
    else assert.deepEqual(r.settings('draft', 2), r.settings('standard', 2), format);
  }
});

test('the picture step: a still is looped at 10 frames a second, a video master is not; draft is a faster encoder setting', () => {
  const still: VideoInput = { picture: { kind: 'still', file: '/in/artwork.jpg' }, duration: 12, profile: 'standard', output: '/out/p' };
  const video: VideoInput = { ...still, picture: { kind: 'video', file: '/in/master.mkv' } };
  for (const format of ['m4v', 'mp4', 'webm']) {
    const make = RECIPES[format].videoArgs;
    assert.ok(make);
    const fromStill = make(still);
    assert.deepEqual(fromStill.slice(0, 6), ['-loop', '1', '-framerate', '10', '-i', '/in/artwork.jpg'], format);
    assert.equal(valueOf(fromStill, '-r'), '10');
    const fromVideo = make(video);
    assert.ok(!fromVideo.includes('-loop'), format);
    assert.ok(!fromVideo.includes('-r'), `${format}: a video master keeps its frame rate`);
    // Only the picture: no sound, tags or chapters from the master.
    for (const args of [fromStill, fromVideo]) {
      assert.ok(args.includes('-an'), format);
      assert.equal(valueOf(args, '-map_metadata'), '-1', format);
      assert.equal(valueOf(args, '-t'), '12.000', format);
      assert.equal(args.at(-1), '/out/p');
    }
    assert.notDeepEqual(make({ ...video, profile: 'draft' }), fromVideo, format);
  }
});

test("each recipe, run by ffmpeg, makes its format's streams, as long as the programme", { timeout: 120_000 }, async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const dir = tempDir('recipes', t);
  const audio = path.join(dir, 'programme.wav');
  await runFfmpeg(['-i', path.join(fixturesDir, 'masters', 'speech-stereo.flac'), '-t', '1.5', '-c:a', 'pcm_s16le', audio]);
  const metadata = path.join(dir, 'meta.txt');
  fs.writeFileSync(
    metadata,
    ffmetadata({ title: 'T', artist: 'A', album: 'S', year: 2021, comment: 'C' }, [{ startTime: 0, title: 'One' }], 1.5),
  );
  const still = path.join(dir, 'still.png');
  await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=blue:s=96x96', '-frames:v', '1', still]);
  const cover = path.join(sampleShowDir, '047-clouds-have-outages-too', 'cover.jpg');
  const duration = 1.5;
  for (const format of ENCODABLE) {
    const r = RECIPES[format];
    let picture: string | undefined;
    if (r.videoArgs) {
      picture = path.join(dir, `${format}-picture.${format === 'webm' ? 'webm' : 'mp4'}`);
      // mp4 from the video master, m4v and webm from a still, as encode does for each kind of master.
      const source =
        format === 'mp4'
          ? { kind: 'video' as const, file: path.join(fixturesDir, 'masters', 'video.mkv') }
          : { kind: 'still' as const, file: still };
      await runFfmpeg(r.videoArgs({ picture: source, duration, profile: 'draft', output: picture }));
    }
    const output = path.join(dir, `out.${r.ext}`);
    await runFfmpeg(r.args({ audio, metadata, picture, cover, channels: 2, duration, profile: 'draft', output }));
    const info = await probeStreams(output);
    assert.equal(info.audio?.channels, 2, format);
    assert.ok(Math.abs((info.duration ?? 0) - duration) < 0.08, `${format}: ${info.duration} s, not ${duration} s`);
    if (r.video) {
      assert.ok(info.video, `${format} has a picture`);
      if (format === 'mp4') assert.deepEqual([info.video.width, info.video.height], [320, 180]);
      else assert.deepEqual([info.video.width, info.video.height], [96, 96]);
    } else assert.equal(info.video, undefined, `${format} has no picture (a cover is not one)`);
    // CBR with LAME's Info header in its first frame, so apps seek by byte and know the duration.
    if (format === 'mp3') assert.ok(fs.readFileSync(output).subarray(0, 200).includes('Info'), 'the MP3 starts with its Info header');
  }
});
