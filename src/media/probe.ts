// Probes one media file: what it really is (container, codecs, tracks), how long it plays, its
// tags, chapters and cover, and what is wrong with it. The one module that imports music-metadata.
//
// Speed matters (`check` probes hundreds of files cold): we read the head, the tail and a few
// boxes with positioned reads, never whole files. The container is told from the first bytes,
// not from the file name (a WebM named .mp3 is still a WebM). Our own readers give durations and
// structure; music-metadata reads tags, chapters and covers from the bytes we hand it:
//   MP3   ID3v2 tags + first frames; duration from mp3-frames.ts (Xing/Info/VBRI, CBR, frame scan)
//   MP4   ftyp + moov with its sample tables emptied; duration, tracks, chapters from mp4-boxes.ts
//   WebM  the header elements; duration from Info, else from the last Cluster (matroska-header.ts)
//   Ogg, FLAC, WAV, ADTS: rare in podcasts; music-metadata reads them as a stream.
import { isUtf8 } from 'node:buffer';
import fs, { createReadStream } from 'node:fs';
import path from 'node:path';
import type { IAudioMetadata, IOptions } from 'music-metadata';
import type { Chapter, MediaFacts } from '../contract/catalog.js';
import type { Finding } from '../contract/problems.js';
import { readAt } from './read-at.js';
import { id3v2Length, findFrame, mp3Timing } from './mp3-frames.js';
import { leanMoov, parseMoov, readChapterTrack, readMp4Layout, type Mp4Track } from './mp4-boxes.js';
import { parseMatroskaHead, webmTailDuration, type MatroskaHead } from './matroska-header.js';
import { mimeFor } from './mime.js';

export interface ProbeResult {
  facts?: MediaFacts;
  findings: Finding[];
}

// Enough for the headers of every container we read, and for an ID3v2 tag without a big cover.
const HEAD_SIZE = 64 * 1024;
// The first read: enough to tell every container, and for an MP3 (most podcasts) its first frames
// after a tag of a few KB. A cold build of 300 MP3s read 64 KB of each where 20 KB would do: 15-25
// ms against 6-7 of reads from the page cache (issue 12).
const FIRST_READ = 20 * 1024;
// Header structures larger than this are not from a media file anyone publishes.
const MAX_HEADER_SIZE = 64 * 1024 * 1024;

// music-metadata loads with the first file that has tags for it: the MP3s ffmpeg writes carry only
// its encoder's signature (see onlyEncoderSignature), and a cold build of 300 of them spent some
// 18 ms loading a library it never called (issue 12).
let musicMetadata: Promise<typeof import('music-metadata')> | undefined;
const loadMusicMetadata = () => (musicMetadata ??= import('music-metadata'));

// Read what is there, never the whole file: durations come from our readers.
const MM_OPTIONS: IOptions = { duration: false, skipCovers: false, includeChapters: false };

// Time music-metadata may take. Its input is bounded in bytes (header structures of at most
// MAX_HEADER_SIZE, whose repeated boxes leanMoov drops), so its work is bounded too, but a
// crafted tag can still cost far more than a real one: past this the probe goes on without tags.
// Real files take a few milliseconds.
const TAGS_TIME_BUDGET_MS = 3000;
// Ogg, FLAC, WAV and ADTS are read as a stream to their end: a big file on a slow disk.
const STREAM_TIME_BUDGET_MS = 30_000;

class OverTimeBudget extends Error {}

/** `work`, or an OverTimeBudget rejection after `ms` (then `onTimeout` stops the work, if it can). */
async function withinTime<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new OverTimeBudget(`over the time budget of ${ms / 1000} s`));
    }, ms);
  });
  work.catch(() => undefined); // a rejection after the deadline is no one's to handle
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Tags, cover and chapters from header bytes we hand music-metadata. A parser failing on damaged
 * tags, or running out of time, costs the tags, not the probe: the file may still play.
 */
async function readTags(bytes: Buffer, mimeType: string, findings: Finding[] | undefined): Promise<IAudioMetadata | undefined> {
  const { parseBuffer } = await loadMusicMetadata(); // outside the try: a library that does not load is no damaged tag
  try {
    return await withinTime(parseBuffer(bytes, { mimeType, size: bytes.length }, MM_OPTIONS), TAGS_TIME_BUDGET_MS);
  } catch (err) {
    findings?.push({
      level: 'warning',
      message:
        err instanceof OverTimeBudget
          ? `its tags (title, artist, cover, chapters) were not read: reading them took over ${TAGS_TIME_BUDGET_MS / 1000} s, far longer than real tags take`
          : 'its tags (title, artist, cover, chapters) cannot be read: they look damaged',
    });
    return undefined;
  }
}

type Kind = 'MPEG' | 'ADTS' | 'MP4' | 'EBML' | 'Ogg' | 'FLAC' | 'WAV';

/**
 * Never throws for a bad file: every problem comes back as a finding. With `openFd`, the file is
 * read from that descriptor (the caller's, left open), else opened by its path.
 */
export async function probeMedia(absPath: string, openFd?: number): Promise<ProbeResult> {
  let fd: number;
  if (openFd !== undefined) fd = openFd;
  else {
    try {
      fd = fs.openSync(absPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); // a FIFO must not hang us
    } catch (err) {
      return failed(`cannot open the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  let kind: Kind | undefined;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return failed('not a regular file');
    if (stat.size === 0) return failed('the file is empty (0 bytes)');
    let head = readAt(fd, 0, Math.min(FIRST_READ, stat.size));
    kind = sniff(head);
    // MP4 and Matroska headers, a long ID3 tag, and bytes not recognised yet: HEAD_SIZE of them, as
    // before the first read was made smaller, so that every verdict is the one that head gives.
    if (head.length < stat.size && needsFullHead(kind, head)) {
      head = Buffer.concat([head, readAt(fd, head.length, HEAD_SIZE - head.length)]);
      kind = sniff(head);
    }
    const base = { size: stat.size, mtimeMs: stat.mtimeMs, extension: path.extname(absPath).slice(1).toLowerCase() };
    switch (kind) {
      case 'MPEG':
        return plausible(await probeMp3(fd, head, base));
      case 'MP4':
        return plausible(await probeMp4(fd, head, base));
      case 'EBML':
        return plausible(await probeMatroska(fd, head, base));
      case 'Ogg':
      case 'FLAC':
      case 'WAV':
      case 'ADTS':
        return plausible(await probeOther(fd, kind, base));
      default:
        return failed(unknownContent(head));
    }
  } catch (err) {
    // A reader or parser choking on damaged bytes: the file's problem, reported as such.
    const what = kind ? `${kind === 'EBML' ? 'WebM/Matroska' : kind} file` : 'file';
    return failed(`cannot read this ${what}, it looks damaged: ${damage(err)}`);
  } finally {
    if (openFd === undefined) fs.closeSync(fd);
  }
}

/** Longest duration a published file may state: a week. Beyond it a header lies (a WebM's float Duration, an MP4's mvhd). */
export const MAX_DURATION_S = 7 * 24 * 3600;

/**
 * A duration no real file has (infinite, or longer than MAX_DURATION_S) is an error, not a fact:
 * it would reach feeds as itunes:duration "1e+297" (or as 0, once JSON has cached Infinity as null).
 */
function plausible(result: ProbeResult): ProbeResult {
  const facts = result.facts;
  const duration = facts?.duration;
  if (facts === undefined || duration === undefined || (Number.isFinite(duration) && duration >= 0 && duration <= MAX_DURATION_S))
    return result;
  delete facts.duration;
  delete facts.bitrate;
  const stated = Number.isFinite(duration) ? `${Math.round(duration / 3600)} hours` : String(duration);
  result.findings.push({
    level: 'error',
    message: `the file states a duration of ${stated}, which cannot be right (${MAX_DURATION_S / 3600} hours at most): its header is damaged; remux it, e.g. \`ffmpeg -i in -c copy out\``,
  });
  return result;
}

/**
 * What a reader's failure says about the file. A read past the end of a buffer means some length
 * in the file points beyond its data; other errors keep their own words.
 */
function damage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_OUT_OF_RANGE' || code === 'ERR_BUFFER_OUT_OF_BOUNDS') return 'a length field points past the end of the data';
  if (err instanceof OverTimeBudget) return `reading it took ${err.message}`;
  return (err as Error).message;
}

interface Base {
  size: number;
  mtimeMs: number;
  /** File name extension, for picking among one container's MIME names. */
  extension: string;
}

function failed(message: string): ProbeResult {
  return { findings: [{ level: 'error', message }] };
}

/** Tells the container from the first bytes. */
function sniff(head: Buffer): Kind | undefined {
  const ascii = (from: number, to: number) => head.toString('latin1', from, to);
  // MP4: ftyp first; old QuickTime files may start with another top-level box.
  if (head.length >= 8 && ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(4, 8))) return 'MP4';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'EBML';
  if (ascii(0, 4) === 'OggS') return 'Ogg';
  if (ascii(0, 4) === 'fLaC') return 'FLAC';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'WAV';
  const tagEnd = id3v2Length(head);
  // ADTS (raw AAC): the MPEG sync word with layer bits 00.
  if (head.length >= tagEnd + 2 && head[tagEnd] === 0xff && (head[tagEnd + 1] & 0xf6) === 0xf0) return 'ADTS';
  // Four frames in a row: random bytes fake one or two now and then, never four.
  if (findFrame(head, tagEnd, undefined, 4)) return 'MPEG';
  // An ID3 tag bigger than the head: the frames come after it.
  if (tagEnd > head.length) return 'MPEG';
  return undefined;
}

/** Whether what the first read told needs HEAD_SIZE bytes: MP4 and Matroska are parsed from the head, the rest only sniffed. */
function needsFullHead(kind: Kind | undefined, head: Buffer): boolean {
  return kind === undefined || kind === 'MP4' || kind === 'EBML' || (kind === 'MPEG' && id3v2Length(head) > head.length);
}

/** Where the sample ends without cutting a UTF-8 sequence short (its last up to three bytes may start one). */
function utf8Boundary(sample: Buffer): number {
  for (let back = 1; back <= Math.min(3, sample.length); back++) {
    const c = sample[sample.length - back];
    if (c < 0x80) return sample.length;
    if (c >= 0xc0) return sample.length - back; // a lead byte: its sequence may go on past the sample
  }
  return sample.length;
}

function unknownContent(head: Buffer): string {
  const sample = head.subarray(0, 512);
  // Text: printable ASCII, or UTF-8 (0xff or a run of high bytes is no text).
  const text =
    sample.length > 0 &&
    isUtf8(sample.subarray(0, utf8Boundary(sample))) &&
    sample.every((c) => c === 9 || c === 10 || c === 13 || c >= 32);
  if (text) return `the file is text, not audio or video (it starts with "${sample.toString('utf8', 0, 40).replace(/\s+/g, ' ').trim()}")`;
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not a media file: no MP3, MP4/M4A/M4V, WebM/Matroska, Ogg, FLAC or WAV structure found (it starts with bytes ${hex})`;
}

// --- MP3 -------------------------------------------------------------------------------------

async function probeMp3(fd: number, head: Buffer, base: Base): Promise<ProbeResult> {
  const findings: Finding[] = [];
  const tagEnd = id3v2Length(head);
  // The whole ID3v2 tag (chapters, cover) and some frames after it.
  if (tagEnd + 16 * 1024 > head.length && base.size > head.length) {
    head = readAt(fd, 0, Math.min(base.size, tagEnd + 16 * 1024, MAX_HEADER_SIZE));
  }
  const timing = mp3Timing(fd, base.size, head);
  if (!timing) return failed('no MPEG audio frames found after the ID3 tag: the file holds no playable MP3 audio');
  // Without an ID3v2 tag there is nothing for music-metadata to read (ID3v1 is a relic).
  const metadata =
    tagEnd > 0 && !onlyEncoderSignature(head, tagEnd) ? await readTags(head.subarray(0, tagEnd + 4096), 'audio/mpeg', findings) : undefined;

  const facts: MediaFacts = {
    ...common(metadata, base, 'MPEG', false),
    audioCodec: `MP${timing.first.layer}`,
    hasAudio: true,
    hasVideo: false,
    duration: timing.duration,
    bitrate: Math.round(timing.bitrate),
    vbr: timing.vbr,
    xingHeader: timing.seekHeader !== undefined,
  };
  const mismatch = timing.seekHeaderMismatch;
  if (mismatch) {
    const header = `its ${timing.seekHeader} header announces ${mismatch.frames} frames (${formatSeconds(mismatch.claimedDuration)})`;
    const found = `${mismatch.framesFound} frames (${formatSeconds(timing.duration)})`;
    findings.push(
      mismatch.bytes !== undefined && mismatch.bytes > mismatch.audioBytes
        ? {
            level: 'error',
            message: `the file is truncated: ${header} in ${mismatch.bytes} bytes of audio, but only ${mismatch.audioBytes} bytes are there, ${found} (an interrupted upload, copy or recording?)`,
          }
        : {
            level: 'error',
            message: `${header}, but the file holds ${found}; players would show the header's duration. Rewrite the header, e.g. \`ffmpeg -i in.mp3 -c copy out.mp3\``,
          },
    );
  }
  if (timing.vbr && !timing.seekHeader) {
    const audioBytes = base.size - timing.audioStart;
    const guess = (audioBytes * 8) / timing.first.bitrate;
    findings.push({
      level: 'warning',
      message:
        `VBR MP3 without a Xing/Info header: players estimate its duration and seek positions from the first frame's bitrate ` +
        `and get them wrong (it plays ${formatSeconds(timing.duration)}; a player would guess ${formatSeconds(guess)}). ` +
        'Rewrite it with a header, e.g. `ffmpeg -i in.mp3 -c copy out.mp3`',
    });
  }
  return { facts: clean(facts), findings };
}

/** ID3v2 frames that name the encoder and nothing else (ffmpeg writes TSSE "Lavf...", other tools TENC). */
const SIGNATURE_FRAMES = new Set(['TSSE', 'TENC']);

/**
 * Whether an MP3's ID3v2 tag (the first `tagEnd` bytes of `head`) is, byte for byte, a plain
 * v2.3/v2.4 tag holding only the encoder's signature: then it holds nothing probeMp3 takes from a
 * tag (title, artist, album, year, comment, track, cover, chapters), and music-metadata, which
 * builds its tag maps anew for every file (about a millisecond), need not read it. A cold check
 * of a folder of ffmpeg-made MP3s spent most of its probing there. Anything unusual (another
 * frame, flags, unsynchronisation, a second tag, bytes that are not padding) is read by
 * music-metadata as before, damaged-tag findings included.
 * https://id3.org/id3v2.4.0-structure, https://id3.org/id3v2.3.0
 */
export function onlyEncoderSignature(head: Buffer, tagEnd: number): boolean {
  if (tagEnd > head.length || tagEnd < 10 || head.toString('latin1', 0, 3) !== 'ID3') return false;
  const version = head[3];
  // Flags 0: no unsynchronisation, extended header, experimental bit or footer.
  if ((version !== 3 && version !== 4) || head[4] !== 0 || head[5] !== 0) return false;
  const synchsafe = (at: number) =>
    (head[at] | head[at + 1] | head[at + 2] | head[at + 3]) & 0x80
      ? -1
      : (head[at] << 21) | (head[at + 1] << 14) | (head[at + 2] << 7) | head[at + 3];
  if (10 + synchsafe(6) !== tagEnd) return false; // a second tag follows
  let offset = 10;
  while (offset + 10 <= tagEnd && head[offset] !== 0) {
    if (!SIGNATURE_FRAMES.has(head.toString('latin1', offset, offset + 4))) return false;
    const size = version === 4 ? synchsafe(offset + 4) : head.readUInt32BE(offset + 4);
    // No frame flags; a text frame is its encoding byte (0-3) and the text.
    if (size < 1 || head[offset + 8] !== 0 || head[offset + 9] !== 0 || head[offset + 10] > 3) return false;
    offset += 10 + size;
  }
  if (offset > tagEnd) return false;
  for (let i = offset; i < tagEnd; i++) if (head[i] !== 0) return false; // padding
  return true;
}

// --- MP4 -------------------------------------------------------------------------------------

const VIDEO_CODECS: Record<string, string> = {
  avc1: 'H.264',
  avc3: 'H.264',
  hvc1: 'HEVC',
  hev1: 'HEVC',
  vp09: 'VP9',
  av01: 'AV1',
  mp4v: 'MPEG-4 Visual',
};
const AUDIO_CODECS: Record<string, string> = { 'ac-3': 'AC-3', 'ec-3': 'E-AC-3', Opus: 'Opus', alac: 'ALAC', fLaC: 'FLAC', '.mp3': 'MP3' };

function mp4AudioCodec(track: Mp4Track): string | undefined {
  if (track.codec === 'mp4a') {
    // MPEG-4 objectTypeIndication: 0x40 MPEG-4 audio, 0x66-0x68 MPEG-2 AAC, 0x69/0x6b MP3.
    if (track.objectType === 0x69 || track.objectType === 0x6b) return 'MP3';
    return 'AAC';
  }
  return track.codec ? (AUDIO_CODECS[track.codec] ?? track.codec) : undefined;
}

async function probeMp4(fd: number, head: Buffer, base: Base): Promise<ProbeResult> {
  const findings: Finding[] = [];
  const layout = readMp4Layout(fd, base.size);
  if (layout.truncated) {
    const { box, claimed, available } = layout.truncated;
    findings.push({
      level: 'error',
      message: `the file is truncated: its ${box} box claims ${claimed} bytes but only ${available} are left (an interrupted upload, copy or recording?)`,
    });
  } else if (layout.invalidAt !== undefined) {
    findings.push({ level: 'error', message: `the MP4 structure is broken at byte ${layout.invalidAt}: what follows is not an MP4 box` });
  }
  const moovBox = layout.moov;
  if (!moovBox) {
    findings.push({ level: 'error', message: 'no moov box (the MP4 index of tracks and samples) was found: no player can play this file' });
    return { findings };
  }
  if (moovBox.size > MAX_HEADER_SIZE) return failed(`the moov box is ${moovBox.size} bytes, too large to be real`);
  const moov = readAt(fd, moovBox.start, moovBox.size);
  const movie = parseMoov(moov);

  const ftyp = layout.boxes.find((b) => b.type === 'ftyp');
  const ftypBytes = ftyp && ftyp.start + ftyp.size <= head.length ? head.subarray(ftyp.start, ftyp.start + ftyp.size) : Buffer.alloc(0);
  // Tags and cover live in moov/udta or moov/meta; without them music-metadata has nothing for us.
  const metadata = movie.hasMetadata ? await readTags(Buffer.concat([ftypBytes, leanMoov(moov)]), 'video/mp4', findings) : undefined;

  // The video, not an enhanced podcast's chapter pictures (a track of still JPEGs or PNGs) before it.
  const video =
    movie.tracks.find((t) => t.handler === 'vide' && t.codec !== 'jpeg' && t.codec !== 'png ') ??
    movie.tracks.find((t) => t.handler === 'vide');
  const audio = movie.tracks.find((t) => t.handler === 'soun');
  const duration = movie.duration ?? metadata?.format.duration;
  let chapters = movie.neroChapters;
  if (chapters.length === 0) chapters = readChapterTrack(fd, movie);

  const facts: MediaFacts = {
    ...common(metadata, base, 'MP4', !!video),
    audioCodec: audio ? mp4AudioCodec(audio) : undefined,
    videoCodec: video?.codec ? (VIDEO_CODECS[video.codec] ?? video.codec) : undefined,
    ...trackFacts(video, audio, duration, base.size),
    chapters: withEnds(chapters, duration),
    fastStart: layout.fastStart,
  };
  if (duration === undefined) findings.push({ level: 'error', message: 'the MP4 does not state its duration (mvhd)' });
  // The duration the header states against what the samples add up to: a header that says a
  // five-second file plays for 27 hours (damaged, or doctored) would go out as itunes:duration.
  // Edit lists and empty edits move it a little either way; only far more than the samples is said.
  const sampled = Math.max(0, ...[video, audio].map((t) => t?.sampleSeconds ?? 0));
  if (duration !== undefined && sampled > 0 && duration > sampled * 1.1 + 5) {
    findings.push({
      level: 'error',
      message: `the MP4's header says it plays for ${formatSeconds(duration)}, but its samples add up to ${formatSeconds(sampled)}: the header is wrong (a damaged file?); remux it, e.g. \`ffmpeg -i in -c copy -movflags +faststart out\``,
    });
  }
  if (layout.fastStart === false) {
    findings.push({
      level: 'warning',
      message:
        'moov at the end: browsers and apps must fetch the end of the file before playing; ' +
        'remux with faststart, e.g. `ffmpeg -i in -c copy -movflags +faststart out`',
    });
  }
  return { facts: clean(facts), findings };
}

// --- WebM / Matroska -------------------------------------------------------------------------

const MATROSKA_CODECS: [prefix: string, name: string][] = [
  ['V_VP8', 'VP8'],
  ['V_VP9', 'VP9'],
  ['V_AV1', 'AV1'],
  ['V_MPEG4/ISO/AVC', 'H.264'],
  ['V_MPEGH/ISO/HEVC', 'HEVC'],
  ['V_THEORA', 'Theora'],
  ['A_OPUS', 'Opus'],
  ['A_VORBIS', 'Vorbis'],
  ['A_AAC', 'AAC'],
  ['A_MPEG/L3', 'MP3'],
  ['A_FLAC', 'FLAC'],
  ['A_PCM', 'PCM'],
  ['A_AC3', 'AC-3'],
];

function matroskaCodec(codecId?: string): string | undefined {
  if (!codecId) return undefined;
  return MATROSKA_CODECS.find(([prefix]) => codecId.startsWith(prefix))?.[1] ?? codecId;
}

async function probeMatroska(fd: number, head: Buffer, base: Base): Promise<ProbeResult> {
  const findings: Finding[] = [];
  let header: MatroskaHead = parseMatroskaHead(head, base.size);
  if (header.needBytes && header.needBytes <= MAX_HEADER_SIZE) {
    head = readAt(fd, 0, header.needBytes);
    header = parseMatroskaHead(head, base.size);
  }
  if (header.segmentStart === undefined) return failed('the WebM/Matroska file has no Segment: it holds no media');
  const container = header.docType === 'webm' ? 'WebM' : 'Matroska';
  if (header.truncated) {
    findings.push({
      level: 'error',
      message: `the file is truncated: its Segment claims ${header.truncated.claimed} bytes but only ${header.truncated.available} are there (an interrupted upload, copy or recording?)`,
    });
  }
  // music-metadata for tags only, over the header elements only (it would go on into the Clusters).
  // A parser stumbling at the cut-off end of that buffer costs us the tags, not the probe.
  const metadata = header.hasMetadata
    ? await readTags(
        head.subarray(0, header.firstCluster ?? head.length),
        container === 'WebM' ? 'video/webm' : 'video/x-matroska',
        undefined,
      )
    : undefined;
  const duration = header.duration ?? webmTailDuration(fd, base.size, header);
  const video = header.tracks.find((t) => t.type === 1);
  const audio = header.tracks.find((t) => t.type === 2);
  const facts: MediaFacts = {
    ...common(metadata, base, container, !!video),
    audioCodec: matroskaCodec(audio?.codecId),
    videoCodec: matroskaCodec(video?.codecId),
    ...trackFacts(video, audio, duration, base.size),
  };
  if (duration === undefined) {
    findings.push({
      level: 'error',
      message: 'cannot tell the duration: no Duration element and no complete Cluster at the end of the file',
    });
  }
  return { facts: clean(facts), findings };
}

// --- Ogg, FLAC, WAV, ADTS --------------------------------------------------------------------

const OTHER_MIME: Record<string, string> = { Ogg: 'audio/ogg', FLAC: 'audio/flac', WAV: 'audio/wav', ADTS: 'audio/aac' };

/** Read-stream file functions that leave the descriptor open when the stream ends or is destroyed: probeMedia's to close (or its caller's). */
const KEEP_OPEN = { read: fs.read, close: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => done(null) };

async function probeOther(fd: number, kind: 'Ogg' | 'FLAC' | 'WAV' | 'ADTS', base: Base): Promise<ProbeResult> {
  // These need their end (Ogg's last granule) or a scan (ADTS); podcasts rarely use them.
  // At most the bytes the file had when it was opened: one still being written ends there. From
  // the probe's own descriptor (positioned reads; probeMedia closes it), not the path again.
  const { parseStream } = await loadMusicMetadata();
  const stream = createReadStream('', { fd, start: 0, end: base.size - 1, fs: KEEP_OPEN });
  const metadata = await withinTime(
    parseStream(stream, { mimeType: OTHER_MIME[kind], size: base.size }, { ...MM_OPTIONS, duration: true }),
    STREAM_TIME_BUDGET_MS,
    () => stream.destroy(),
  ).finally(() => stream.destroy());
  const hasVideo = metadata.format.trackInfo.some((t) => t.type === 1) || !!metadata.format.hasVideo;
  const duration = metadata.format.duration;
  const facts: MediaFacts = {
    ...common(metadata, base, kind, hasVideo),
    audioCodec: normaliseCodec(metadata.format.codec),
    hasAudio: metadata.format.hasAudio ?? true,
    hasVideo,
    duration,
    bitrate: averageBitrate(base.size, duration),
  };
  const findings: Finding[] = duration === undefined ? [{ level: 'error', message: `cannot tell the duration of this ${kind} file` }] : [];
  return { facts: clean(facts), findings };
}

function normaliseCodec(codec?: string): string | undefined {
  if (!codec) return undefined;
  const known: [RegExp, string][] = [
    [/opus/i, 'Opus'],
    [/vorbis/i, 'Vorbis'],
    [/flac/i, 'FLAC'],
    [/pcm/i, 'PCM'],
    [/aac/i, 'AAC'],
    [/layer 3/i, 'MP3'],
  ];
  return known.find(([re]) => re.test(codec))?.[1] ?? codec;
}

/**
 * music-metadata's own whole-file duration scan (`duration: true`), for the benchmark that
 * compares it with ours (bench/mp3-scan.ts); the probe itself never uses it.
 */
export async function musicMetadataDuration(absPath: string): Promise<number | undefined> {
  const { parseFile } = await loadMusicMetadata();
  return (await parseFile(absPath, { duration: true, skipCovers: true })).format.duration;
}

// --- Shared ----------------------------------------------------------------------------------

/** The facts every container shares: size, MIME, tags, chapters and cover from music-metadata. */
function common(metadata: IAudioMetadata | undefined, base: Base, container: string, hasVideo: boolean) {
  const c = metadata?.common;
  const picture = c?.picture?.[0];
  const tags: MediaFacts['tags'] = {
    title: c?.title,
    artist: c?.artist,
    album: c?.album,
    year: c?.year,
    comment: c?.comment?.[0]?.text,
    track: c?.track?.no ?? undefined,
  };
  for (const key of Object.keys(tags) as (keyof typeof tags)[]) if (tags[key] === undefined) delete tags[key];
  return {
    size: base.size,
    mtimeMs: base.mtimeMs,
    container,
    mime: mimeFor(container, hasVideo, base.extension),
    tags,
    chapters: withEnds(
      (metadata?.format.chapters ?? []).map((ch) => ({
        // ID3 CHAP times come in seconds; MP4 chapter tracks in units of their timescale.
        startTime: ch.timeScale ? ch.start / ch.timeScale : ch.start,
        title: ch.title,
        ...(ch.end !== undefined ? { endTime: ch.timeScale ? ch.end / ch.timeScale : ch.end } : {}),
      })),
      undefined,
    ),
    ...(picture ? { coverArt: { mime: picture.format, bytes: picture.data.length } } : {}),
  };
}

/** What a video container's tracks tell: which kinds there are, the picture size, the duration and bitrate. */
function trackFacts(
  video: { width?: number; height?: number } | undefined,
  audio: object | undefined,
  duration: number | undefined,
  size: number,
) {
  return {
    hasAudio: !!audio,
    hasVideo: !!video,
    duration,
    bitrate: averageBitrate(size, duration),
    width: video?.width,
    height: video?.height,
  };
}

/** Bits per second over the whole file, container included: what a podcast app's download takes. */
function averageBitrate(size: number, duration: number | undefined): number | undefined {
  return duration ? Math.round((size * 8) / duration) : undefined;
}

/** Fills each chapter's missing end with the next chapter's start (the last one's with the duration). */
function withEnds(chapters: Chapter[], duration: number | undefined): Chapter[] {
  return chapters.map((ch, i) => {
    const end = ch.endTime ?? chapters[i + 1]?.startTime ?? duration;
    return end !== undefined ? { ...ch, endTime: end } : ch;
  });
}

/** Drops undefined fields so the facts stay plain JSON (they are cached). */
function clean(facts: MediaFacts): MediaFacts {
  for (const key of Object.keys(facts) as (keyof MediaFacts)[]) if (facts[key] === undefined) delete facts[key];
  return facts;
}

function formatSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
