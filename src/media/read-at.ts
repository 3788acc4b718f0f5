// Positioned reads: the media readers look at a file's head, tail and a few boxes in between,
// never at the whole file (a probe must cost about a millisecond, whatever the file's size).
import type { FileHandle } from 'node:fs/promises';

/** Reads up to `length` bytes at `position`; the result is shorter at the end of the file. */
export async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, length));
  let filled = 0;
  // fs.read may return fewer bytes than asked for; loop until the range is read or the file ends.
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
