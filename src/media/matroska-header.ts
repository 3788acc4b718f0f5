// WebM / Matroska: the header elements (EBML doc type, Info, Tracks) and the true duration.
//
// Live writers (OBS, browsers' MediaRecorder, ffmpeg writing to a pipe) cannot go back to fill
// in Segment/Info/Duration, so such files have none; music-metadata 11 then reports no duration.
// The answer sits at the end of the file: the last Cluster's Timestamp plus its last block's
// relative timestamp and duration. We read only the file's tail to find it.
//
// Element IDs and layout: https://www.matroska.org/technical/elements.html (RFC 9559),
// EBML variable-size integers: RFC 8794 section 4.
import { readAt } from './read-at.js';

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  BlockDuration: 0x9b,
} as const;

/** Top-level elements music-metadata reads tags, cover art (attachments) and chapters from. */
const METADATA = new Set([0x1254c367 /* Tags */, 0x1941a469 /* Attachments */, 0x1043a770 /* Chapters */]);

/** Children a Cluster may have; anything else after a Cluster ID means we matched stray bytes. */
const CLUSTER_CHILDREN = new Set([
  ID.Timestamp,
  ID.SimpleBlock,
  ID.BlockGroup,
  0xa7 /* Position */,
  0xab /* PrevSize */,
  0xbf /* CRC-32 */,
  0xec /* Void */,
  0x5854 /* SilentTracks */,
  0xaf /* EncryptedBlock */,
]);

export interface MatroskaTrack {
  number: number;
  /** 1 video, 2 audio, 17 subtitle, ... */
  type: number;
  codecId?: string;
  /** Nanoseconds per frame, when the writer said. */
  defaultDuration?: number;
  width?: number;
  height?: number;
}

export interface MatroskaHead {
  /** 'webm' or 'matroska'. */
  docType?: string;
  /** Nanoseconds per timestamp tick (default 1 ms). */
  timestampScale: number;
  /** Seconds, from Info/Duration; absent in live-written files. */
  duration?: number;
  tracks: MatroskaTrack[];
  /** File offset where the Segment's children start. */
  segmentStart?: number;
  /** The Segment claims more bytes than the file has. */
  truncated?: { claimed: number; available: number };
  /** Info or Tracks run past the bytes given: read this many bytes from the start and retry. */
  needBytes?: number;
  /** File offset of the first Cluster (where the header elements end), when it is in the head. */
  firstCluster?: number;
  /** Tags, Attachments (cover art) or Chapters were seen before the first Cluster. */
  hasMetadata: boolean;
}

interface Element {
  id: number;
  /** Offset of the element's ID. */
  start: number;
  /** Offset of the element's data. */
  data: number;
  /** Data size; undefined for "unknown size" (live streams). */
  size?: number;
}

/** An element header at `o`: ID (marker bits kept, as IDs are written) and data size. */
function readElement(b: Buffer, o: number): Element | undefined {
  const id = readVint(b, o, true);
  if (!id) return undefined;
  const size = readVint(b, o + id.length, false);
  if (!size) return undefined;
  return { id: id.value, start: o, data: o + id.length + size.length, size: size.unknown ? undefined : size.value };
}

function readVint(b: Buffer, o: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | undefined {
  if (o >= b.length) return undefined;
  const first = b[o];
  if (first === 0) return undefined;
  const length = Math.clz32(first) - 23; // leading zeros in the byte, plus one
  if (keepMarker && length > 4) return undefined; // IDs are at most 4 bytes
  if (o + length > b.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[o + i];
    if (b[o + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(b: Buffer, o: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + b[o + i];
  return value;
}

function readFloat(b: Buffer, o: number, size: number): number | undefined {
  return size === 4 ? b.readFloatBE(o) : size === 8 ? b.readDoubleBE(o) : undefined;
}

/** Iterates the children of the element whose data is b[start, end). */
function* elements(b: Buffer, start: number, end: number): Generator<Element> {
  let o = start;
  while (o < end) {
    const e = readElement(b, o);
    if (!e) return;
    yield e;
    if (e.size === undefined) return;
    o = e.data + e.size;
  }
}

/** Parses the EBML header and the Segment's head (up to the first Cluster) from the file's first bytes. */
export function parseMatroskaHead(head: Buffer, fileSize: number): MatroskaHead {
  const result: MatroskaHead = { timestampScale: 1_000_000, tracks: [], hasMetadata: false };
  const ebml = readElement(head, 0);
  if (!ebml || ebml.id !== ID.EBML || ebml.size === undefined) return result;
  for (const e of elements(head, ebml.data, Math.min(head.length, ebml.data + ebml.size))) {
    if (e.id === ID.DocType && e.size !== undefined) result.docType = head.toString('latin1', e.data, e.data + e.size).replace(/\0+$/, '');
  }
  const segment = readElement(head, ebml.data + ebml.size);
  if (!segment || segment.id !== ID.Segment) return result;
  result.segmentStart = segment.data;
  if (segment.size !== undefined && segment.data + segment.size > fileSize) {
    result.truncated = { claimed: segment.size, available: fileSize - segment.data };
  }
  for (const e of elements(head, segment.data, head.length)) {
    if (e.id === ID.Cluster) {
      result.firstCluster = e.start;
      break;
    }
    if (e.size === undefined) break;
    if (METADATA.has(e.id)) result.hasMetadata = true;
    const end = e.data + e.size;
    if (e.id !== ID.Info && e.id !== ID.Tracks) continue;
    if (end > head.length) {
      result.needBytes = end;
      break;
    }
    if (e.id === ID.Info) parseInfo(head, e, result);
    else parseTracks(head, e, result);
  }
  return result;
}

function parseInfo(b: Buffer, info: Element, result: MatroskaHead): void {
  let duration: number | undefined;
  for (const e of elements(b, info.data, info.data + info.size!)) {
    if (e.size === undefined) break;
    if (e.id === ID.TimestampScale) result.timestampScale = readUint(b, e.data, e.size) || 1_000_000;
    if (e.id === ID.Duration) duration = readFloat(b, e.data, e.size);
  }
  // Duration is in ticks of TimestampScale, which may come after it.
  if (duration !== undefined && duration > 0) result.duration = (duration * result.timestampScale) / 1e9;
}

// Every block looks its track up among these: a Tracks element of a million tiny entries would
// make the tail walk blocks x tracks. Real files have a handful.
const MAX_TRACKS = 256;

function parseTracks(b: Buffer, tracks: Element, result: MatroskaHead): void {
  for (const entry of elements(b, tracks.data, tracks.data + tracks.size!)) {
    if (result.tracks.length >= MAX_TRACKS) break;
    if (entry.id !== ID.TrackEntry || entry.size === undefined) continue;
    const track: MatroskaTrack = { number: 0, type: 0 };
    for (const e of elements(b, entry.data, entry.data + entry.size)) {
      if (e.size === undefined) break;
      if (e.id === ID.TrackNumber) track.number = readUint(b, e.data, e.size);
      else if (e.id === ID.TrackType) track.type = readUint(b, e.data, e.size);
      else if (e.id === ID.CodecID) track.codecId = b.toString('latin1', e.data, e.data + e.size).replace(/\0+$/, '');
      else if (e.id === ID.DefaultDuration) track.defaultDuration = readUint(b, e.data, e.size);
      else if (e.id === ID.Video) {
        for (const v of elements(b, e.data, e.data + e.size)) {
          if (v.size === undefined) break;
          if (v.id === ID.PixelWidth) track.width = readUint(b, v.data, v.size);
          if (v.id === ID.PixelHeight) track.height = readUint(b, v.data, v.size);
        }
      }
    }
    result.tracks.push(track);
  }
}

// Tails tried in turn; a last Cluster is rarely bigger than a few hundred KB.
const TAIL_SIZES = [256 * 1024, 4 * 1024 * 1024, 32 * 1024 * 1024];

/**
 * Seconds from the start to the end of the last block, found from the file's tail. Undefined
 * when no complete Cluster can be found there.
 */
export function webmTailDuration(fd: number, fileSize: number, head: MatroskaHead): number | undefined {
  const floor = head.segmentStart ?? 0;
  for (const tailSize of TAIL_SIZES) {
    const start = Math.max(floor, fileSize - tailSize);
    const tail = readAt(fd, start, fileSize - start);
    const ticks = lastClusterEnd(tail, head);
    if (ticks !== undefined) return (ticks * head.timestampScale) / 1e9;
    if (start === floor) break;
  }
  return undefined;
}

const CLUSTER_ID = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);

/**
 * How many bytes of elements all tries together may walk over, per byte of tail. Each candidate
 * Cluster ID is tried from its position to the end of the tail, so a tail full of Cluster IDs
 * hidden in Void elements (or in block data), each followed by valid-looking children up to the
 * end, would cost candidates x tail: quadratic (25 s for 515 KB). A real file's last Cluster is
 * the first or second candidate tried, a single walk over at most the tail.
 */
const WALK_BUDGET_PER_TAIL_BYTE = 2;

/** Bytes still allowed to walk over. */
interface Budget {
  bytes: number;
}

/** End of the last block (in ticks) of the last well-formed Cluster in `b`. */
function lastClusterEnd(b: Buffer, head: MatroskaHead): number | undefined {
  const budget: Budget = { bytes: WALK_BUDGET_PER_TAIL_BYTE * b.length + 64 * 1024 };
  for (let at = b.lastIndexOf(CLUSTER_ID); at >= 0 && budget.bytes > 0; at = at > 0 ? b.lastIndexOf(CLUSTER_ID, at - 1) : -1) {
    const end = clusterEnd(b, at, head, budget);
    if (end !== undefined) return end;
  }
  return undefined;
}

function clusterEnd(b: Buffer, at: number, head: MatroskaHead, budget: Budget): number | undefined {
  const cluster = readElement(b, at);
  if (!cluster || cluster.id !== ID.Cluster) return undefined;
  const end = cluster.size === undefined ? b.length : Math.min(b.length, cluster.data + cluster.size);
  let timestamp: number | undefined;
  // Per track: start of its last block, the start before that, and the last block's own duration.
  const lastByTrack = new Map<number, { start: number; previous?: number; duration?: number }>();
  const noteBlock = (blockAt: number, blockEnd: number, duration?: number) => {
    const track = readVint(b, blockAt, false);
    if (!track || timestamp === undefined || blockAt + track.length + 3 > blockEnd) return;
    const start = timestamp + b.readInt16BE(blockAt + track.length);
    const flags = b[blockAt + track.length + 2];
    const frames = flags & 0x06 ? b[blockAt + track.length + 3] + 1 : 1; // laced blocks hold several frames
    const defaultNs = head.tracks.find((t) => t.number === track.value)?.defaultDuration;
    const own = duration ?? (defaultNs ? (frames * defaultNs) / head.timestampScale : undefined);
    const before = lastByTrack.get(track.value);
    lastByTrack.set(track.value, { start, previous: before?.start, duration: own });
  };
  for (let o = cluster.data; o < end; ) {
    const e = readElement(b, o);
    if (!e || e.size === undefined || !CLUSTER_CHILDREN.has(e.id as never)) return undefined;
    const dataEnd = e.data + e.size;
    if (dataEnd > end) break; // cut off by the end of the file: the blocks before it count
    budget.bytes -= dataEnd - o;
    if (budget.bytes < 0) return undefined;
    if (e.id === ID.Timestamp) timestamp = readUint(b, e.data, e.size);
    else if (e.id === ID.SimpleBlock) noteBlock(e.data, dataEnd);
    else if (e.id === ID.BlockGroup) {
      let blockAt: number | undefined;
      let blockEnd = 0;
      let duration: number | undefined;
      for (const g of elements(b, e.data, dataEnd)) {
        if (g.size === undefined) break;
        if (g.id === ID.Block) [blockAt, blockEnd] = [g.data, g.data + g.size];
        if (g.id === ID.BlockDuration) duration = readUint(b, g.data, g.size);
      }
      if (blockAt !== undefined) noteBlock(blockAt, blockEnd, duration);
    }
    o = dataEnd;
  }
  if (timestamp === undefined || lastByTrack.size === 0) return undefined;
  let last = 0;
  for (const { start, previous, duration } of lastByTrack.values()) {
    // Unknown frame duration (Opus, Vorbis): assume the same spacing as the block before.
    const own = duration ?? (previous !== undefined ? start - previous : 0);
    last = Math.max(last, start + own);
  }
  return last;
}
