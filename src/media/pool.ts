// Probing and hashing on every core. A cold `check` probes hundreds of files and a cold `build`
// hashes gigabytes (podcast:integrity); one thread does that at one core's pace. So worker
// threads, one per core (at most four), run the same code (probe.ts, sri-hash.ts) on files
// handed out a few at a time, the least busy worker first. The main thread meanwhile reads the
// manifests and assembles the catalog, and a server on it keeps answering requests.
//
// While every worker is hashing (a build hashes from the moment it has read the manifests, see
// src/catalog/integrity.ts), files to probe are done on the calling thread, which would otherwise only wait.
// Measured on 2 cores: probing does not get faster on two threads than on one, hashing does.
//
// A pool made with `probeHereUpTo` (build's) probes its first files on the calling thread and
// starts workers only to hash, or for probes past that many: a worker costs a bundle load and
// compile (some 100-200 ms of CPU on a 2-core machine) while an MP3 is probed here in a fraction of
// a millisecond, so for a show of hundreds of files the workers cost more than they save (issue 12:
// a cold build of 300 MP3s).
//
// Workers start with the first file, or earlier on `start()`. On a single core, or if the
// workers fail, files are done on the calling thread: the pool is for speed, never a new way to
// fail.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProbeResult } from './probe.js';
import type { CheckedFile } from './sri-hash.js';

/**
 * A probe names the file by its path and, when the caller holds it open (a check does, having checked
 * it: src/catalog/files.ts), by that descriptor, which a worker thread of this process can read too.
 */
export type MediaTask =
  | { kind: 'probe'; path: string; fd?: number }
  | { kind: 'hash'; path: string; checked: CheckedFile; realShowDir: string };
export type WorkerReply = { id: number; result?: unknown; error?: string };

/**
 * Files to probe handed to one worker at once: enough that it never waits for the main thread to
 * send more. Files to hash are all handed out at once instead, each to the worker with the fewest
 * bytes to go: a build renders its pages meanwhile, and this thread cannot hand out work while it
 * renders.
 */
const PER_WORKER = 4;
const MAX_WORKERS = 4;

interface Job {
  id: number;
  task: MediaTask;
  /** Bytes to hash; 0 for a probe. */
  bytes: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

/** Whether a worker holds a file to hash. */
function isHashing(slot: Slot): boolean {
  for (const job of slot.jobs.values()) if (job.task.kind === 'hash') return true;
  return false;
}

/** Bytes of the hash jobs a worker holds. */
function bytesHeld(slot: Slot): number {
  let bytes = 0;
  for (const job of slot.jobs.values()) bytes += job.bytes;
  return bytes;
}

export interface MediaPoolOptions {
  /** Probes this many files on the calling thread before any goes to a worker; workers start only when needed. */
  probeHereUpTo?: number;
}

export class MediaPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private hasStarted = false;
  private spawned = false;
  private probedHere = 0;
  private nextId = 0;

  /** `workers`: how many threads; 0 runs everything on the calling thread. */
  constructor(
    private readonly workers = os.availableParallelism() < 2 ? 0 : Math.min(MAX_WORKERS, os.availableParallelism()),
    private readonly options: MediaPoolOptions = {},
  ) {}

  /**
   * What probe.ts's probeMedia says of the file; never rejects for a bad file. With `fd` (the file
   * open, which the caller closes once this settles), read from that descriptor.
   */
  probe(path: string, fd?: number): Promise<ProbeResult> {
    return this.run(fd === undefined ? { kind: 'probe', path } : { kind: 'probe', path, fd }) as Promise<ProbeResult>;
  }

  /**
   * The SRI sha256 (sri-hash.ts) of the file the check saw as `checked`, in the show folder whose
   * real path is `realShowDir`; rejects when it cannot be read or is no longer that file.
   */
  hash(path: string, checked: CheckedFile, realShowDir: string): Promise<string> {
    const task: MediaTask = { kind: 'hash', path, checked: { size: checked.size, mtimeMs: checked.mtimeMs }, realShowDir };
    return this.run(task, checked.size) as Promise<string>;
  }

  /** Whether the pool was started: a file was probed or hashed through it (or start() was called). Nothing was read through it otherwise. */
  get started(): boolean {
    return this.hasStarted;
  }

  /** Starts the workers now rather than with the first file, so they load while the caller does other work. */
  start(): void {
    if (this.hasStarted) return;
    this.hasStarted = true;
    if (this.options.probeHereUpTo === undefined) this.spawnAll();
  }

  private spawnAll(): void {
    if (this.spawned) return;
    this.spawned = true;
    for (let i = 0; i < this.workers; i++) this.spawn();
  }

  /**
   * Stops the workers. Files to probe that they still held are finished on the calling thread;
   * files to hash are not (their promises reject): a build that stopped at the check must not
   * hash gigabytes on its way out.
   */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    const held = [...slots.flatMap((s) => [...s.jobs.values()]), ...this.waiting.splice(0)];
    for (const job of held) {
      if (job.task.kind === 'hash') job.reject(new Error('the media pool was closed before this file was hashed'));
      else runHere(job.task).then(job.resolve, job.reject);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(task: MediaTask, bytes = 0): Promise<unknown> {
    this.start();
    if (task.kind === 'probe' && !this.spawned && this.probedHere < (this.options.probeHereUpTo ?? 0)) {
      this.probedHere++;
      return runHere(task);
    }
    this.spawnAll();
    if (this.slots.length === 0 || (task.kind === 'probe' && this.slots.every(isHashing))) return runHere(task);
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, task, bytes, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    const least = (key: (s: Slot) => number, open: (s: Slot) => boolean) =>
      this.slots.reduce<Slot | undefined>((best, s) => (open(s) && (!best || key(s) < key(best)) ? s : best), undefined);
    for (let i = 0; i < this.waiting.length; ) {
      const job = this.waiting[i];
      const slot =
        job.task.kind === 'hash'
          ? least(bytesHeld, () => true)
          : least(
              (s) => s.jobs.size,
              (s) => s.jobs.size < PER_WORKER,
            );
      if (!slot) {
        i++; // a probe waits for a free place; the next job may be a hash
        continue;
      }
      this.waiting.splice(i, 1);
      slot.jobs.set(job.id, job);
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  }

  private spawn(): void {
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url));
    worker.unref(); // never what keeps the process alive
    const slot: Slot = { worker, jobs: new Map() };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.jobs.get(reply.id);
      if (!job) return;
      slot.jobs.delete(reply.id);
      if (reply.error !== undefined) job.reject(new Error(reply.error));
      else job.resolve(reply.result);
      this.dispatch();
    });
    worker.on('error', () => this.drop(slot));
    worker.on('exit', () => this.drop(slot));
    this.slots.push(slot);
  }

  /** A worker that is gone: its files go to the others, or to this thread when none is left. */
  private drop(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    this.waiting.unshift(...slot.jobs.values());
    slot.jobs.clear();
    if (this.slots.length > 0) return this.dispatch();
    for (const { task, resolve, reject } of this.waiting.splice(0)) runHere(task).then(resolve, reject);
  }
}

// Loaded with the first task, not before: a warm check never loads the parsers. Kept, so each
// task after the first skips the dynamic import's resolution.
let probeModule: Promise<typeof import('./probe.js')> | undefined;
let integrityModule: Promise<typeof import('./sri-hash.js')> | undefined;

/** Runs a task on this thread. */
export async function runHere(task: MediaTask): Promise<unknown> {
  if (task.kind === 'probe') return (await (probeModule ??= import('./probe.js'))).probeMedia(task.path, task.fd);
  return (await (integrityModule ??= import('./sri-hash.js'))).sha256Sri(task.path, task.checked, task.realShowDir);
}
