// A show made of real files for the feed tests: media encoded by ffmpeg into a temp folder, facts
// read back from those files by ffprobe and stat (not typed in), artwork that is a real JPEG.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog, Episode, EpisodeMedia, FeedDef, ImageFacts, MediaFacts, Show } from '../../src/contract/catalog.js';
import type { ArtworkSet, ImageVariant } from '../../src/contract/artwork.js';
import { ffmpeg } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

export interface RealShow {
  dir: string;
  catalog: Catalog;
  artwork: ArtworkSet;
  /** Seconds each media file was asked to last, by absolute path: the truth durations are checked against. */
  requestedSeconds: Map<string, number>;
}

const mimeOf: Record<string, string> = { m4v: 'video/x-m4v', webm: 'video/webm', mp3: 'audio/mpeg' };

/** Encodes `seconds` of test picture and tone in `format`. */
function encode(file: string, format: string, seconds: number): void {
  const picture = ['-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=10:duration=${seconds}`];
  const tone = ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=22050:duration=${seconds}`];
  const exact = ['-fflags', '+bitexact', '-map_metadata', '-1', '-threads', '1'];
  if (format === 'm4v') {
    ffmpeg([
      ...picture,
      ...tone,
      ...exact,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '38',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '24k',
      '-ac',
      '1',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      file,
    ]);
  } else if (format === 'webm') {
    ffmpeg([
      ...picture,
      ...tone,
      ...exact,
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '50k',
      '-c:a',
      'libopus',
      '-b:a',
      '24k',
      '-ac',
      '1',
      '-f',
      'webm',
      file,
    ]);
  } else {
    ffmpeg([...tone, ...exact, '-c:a', 'libmp3lame', '-b:a', '32k', '-ac', '1', '-f', 'mp3', file]);
  }
}

interface Probe {
  format: { duration?: string; bit_rate?: string; format_name: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** MediaFacts of a real file: size and mtime from stat, the rest from ffprobe. */
export function probe(file: string, format: string): MediaFacts {
  const info = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' }),
  ) as Probe;
  const stat = fs.statSync(file);
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  return {
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    container: info.format.format_name,
    mime: mimeOf[format],
    audioCodec: audio?.codec_name,
    videoCodec: video?.codec_name,
    hasAudio: audio !== undefined,
    hasVideo: video !== undefined,
    duration: info.format.duration === undefined ? undefined : Number(info.format.duration),
    bitrate: info.format.bit_rate === undefined ? undefined : Number(info.format.bit_rate),
    width: video?.width,
    height: video?.height,
    tags: {},
    chapters: [],
    sha256: 'sha256-' + createHash('sha256').update(fs.readFileSync(file)).digest('base64'),
  };
}

function image(dir: string, name: string, colour: string): { facts: ImageFacts; variant: ImageVariant } {
  const file = path.join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', `color=c=${colour}:s=1400x1400`, '-frames:v', '1', '-update', '1', file]);
  const stat = fs.statSync(file);
  const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
  return {
    facts: {
      path: file,
      file: path.relative(dir, file),
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      format: 'jpeg',
      width: 1400,
      height: 1400,
      space: 'srgb',
      hasAlpha: false,
    },
    variant: {
      purpose: 'feed',
      width: 1400,
      height: 1400,
      format: 'jpeg',
      fileName: `${path.parse(name).name}-${hash}.jpg`,
      path: file,
      size: stat.size,
    },
  };
}

export const videoFeed: FeedDef = { name: 'video', title: 'VirtZine - Video Netcasts', enclosure: 'm4v', alternates: ['webm', 'mp3'] };
export const audioFeed: FeedDef = { name: 'audio', title: 'VirtZine - Audio Netcasts', enclosure: 'mp3', alternates: [] };

export const trickyTitle = 'Q&A <live> "special" edition 🎙️ — ½ & ½';
export const hostileNotes = [
  'Links: [slides](slides.pdf) and [the magazine](https://cloud.example/issue-1).',
  '',
  '<script>alert("owned")</script>',
  '',
  '<img src=x onerror=alert(1)>',
  '',
  '[click me](javascript:alert(1))',
].join('\n');

/** Fixed clock of the tests: after 047, before the scheduled 049. */
export const now = new Date('2014-09-12T00:00:00Z');

interface EpisodeSpec {
  slug: string;
  date: string;
  formats: string[];
  seconds: number;
  extra?: Partial<Episode>;
}

const episodeSpecs: EpisodeSpec[] = [
  { slug: '049-scheduled', date: '2014-09-15T22:00:00.000Z', formats: ['m4v', 'mp3'], seconds: 2 },
  { slug: '048-draft', date: '2014-09-10T22:00:00.000Z', formats: ['m4v', 'mp3'], seconds: 2, extra: { draft: true } },
  {
    slug: '047-tricky',
    date: '2014-09-08T22:00:00.000Z',
    formats: ['m4v', 'mp3'],
    seconds: 4,
    extra: { title: trickyTitle, notesMarkdown: hostileNotes, explicit: true },
  },
  {
    slug: '046-the-mega-edition',
    date: '2014-09-01T22:00:00.000Z',
    formats: ['m4v', 'webm', 'mp3'],
    seconds: 6,
    extra: { number: 46, season: 2, notesMarkdown: 'Cloud Computing World Magazine debuts. See [the notes](notes.html).' },
  },
  { slug: '045-audio-only', date: '2014-08-25T22:00:00.000Z', formats: ['mp3'], seconds: 3, extra: { episodeType: 'bonus' } },
];

let made: Promise<RealShow> | undefined;

/** The show, made once per test process (encoding takes a few seconds). */
export function realShow(): Promise<RealShow> {
  made ??= Promise.resolve().then(encodeRealShow);
  return made;
}

export function removeRealShow(): void {
  if (!made) return;
  void made.then((show) => fs.rmSync(show.dir, { recursive: true, force: true }));
}

function encodeRealShow(): RealShow {
  const dir = tempDir('feeds');
  const requestedSeconds = new Map<string, number>();
  const artwork: ArtworkSet = new Map();
  const showArt = image(dir, 'artwork.jpg', 'red');
  artwork.set(showArt.facts.path, [showArt.variant]);

  const episodes: Episode[] = episodeSpecs.map((spec) => {
    const episodeDir = path.join(dir, spec.slug);
    fs.mkdirSync(episodeDir);
    const number = spec.slug.slice(0, 3);
    const media: EpisodeMedia[] = spec.formats.map((format) => {
      const fileName = `virtzine-${number}.${format}`;
      const file = path.join(episodeDir, fileName);
      encode(file, format, spec.seconds);
      requestedSeconds.set(file, spec.seconds);
      return { format, fileName, path: file, facts: probe(file, format) };
    });
    return {
      slug: spec.slug,
      dir: episodeDir,
      title: `Episode ${number}`,
      date: spec.date,
      summary: `Summary of episode ${number}.`,
      // Fixed GUIDs, as `netcaster new` writes them once.
      guid: `urn:uuid:00000000-0000-4000-8000-000000000${number}`,
      episodeType: 'full',
      draft: false,
      media,
      links: [],
      ...spec.extra,
    };
  });

  const mega = episodes.find((e) => e.slug === '046-the-mega-edition')!;
  const megaArt = image(mega.dir, 'cover.jpg', 'blue');
  artwork.set(megaArt.facts.path, [megaArt.variant]);
  mega.image = megaArt.facts;
  mega.chapters = {
    source: 'file',
    chapters: [
      { startTime: 3, title: 'The Magazine', url: 'https://cloud.example/issue-1' },
      { startTime: 0, title: 'Opening' },
    ],
  };
  const vtt = path.join(mega.dir, 'transcript.vtt');
  fs.writeFileSync(vtt, 'WEBVTT\n\n00:00.000 --> 00:03.000\nWelcome to VirtZine.\n');
  const vttStat = fs.statSync(vtt);
  mega.transcript = { path: vtt, fileName: 'transcript.vtt', mime: 'text/vtt', size: vttStat.size, mtimeMs: vttStat.mtimeMs };

  const show: Show = {
    dir,
    title: 'VirtZine',
    description: 'Netcasts about virtual worlds & the cloud <since 2005>.',
    author: 'Tony Bateman',
    language: 'en',
    baseUrl: 'https://virtzine.example',
    artwork: showArt.facts,
    owner: { name: 'Tony Bateman', email: 'host@virtzine.example' },
    categories: ['Technology', 'News/Tech News', 'Society & Culture/Documentary'],
    explicit: false,
    type: 'episodic',
    copyright: '© 2014 VirtZine',
    locked: true,
    funding: [{ url: 'https://virtzine.example/support', text: 'Support the show' }],
    persons: [{ name: 'Tony Bateman', role: 'host', img: 'https://virtzine.example/tony.jpg', href: 'https://virtzine.example/about' }],
    hubs: ['https://pubsubhubbub.appspot.com/', 'https://websub.example/hub'],
    feeds: [videoFeed, audioFeed],
  };
  return { dir, catalog: { show, episodes }, artwork, requestedSeconds };
}
