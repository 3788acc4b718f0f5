// Sending a file, or parts of it, as a response body: fast for fast clients, with memory held to
// what the clients can take.
//
// Node has no sendfile for HTTP, so every byte is read into a buffer and then written to the
// socket. Each read costs a hop to libuv's thread pool, so big reads are fast; each buffer waiting
// on a socket costs memory, so big buffers for slow clients are expensive. So every response
// starts with a small buffer, and a connection whose client took its last buffer quickly (50 MB/s
// or more) reads large ones, as long as the few large buffers last. 200 listeners at
// video pace hold 64 KB each; a download on a fast link reads 1 MB at a time.
//
// Buffers go back to a pool once the socket has taken their bytes, so a busy server does not
// spend its time collecting megabytes of garbage (the bench showed a fifth of the CPU in GC).
import fs from 'node:fs';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';

const SMALL = 64 * 1024;
const LARGE = 1024 * 1024;
/** Large buffers in all, idle or in use: 16 MB at most, however many listeners. */
const LARGE_BUFFERS = 16;
/** 50 MB/s: a client that takes a large buffer within 20 ms. Slower ones gain nothing from large buffers, only hold them. */
const FAST_CLIENT_BYTES_PER_MS = 50_000;
/** Idle small buffers kept for reuse. */
const IDLE_SMALL_BUFFERS = 64;

class ReadBuffers {
  private readonly idleSmall: Buffer[] = [];
  private readonly idleLarge: Buffer[] = [];
  private largeBuffers = 0;

  take(wantLarge: boolean): Buffer {
    if (wantLarge) {
      const idle = this.idleLarge.pop();
      if (idle) return idle;
      if (this.largeBuffers < LARGE_BUFFERS) {
        this.largeBuffers++;
        return Buffer.allocUnsafeSlow(LARGE);
      }
    }
    return this.idleSmall.pop() ?? Buffer.allocUnsafeSlow(SMALL);
  }

  /** A buffer nobody reads or writes any more. */
  give(buffer: Buffer): void {
    if (buffer.length === LARGE) this.idleLarge.push(buffer);
    else if (this.idleSmall.length < IDLE_SMALL_BUFFERS) this.idleSmall.push(buffer);
  }

  /** A buffer whose write failed: the socket may still hold it, so it is left to the collector, and its place freed. */
  forget(buffer: Buffer): void {
    if (buffer.length === LARGE) this.largeBuffers--;
  }
}

const buffers = new ReadBuffers();
/** Whether the connection's client took the last buffer written to it at FAST_CLIENT_BYTES_PER_MS or more. */
const keepsUp = new WeakMap<Socket, boolean>();

/**
 * A file opened for one response. Headers come from `stat` of this very descriptor, so they
 * describe exactly the bytes that are sent even if the file is replaced meanwhile. Open, fstat
 * and close are metadata calls the kernel answers from its caches in a few microseconds, so they
 * run synchronously: a round trip through the thread pool costs about 60 µs each on the bench
 * machine, a third of the media throughput. Reads, which may wait on the disk, go to the pool.
 */
export class OpenFile {
  readonly fd: number;
  readonly stat: fs.Stats;
  private reading = false;
  private closed = false;

  /** Throws (ENOENT, EACCES, EISDIR...) as fs.openSync does. */
  constructor(path: string) {
    // O_NONBLOCK: a FIFO put where a media file was must not hang the server in open(); regular files ignore the flag.
    this.fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      this.stat = fs.fstatSync(this.fd);
    } catch (error) {
      fs.closeSync(this.fd);
      throw error;
    }
  }

  read(buffer: Buffer, length: number, position: number, done: (error: Error | null, bytesRead: number) => void): void {
    this.reading = true;
    fs.read(this.fd, buffer, 0, length, position, (error, bytesRead) => {
      this.reading = false;
      if (this.closed) this.closeNow();
      done(error, bytesRead);
    });
  }

  /** Closes the descriptor, after the read in flight if there is one (never under it: the number could be reused). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.reading) this.closeNow();
  }

  private closeNow(): void {
    fs.closeSync(this.fd);
  }
}

/** A piece of a body: bytes of the file (first and last inclusive), or bytes of our own such as multipart headers. */
export type BodyPart = { start: number; end: number } | Buffer;

/**
 * What a sender sent, for the access log and download counting: the body's length (for a file
 * streamed, known only when the response has ended) and, for a file, the parts of its body.
 */
export interface Sent {
  bodyBytes: number | (() => number);
  fileParts?: BodyPart[];
}

export interface FileBody {
  /** Bytes handed to the response so far. */
  readonly bytesSent: () => number;
}

/**
 * Writes the parts to `out` in order, then ends it. A client that leaves stops the reads; a file
 * that shrinks or fails under us destroys the response, since its Content-Length can no longer be
 * kept. The file stays the caller's to close, on the response's 'close', whichever way it ends.
 */
export function sendFileBody(out: Writable & { socket?: Socket | null }, file: Pick<OpenFile, 'read'>, parts: BodyPart[]): FileBody {
  let sent = 0;
  const socket = out.socket ?? undefined;
  let partIndex = 0;
  let position = -1; // within the current file part; -1 before it starts
  let finished = false;

  const finish = (error?: Error) => {
    if (finished) return;
    finished = true;
    out.off('close', onClose);
    if (error) out.destroy(error);
  };
  const onClose = () => finish();
  out.on('close', onClose);

  /** Writes one buffer; true when there is room for more now. A pooled buffer goes back once the socket is done with it. */
  const write = (data: Buffer, pooled?: Buffer): boolean => {
    sent += data.length;
    const started = performance.now();
    return out.write(data, (error) => {
      if (socket && !error) keepsUp.set(socket, performance.now() - started <= data.length / FAST_CLIENT_BYTES_PER_MS);
      if (!pooled) return;
      if (error) buffers.forget(pooled);
      else buffers.give(pooled);
    });
  };

  const next = (): void => {
    if (finished || out.destroyed) return finish();
    // Our own bytes go out at once; they are small.
    while (partIndex < parts.length && Buffer.isBuffer(parts[partIndex])) write(parts[partIndex++] as Buffer);
    if (partIndex === parts.length) {
      out.end();
      return finish();
    }
    const part = parts[partIndex] as { start: number; end: number };
    if (position < 0) position = part.start;
    const buffer = buffers.take(socket !== undefined && keepsUp.get(socket) === true);
    const length = Math.min(buffer.length, part.end - position + 1);
    file.read(buffer, length, position, (error, bytesRead) => {
      if (error || bytesRead === 0 || finished || out.destroyed) {
        buffers.give(buffer);
        if (error) return finish(error);
        if (bytesRead === 0 && !finished) return finish(new Error(`the file ended at byte ${position}, before byte ${part.end + 1}`));
        return finish();
      }
      position += bytesRead;
      if (position > part.end) {
        partIndex++;
        position = -1;
      }
      if (write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), buffer)) next();
      else out.once('drain', next);
    });
  };
  next();
  return { bytesSent: () => sent };
}
