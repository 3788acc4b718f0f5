// MP3 timing: exact duration from MPEG audio frame headers.
//
// A CBR file's duration follows from its size and bitrate; a VBR file's from the frame count in
// its Xing/Info or VBRI header. A VBR file without such a header (ffmpeg -write_xing 0, some
// streaming recorders) has only one exact answer: count the frames. We hop from header to header
// (a frame's length follows from its bitrate, sample rate and padding bit) through big chunks read
// into one reused buffer, never byte by byte through a stream.
//
// Frame header layout: http://www.mp3-tech.org/programmer/frame_header.html
// Xing/Info header: https://www.codeproject.com/Articles/8295/MPEG-Audio-Frame-Header#XINGHeader
// VBRI header: same page, #VBRIHeader.
import { readAt } from './read-at.js';

export interface MpegFrameHeader {
  /** MPEG version: 1, 2 or 2.5 (2.5 is the unofficial low-sample-rate extension). */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  /** Bits per second. */
  bitrate: number;
  sampleRate: number;
  mono: boolean;
  /** A 16-bit CRC follows the header. */
  crc: boolean;
  samplesPerFrame: number;
  /** Whole frame, header included. */
  frameLength: number;
}

// Bitrates in kbit/s by bitrate index (0 = free format, 15 = invalid; both rejected).
const BITRATES = {
  v1l1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/** Longest frame there is: MPEG-1 layer II at 384 kbit/s and 32 kHz, 144 * 384000 / 32000 + 1 padding byte. */
const MAX_FRAME_LENGTH = 1729;

/** Decodes the 4-byte frame header at `offset`; undefined if it is not a usable one. */
export function parseFrameHeader(b: Buffer, offset: number): MpegFrameHeader | undefined {
  if (offset < 0 || offset + 4 > b.length) return undefined;
  if (b[offset] !== 0xff || (b[offset + 1] & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b[offset + 1] >> 3) & 3;
  const layerBits = (b[offset + 1] >> 1) & 3;
  const bitrateIndex = b[offset + 2] >> 4;
  const rateIndex = (b[offset + 2] >> 2) & 3;
  // 01 = reserved version; layer 00 = reserved (ADTS AAC uses this sync with layer 00).
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table =
    version === 1
      ? layer === 1
        ? BITRATES.v1l1
        : layer === 2
          ? BITRATES.v1l2
          : BITRATES.v1l3
      : layer === 1
        ? BITRATES.v2l1
        : BITRATES.v2l23;
  const bitrate = table[bitrateIndex] * 1000;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b[offset + 2] >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || version === 1 ? 1152 : 576;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
  return {
    version,
    layer,
    bitrate,
    sampleRate,
    mono: b[offset + 3] >> 6 === 3,
    crc: (b[offset + 1] & 1) === 0,
    samplesPerFrame,
    frameLength,
  };
}

/** Frames of one stream keep version, layer and sample rate; only the bitrate may change. */
function sameStream(a: MpegFrameHeader, b: MpegFrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

/** Bytes taken by ID3v2 tags at the start of `head` (several may follow each other). */
export function id3v2Length(head: Buffer): number {
  let offset = 0;
  while (head.length >= offset + 10 && head.toString('latin1', offset, offset + 3) === 'ID3') {
    // Size is "syncsafe": 4 bytes of 7 bits; a footer (flag 0x10) adds 10 more bytes.
    const size =
      ((head[offset + 6] & 0x7f) << 21) | ((head[offset + 7] & 0x7f) << 14) | ((head[offset + 8] & 0x7f) << 7) | (head[offset + 9] & 0x7f);
    offset += 10 + size + (head[offset + 5] & 0x10 ? 10 : 0);
  }
  return offset;
}

/** Where the audio ends: before an ID3v1 tag (last 128 bytes) and an APEv2 tag, if any. */
export function audioEnd(fd: number, size: number): number {
  const tailLength = Math.min(size, 160);
  const tail = readAt(fd, size - tailLength, tailLength);
  let end = size;
  if (tail.length >= 128 && tail.toString('latin1', tail.length - 128, tail.length - 125) === 'TAG') end -= 128;
  // APEv2 footer: "APETAGEX", version, tag size (footer included), item count, flags.
  // https://wiki.hydrogenaud.io/index.php?title=APEv2_specification
  const footer = tail.length - (size - end) - 32;
  if (footer >= 0 && tail.toString('latin1', footer, footer + 8) === 'APETAGEX') {
    const tagSize = tail.readUInt32LE(footer + 12);
    const hasHeader = (tail.readUInt32LE(footer + 20) & 0x80000000) !== 0;
    end -= tagSize + (hasHeader ? 32 : 0);
  }
  return Math.max(0, end);
}

/**
 * The first frame at or after `from` that is followed by `confirm - 1` more frames of the same
 * stream (as far as the buffer reaches): one header alone is too easily faked by random bytes.
 */
export function findFrame(
  b: Buffer,
  from: number,
  like?: MpegFrameHeader,
  confirm = 2,
): { offset: number; header: MpegFrameHeader } | undefined {
  for (let offset = b.indexOf(0xff, from); offset >= 0 && offset + 4 <= b.length; offset = b.indexOf(0xff, offset + 1)) {
    const header = parseFrameHeader(b, offset);
    if (!header || (like && !sameStream(header, like))) continue;
    let next = offset + header.frameLength;
    let confirmed = 1;
    while (confirmed < confirm && next + 4 <= b.length) {
      const following = parseFrameHeader(b, next);
      if (!following || !sameStream(header, following)) break;
      next += following.frameLength;
      confirmed++;
    }
    // Near the end of the buffer fewer frames can confirm: accept two, or one right at `from`.
    if (confirmed === confirm || (next + 4 > b.length && (confirmed >= 2 || offset === from))) return { offset, header };
  }
  return undefined;
}

export interface SeekHeader {
  kind: 'Xing' | 'Info' | 'VBRI';
  /** Audio frames in the file, when the header says. */
  frames?: number;
  /** Bytes of audio in the file (this header's frame included), when the header says. */
  bytes?: number;
}

/** The Xing/Info (LAME; "Info" marks CBR) or VBRI (Fraunhofer) header inside the first frame. */
export function readSeekHeader(b: Buffer, offset: number, header: MpegFrameHeader): SeekHeader | undefined {
  // Xing sits after the side information, whose size depends on version and channels.
  const sideInfo = header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  for (const at of [offset + 4 + sideInfo, offset + 6 + sideInfo]) {
    if (at + 12 > b.length) continue;
    const id = b.toString('latin1', at, at + 4);
    if (id !== 'Xing' && id !== 'Info') continue;
    const flags = b.readUInt32BE(at + 4);
    // Fields follow in flag order: frames (bit 0), then bytes (bit 1).
    const bytesAt = flags & 1 ? at + 12 : at + 8;
    return {
      kind: id,
      frames: flags & 1 ? b.readUInt32BE(at + 8) : undefined,
      bytes: flags & 2 && bytesAt + 4 <= b.length ? b.readUInt32BE(bytesAt) : undefined,
    };
  }
  const vbri = offset + 36;
  if (vbri + 18 <= b.length && b.toString('latin1', vbri, vbri + 4) === 'VBRI') {
    // "VBRI", version, delay, quality, then bytes and frames.
    return { kind: 'VBRI', bytes: b.readUInt32BE(vbri + 10), frames: b.readUInt32BE(vbri + 14) };
  }
  return undefined;
}

export interface FrameScan {
  frames: number;
  samples: number;
  /** Bytes of audio frames counted. */
  bytes: number;
  /** More than one bitrate was seen. */
  variableBitrate: boolean;
  /** Bytes skipped while looking for the next frame (garbage, broken frames). */
  skipped: number;
}

// Large sequential reads: a 60-minute file is a few dozen reads.
const SCAN_CHUNK = 2 * 1024 * 1024;

/** Counts every frame of the stream like `first` between byte `start` and `end`. */
export function scanFrames(fd: number, start: number, end: number, first: MpegFrameHeader): FrameScan {
  const scan: FrameScan = { frames: 0, samples: 0, bytes: 0, variableBitrate: false, skipped: 0 };
  const buffer = Buffer.allocUnsafe(SCAN_CHUNK);
  let bufferStart = start; // file position of buffer[0]
  let filled = 0;
  let p = 0;
  for (;;) {
    // Keep at least two frames ahead in the buffer (a header and the next one to confirm a resync).
    if (p + 2 * MAX_FRAME_LENGTH > filled && bufferStart + filled < end) {
      buffer.copyWithin(0, p, filled);
      filled -= p;
      bufferStart += p;
      p = 0;
      const more = readAt(fd, bufferStart + filled, Math.min(SCAN_CHUNK - filled, end - bufferStart - filled));
      more.copy(buffer, filled);
      filled += more.length;
      if (more.length === 0) end = bufferStart + filled; // the file is shorter than it was
    }
    const limit = Math.min(filled, end - bufferStart);
    if (p + 4 > limit) break;
    const header = parseFrameHeader(buffer, p);
    if (header && sameStream(header, first)) {
      if (p + header.frameLength > limit) break; // a cut-off last frame does not play
      scan.frames++;
      scan.samples += header.samplesPerFrame;
      scan.bytes += header.frameLength;
      if (header.bitrate !== first.bitrate) scan.variableBitrate = true;
      p += header.frameLength;
      continue;
    }
    // Lost sync: look for the next confirmed frame in what is buffered.
    const found = findFrame(buffer.subarray(0, limit), p + 1, first);
    const next = found ? found.offset : Math.max(p + 1, limit - 3);
    scan.skipped += next - p;
    p = next;
  }
  return scan;
}

export interface Mp3Timing {
  first: MpegFrameHeader;
  /** Offset of the first audio frame. */
  audioStart: number;
  duration: number;
  /** Average bits per second. */
  bitrate: number;
  vbr: boolean;
  seekHeader?: SeekHeader['kind'];
  /** How the duration was found. */
  method: 'seek-header' | 'constant-bitrate' | 'frame-scan';
  /**
   * The seek header's frame or byte count disagrees with the frames in the file (a file cut
   * short, or a header that lies): `duration` then comes from counting the real frames.
   */
  seekHeaderMismatch?: { frames: number; bytes?: number; claimedDuration: number; framesFound: number; audioBytes: number };
}

/**
 * Duration of an MPEG audio file. `head` holds the start of the file (ID3v2 tags and at least a
 * few KB after them). Undefined when there is no MPEG audio frame to be found.
 */
export function mp3Timing(fd: number, size: number, head: Buffer): Mp3Timing | undefined {
  const tagEnd = id3v2Length(head);
  const found = findFrame(head, tagEnd, undefined, 4);
  if (!found) return undefined;
  const { offset: audioStart, header: first } = found;
  const end = audioEnd(fd, size);
  const audioBytes = Math.max(0, end - audioStart);

  const seek = readSeekHeader(head, audioStart, first);
  if (seek?.frames) {
    const duration = (seek.frames * first.samplesPerFrame) / first.sampleRate;
    const vbr = seek.kind !== 'Info';
    if (seekHeaderFits(seek as SeekHeader & { frames: number }, first, audioBytes)) {
      return {
        first,
        audioStart,
        duration,
        bitrate: duration > 0 ? (audioBytes * 8) / duration : first.bitrate,
        vbr,
        seekHeader: seek.kind,
        method: 'seek-header',
      };
    }
    // The header does not fit the bytes present: count the frames there are (the header's own
    // frame carries no audio). A count within a frame or two of the header's was right after all
    // (extra bytes at the end that are not audio, say).
    const scan = scanFrames(fd, audioStart + first.frameLength, end, first);
    const counted = scan.samples / first.sampleRate;
    const timing: Mp3Timing = {
      first,
      audioStart,
      duration: counted,
      bitrate: counted > 0 ? (scan.bytes * 8) / counted : first.bitrate,
      vbr: vbr || scan.variableBitrate,
      seekHeader: seek.kind,
      method: 'frame-scan',
    };
    if (Math.abs(scan.frames - seek.frames) <= SEEK_HEADER_FRAME_SLACK) return { ...timing, duration, method: 'seek-header' };
    return {
      ...timing,
      seekHeaderMismatch: { frames: seek.frames, bytes: seek.bytes, claimedDuration: duration, framesFound: scan.frames, audioBytes },
    };
  }

  // No frame count. If frames from the start, middle and end all share one bitrate, the file is
  // CBR and its size gives the duration; otherwise count the frames.
  if (looksConstant(fd, head, audioStart, end, first)) {
    return {
      first,
      audioStart,
      duration: (audioBytes * 8) / first.bitrate,
      bitrate: first.bitrate,
      vbr: false,
      seekHeader: seek?.kind,
      method: 'constant-bitrate',
    };
  }
  // A Xing/Info frame without a count carries no audio: start after it.
  const scanFrom = seek ? audioStart + first.frameLength : audioStart;
  const scan = scanFrames(fd, scanFrom, end, first);
  const duration = scan.samples / first.sampleRate;
  return {
    first,
    audioStart,
    duration,
    bitrate: duration > 0 ? (scan.bytes * 8) / duration : first.bitrate,
    vbr: scan.variableBitrate,
    seekHeader: seek?.kind,
    method: 'frame-scan',
  };
}

/** Frames by which a seek header's count may differ from the frames counted (encoders differ on whether their own frame counts). */
const SEEK_HEADER_FRAME_SLACK = 2;

/**
 * Whether a seek header's counts fit the audio bytes in the file, without reading them: its byte
 * count (when it has one) must match the audio present, and its frames, at the smallest and the
 * largest frame this stream can have, must span the bytes present. A file cut short or a header
 * that lies (a frame count of 0xFFFFFFFF, 3.5 years) fails one of them; players trust the header,
 * so the lie would reach every listener.
 */
function seekHeaderFits(seek: SeekHeader & { frames: number }, first: MpegFrameHeader, audioBytes: number): boolean {
  const slack = (SEEK_HEADER_FRAME_SLACK + 1) * MAX_FRAME_LENGTH;
  if (seek.bytes !== undefined && Math.abs(seek.bytes - audioBytes) > slack) return false;
  const { smallest, largest } = frameLengthRange(first);
  const framesBytes = audioBytes - first.frameLength; // the header's own frame is not counted
  return seek.frames * smallest <= framesBytes + slack && seek.frames * largest + slack >= framesBytes;
}

/** The shortest and the longest frame a stream like `first` can have (lowest and highest bitrate). */
function frameLengthRange(first: MpegFrameHeader): { smallest: number; largest: number } {
  const length = (bitrateIndex: number, padding: number) => {
    // A header with the stream's version, layer and sample rate, and the given bitrate.
    const versionBits = first.version === 1 ? 3 : first.version === 2 ? 2 : 0;
    const rateIndex = SAMPLE_RATES[first.version].indexOf(first.sampleRate);
    const header = Buffer.from([
      0xff,
      0xe0 | (versionBits << 3) | ((4 - first.layer) << 1) | 1,
      (bitrateIndex << 4) | (rateIndex << 2) | (padding << 1),
      0,
    ]);
    return parseFrameHeader(header, 0)!.frameLength;
  };
  return { smallest: length(1, 0), largest: length(14, 1) };
}

/** Samples a few consecutive frames at the start, 1/3 and 2/3 of the audio, and near its end. */
function looksConstant(fd: number, head: Buffer, audioStart: number, end: number, first: MpegFrameHeader): boolean {
  const windows: Buffer[] = [head.subarray(audioStart)];
  const length = end - audioStart;
  for (const at of [audioStart + length / 3, audioStart + (2 * length) / 3, end - 6 * MAX_FRAME_LENGTH]) {
    if (at > audioStart + head.length) windows.push(readAt(fd, Math.floor(at), Math.min(6 * MAX_FRAME_LENGTH, end - Math.floor(at))));
  }
  for (const window of windows) {
    let position = findFrame(window, 0, first)?.offset;
    for (let n = 0; n < 4 && position !== undefined; n++) {
      const header = parseFrameHeader(window, position);
      if (!header || !sameStream(header, first)) break;
      if (header.bitrate !== first.bitrate) return false;
      position += header.frameLength;
    }
  }
  return true;
}
