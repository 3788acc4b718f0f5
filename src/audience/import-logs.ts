// `stats import`: access logs of a `build` output hosted elsewhere, through the same engine.
//
// - Plain or gzipped files (told apart by their first bytes, not their names), read line by line.
// - A line identical to one already imported adds nothing: each line's keyed digest is kept
//   (HMAC-SHA256 with a random key made once per database, so no address can be read back from it),
//   checked before counting and written in the same transaction as the counts.
// - A line that cannot be read is reported with its file and line number; it never stops the import.
// - Everything is written in one transaction at the end: an interrupted import leaves nothing half
//   counted, and running it again counts it whole.
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { CLOUDFRONT_FIELDS, parseCloudFrontLine, parseNginxLine, sentInterval, type LogFormat, type LogRecord } from './access-log.js';
import { DigestSet } from './digest-set.js';
import type { Hit } from './engine.js';
import type { CountingSession } from './session.js';
import type { AudienceStore } from './store.js';
import type { ShowTargets } from './targets.js';

export interface UnreadableLine {
  file: string;
  /** 0: the whole file (it could not be opened). */
  line: number;
  message: string;
}

export interface ImportResult {
  lines: number;
  /** Lines already imported before (or twice in this import). */
  repeated: number;
  unreadable: UnreadableLine[];
  downloads: number;
  feedFetches: number;
  /**
   * Lines that fetched a media file (a GET answered 200 or 206, a media file's extension) the show
   * does not publish under that path, and the first of their paths. Not remembered as imported.
   */
  unpublished: number;
  firstUnpublished?: string;
}

export interface ImportOptions {
  format: LogFormat;
  /** Called every so many lines, for a progress display. */
  onProgress?: (file: string, lines: number) => void;
  /** At most this many unreadable lines are kept in the result (all are counted). */
  maxReported?: number;
}

const BATCH = 20_000;
/** A longer line is no log line: it is skipped (and reported) rather than held in memory. */
const MAX_LINE = 1 << 20;

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export async function importLogs(
  files: string[],
  store: AudienceStore,
  session: CountingSession,
  targets: ShowTargets,
  options: ImportOptions,
): Promise<ImportResult & { unreadableCount: number }> {
  const key = Buffer.from(await store.setting('line-digest-key', randomBytes(32).toString('base64')), 'base64');
  const result: ImportResult & { unreadableCount: number } = {
    lines: 0,
    repeated: 0,
    unreadable: [],
    unreadableCount: 0,
    downloads: 0,
    feedFetches: 0,
    unpublished: 0,
  };
  const maxReported = options.maxReported ?? 1000;
  /** Digests of the lines counted in this run (written with the counts at the end). */
  const seenThisRun = new DigestSet();

  const unreadable = (file: string, line: number, message: string) => {
    result.unreadableCount++;
    if (result.unreadable.length < maxReported) result.unreadable.push({ file, line, message });
  };

  for (const file of files) {
    let gzip: boolean;
    try {
      gzip = isGzip(file);
    } catch (err) {
      // One log that cannot be read (its mode, a folder) is said; the others are counted.
      unreadable(file, 0, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    const input = gzip
      ? fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(zlib.createGunzip())
      : fs.createReadStream(file, { highWaterMark: 1 << 20 });
    let fields = CLOUDFRONT_FIELDS;
    let lineNumber = 0;
    let lines: string[] = [];
    let numbers: number[] = [];
    let nextPrune = -Infinity;
    /** The earliest time among the lines of the batch being counted. */
    let batchEarliest = Infinity;

    /** Counts the lines of a batch that are new. */
    const countBatch = (fresh: Set<string>, digests: string[]) => {
      for (let i = 0; i < lines.length; i++) {
        const d = digests[i];
        if (!fresh.has(d)) {
          result.repeated++;
          continue;
        }
        const record = options.format === 'nginx' ? parseNginxLine(lines[i]) : parseCloudFrontLine(lines[i], fields);
        if (typeof record === 'string') {
          // Not remembered: an unreadable line is reported again each time it is met.
          unreadable(file, numbers[i], record);
          continue;
        }
        if (fetchedUnpublishedMedia(record, targets)) {
          // Not remembered: renamed files (encode --force) or the wrong show folder, put right,
          // and the same log imported again counts these lines.
          result.unpublished++;
          result.firstUnpublished ??= record.path;
          continue;
        }
        if (!seenThisRun.add(d)) {
          result.repeated++;
          continue;
        }
        if (record.time < batchEarliest) batchEarliest = record.time;
        const counted = countRecord(record, session, targets);
        if (counted === 'download') result.downloads++;
        if (counted === 'feed') result.feedFetches++;
      }
    };
    const runBatch = async () => {
      if (!lines.length) return;
      // 96 bits of HMAC-SHA256: no two of billions of lines share one by chance. The string is the
      // digest as the store keeps it (the first 12 bytes in base64url).
      const digests = lines.map((line) => createHmac('sha256', key).update(line).digest('base64url').slice(0, 16));
      const fresh = await store.newLines(digests);
      session.batch(() => countBatch(fresh, digests));
      lines = [];
      numbers = [];
      // Windows closed an hour before the earliest line of this batch are done with (the hour
      // allows for lines a little out of order), which keeps memory flat over long logs; looked at
      // once per hour of log, not per batch (a walk over every open window). By the earliest line,
      // not the latest: one line dated years ahead, or logs given newest first (`access.log*`),
      // dropped the windows of listeners still downloading, and each was counted twice or never.
      const until = batchEarliest - 3600_000;
      batchEarliest = Infinity;
      if (Number.isFinite(until) && until >= nextPrune) {
        session.counter.prune(until);
        nextPrune = until + 3600_000;
      }
      options.onProgress?.(file, lineNumber);
    };

    /** Takes one line; true when the batch is full and must be run. */
    const take = (line: string): boolean => {
      lineNumber++;
      result.lines++;
      if (line.length === 0 || ((line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32) && line.trim() === '')) return false;
      if (options.format === 'cloudfront' && line.startsWith('#')) {
        if (line.startsWith('#Fields:')) fields = line.slice('#Fields:'.length).trim().split(/\s+/);
        return false;
      }
      lines.push(line);
      numbers.push(lineNumber);
      return lines.length >= BATCH;
    };

    try {
      // Lines are cut from the chunks here rather than by readline, whose async iterator costs a
      // promise a line.
      const decoder = new StringDecoder('utf8');
      let rest = '';
      /** Inside a line too long to be a log line: its characters are dropped up to its end. */
      let skipping = false;
      for await (const chunk of input as AsyncIterable<Buffer>) {
        let text = rest + decoder.write(chunk);
        if (skipping) {
          const end = text.indexOf('\n');
          rest = '';
          if (end < 0) continue;
          text = text.slice(end + 1);
          skipping = false;
        }
        let start = 0;
        for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
          const line = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
          start = end + 1;
          if (take(line)) await runBatch();
        }
        rest = text.slice(start);
        if (rest.length > MAX_LINE) {
          // No log line is that long (a run of NUL bytes a crash left, say): it is reported, and
          // the lines after it are read on.
          lineNumber++;
          result.lines++;
          unreadable(file, lineNumber, `longer than ${MAX_LINE} characters: not a log line`);
          rest = '';
          skipping = true;
        }
      }
      rest += decoder.end();
      if (rest.length && !skipping) take(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
      await runBatch();
    } catch (err) {
      // A truncated gzip or an unreadable file: what was read counts, the rest is reported.
      await runBatch();
      unreadable(file, lineNumber + 1, `cannot read on: ${(err as Error).message}`);
    }
  }
  await session.flush(Date.now(), seenThisRun.strings(), seenThisRun.size);
  return result;
}

const MEDIA_EXTENSION = /\.(mp3|m4a|m4b|m4v|mp4|mov|webm|ogg|oga|ogv|opus|flac|wav|aac|mkv|mka)$/i;

/** A GET answered with bytes, of a path with a media file's extension, that names none of the show's files. */
function fetchedUnpublishedMedia(record: LogRecord, targets: ShowTargets): boolean {
  return (
    record.method === 'GET' &&
    (record.status === 200 || record.status === 206) &&
    MEDIA_EXTENSION.test(record.path) &&
    targets.resolve(record.path).kind === 'other'
  );
}

/** One log record through the engine. */
export function countRecord(record: LogRecord, session: CountingSession, targets: ShowTargets): 'download' | 'feed' | undefined {
  const resolved = targets.resolve(record.path);
  if (resolved.kind === 'other') return undefined;
  let sent: [number, number][] = [];
  let threshold: number | undefined;
  if (resolved.media) {
    const t = targets.threshold(resolved.media);
    if (!t) return undefined;
    threshold = t.bytes;
    sent = sentInterval(record, t.size);
  }
  // The engine reads only what it knows of the target; the media facts along with it do no harm.
  const hit: Hit = {
    time: record.time,
    ip: record.ip,
    userAgent: record.userAgent,
    method: record.method,
    status: record.status,
    range: record.range,
    target: resolved,
    sent,
    threshold,
  };
  const r = session.add(hit);
  return r.download ? 'download' : r.feedFetch ? 'feed' : undefined;
}
