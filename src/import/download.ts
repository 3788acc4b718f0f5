// One file downloaded so that it can be trusted and resumed.
//
// - Bytes go to `<dest>.part`; only a complete, checked file is renamed to `<dest>`. An
//   interruption (Ctrl-C, a dropped connection, a full disk) leaves the .part and a small
//   `<dest>.part.json` with the URL and the validator the server gave.
// - A later run asks for the rest: `Range: bytes=N-` with `If-Range` (RFC 9110 section 13.1.5), so a
//   file that changed on the server meanwhile comes whole (200) rather than spliced (206).
// - Checked: the status, a 206's Content-Range, the byte count against Content-Length, and the
//   first bytes (a web page served with 200 instead of the media is stopped at once).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Transform } from 'node:stream';
import { bodyError, discard, get, header, HttpError, statusError, withRetries, type Fetched, type HttpOptions } from './http.js';

export interface DownloadResult {
  bytes: number;
  /** The server's Content-Type. */
  contentType?: string;
  /** The URL that answered, after redirects. */
  url: string;
  /** Bytes that were already there from an earlier run. */
  resumedFrom: number;
}

interface PartMeta {
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
}

/** Downloads `url` to `dest` (see above). Throws HttpError when it cannot; never leaves a partial `dest`. */
export async function download(url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const existing = await fsp.stat(dest).catch(() => undefined);
  if (existing?.isFile()) return { bytes: existing.size, url, resumedFrom: existing.size };
  return withRetries(() => attempt(url, dest, options), options.http, options.signal);
}

async function attempt(url: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const part = `${dest}.part`;
  const metaFile = `${dest}.part.json`;
  // File-system calls here are asynchronous: on a slow disk a synchronous one would stall every
  // other download of the import meanwhile.
  let have = (await fsp.stat(part).catch(() => undefined))?.size ?? 0;
  let meta: PartMeta | undefined;
  try {
    meta = JSON.parse(await fsp.readFile(metaFile, 'utf8')) as PartMeta;
  } catch {
    meta = undefined;
  }
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
    if (!range || Number(range[1]) !== have) {
      discard(fetched);
      await fsp.rm(part, { force: true });
      throw new HttpError(`${fetched.url}: the server answered the range request with ${header(fetched, 'content-range') ?? 'no Content-Range'}; starting again`, true);
    }
    start = have;
  }
  const contentLength = header(fetched, 'content-length');
  const expected = contentLength !== undefined && /^\d+$/.test(contentLength) ? start + Number(contentLength) : undefined;
  if (expected !== undefined) options.onSize?.(expected);
  const etag = header(fetched, 'etag');
  const lastModified = header(fetched, 'last-modified');
  const newMeta: PartMeta = { url, ...(etag && { etag }), ...(lastModified && { lastModified }) };
  // Written while the first bytes arrive, so even a killed process leaves what a resume needs.
  // (Not awaited before piping: the body must have its listeners before anything can happen to it.)
  const metaWritten = etag || lastModified ? fsp.writeFile(metaFile, JSON.stringify(newMeta)) : Promise.resolve();
  if (start > 0) options.onBytes?.(start);

  let written = start;
  let first = start === 0 && options.media === true;
  const contentType = header(fetched, 'content-type');
  // Counts the bytes, and stops a web page at its first chunk.
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first) {
        first = false;
        const head = chunk.subarray(0, 64).toString('latin1').trimStart();
        if (/^(<!doctype|<html|<\?xml|<head|<body|\{)/i.test(head)) {
          callback(new HttpError(`${fetched.url}: the server sent ${contentType ?? 'a document'} (a web page or an error message), not a media file`, false));
          return;
        }
      }
      written += chunk.length;
      options.onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
  try {
    await intoFile(fetched, check, part, start > 0);
    await metaWritten;
  } catch (err) {
    await metaWritten.catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    // A full disk is not the network: retrying now cannot help, and what was written is kept.
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new HttpError(`${part}: the disk is full; free some space and run the import again to continue`, false);
    throw bodyError(fetched, err);
  }
  if ((expected !== undefined && written !== expected) || !fetched.response.complete) {
    throw new HttpError(`${fetched.url}: the connection ended after ${written}${expected === undefined ? '' : ` of ${expected}`} bytes`, true);
  }
  await fsp.rename(part, dest);
  await fsp.rm(metaFile, { force: true });
  return { bytes: written, contentType, url: fetched.url, resumedFrom: start };
}

/**
 * Pipes the body through `check` into `file`. Unlike stream.pipeline, a body that breaks off
 * still gets every byte it delivered onto the disk (the file is ended, not destroyed), so the
 * next attempt resumes from there.
 */
function intoFile(fetched: Fetched, check: Transform, file: string, append: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file, { flags: append ? 'a' : 'w' });
    let failure: unknown;
    const bodyFailed = (err: unknown) => {
      failure ??= err;
      check.end(); // what check holds still goes to the file, then the file ends
    };
    fetched.response.on('error', bodyFailed);
    fetched.response.on('aborted', () => bodyFailed(new HttpError(`${fetched.url}: the connection broke`, true)));
    check.on('error', (err) => {
      failure ??= err;
      fetched.response.destroy();
      out.end();
    });
    out.on('error', (err) => {
      failure ??= err;
      fetched.response.destroy();
    });
    out.on('close', () => (failure ? reject(failure) : resolve()));
    // A body that broke off before it was piped has no more events to give.
    if (fetched.response.errored || (fetched.response.destroyed && !fetched.response.complete)) {
      bodyFailed(fetched.response.errored ?? new HttpError(`${fetched.url}: the connection broke`, true));
      return;
    }
    fetched.response.pipe(check).pipe(out);
  });
}
