// One file downloaded so that it can be trusted and resumed.
//
// - Bytes go to `<dest>.part`; only a complete, checked file is renamed to `<dest>`. An
//   interruption (Ctrl-C, a dropped connection, a full disk) leaves the .part; the URL and the
//   validator the server gave (a PartMeta) go to the caller through `onMeta`, and the caller
//   keeps them where a later run finds them (importer.ts: in the episode's staging state).
//   Not a file per download here: on a podcast's hundreds of files, creating and deleting one
//   more small file for each was much of the time (bench/import.ts).
// - Asked for the rest (`resume`, or a retry within this run): `Range: bytes=N-` with `If-Range`
//   (RFC 9110 section 13.1.5), so a file that changed on the server meanwhile comes whole (200)
//   rather than spliced (206).
// - Checked: the status, a 206's Content-Range, the byte count against Content-Length, and the
//   first bytes (a web page served with 200 instead of the media is stopped at once).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { bodyError, discard, get, header, HttpError, statusError, tooSlow, withRetries, type Fetched, type HttpOptions } from './http.js';

export interface DownloadResult {
  bytes: number;
  /** The server's Content-Type. */
  contentType?: string;
  /** The URL that answered, after redirects. */
  url: string;
  /** Bytes that were already there from an earlier run. */
  resumedFrom: number;
}

/** What a `.part` file needs to be resumed: where it came from, and the server's validator. */
export interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

export interface DownloadOptions {
  http: HttpOptions;
  signal?: AbortSignal;
  /** Called with the number of new bytes as they arrive. */
  onBytes?: (bytes: number) => void;
  /** Called once the size is known (Content-Length plus what was resumed). */
  onSize?: (bytes: number) => void;
  /** True for media: a body that starts like a web page or JSON is refused at once. */
  media?: boolean;
  /** What an earlier run said of `<dest>.part` (without it, a .part there is started again). */
  resume?: PartMeta;
  /** Called with what a later run needs to resume `<dest>.part`, as soon as the server has said it. */
  onMeta?: (meta: PartMeta) => void;
  /** Nothing of an earlier run can be at `dest` (its folder was just made): not looked for. */
  fresh?: boolean;
  /** The most bytes the file may have (mediaByteLimit): a body past it is given up. */
  maxBytes?: number;
}

/**
 * The most bytes a media file whose feed declares `declared` bytes may bring: four times that, and
 * at least 512 MiB more (feeds' lengths are often stale or made up), never past 16 GiB. A server
 * that sends without end (or a length it made up) fills no disk.
 */
export function mediaByteLimit(declared: number): number {
  const most = 16 * 2 ** 30;
  return declared > 0 ? Math.min(most, Math.max(declared * 4, declared + 512 * 2 ** 20)) : most;
}

/** Downloads `url` to `dest` (see above). Throws HttpError when it cannot; never leaves a partial `dest`. */
export async function download(url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const existing = options.fresh ? undefined : await fsp.stat(dest).catch(() => undefined);
  if (existing?.isFile()) return { bytes: existing.size, url, resumedFrom: existing.size };
  // The validator of the bytes in the .part: an earlier run's, then each attempt's.
  let meta = options.resume;
  const remember = (next: PartMeta) => {
    meta = next;
    options.onMeta?.(next);
  };
  return withRetries(() => attempt(url, dest, meta, remember, options), options.http, options.signal);
}

async function attempt(
  url: string,
  dest: string,
  meta: PartMeta | undefined,
  remember: (meta: PartMeta) => void,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const part = `${dest}.part`;
  // The .part is opened, written, closed and renamed with synchronous calls: each asynchronous one
  // was a trip through the thread pool and a promise (see intoFile, and importEpisode in episode.ts).
  let have = meta ? ((await fsp.stat(part).catch(() => undefined))?.size ?? 0) : 0;
  // Resume only what came from the same URL with a validator to ask If-Range with.
  const validator = meta?.url === url ? (meta.etag && !meta.etag.startsWith('W/') ? meta.etag : meta.lastModified) : undefined;
  if (!validator) have = 0;
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (have > 0 && validator) {
    headers.range = `bytes=${have}-`;
    headers['if-range'] = validator;
  }
  const fetched = await get(url, { headers, signal: options.signal, http: options.http });
  const failed = statusError(fetched);
  if (failed) {
    discard(fetched);
    // 416: what we hold is already the whole file (or more): start again from nothing.
    if (fetched.status === 416) {
      await fsp.rm(part, { force: true });
      throw new HttpError(failed.message, true, 416);
    }
    throw failed;
  }
  let start = 0;
  if (fetched.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(fetched, 'content-range') ?? '');
    // The rest of the file we hold the start of, by the validator asked with (RFC 9110 section
    // 15.3.7.3: parts are combined only when they have the same strong validator). A server that
    // ignores If-Range answers 206 from the file as it is now: its validator says so.
    const now = validator?.startsWith('"') ? header(fetched, 'etag') : header(fetched, 'last-modified');
    if (now !== undefined && now !== validator) {
      discard(fetched);
      await fsp.rm(part, { force: true });
      throw new HttpError(
        `${fetched.url}: the server answered the range request from a file that changed since (${validator} then ${now}); starting again`,
        true,
      );
    }
    if (!range || Number(range[1]) !== have) {
      discard(fetched);
      await fsp.rm(part, { force: true });
      throw new HttpError(
        `${fetched.url}: the server answered the range request with ${header(fetched, 'content-range') ?? 'no Content-Range'}; starting again`,
        true,
      );
    }
    start = have;
  }
  const contentLength = header(fetched, 'content-length');
  const expected = contentLength !== undefined && /^\d+$/.test(contentLength) ? start + Number(contentLength) : undefined;
  const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge = (bytes: number) =>
    new HttpError(`${fetched.url}: ${bytes} bytes, more than ${limit} (the feed said the file has far fewer): given up`, false);
  if (expected !== undefined && expected > limit) {
    discard(fetched);
    throw tooLarge(expected);
  }
  if (expected !== undefined) options.onSize?.(expected);
  const etag = header(fetched, 'etag');
  const lastModified = header(fetched, 'last-modified');
  // Said before the first bytes arrive, so that the caller can keep it for a later run.
  if (etag || lastModified) remember({ url, ...(etag && { etag }), ...(lastModified && { lastModified }) });
  if (start > 0) options.onBytes?.(start);

  let written = start;
  let first = start === 0 && options.media === true;
  const contentType = header(fetched, 'content-type');
  const started = Date.now();
  // Counts the bytes, stops a web page at its first chunk, a body past the limit, and one that
  // drips (tooSlow: the floor readBody keeps too).
  const check = (chunk: Buffer): HttpError | undefined => {
    if (first) {
      first = false;
      const head = chunk.subarray(0, 64).toString('latin1').trimStart();
      if (/^(<!doctype|<html|<\?xml|<head|<body|\{)/i.test(head))
        return new HttpError(
          `${fetched.url}: the server sent ${contentType ?? 'a document'} (a web page or an error message), not a media file`,
          false,
        );
    }
    written += chunk.length;
    if (written > limit) return tooLarge(written);
    const slow = tooSlow(fetched, written - start, started, options.http);
    if (slow) return slow;
    options.onBytes?.(chunk.length);
    return undefined;
  };
  try {
    await intoFile(fetched, check, part, start > 0);
  } catch (err) {
    // A full disk is not the network: retrying cannot help, and what was written is kept. The
    // error goes up as it is, and ends the whole import (importer.ts), whose command says so.
    throw bodyError(fetched, err);
  }
  if ((expected !== undefined && written !== expected) || !fetched.response.complete) {
    throw new HttpError(
      `${fetched.url}: the connection ended after ${written}${expected === undefined ? '' : ` of ${expected}`} bytes`,
      true,
    );
  }
  fs.renameSync(part, dest);
  return { bytes: written, contentType, url: fetched.url, resumedFrom: start };
}

/**
 * Writes the body into `file`, each chunk with one synchronous write as it arrives. A write only
 * copies into the page cache (the disk is written behind it; when the kernel throttles a writer
 * it throttles every download alike), and it costs no trip through the thread pool and no stream
 * machinery per 64 KiB chunk. Against piping through a Transform into a 1 MiB WriteStream: 300
 * files of 1.4 MB from 127.0.0.1 took 1.82 s of CPU against 1.97 s, 1.82 s of wall time against
 * 2.19 s (bench/import.ts's feed, medians of 8 alternated runs on a loaded machine). A body that
 * breaks off still gets every byte it delivered onto the disk, so the next attempt resumes from
 * there. `check` sees each chunk first; what it returns stops the body.
 */
function intoFile(fetched: Fetched, check: (chunk: Buffer) => Error | undefined, file: string, append: boolean): Promise<void> {
  const body = fetched.response;
  let fd: number;
  try {
    fd = fs.openSync(file, append ? 'a' : 'w');
  } catch (err) {
    body.destroy();
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    // What stopped the writing (a refused chunk, a failed write), else what broke the body.
    let failure: unknown;
    const done = () => {
      try {
        fs.closeSync(fd);
      } catch (err) {
        failure ??= err;
      }
      if (failure) reject(failure);
      else resolve();
    };
    // A body that broke off before now has no more events to give.
    if (body.errored || (body.destroyed && !body.complete)) {
      failure = body.errored ?? new HttpError(`${fetched.url}: the connection broke`, true);
      done();
      return;
    }
    body.on('data', (chunk: Buffer) => {
      if (failure) return;
      failure = check(chunk);
      try {
        for (let at = 0; !failure && at < chunk.length; ) at += fs.writeSync(fd, chunk, at);
      } catch (err) {
        failure = err;
      }
      if (failure) body.destroy();
    });
    body.on('error', (err) => (failure ??= err));
    body.on('aborted', () => (failure ??= new HttpError(`${fetched.url}: the connection broke`, true)));
    // After the end, an error or destroy() alike.
    body.on('close', done);
  });
}
