// How many bytes of a file make a download: its header plus one minute of content, or the whole
// file when it plays less than a minute (IAB Podcast Measurement Technical Guidelines v2.2,
// "Downloads": "the entire file or at least one minute"). Worked out from each file's own index,
// never from an average bitrate, so a VBR file's quiet first minute is not over- or under-counted:
// - MP3: frame headers walked from the first audio frame until 60 s of samples
//   (frame layout: http://www.mp3-tech.org/programmer/frame_header.html);
// - MP4/M4V/M4A: each track's sample table (stts, stsc, stsz, stco/co64; ISO/IEC 14496-12 §8.6-8.7)
//   gives the file offset of its first sample at 60 s; the furthest track wins, and a moov that
//   sits after the media counts too;
// - WebM/Matroska: the Clusters, hopped from one to the next by their sizes, until the first
//   that starts at 60 s or later (RFC 9559 §10).
import fs from 'node:fs';
import { readAt } from '../media/read-at.js';
import { findFrame, id3v2Length, parseFrameHeader, readSeekHeader } from '../media/mp3-frames.js';
import { readMp4Layout } from '../media/mp4-boxes.js';
import { parseMatroskaHead } from '../media/matroska-header.js';

export interface OneMinute {
  /** Bytes from the start of the file that hold the header and one minute (or the whole file). */
  bytes: number;
  /** How it was found. */
  method: 'mp3-frames' | 'mp4-samples' | 'webm-clusters' | 'whole-file';
}

const MINUTE = 60;

/** The one-minute byte offset of the file at `file`; the whole file when its format is not one we index. */
export function oneMinuteBytes(file: string): OneMinute {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(size, 64 * 1024));
    let bytes: number | undefined;
    let method: OneMinute['method'] = 'whole-file';
    if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') {
      bytes = mp4OneMinute(fd, size);
      method = 'mp4-samples';
    } else if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
      bytes = webmOneMinute(fd, size, head);
      method = 'webm-clusters';
    } else {
      bytes = mp3OneMinute(fd, size, head);
      method = 'mp3-frames';
    }
    if (bytes === undefined || bytes >= size) return { bytes: size, method: 'whole-file' };
    return { bytes, method };
  } finally {
    fs.closeSync(fd);
  }
}

/** The offset just after the last frame that starts within the first minute of audio. */
function mp3OneMinute(fd: number, size: number, head: Buffer): number | undefined {
  const tagEnd = id3v2Length(head);
  const firstHead = tagEnd + 16 * 1024 <= head.length ? head : readAt(fd, 0, Math.min(size, tagEnd + 64 * 1024));
  const found = findFrame(firstHead, tagEnd, undefined, 4);
  if (!found) return undefined;
  const { header: first } = found;
  const needed = MINUTE * first.sampleRate;
  let samples = 0;
  // A Xing/Info/VBRI frame is an index, not audio: the minute starts after it.
  let position = readSeekHeader(firstHead, found.offset, first) ? found.offset + first.frameLength : found.offset;
  // 60 s at MPEG-1 layer III's highest bitrate (320 kbit/s) is 2.4 MB; read in 1 MB chunks.
  const chunkSize = 1024 * 1024;
  let chunk = readAt(fd, position, Math.min(chunkSize, size - position));
  let chunkStart = position;
  while (samples < needed) {
    if (position + 4 > chunkStart + chunk.length) {
      if (position + 4 > size) return undefined;
      chunkStart = position;
      chunk = readAt(fd, position, Math.min(chunkSize, size - position));
      if (chunk.length < 4) return undefined;
    }
    const header = parseFrameHeader(chunk, position - chunkStart);
    if (!header) {
      // Lost sync (a broken frame): find the next confirmed one.
      const next = findFrame(chunk, position - chunkStart + 1, first);
      if (!next) {
        position = chunkStart + chunk.length - 3;
        continue;
      }
      position = chunkStart + next.offset;
      continue;
    }
    samples += header.samplesPerFrame;
    position += header.frameLength;
  }
  return position;
}

interface Mp4Box {
  type: string;
  start: number;
  end: number;
  data: number;
}

function boxesIn(b: Buffer, start: number, end: number): Mp4Box[] {
  const out: Mp4Box[] = [];
  let o = start;
  while (o + 8 <= end) {
    let size = b.readUInt32BE(o);
    let data = o + 8;
    if (size === 1 && o + 16 <= end) {
      size = Number(b.readBigUInt64BE(o + 8));
      data = o + 16;
    } else if (size === 0) size = end - o;
    if (size < data - o || o + size > end) break;
    out.push({ type: b.toString('latin1', o + 4, o + 8), start: o, end: o + size, data });
    o += size;
  }
  return out;
}

const childOf = (b: Buffer, box: Mp4Box, type: string, skip = 0) => boxesIn(b, box.data + skip, box.end).find((c) => c.type === type);

/** The furthest file offset of any track's first sample at or after one minute, plus a trailing moov. */
function mp4OneMinute(fd: number, size: number): number | undefined {
  const layout = readMp4Layout(fd, size);
  if (!layout.moov || layout.moov.size > 64 * 1024 * 1024) return undefined;
  const moovBuffer = readAt(fd, layout.moov.start, layout.moov.size);
  const [moov] = boxesIn(moovBuffer, 0, moovBuffer.length);
  if (!moov) return undefined;
  let furthest = 0;
  for (const trak of boxesIn(moovBuffer, moov.data, moov.end).filter((c) => c.type === 'trak')) {
    const mdia = childOf(moovBuffer, trak, 'mdia');
    const mdhd = mdia && childOf(moovBuffer, mdia, 'mdhd');
    const minf = mdia && childOf(moovBuffer, mdia, 'minf');
    const stbl = minf && childOf(moovBuffer, minf, 'stbl');
    if (!mdhd || !stbl) continue;
    const version = moovBuffer[mdhd.data];
    const timescale = moovBuffer.readUInt32BE(mdhd.data + (version === 1 ? 20 : 12));
    const offset = trackOffsetAt(moovBuffer, stbl, timescale * MINUTE);
    if (offset === undefined) return undefined; // a track shorter than a minute: the whole file
    furthest = Math.max(furthest, offset);
  }
  if (furthest === 0) return undefined;
  // A moov after the media is needed to play: the client has to fetch it as well.
  return layout.fastStart === false ? furthest + layout.moov.size : furthest;
}

/** File offset of the first sample whose decode time is at or past `time` (media units); undefined if none. */
function trackOffsetAt(b: Buffer, stbl: Mp4Box, time: number): number | undefined {
  const stts = childOf(b, stbl, 'stts');
  const stsc = childOf(b, stbl, 'stsc');
  const stsz = childOf(b, stbl, 'stsz');
  const stco = childOf(b, stbl, 'stco') ?? childOf(b, stbl, 'co64');
  if (!stts || !stsc || !stsz || !stco) return undefined;
  // stts: runs of (count, delta) -> the index of the first sample at `time`.
  let sample = 0;
  let t = 0;
  let target: number | undefined;
  const sttsCount = b.readUInt32BE(stts.data + 4);
  for (let e = 0; e < sttsCount && target === undefined; e++) {
    const count = b.readUInt32BE(stts.data + 8 + 8 * e);
    const delta = b.readUInt32BE(stts.data + 12 + 8 * e);
    if (delta > 0 && t + count * delta > time) target = sample + Math.ceil((time - t) / delta);
    else {
      t += count * delta;
      sample += count;
    }
  }
  if (target === undefined) return undefined;
  // stsz: one size for all, or one per sample.
  const fixedSize = b.readUInt32BE(stsz.data + 4);
  const sampleSize = (i: number) => (fixedSize ? fixedSize : b.readUInt32BE(stsz.data + 12 + 4 * i));
  const is64 = stco.type === 'co64';
  const chunkCount = b.readUInt32BE(stco.data + 4);
  const chunkOffset = (i: number) => (is64 ? Number(b.readBigUInt64BE(stco.data + 8 + 8 * i)) : b.readUInt32BE(stco.data + 8 + 4 * i));
  // stsc: runs of chunks with the same samples-per-chunk (first_chunk is 1-based).
  const stscCount = b.readUInt32BE(stsc.data + 4);
  let first = 0; // sample index of the current chunk's first sample
  for (let e = 0; e < stscCount; e++) {
    const firstChunk = b.readUInt32BE(stsc.data + 8 + 12 * e) - 1;
    const perChunk = b.readUInt32BE(stsc.data + 12 + 12 * e);
    const nextFirstChunk = e + 1 < stscCount ? b.readUInt32BE(stsc.data + 8 + 12 * (e + 1)) - 1 : chunkCount;
    for (let chunk = firstChunk; chunk < nextFirstChunk; chunk++) {
      if (target < first + perChunk) {
        let offset = chunkOffset(chunk);
        for (let i = first; i < target; i++) offset += sampleSize(i);
        return offset;
      }
      first += perChunk;
    }
  }
  return undefined;
}

const CLUSTER = 0x1f43b675;
const TIMESTAMP = 0xe7;

/** The start of the first Cluster whose timestamp is at or past one minute. */
function webmOneMinute(fd: number, size: number, head: Buffer): number | undefined {
  let info = parseMatroskaHead(head, size);
  if (info.needBytes && info.needBytes <= 16 * 1024 * 1024) info = parseMatroskaHead(readAt(fd, 0, Math.min(size, info.needBytes)), size);
  let position = info.firstCluster;
  const minuteTicks = (MINUTE * 1e9) / info.timestampScale;
  // A file of a hundred thousand clusters is broken or hostile; each costs one small read.
  for (let n = 0; position !== undefined && position + 12 <= size && n < 100_000; n++) {
    const b = readAt(fd, position, Math.min(32, size - position));
    const id = readVint(b, 0, true);
    if (!id || id.value !== CLUSTER) return undefined;
    const length = readVint(b, id.length, false);
    if (!length || length.unknown) return undefined; // live-written, sizes unknown: no index to walk
    const data = id.length + length.length;
    const tsId = readVint(b, data, true);
    const tsSize = tsId && readVint(b, data + tsId.length, false);
    if (!tsId || tsId.value !== TIMESTAMP || !tsSize) return undefined;
    const tsAt = data + tsId.length + tsSize.length;
    let timestamp = 0;
    for (let i = 0; i < tsSize.value && tsAt + i < b.length; i++) timestamp = timestamp * 256 + b[tsAt + i];
    if (timestamp >= minuteTicks) return position;
    position += data + length.value;
  }
  return undefined;
}

function readVint(b: Buffer, o: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
  if (o >= b.length || b[o] === 0) return undefined;
  const length = Math.clz32(b[o]) - 23;
  if (o + length > b.length) return undefined;
  let value = keepMarker ? b[o] : b[o] & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[o + i];
    if (b[o + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}
