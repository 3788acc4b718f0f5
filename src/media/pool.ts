// Probing and hashing on both cores. A cold `check` probes hundreds of files and a cold `build`
// hashes gigabytes (podcast:integrity); one thread does that at one core's pace. So a worker
// thread takes files while the main thread takes others, both running the same code (probe.ts,
// integrity.ts).
//
// The worker starts with the first file, or earlier on `start()`, and is given files only once
// it has loaded its parsers, so a handful of files never wait for it. It keeps a few files queued so that it never waits for the main thread; when its queue is
// full the main thread takes the file itself. A worker that fails leaves its files to the main
// thread: the pool is for speed, never a new way to fail.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProbeResult } from './probe.js';

export type MediaTask = { kind: 'probe'; path: string } | { kind: 'hash'; path: string };
export type WorkerReply = { id: number; result?: unknown; error?: string } | 'ready';

/** Files queued to the worker at once: enough that it never idles while the main thread is busy. */
const WORKER_QUEUE = 12;

interface Pending {
  task: MediaTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class MediaPool {
  private worker?: Worker;
  private workerReady = false;
  private workerFailed = os.availableParallelism() < 2;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Tasks sent to the worker so far (the rest ran on the calling thread). */
  sentToWorker = 0;

  /** What probe.ts's probeMedia says of the file; never rejects for a bad file. */
  probe(path: string): Promise<ProbeResult> {
    return this.run({ kind: 'probe', path }) as Promise<ProbeResult>;
  }

  /** The file's SRI sha256 (integrity.ts); rejects when the file cannot be read. */
  hash(path: string): Promise<string> {
    return this.run({ kind: 'hash', path }) as Promise<string>;
  }

  /** Stops the worker; files still queued to it are finished on the main thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.stopWorker();
    await worker?.terminate();
  }

  private async run(task: MediaTask): Promise<unknown> {
    this.startWorker();
    // Probing a file here is synchronous reads and promises that resolve at once: without a turn
    // of the event loop the worker's replies (and its "ready") would wait until all were done here.
    if (this.worker) await new Promise((resolve) => setImmediate(resolve));
    if (this.worker && this.workerReady && this.pending.size < WORKER_QUEUE) {
      return new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.sentToWorker++;
        this.pending.set(id, { task, resolve, reject });
        this.worker!.postMessage({ id, task });
      });
    }
    return runHere(task);
  }

  /** Starts the worker now rather than with the first file, so it loads while the caller does other work. */
  start(): void {
    this.startWorker();
  }

  private startWorker(): void {
    if (this.worker || this.workerFailed) return;
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url));
    worker.unref(); // never what keeps the process alive
    worker.on('message', (reply: WorkerReply) => {
      if (reply === 'ready') {
        this.workerReady = true;
        return;
      }
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
    });
    worker.on('error', () => this.stopWorker());
    worker.on('exit', () => this.stopWorker());
    this.worker = worker;
  }

  /** No more files to the worker; whatever it still held is done here. */
  private stopWorker(): void {
    this.workerFailed = true;
    this.worker = undefined;
    this.workerReady = false;
    const orphans = [...this.pending.values()];
    this.pending.clear();
    for (const { task, resolve, reject } of orphans) runHere(task).then(resolve, reject);
  }
}

/** Runs a task on this thread, loading the parsers only now (a warm check never loads them). */
export async function runHere(task: MediaTask): Promise<unknown> {
  if (task.kind === 'probe') return (await import('./probe.js')).probeMedia(task.path);
  return (await import('./integrity.js')).sha256Sri(task.path);
}
