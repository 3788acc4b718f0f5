// MP4 / M4V / M4A (ISO base media file format, ISO/IEC 14496-12; QuickTime File Format) read
// box by box with positioned reads. mdat, the media itself, is never read.
//
// What we need that music-metadata 11 does not give: the true movie duration (mvhd) also for
// video-only files, whether moov comes before mdat ("fast start", so playback can begin before
// the whole file has arrived), whether a box claims more bytes than the file has (a cut-off
// upload), track dimensions, and chapters (QuickTime chapter track and Nero `chpl`).
// Box layout: https://developer.apple.com/documentation/quicktime-file-format
import type { Chapter } from '../contract/catalog.js';
import { readAt } from './read-at.js';

export interface Box {
  type: string;
  /** Offset of the box header in the file. */
  start: number;
  /** Whole box, header included. */
  size: number;
  headerSize: number;
}

export interface Mp4Layout {
  /** Top-level boxes in file order (only the complete ones). */
  boxes: Box[];
  moov?: Box;
  /** moov comes before the first mdat; undefined unless both are present. */
  fastStart?: boolean;
  /** A top-level box claims more bytes than the file has: the file was cut short. */
  truncated?: { box: string; offset: number; claimed: number; available: number };
  /** Bytes at `offset` are not a box header (garbage or a broken file). */
  invalidAt?: number;
}

// A file made of thousands of top-level boxes is broken or hostile; each costs one read.
const MAX_TOP_LEVEL_BOXES = 10_000;

/** Walks the top-level boxes: one 16-byte read per box. */
export function readMp4Layout(fd: number, fileSize: number): Mp4Layout {
  const layout: Mp4Layout = { boxes: [] };
  let position = 0;
  while (position + 8 <= fileSize && layout.boxes.length < MAX_TOP_LEVEL_BOXES) {
    const header = readAt(fd, position, 16);
    const box = parseBoxHeader(header, 0, fileSize - position);
    if (!box) {
      layout.invalidAt = position;
      break;
    }
    box.start = position;
    if (position + box.size > fileSize) {
      layout.truncated = { box: box.type, offset: position, claimed: box.size, available: fileSize - position };
      break;
    }
    layout.boxes.push(box);
    position += box.size;
  }
  layout.moov = layout.boxes.find((b) => b.type === 'moov');
  const firstMdat = layout.boxes.findIndex((b) => b.type === 'mdat');
  // A truncated mdat still tells the order: everything before it was complete.
  const mdatIndex = firstMdat >= 0 ? firstMdat : layout.truncated?.box === 'mdat' ? layout.boxes.length : -1;
  if (layout.moov && mdatIndex >= 0) layout.fastStart = layout.boxes.indexOf(layout.moov) < mdatIndex;
  return layout;
}

/**
 * Parses a box header at `offset` of `buffer`. `room` is how many bytes the enclosing space has
 * left (for size 0, "to the end"). Returns undefined when the bytes are not a plausible header.
 */
function parseBoxHeader(buffer: Buffer, offset: number, room: number): Box | undefined {
  if (buffer.length - offset < 8) return undefined;
  const type = buffer.toString('latin1', offset + 4, offset + 8);
  // Box types are four printable characters (Apple's start with ©, 0xA9).
  if (!/^[\x20-\x7e\xa9]{4}$/.test(type)) return undefined;
  let size = buffer.readUInt32BE(offset);
  let headerSize = 8;
  if (size === 1) {
    if (buffer.length - offset < 16) return undefined;
    size = Number(buffer.readBigUInt64BE(offset + 8));
    headerSize = 16;
  } else if (size === 0) {
    size = room; // "extends to the end of the file"
  }
  if (size < headerSize) return undefined;
  return { type, start: offset, size, headerSize };
}

// No real container has more children (a moov holds its tracks, a stbl a dozen tables); a
// 64 MB moov of 8-byte boxes would otherwise make eight million objects.
const MAX_CHILDREN = 10_000;

/** The child boxes of a container whose payload is buffer[start, end). */
function childBoxes(buffer: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= end && boxes.length < MAX_CHILDREN) {
    const box = parseBoxHeader(buffer, offset, end - offset);
    if (!box || offset + box.size > end) break;
    boxes.push(box);
    offset += box.size;
  }
  return boxes;
}

function payload(buffer: Buffer, box: Box): Buffer {
  return buffer.subarray(box.start + box.headerSize, box.start + box.size);
}

function child(buffer: Buffer, parent: Box, ...path: string[]): Box | undefined {
  let current: Box | undefined = parent;
  for (const type of path) {
    if (!current) return undefined;
    current = childBoxes(buffer, current.start + current.headerSize, current.start + current.size).find((b) => b.type === type);
  }
  return current;
}

function children(buffer: Buffer, parent: Box, type: string): Box[] {
  return childBoxes(buffer, parent.start + parent.headerSize, parent.start + parent.size).filter((b) => b.type === type);
}

/** Sample positions of a track, decoded only for chapter tracks (video tables are large). */
interface SampleTable {
  /** Start of each sample in media time units. */
  times: number[];
  sizes: number[];
  offsets: number[];
}

export interface Mp4Track {
  id: number;
  /** hdlr handler type: 'vide', 'soun', 'text', 'sbtl', 'tmcd', ... */
  handler: string;
  /** First sample description's format: 'avc1', 'hvc1', 'mp4a', 'ac-3', 'text', ... */
  codec?: string;
  /** For 'mp4a': the MPEG-4 objectTypeIndication from esds (0x40 = AAC, 0x69/0x6b = MP3). */
  objectType?: number;
  width?: number;
  height?: number;
  timescale: number;
  /** In timescale units. */
  duration: number;
  /** tref/chap: ids of the text tracks holding this track's chapters. */
  chapterTrackIds: number[];
  samples?: SampleTable;
  /** Seconds, the sum of the sample durations (stts); undefined when it has none (a fragmented file). */
  sampleSeconds?: number;
}

export interface Mp4Movie {
  /** Seconds, from mvhd (or mehd for fragmented files); undefined when the file does not say. */
  duration?: number;
  tracks: Mp4Track[];
  /** Nero chapters (udta/chpl), which ffmpeg and many taggers write. */
  neroChapters: Chapter[];
  /** moov has udta or meta, where tags and cover art live. */
  hasMetadata: boolean;
}

// Real movies have a few tracks (video, audio, a chapter text track, timecode, subtitles).
const MAX_TRACKS = 64;

/** Parses a whole moov box (header included) already read into memory. */
export function parseMoov(moovBox: Buffer): Mp4Movie {
  const moov = parseBoxHeader(moovBox, 0, moovBox.length);
  const movie: Mp4Movie = { tracks: [], neroChapters: [], hasMetadata: false };
  if (!moov) return movie;
  movie.hasMetadata = !!(child(moovBox, moov, 'udta') ?? child(moovBox, moov, 'meta'));

  const mvhd = child(moovBox, moov, 'mvhd');
  let movieTimescale = 0;
  if (mvhd) {
    const { timescale, duration } = readTimes(payload(moovBox, mvhd));
    movieTimescale = timescale;
    if (timescale > 0 && duration > 0) movie.duration = duration / timescale;
  }
  // Fragmented MP4: mvhd's duration is 0 and mvex/mehd carries the whole duration.
  const mehd = child(moovBox, moov, 'mvex', 'mehd');
  if (movie.duration === undefined && mehd && movieTimescale > 0) {
    const p = payload(moovBox, mehd);
    const fragmentDuration = p[0] === 1 ? Number(p.readBigUInt64BE(4)) : p.readUInt32BE(4);
    if (fragmentDuration > 0) movie.duration = fragmentDuration / movieTimescale;
  }

  // A moov of a million empty trak boxes is no movie; and the chapter lookups below go tracks x tracks.
  const traks = children(moovBox, moov, 'trak').slice(0, MAX_TRACKS);
  for (const trak of traks) movie.tracks.push(parseTrack(moovBox, trak));

  // Sample tables are decoded for chapter tracks only.
  const chapterIds = new Set(movie.tracks.flatMap((t) => t.chapterTrackIds));
  traks.forEach((trak, i) => {
    const track = movie.tracks[i];
    const stbl = child(moovBox, trak, 'mdia', 'minf', 'stbl');
    if (stbl && chapterIds.has(track.id) && !track.samples) track.samples = parseSampleTable(moovBox, stbl);
  });

  const chpl = child(moovBox, moov, 'udta', 'chpl');
  if (chpl) movie.neroChapters = parseNeroChapters(payload(moovBox, chpl));
  return movie;
}

/** mvhd and mdhd share this start: version 0 has 32-bit times, version 1 64-bit. */
function readTimes(p: Buffer): { timescale: number; duration: number } {
  if (p[0] === 1) {
    if (p.length < 32) return { timescale: 0, duration: 0 };
    const duration = p.readBigUInt64BE(24);
    // All ones means "unknown".
    return { timescale: p.readUInt32BE(20), duration: duration === 0xffffffffffffffffn ? 0 : Number(duration) };
  }
  if (p.length < 20) return { timescale: 0, duration: 0 };
  const duration = p.readUInt32BE(16);
  return { timescale: p.readUInt32BE(12), duration: duration === 0xffffffff ? 0 : duration };
}

function trackId(buffer: Buffer, trak: Box): number {
  const tkhd = child(buffer, trak, 'tkhd');
  if (!tkhd) return 0;
  const p = payload(buffer, tkhd);
  const at = p[0] === 1 ? 20 : 12;
  return p.length >= at + 4 ? p.readUInt32BE(at) : 0;
}

function parseTrack(buffer: Buffer, trak: Box): Mp4Track {
  const track: Mp4Track = { id: trackId(buffer, trak), handler: '', timescale: 0, duration: 0, chapterTrackIds: [] };
  const tkhd = child(buffer, trak, 'tkhd');
  if (tkhd) {
    // Width and height are the last two fields, 16.16 fixed point.
    const p = payload(buffer, tkhd);
    if (p.length >= 84) {
      const width = p.readUInt32BE(p.length - 8) / 65536;
      const height = p.readUInt32BE(p.length - 4) / 65536;
      if (width > 0 && height > 0) {
        track.width = Math.round(width);
        track.height = Math.round(height);
      }
    }
  }
  const chap = child(buffer, trak, 'tref', 'chap');
  if (chap) {
    const p = payload(buffer, chap);
    for (let o = 0; o + 4 <= p.length; o += 4) track.chapterTrackIds.push(p.readUInt32BE(o));
  }
  const mdhd = child(buffer, trak, 'mdia', 'mdhd');
  if (mdhd) Object.assign(track, readTimes(payload(buffer, mdhd)));
  const hdlr = child(buffer, trak, 'mdia', 'hdlr');
  if (hdlr) {
    const p = payload(buffer, hdlr);
    if (p.length >= 12) track.handler = p.toString('latin1', 8, 12);
  }
  const stts = child(buffer, trak, 'mdia', 'minf', 'stbl', 'stts');
  if (stts && track.timescale > 0) {
    // stts: version/flags, entry count, then (sample count, sample delta) pairs.
    const p = payload(buffer, stts);
    let units = 0;
    for (let e = 0, n = p.length >= 8 ? p.readUInt32BE(4) : 0; e < n && 16 + 8 * e <= p.length; e++)
      units += p.readUInt32BE(8 + 8 * e) * p.readUInt32BE(12 + 8 * e);
    if (units > 0) track.sampleSeconds = units / track.timescale;
  }
  const stsd = child(buffer, trak, 'mdia', 'minf', 'stbl', 'stsd');
  if (stsd) {
    // stsd: version/flags, entry count, then sample entries (themselves boxes).
    const entry = childBoxes(buffer, stsd.start + stsd.headerSize + 8, stsd.start + stsd.size)[0];
    if (entry) {
      track.codec = entry.type;
      if (entry.type === 'mp4a') track.objectType = esdsObjectType(buffer, entry);
    }
  }
  return track;
}

/** The objectTypeIndication in an mp4a entry's esds (ISO/IEC 14496-1 DecoderConfigDescriptor). */
function esdsObjectType(buffer: Buffer, mp4a: Box): number | undefined {
  // AudioSampleEntry: 8 bytes SampleEntry + 20 bytes audio fields, then child boxes
  // (QuickTime sound description version 1/2 add 16/36 bytes; try those too).
  for (const skip of [28, 44, 64]) {
    const esds = childBoxes(buffer, mp4a.start + mp4a.headerSize + skip, mp4a.start + mp4a.size).find((b) => b.type === 'esds');
    if (!esds) continue;
    const p = payload(buffer, esds);
    // Find the DecoderConfigDescriptor (tag 4); its first byte is objectTypeIndication.
    for (let o = 4; o < p.length - 2; o++) {
      if (p[o] !== 0x04) continue;
      let i = o + 1;
      while (i < p.length && p[i] & 0x80) i++; // descriptor length: up to 4 bytes of 7 bits
      if (i + 1 < p.length) return p[i + 1];
    }
  }
  return undefined;
}

function parseSampleTable(buffer: Buffer, stbl: Box): SampleTable {
  const table: SampleTable = { times: [], sizes: [], offsets: [] };
  const stts = child(buffer, stbl, 'stts');
  const stsz = child(buffer, stbl, 'stsz');
  const stsc = child(buffer, stbl, 'stsc');
  const chunkOffsetBox = child(buffer, stbl, 'stco') ?? child(buffer, stbl, 'co64');
  if (!stts || !stsz || !stsc || !chunkOffsetBox) return table;
  // Chapter tracks hold a few dozen samples; a huge count means this is not one.
  const MAX = 10_000;

  const sz = payload(buffer, stsz);
  const fixedSize = sz.readUInt32BE(4);
  const count = Math.min(sz.readUInt32BE(8), MAX);
  for (let i = 0; i < count; i++) table.sizes.push(fixedSize || (12 + 4 * i + 4 <= sz.length ? sz.readUInt32BE(12 + 4 * i) : 0));

  const ts = payload(buffer, stts);
  let time = 0;
  for (let e = 0, n = ts.readUInt32BE(4); e < n && 16 + 8 * e <= ts.length && table.times.length < count; e++) {
    const samples = ts.readUInt32BE(8 + 8 * e);
    const delta = ts.readUInt32BE(12 + 8 * e);
    for (let s = 0; s < samples && table.times.length < count; s++, time += delta) table.times.push(time);
  }

  const co = payload(buffer, chunkOffsetBox);
  const wide = chunkOffsetBox.type === 'co64';
  // Never more chunks than the box has entries for, whatever its count field says.
  const chunkCount = Math.min(co.readUInt32BE(4), Math.floor((co.length - 8) / (wide ? 8 : 4)));
  const chunkOffset = (c: number) => (wide ? Number(co.readBigUInt64BE(8 + 8 * c)) : co.readUInt32BE(8 + 4 * c));
  const sc = payload(buffer, stsc);
  const runs = sc.readUInt32BE(4);
  // stsc: runs of chunks with the same samples-per-chunk (first_chunk is 1-based).
  let sample = 0;
  for (let r = 0; r < runs && 20 + 12 * r <= sc.length; r++) {
    const firstChunk = sc.readUInt32BE(8 + 12 * r) - 1;
    const perChunk = sc.readUInt32BE(12 + 12 * r);
    const nextFirst = r + 1 < runs && 20 + 12 * (r + 1) <= sc.length ? sc.readUInt32BE(8 + 12 * (r + 1)) - 1 : chunkCount;
    for (let c = firstChunk; c < nextFirst && c < chunkCount && sample < count; c++) {
      let offset = chunkOffset(c);
      for (let s = 0; s < perChunk && sample < count; s++, sample++) {
        table.offsets.push(offset);
        offset += table.sizes[sample];
      }
    }
  }
  return table;
}

/** udta/chpl as ffmpeg reads it (libavformat/mov.c mov_read_chpl): start times in 100 ns. */
function parseNeroChapters(p: Buffer): Chapter[] {
  const chapters: Chapter[] = [];
  let o = p[0] === 1 ? 8 : 4;
  if (o >= p.length) return chapters;
  const count = p[o++];
  for (let i = 0; i < count && o + 9 <= p.length; i++) {
    const start = Number(p.readBigUInt64BE(o)) / 1e7;
    const length = p[o + 8];
    const title = p.toString('utf8', o + 9, Math.min(p.length, o + 9 + length));
    chapters.push({ startTime: start, title });
    o += 9 + length;
  }
  return chapters;
}

/**
 * Chapters from a QuickTime chapter track (what ffmpeg and Apple tools write for M4A/M4V):
 * each text sample is a 16-bit length and the title. Reads only those few samples.
 */
export function readChapterTrack(fd: number, movie: Mp4Movie): Chapter[] {
  const ids = new Set(movie.tracks.flatMap((t) => t.chapterTrackIds));
  const track = movie.tracks.find((t) => ids.has(t.id) && t.samples && t.timescale > 0);
  if (!track?.samples) return [];
  const chapters: Chapter[] = [];
  const { times, sizes, offsets } = track.samples;
  for (let i = 0; i < offsets.length && i < times.length; i++) {
    const sample = readAt(fd, offsets[i], Math.min(sizes[i], 1024));
    if (sample.length < 2) break;
    const length = Math.min(sample.readUInt16BE(0), sample.length - 2);
    const text = sample.subarray(2, 2 + length);
    // UTF-16 titles start with a byte order mark.
    const title =
      text[0] === 0xfe && text[1] === 0xff
        ? Buffer.from(text.subarray(2, 2 + ((text.length - 2) & ~1)))
            .swap16()
            .toString('utf16le')
        : text.toString('utf8');
    chapters.push({ startTime: times[i] / track.timescale, title });
  }
  return chapters;
}

// Sample tables a tag reader does not need; for a long video they are most of moov.
const SAMPLE_TABLES = new Set(['stts', 'ctts', 'stsc', 'stsz', 'stz2', 'stco', 'co64', 'stss', 'sdtp', 'sbgp', 'sgpd', 'stps', 'cslg']);
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'tref', 'udta']);

/**
 * A copy of moov whose sample tables are emptied (entry count 0): tags, track descriptions and
 * times stay. music-metadata spends most of its time on those tables; they are useless to us.
 */
export function leanMoov(moovBox: Buffer): Buffer {
  const moov = parseBoxHeader(moovBox, 0, moovBox.length);
  if (!moov) return moovBox;
  return rebuild(moovBox, moov, 0);
}

// moov/trak/mdia/minf/stbl is the deepest real nesting. Each level copies its children, so
// containers nested a million deep (trak in trak in trak...) would copy depth x size bytes and
// overflow the stack: below this depth a container is copied as it is.
const MAX_DEPTH = 8;

function rebuild(buffer: Buffer, box: Box, depth: number): Buffer {
  if (SAMPLE_TABLES.has(box.type)) {
    // version/flags + entry count 0 (stsz/stz2 have one more field before the count).
    const empty = Buffer.alloc(box.type === 'stsz' || box.type === 'stz2' ? 20 : 16);
    empty.writeUInt32BE(empty.length, 0);
    empty.write(box.type, 4, 'latin1');
    return empty;
  }
  if (!CONTAINERS.has(box.type) || depth >= MAX_DEPTH) return buffer.subarray(box.start, box.start + box.size);
  // One box of each type, but for tracks: tags are read from the first udta, and thousands of
  // repeated ones would only cost music-metadata seconds.
  const seen = new Set<string>();
  const kept = childBoxes(buffer, box.start + box.headerSize, box.start + box.size).filter((c) => {
    if (c.type === 'trak') return true;
    if (seen.has(c.type)) return false;
    seen.add(c.type);
    return true;
  });
  const parts = kept.slice(0, MAX_TRACKS + 16).map((c) => rebuild(buffer, c, depth + 1));
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 0);
  header.write(box.type, 4, 'latin1');
  return Buffer.concat([header, ...parts]);
}
