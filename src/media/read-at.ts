// Positioned reads: the media readers look at a file's head, tail and a few boxes in between,
// never at the whole file (a probe must cost about a millisecond, whatever the file's size).
//
// The reads are synchronous. Each is a few KB, mostly from the page cache, and a round trip
// through libuv's thread pool costs more than the read itself (about 60 µs on the bench machine,
// where `check` probes 900 files); a probe has nothing else to do while it waits.
import fs from 'node:fs';

/** Reads up to `length` bytes at `position` of the open file `fd`; the result is shorter at the end of the file. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(0, length));
  let filled = 0;
  // read may return fewer bytes than asked for; loop until the range is read or the file ends.
  while (filled < buffer.length) {
    const bytesRead = fs.readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
