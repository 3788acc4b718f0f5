// `netcaster encode` as a podcaster runs it: the built CLI on show folders made from the masters
// of scripts/make-fixtures.sh, every output measured with ffmpeg's own tools and read back with
// music-metadata. Encoder settings are the draft profile (NETCASTER_ENCODE_PROFILE=draft), so
// the suite stays fast on two cores; the recipes are otherwise the same.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { parseFile } from 'music-metadata';
import { load as parseYaml } from 'js-yaml';
import { readMp4Layout } from '../../src/media/mp4-boxes.js';
import { id3v2Length } from '../../src/media/mp3-frames.js';
import { cliPath, fixturesDir, hasTool, needTool, repoRoot, runCli } from '../support/env.js';
import { startServe } from '../e2e/serve-process.js';
import { type EpisodeFolder, writeShowFolder } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const masters = path.join(fixturesDir, 'masters');
const haveTools = () => hasTool('ffmpeg') && hasTool('ffprobe');

/** Skips (outside CI) or fails (in CI) without ffmpeg and ffprobe; see tests/support/env.ts. */
const needFfmpeg = (t: TestContext) => needTool(t, 'ffmpeg', haveTools);

const VIDEO_AND_AUDIO_FEEDS = `feeds:
  video: { title: Video, enclosure: m4v, alternates: [webm] }
  audio: { title: Audio, enclosure: mp3 }
`;

interface EpisodeSetup {
  master: string; // fixture name in tests/fixtures/masters, or 'text' for a file that is not media
  masterName?: string;
  extra?: string;
  chapters?: { startTime: number; title: string }[];
}

function makeShow(feedsAndEncode: string, episodes: Record<string, EpisodeSetup>): string {
  return writeShowFolder(
    tempDir('encode'),
    `title: Encode Show\ndescription: Made by the encode tests.\nauthor: Test Author\nlanguage: en\nbaseUrl: https://encode.example\nartwork: artwork.jpg\ncategories: [Technology]\n${feedsAndEncode}`,
    Object.entries(episodes).map(([slug, e]) => {
      const name = e.masterName ?? `master${path.extname(e.master) || '.wav'}`;
      const files: EpisodeFolder['files'] = { [name]: e.master === 'text' ? { text: 'not a recording\n' } : path.join(masters, e.master) };
      if (e.chapters) files['chapters.json'] = { text: JSON.stringify({ version: '1.2.0', chapters: e.chapters }) };
      return {
        slug,
        files,
        yaml: `# Written by a test.\ntitle: Episode ${slug}\ndate: 2021-03-04T05:06:07Z\nnumber: 7\nsummary: "A summary; with = signs # and a hash."\nguid: guid-${slug}\nmaster: ${name}\n${e.extra ?? ''}`,
      };
    }),
  );
}

const env = (dir: string) => ({ NETCASTER_CACHE_DIR: path.join(dir, '.test-cache'), NETCASTER_ENCODE_PROFILE: 'draft' });
const encode = (dir: string, ...args: string[]) => runCli(['encode', dir, ...args], { env: env(dir) });
const check = (dir: string, ...args: string[]) => runCli(['check', dir, ...args], { env: env(dir) });
const manifest = (dir: string, slug: string) =>
  parseYaml(fs.readFileSync(path.join(dir, slug, 'episode.yaml'), 'utf8')) as { media?: Record<string, string>; master?: string };

/** ffmpeg's ebur128 summary of a file: integrated loudness and true peak. */
function ebur128(file: string): { integrated: number; truePeak: number } {
  const log = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { encoding: 'utf8' },
  ).stderr;
  const summary = log.slice(log.lastIndexOf('Summary:'));
  return {
    integrated: Number(/\bI:\s*(-?[\d.]+)\s*LUFS/.exec(summary)![1]),
    truePeak: Number(/Peak:\s*(-?[\d.]+)\s*dBFS/.exec(summary)![1]),
  };
}
// Chapters in the M4V and the WebM are read back with ffprobe: music-metadata 11 (11.16) with
// `includeChapters` reads an MP4 chapter track only when exactly one track refers to it (in
// ffmpeg's M4V both the video and the audio track do), stops with an error on ffmpeg's audio-only
// MP4, and reads no Matroska chapters.
function ffprobe(file: string): {
  format: { duration: string; tags?: Record<string, string> };
  streams: {
    codec_type: string;
    codec_name: string;
    profile?: string;
    width?: number;
    height?: number;
    channels?: number;
    disposition?: { attached_pic: number };
  }[];
  chapters: { start_time: string; tags: { title: string } }[];
} {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', file], {
      encoding: 'utf8',
    }),
  );
}

/** The byte after the ID3 tag starts the first frame; LAME's Info (CBR) or Xing (VBR) header sits in it. */
function seekHeaderTag(file: string): string | undefined {
  const bytes = fs.readFileSync(file);
  const start = id3v2Length(bytes.subarray(0, 10));
  const frame = bytes.subarray(start, start + 400).toString('latin1');
  return /Info|Xing/.exec(frame)?.[0];
}

function fastStart(file: string): boolean | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    return readMp4Layout(fd, fs.fstatSync(fd).size).fastStart;
  } finally {
    fs.closeSync(fd);
  }
}

function outputs(dir: string, slug: string): string[] {
  return fs
    .readdirSync(path.join(dir, slug))
    .filter((n) => n.startsWith(`${slug}-`))
    .sort();
}

describe('an audio-only stereo master for a show with a video feed', () => {
  let dir: string;
  const slug = '001-stereo';
  let first: ReturnType<typeof runCli>;
  before(() => {
    if (!haveTools()) return;
    dir = makeShow(VIDEO_AND_AUDIO_FEEDS, {
      [slug]: {
        master: 'speech-stereo.flac',
        chapters: [
          { startTime: 0, title: 'Opening' },
          { startTime: 2.5, title: 'The Main Part' },
        ],
      },
    });
    first = encode(dir);
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  test('check says the episode waits on encode before it has run (and does not crash)', (t) => {
    if (!needFfmpeg(t)) return;
    const waiting = makeShow(VIDEO_AND_AUDIO_FEEDS, { '009-waiting': { master: 'speech-mono.flac' } });
    const r = check(waiting, '--json');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const problems = JSON.parse(r.stdout).problems as { file: string; field?: string; message: string }[];
    assert.ok(
      problems.some((p) => p.file === '009-waiting/episode.yaml' && p.field === 'media' && /waiting on `netcaster encode`/.test(p.message)),
      JSON.stringify(problems),
    );
    fs.rmSync(waiting, { recursive: true, force: true });
  });

  test('encodes m4v, webm and mp3, writes media: and keeps the rest of episode.yaml', (t) => {
    if (!needFfmpeg(t)) return;
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const m = manifest(dir, slug);
    assert.deepEqual(Object.keys(m.media!), ['m4v', 'webm', 'mp3']);
    for (const name of Object.values(m.media!)) assert.match(name, new RegExp(`^${slug}-[0-9a-f]{12}\\.(m4v|webm|mp3)$`));
    assert.match(fs.readFileSync(path.join(dir, slug, 'episode.yaml'), 'utf8'), /^# Written by a test\./);
    assert.equal(m.master, 'master.flac');
    // Nothing half-made is left in the folder.
    assert.deepEqual(
      fs.readdirSync(path.join(dir, slug)).filter((n) => n.startsWith('.')),
      [],
    );
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.startsWith('.netcaster-encode')),
      [],
    );
  });

  test('every output is at -16 LUFS within 1 LU, with its true peak at most -1 dBTP (ffmpeg ebur128)', (t) => {
    if (!needFfmpeg(t)) return;
    for (const name of Object.values(manifest(dir, slug).media!)) {
      const l = ebur128(path.join(dir, slug, name));
      assert.ok(Math.abs(l.integrated - -16) <= 1, `${name}: ${l.integrated} LUFS`);
      assert.ok(l.truePeak <= -1, `${name}: ${l.truePeak} dBTP`);
    }
  });

  // LAME took 0.4-0.5 LU with it (the MP3 came out at -16.5 LUFS): the output is made again with that as a gain.
  test('mp3 loudness under target: every output, the MP3 too, is within 0.2 LU of -16 LUFS', (t) => {
    if (!needFfmpeg(t)) return;
    for (const name of Object.values(manifest(dir, slug).media!)) {
      const l = ebur128(path.join(dir, slug, name));
      assert.ok(Math.abs(l.integrated - -16) <= 0.2, `${name}: ${l.integrated} LUFS`);
    }
  });

  test('the MP3 is CBR with an Info header, ID3v2.3 with COMM, APIC type 3 and the chapters (music-metadata)', async (t) => {
    if (!needFfmpeg(t)) return;
    const file = path.join(dir, slug, manifest(dir, slug).media!.mp3);
    assert.equal(seekHeaderTag(file), 'Info');
    const mm = await parseFile(file, { includeChapters: true });
    assert.equal(mm.format.codecProfile, 'CBR');
    const id3 = mm.native['ID3v2.3'];
    assert.ok(id3, `tag versions: ${Object.keys(mm.native)}`);
    const ids = id3.map((f) => f.id);
    for (const id of ['TIT2', 'TPE1', 'TALB', 'TRCK', 'TYER', 'COMM', 'APIC', 'CTOC', 'CHAP'])
      assert.ok(ids.includes(id), `${id} missing from ${ids}`);
    assert.equal(mm.common.title, `Episode ${slug}`);
    assert.equal(mm.common.artist, 'Test Author');
    assert.equal(mm.common.album, 'Encode Show');
    assert.equal(mm.common.track.no, 7);
    assert.equal(mm.common.year, 2021);
    assert.equal(mm.common.comment?.[0]?.text, 'A summary; with = signs # and a hash.');
    assert.equal(mm.common.picture?.[0]?.type, 'Cover (front)');
    assert.deepEqual(
      mm.format.chapters?.map((c) => [c.title, c.start]),
      [
        ['Opening', 0],
        ['The Main Part', 2.5],
      ],
    );
  });

  test('the M4V is H.264 High and AAC, index first, with chapters, a cover and the artwork as its picture', (t) => {
    if (!needFfmpeg(t)) return;
    const file = path.join(dir, slug, manifest(dir, slug).media!.m4v);
    assert.equal(fastStart(file), true);
    const p = ffprobe(file);
    const video = p.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)!;
    assert.equal(video.codec_name, 'h264');
    assert.equal(video.profile, 'High');
    assert.equal(video.width, video.height, 'a still of the square artwork');
    assert.ok(p.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac'));
    assert.ok(
      p.streams.some((s) => s.disposition?.attached_pic === 1),
      'a cover',
    );
    assert.deepEqual(
      p.chapters.map((c) => c.tags.title),
      ['Opening', 'The Main Part'],
    );
    // Tags from the manifest, FFMETADATA's special characters (; = #) intact.
    assert.equal(p.format.tags?.title, `Episode ${slug}`);
    assert.equal(p.format.tags?.comment, 'A summary; with = signs # and a hash.');
  });

  test('the WebM is VP9 and Opus with chapters and a Duration', (t) => {
    if (!needFfmpeg(t)) return;
    const file = path.join(dir, slug, manifest(dir, slug).media!.webm);
    const p = ffprobe(file);
    assert.deepEqual(p.streams.map((s) => s.codec_name).sort(), ['opus', 'vp9']);
    assert.deepEqual(
      p.chapters.map((c) => c.tags.title),
      ['Opening', 'The Main Part'],
    );
    // The Duration element: without it ffprobe reports no format duration for a WebM.
    assert.ok(Number(p.format.duration) > 4, p.format.duration);
  });

  test('the formats agree on their duration within 0.1 s', (t) => {
    if (!needFfmpeg(t)) return;
    const durations = Object.values(manifest(dir, slug).media!).map((n) => Number(ffprobe(path.join(dir, slug, n)).format.duration));
    assert.ok(Math.max(...durations) - Math.min(...durations) <= 0.1, durations.join(', '));
  });

  test('check --strict passes', (t) => {
    if (!needFfmpeg(t)) return;
    const r = check(dir, '--strict');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('a second run finds everything up to date and writes nothing', (t) => {
    if (!needFfmpeg(t)) return;
    const before = outputs(dir, slug).map((n) => [n, fs.statSync(path.join(dir, slug, n)).mtimeMs]);
    const r = encode(dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /up to date/);
    assert.deepEqual(
      outputs(dir, slug).map((n) => [n, fs.statSync(path.join(dir, slug, n)).mtimeMs]),
      before,
    );
  });

  test('serve and build never expose the master', async (t) => {
    if (!needFfmpeg(t)) return;
    const out = tempDir('encode-build');
    try {
      const b = runCli(['build', dir, '--out', path.join(out, 'site')], { env: env(dir) });
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const files = fs.readdirSync(path.join(out, 'site'), { recursive: true }) as string[];
      assert.ok(files.some((f) => f.endsWith('.mp3')));
      assert.deepEqual(
        files.filter((f) => f.includes('master')),
        [],
      );
      const built = files.filter((f) => /\.(html|xml)$/.test(f)).map((f) => fs.readFileSync(path.join(out, 'site', f), 'utf8'));
      assert.ok(built.every((text) => !text.includes('master.flac')));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    const serve = await startServe(dir);
    try {
      for (const url of [`/media/${slug}/master.flac`, `/download/${slug}/master.flac`]) {
        const r = await fetch(serve.url + url);
        assert.equal(r.status, 404, url);
      }
      const mp3 = manifest(dir, slug).media!.mp3;
      assert.equal((await fetch(`${serve.url}/media/${slug}/${mp3}`)).status, 200);
    } finally {
      await serve.stop();
    }
  });

  test('a changed title re-encodes under new names and leaves the published files as they were', (t) => {
    if (!needFfmpeg(t)) return;
    const old = manifest(dir, slug).media!;
    const sizes = Object.values(old).map((n) => fs.statSync(path.join(dir, slug, n)).mtimeMs);
    const file = path.join(dir, slug, 'episode.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`title: Episode ${slug}`, 'title: A Better Title'));
    const r = encode(dir, slug);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const now = manifest(dir, slug).media!;
    for (const format of Object.keys(old)) assert.notEqual(now[format], old[format], format);
    assert.deepEqual(
      Object.values(old).map((n) => fs.statSync(path.join(dir, slug, n)).mtimeMs),
      sizes,
    );
  });

  test('--force re-encodes into new files and never overwrites one', (t) => {
    if (!needFfmpeg(t)) return;
    const old = manifest(dir, slug).media!;
    const stamp = Object.values(old).map((n) => fs.statSync(path.join(dir, slug, n)).mtimeMs);
    const r = encode(dir, '--force');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const now = manifest(dir, slug).media!;
    for (const format of Object.keys(old)) assert.equal(now[format], old[format].replace(/(\.\w+)$/, '-r2$1'));
    assert.deepEqual(
      Object.values(old).map((n) => fs.statSync(path.join(dir, slug, n)).mtimeMs),
      stamp,
    );
    // And the run after that finds the -r2 files up to date: it neither encodes nor moves media: back.
    const again = encode(dir);
    assert.match(again.stdout, /up to date/);
    assert.deepEqual(manifest(dir, slug).media, now);
  });
});

describe('a video master and a mono master', () => {
  test('a video master keeps its picture in the M4V and the WebM; the MP3 is its sound', (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '002-video': { master: 'video.mkv' } });
    try {
      const r = encode(dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const media = manifest(dir, '002-video').media!;
      for (const format of ['m4v', 'webm']) {
        const video = ffprobe(path.join(dir, '002-video', media[format])).streams.find(
          (s) => s.codec_type === 'video' && !s.disposition?.attached_pic,
        )!;
        assert.deepEqual([video.width, video.height], [320, 180], format);
      }
      for (const name of Object.values(media)) {
        const l = ebur128(path.join(dir, '002-video', name));
        assert.ok(Math.abs(l.integrated - -16) <= 1 && l.truePeak <= -1, `${name}: ${JSON.stringify(l)}`);
      }
      const durations = Object.values(media).map((n) => Number(ffprobe(path.join(dir, '002-video', n)).format.duration));
      assert.ok(Math.max(...durations) - Math.min(...durations) <= 0.1, durations.join(', '));
      assert.equal(check(dir, '--strict').code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a mono master goes to -19 LUFS, in the formats encode: names (mp3 and m4a)', (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow('feeds:\n  audio: { title: Audio, enclosure: mp3, alternates: [m4a] }\nencode:\n  formats: [mp3, m4a]\n', {
      '003-mono': { master: 'speech-mono.flac' },
    });
    try {
      const r = encode(dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const media = manifest(dir, '003-mono').media!;
      assert.deepEqual(Object.keys(media), ['mp3', 'm4a']);
      for (const name of Object.values(media)) {
        const file = path.join(dir, '003-mono', name);
        assert.equal(ffprobe(file).streams.find((s) => s.codec_type === 'audio')!.channels, 1);
        const l = ebur128(file);
        assert.ok(Math.abs(l.integrated - -19) <= 0.2 && l.truePeak <= -1, `${name}: ${JSON.stringify(l)}`);
      }
      assert.equal(fastStart(path.join(dir, '003-mono', media.m4a)), true);
      assert.equal(check(dir, '--strict').code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a show target (encode.loudness: -20, truePeak: -2) is what the outputs reach', (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow('feeds:\n  audio: { title: Audio, enclosure: mp3 }\nencode:\n  loudness: -20\n  truePeak: -2\n', {
      '004-quiet': { master: 'speech-stereo.flac' },
    });
    try {
      assert.equal(encode(dir).code, 0);
      const l = ebur128(path.join(dir, '004-quiet', manifest(dir, '004-quiet').media!.mp3));
      assert.ok(Math.abs(l.integrated - -20) <= 1 && l.truePeak <= -2, JSON.stringify(l));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what goes wrong', () => {
  test('an unreadable master is a problem naming the file; nothing is written', (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '005-broken': { master: 'text', masterName: 'master.wav' } });
    try {
      const r = encode(dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /005-broken\/master\.wav\n\s+error\s+ffmpeg cannot read the master/);
      assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/); // no stack trace
      assert.equal(manifest(dir, '005-broken').media, undefined);
      assert.deepEqual(fs.readdirSync(path.join(dir, '005-broken')).sort(), ['episode.yaml', 'master.wav']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without ffmpeg on the PATH encode says what to install, exit 1', (t) => {
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '006-noffmpeg': { master: 'speech-mono.flac' } });
    try {
      // A PATH with Node on it (netcaster runs on it) and no ffmpeg.
      const bin = path.join(dir, 'node-only-bin');
      fs.mkdirSync(bin);
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      const r = runCli(['encode', dir], { env: { ...env(dir), PATH: bin } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /ffmpeg is not installed.*apt-get install ffmpeg/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an ffmpeg without an encoder it needs (here libvpx-vp9) is named, exit 1', (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '011-novp9': { master: 'speech-mono.flac' } });
    try {
      // The real ffmpeg behind a wrapper that leaves libvpx-vp9 out of its list, as a build without it would.
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
      fs.writeFileSync(
        path.join(bin, 'ffmpeg'),
        `#!/bin/sh\nif [ "$2" = "-encoders" ]; then "${real}" "$@" | grep -v libvpx-vp9; else exec "${real}" "$@"; fi\n`,
        { mode: 0o755 },
      );
      const r = runCli(['encode', dir], { env: { ...env(dir), PATH: `${bin}:${process.env.PATH}` } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /no libvpx-vp9 encoder \(for VP9 \(WebM\)\)/);
      assert.equal(manifest(dir, '011-novp9').media, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an episode that is not in the show is bad usage (exit 2)', (t) => {
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '007-here': { master: 'speech-mono.flac' } });
    try {
      const r = encode(dir, '999-not-here');
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /no episode 999-not-here/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a draft that only has a master waits with a warning, so the rest of the show still publishes', () => {
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '012-draft': { master: 'speech-mono.flac', extra: 'draft: true\n' } });
    try {
      const r = check(dir, '--json');
      const problems = JSON.parse(r.stdout).problems as { level: string; field?: string; message: string }[];
      const waiting = problems.find((p) => p.field === 'media');
      assert.equal(waiting?.level, 'warning', JSON.stringify(problems));
      assert.match(waiting.message, /waiting on `netcaster encode`/);
      assert.equal(r.code, 0, r.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('media: naming the master is an error: the master is never published', () => {
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '008-leak': { master: 'speech-mono.flac', extra: 'media:\n  mp3: master.flac\n' } });
    try {
      const r = check(dir, '--json');
      assert.equal(r.code, 1);
      const problems = JSON.parse(r.stdout).problems as { field?: string; message: string }[];
      assert.ok(
        problems.some((p) => p.field === 'media.mp3' && /is the master/.test(p.message)),
        JSON.stringify(problems),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Ctrl-C while encoding stops ffmpeg and leaves no partial file and no media:', async (t) => {
    if (!needFfmpeg(t)) return;
    const dir = makeShow(VIDEO_AND_AUDIO_FEEDS, { '010-interrupted': { master: 'video.mkv' } });
    try {
      // Its own process group, as a shell gives a command: the Ctrl-C goes to netcaster and ffmpeg alike.
      const child = spawn(process.execPath, [cliPath, 'encode', dir], {
        cwd: repoRoot,
        env: { ...process.env, ...env(dir), NETCASTER_ENCODE_PROFILE: 'standard' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output started:\n${err}`)), 60_000);
        child.stderr.on('data', () => {
          if (/m4v .*: started/.test(err)) {
            clearTimeout(timer);
            setTimeout(resolve, 50); // ffmpeg is running: well before a 4-s master is encoded at the standard profile
          }
        });
      });
      process.kill(-child.pid!, 'SIGINT');
      assert.equal(await exited, 130, err);
      assert.match(err, /interrupted; no partial file was left behind/);
      assert.deepEqual(fs.readdirSync(path.join(dir, '010-interrupted')).sort(), ['episode.yaml', 'master.mkv']);
      assert.equal(manifest(dir, '010-interrupted').media, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
