// SRI hash of a media file for podcast:integrity
// (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md#integrity):
// the W3C Subresource Integrity form, `sha256-` and the base64 digest
// (https://www.w3.org/TR/SRI/#the-integrity-attribute).
//
// Read in 1 MB pieces into one buffer: media files are large, and synchronous reads skip the
// thread pool's round trip and the garbage of a buffer per piece. This mostly runs on a worker
// thread (pool.ts); on the main thread it lets the event loop turn every few MB, so a server
// hashing a new episode keeps answering requests.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRefusal, openShowFile } from '../show/show-file.js';

const PIECE = 1024 * 1024;
const PIECES_BETWEEN_TURNS = 16;

/** What the check saw of the file (its size and modification time): the file hashed must still be that file. */
export interface CheckedFile {
  size: number;
  mtimeMs: number;
}

/**
 * The SRI hash of the file at `absPath`, which must still be the file the check judged: opened
 * through the show folder's guard (src/show/show-file.ts: a regular file inside `realShowDir` by
 * real path, a FIFO or device never opened), and of the size and time the check saw (`checked`).
 * Whatever was put in its place since is refused, never read.
 */
export async function sha256Sri(absPath: string, checked: CheckedFile, realShowDir: string): Promise<string> {
  const opened = openShowFile(absPath, realShowDir, path.basename(absPath));
  if (isRefusal(opened)) {
    const notAFile = opened.reason === 'special' || opened.reason === 'folder';
    throw new Error(notAFile ? `it is no longer a regular file (${opened.message})` : opened.message);
  }
  const { fd, stat } = opened;
  try {
    if (stat.size !== checked.size || stat.mtimeMs !== checked.mtimeMs)
      throw new Error('it changed since it was checked (its size or modification time)');
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(PIECE);
    for (let position = 0, pieces = 1; ; pieces++) {
      const bytesRead = fs.readSync(fd, buffer, 0, PIECE, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      if (pieces % PIECES_BETWEEN_TURNS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return `sha256-${hash.digest('base64')}`;
  } finally {
    fs.closeSync(fd);
  }
}
