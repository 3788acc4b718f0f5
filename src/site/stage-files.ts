// The files of an export's staging folder, one at a time: the folder it goes in, then its bytes (a
// page) or a link to the file it publishes (media, artwork). Run on the export's writer thread
// (stage-writer.ts), or on the calling thread where there is no second core.
import fs from 'node:fs';
import path from 'node:path';

/** One file to put into the staging folder: `body` written, or `source` linked (else copied). */
export type StageOp = { file: string; body: string } | { file: string; source: string };

/** Makes each op's file, and each folder once. */
export class StageFiles {
  private readonly folders = new Set<string>();

  constructor(stage: string) {
    this.folders.add(stage);
  }

  make(op: StageOp): void {
    const folder = path.dirname(op.file);
    if (!this.folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    if ('body' in op) fs.writeFileSync(op.file, op.body);
    else linkOrCopy(op.source, op.file);
  }
}

/**
 * A published file into the export: hard-linked where the file system allows, else copied. A
 * symlinked file is exported as the bytes it points at, never as a link: link(2) does not follow a
 * symlink, and the export would hold the link itself, dangling on the web server.
 */
export function linkOrCopy(sourcePath: string, file: string): void {
  try {
    const source = fs.realpathSync(sourcePath);
    try {
      fs.linkSync(source, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EXDEV: another file system; EPERM/ENOTSUP/EMLINK: links not allowed there. Copy instead.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'EACCES') throw err;
      fs.copyFileSync(source, file);
    }
  } catch (err) {
    throw new Error(`cannot export ${sourcePath}: ${(err as Error).message}`, { cause: err });
  }
}

/** An error as it crosses between threads: its message and errno fields, and its cause's. */
export interface SentError {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  cause?: SentError;
}

export function sendError(err: unknown): SentError {
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, errno, syscall, path: file } = err as NodeJS.ErrnoException;
  return {
    message: err.message,
    ...(typeof code === 'string' && { code }),
    ...(typeof errno === 'number' && { errno }),
    ...(typeof syscall === 'string' && { syscall }),
    ...(typeof file === 'string' && { path: file }),
    ...(err.cause !== undefined && { cause: sendError(err.cause) }),
  };
}

/** The error again, on the receiving thread: what describeWriteError (out-dir.ts) reads of it is there. */
export function receiveError(sent: SentError): Error {
  const err: NodeJS.ErrnoException = new Error(sent.message, sent.cause && { cause: receiveError(sent.cause) });
  if (sent.code !== undefined) err.code = sent.code;
  if (sent.errno !== undefined) err.errno = sent.errno;
  if (sent.syscall !== undefined) err.syscall = sent.syscall;
  if (sent.path !== undefined) err.path = sent.path;
  return err;
}
