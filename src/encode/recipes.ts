// One recipe per format: the ffmpeg arguments that make it from the loudness-normalised audio
// (and, for video, the master's picture or a still of the artwork). Every recipe's settings go
// into the output's name (names.ts), so a changed recipe writes a new file.
//
// A video format is made in two steps: `videoArgs` encodes the picture alone, which needs
// nothing from the loudness analysis and so starts at once, beside it (episode.ts); `args` then
// puts that picture (copied, not encoded again), the encoded sound, tags, chapters and cover
// into the output.
//
// Inputs of `args`, always in this order: 0 the normalised audio (WAV), 1 the FFMETADATA tags and
// chapters, then the encoded picture for video formats, then the cover image.

/** 'standard' for publishing; 'draft' trades quality for speed (tests, previews): NETCASTER_ENCODE_PROFILE=draft. */
export type Profile = 'standard' | 'draft';

export interface RecipeInput {
  audio: string;
  metadata: string;
  /** For video formats: the picture `videoArgs` encoded (its first video stream is copied). */
  picture?: string;
  /** Embedded as the cover, where the format has one. */
  cover?: string;
  channels: number;
  /** Seconds of the programme (the normalised audio): every output ends there. */
  duration: number;
  profile: Profile;
  /** A gain on the sound, in dB: an output made again because its encoder moved its loudness (episode.ts). */
  gainDb?: number;
  output: string;
}

export interface VideoInput {
  /** The master (its first video stream) or a still image, looped. */
  picture: { kind: 'video'; file: string } | { kind: 'still'; file: string };
  /** Seconds of picture to make: the programme's, as far as it is known before the analysis. */
  duration: number;
  profile: Profile;
  output: string;
}

export interface Recipe {
  format: string;
  /** File name extension. */
  ext: string;
  video: boolean;
  encoders: string[];
  /** The MP3's ID3 tag is written by id3.ts, in front of what ffmpeg writes. */
  ownTag: boolean;
  /** Everything that shapes the bytes, apart from the inputs: part of the output's name. */
  settings: (profile: Profile, channels: number) => Record<string, unknown>;
  args: (input: RecipeInput) => string[];
  /** Video formats: the picture alone, into a file of its own (see the top of this file). */
  videoArgs?: (input: VideoInput) => string[];
}

// Bitrates per channel count. Speech podcasts: 64 kb/s mono, 128 kb/s stereo MP3 is the common
// choice (Apple and Spotify accept it; smaller hurts speech, larger only costs listeners data).
const MP3_BITRATE = { 1: '64k', 2: '128k' } as const;
// AAC-LC at the same rates sounds better than MP3; Opus better still at less.
const AAC_BITRATE = { 1: '64k', 2: '128k' } as const;
const OPUS_BITRATE = { 1: '48k', 2: '96k' } as const;
const rate = (table: Record<1 | 2, string>, channels: number) => table[channels === 1 ? 1 : 2];

/**
 * x264: High profile (every device since 2010 plays it); CRF 23 is x264's own default quality and
 * `medium` its default preset. A faster preset at the same CRF makes a bigger file of less
 * quality (https://trac.ffmpeg.org/wiki/Encode/H.264: "use the slowest preset that you have
 * patience for"), and x264 is not what takes the time: VP9 is, three times as long.
 */
const x264 = (profile: Profile) =>
  profile === 'draft'
    ? // superfast is the fastest preset that still uses CABAC and 8x8 transforms, i.e. High profile.
      ['-c:v', 'libx264', '-preset', 'superfast', '-crf', '30', '-profile:v', 'high']
    : ['-c:v', 'libx264', '-preset', 'medium', '-crf', '23', '-profile:v', 'high'];

/**
 * libvpx-vp9 in constant quality (`-crf` with `-b:v 0`, https://trac.ffmpeg.org/wiki/Encode/VP9).
 * For speed: `-deadline good -cpu-used 4`, the fastest speed of good quality that the wiki and
 * Google's VOD settings use (https://developers.google.com/media/vp9/settings/vod; 5 and up are
 * for real time), and `-row-mt 1`, threads within each tile column at no cost in quality. Tile
 * columns are not set: libvpx already uses as many as the width allows (its default, 6, is
 * clamped to tiles at least 256 pixels wide: 2 at 640x360, the same bytes as `-tile-columns 1`).
 */
const vp9 = (profile: Profile) =>
  profile === 'draft'
    ? ['-c:v', 'libvpx-vp9', '-crf', '40', '-b:v', '0', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1']
    : ['-c:v', 'libvpx-vp9', '-crf', '33', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1'];

/** Video from the master is scaled to at most 1080 lines (even sizes, as 4:2:0 needs), 8-bit 4:2:0. */
const SCALE = 'scale=-2:trunc(min(ih\\,1080)/2)*2,format=yuv420p';

/** The inputs every recipe opens, and the maps for audio, tags and chapters. */
function inputs(input: RecipeInput, withPicture: boolean, withCover: boolean): { args: string[]; picture: number; cover: number } {
  const args = ['-i', input.audio, '-f', 'ffmetadata', '-i', input.metadata];
  let next = 2;
  let picture = -1;
  let cover = -1;
  if (withPicture && input.picture) {
    args.push('-i', input.picture);
    picture = next++;
  }
  if (withCover && input.cover) {
    args.push('-i', input.cover);
    cover = next++;
  }
  return { args, picture, cover };
}

/** The picture's input: a still frame is looped at a low rate (a picture that never changes costs almost nothing). */
const pictureInput = (input: VideoInput) =>
  input.picture.kind === 'still' ? ['-loop', '1', '-framerate', '10', '-i', input.picture.file] : ['-i', input.picture.file];
/** The picture alone: no sound, tags or chapters (`args` adds them from the episode, not from the master). */
const PICTURE_ONLY = ['-map', '0:v:0', '-an', '-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1'];

/** Tags and chapters from input 1 (not from the master, whose own tags say nothing true about the episode). */
const TAGS = ['-map_metadata', '1', '-map_chapters', '1'];
/** The gain, where there is one. */
const gain = (input: RecipeInput) => (input.gainDb !== undefined ? ['-filter:a', `volume=${input.gainDb}dB`] : []);
/** Every output ends with the programme: `-t` rather than `-shortest`, which overshoots by a frame or a packet. */
const end = (input: RecipeInput) => ['-t', input.duration.toFixed(3)];

export const RECIPES: Readonly<Record<string, Recipe>> = {
  mp3: {
    format: 'mp3',
    ext: 'mp3',
    video: false,
    encoders: ['libmp3lame'],
    ownTag: true,
    settings: (_profile, channels) => ({ codec: 'libmp3lame', cbr: rate(MP3_BITRATE, channels), ar: 44100 }),
    // CBR, so every app can seek by byte offset; LAME writes the Info header (the CBR Xing) with the
    // frame count, so the duration is exact. No ID3 from ffmpeg: id3.ts writes it.
    args: (input) => [
      ...inputs(input, false, false).args,
      '-map',
      '0:a',
      '-map_metadata',
      '-1',
      '-map_chapters',
      '-1',
      ...gain(input),
      '-c:a',
      'libmp3lame',
      '-b:a',
      rate(MP3_BITRATE, input.channels),
      '-ar',
      '44100',
      '-write_xing',
      '1',
      '-id3v2_version',
      '0',
      '-write_id3v1',
      '0',
      ...end(input),
      '-f',
      'mp3',
      input.output,
    ],
  },
  m4a: {
    format: 'm4a',
    ext: 'm4a',
    video: false,
    encoders: ['aac'],
    ownTag: false,
    settings: (_profile, channels) => ({ codec: 'aac', bitrate: rate(AAC_BITRATE, channels), faststart: true }),
    args: (input) => {
      const i = inputs(input, false, true);
      return [
        ...i.args,
        '-map',
        '0:a',
        ...TAGS,
        ...(i.cover >= 0 ? ['-map', `${i.cover}:v`, '-c:v', 'copy', '-disposition:v:0', 'attached_pic'] : []),
        ...gain(input),
        '-c:a',
        'aac',
        '-b:a',
        rate(AAC_BITRATE, input.channels),
        ...end(input),
        '-movflags',
        '+faststart',
        '-f',
        'ipod',
        input.output,
      ];
    },
  },
  m4v: mp4Recipe('m4v'),
  mp4: mp4Recipe('mp4'),
  webm: {
    format: 'webm',
    ext: 'webm',
    video: true,
    encoders: ['libvpx-vp9', 'libopus'],
    ownTag: false,
    settings: (profile, channels) => ({ video: vp9(profile), audio: 'libopus', bitrate: rate(OPUS_BITRATE, channels) }),
    // WebM has no cover (Matroska attachments are not part of WebM); ffmpeg writes Duration and
    // Cues when the output is a seekable file, as it is here.
    args: (input) => videoMux(input, { cover: false, audio: ['libopus', rate(OPUS_BITRATE, input.channels)], container: ['-f', 'webm'] }),
    videoArgs: (input) => pictureArgs(input, ['-r', '10'], vp9(input.profile), 'webm'),
  },
};

function mp4Recipe(format: 'm4v' | 'mp4'): Recipe {
  return {
    format,
    ext: format,
    video: true,
    encoders: ['libx264', 'aac'],
    ownTag: false,
    settings: (profile, channels) => ({ video: x264(profile), audio: 'aac', bitrate: rate(AAC_BITRATE, channels), faststart: true }),
    // faststart: the index (moov) goes before the media data, so playback starts before the whole
    // file has arrived (ffmpeg rewrites the file once at the end to move it).
    args: (input) =>
      videoMux(input, {
        cover: true,
        audio: ['aac', rate(AAC_BITRATE, input.channels)],
        container: ['-movflags', '+faststart', '-f', 'mp4'],
      }),
    videoArgs: (input) => pictureArgs(input, ['-r', '10', '-tune', 'stillimage'], x264(input.profile), 'mp4'),
  };
}

/**
 * The final step of a video format: the picture encoded beforehand (copied, never encoded again),
 * the master's sound with its gain, tags, chapters and, where the container has one, the cover.
 */
function videoMux(
  input: RecipeInput,
  { cover, audio: [codec, bitrate], container }: { cover: boolean; audio: [string, string]; container: string[] },
): string[] {
  const i = inputs(input, true, cover);
  return [
    ...i.args,
    ...['-map', `${i.picture}:v:0`, '-map', '0:a'],
    ...TAGS,
    ...(i.cover >= 0 ? ['-map', `${i.cover}:v`, '-disposition:v:1', 'attached_pic'] : []),
    ...['-c:v', 'copy'],
    ...gain(input),
    ...['-c:a', codec, '-b:a', bitrate],
    ...end(input),
    ...container,
    input.output,
  ];
}

/** The picture of a video format alone, as long as the master; a still (artwork) at 10 frames a second. */
function pictureArgs(input: VideoInput, still: string[], encoder: string[], format: string): string[] {
  return [
    ...pictureInput(input),
    ...PICTURE_ONLY,
    ...['-vf', SCALE],
    ...(input.picture.kind === 'still' ? still : []),
    ...encoder,
    ...['-t', input.duration.toFixed(3)],
    ...['-f', format],
    input.output,
  ];
}

/** Formats `encode` can make. */
export const ENCODABLE = Object.keys(RECIPES);
