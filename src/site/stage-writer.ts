// The file system half of an export, on a thread of its own: this thread renders the pages, and a
// worker makes the folders, writes the pages and links the media into the staging folder
// meanwhile. Why: a cold build of 300 MP3 episodes spent some 60 ms (in a fresh place) to 200 ms
// (beside folders just removed, on this machine's ext4) in mkdir, write and link calls on the main
// thread, after the ~100 ms of rendering; on a second core they overlap the rendering instead
// (issue 12). The worker imports only stage-files.ts and is ready in about 30 ms, while the
// first pages render.
//
// Nothing changes in what an export guarantees: the worker writes only into the staging folder,
// the export swaps it in only after finish() has confirmed every file, and on any failure (the
// worker's, or a page that does not render) stop() ends the worker before the staging folder is
// removed, so nothing is written into it after. With one core, the files are made on this thread.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { receiveError, StageFiles, type SentError, type StageOp } from './stage-files.js';

/** Files sent to the worker at once: fewer messages, while the worker never waits long for the next. */
const BATCH = 8;

export class StageWriter {
  private readonly worker: Worker | undefined;
  private readonly here: StageFiles | undefined;
  private batch: StageOp[] = [];
  /** Set when the worker ended or failed on its own, before it was asked to. */
  private lost: Error | undefined;

  constructor(stage: string, options: { thread?: boolean } = {}) {
    const thread = options.thread ?? os.availableParallelism() > 1;
    if (!thread) {
      this.here = new StageFiles(stage);
      return;
    }
    this.worker = new Worker(new URL('./stage-worker.js', import.meta.url), { workerData: { stage } });
    this.worker.on('error', (err) => {
      this.lost ??= new Error(`the export's writer thread failed: ${err.message}`, { cause: err });
    });
    this.worker.on('exit', (code) => {
      this.lost ??= new Error(`the export's writer thread ended (${code}) before it was done`);
    });
  }

  /** Makes `op`'s file, now (one core) or soon (on the worker); a failure shows in finish(). */
  add(op: StageOp): void {
    if (this.here) return this.here.make(op);
    this.batch.push(op);
    if (this.batch.length >= BATCH) this.flush();
  }

  /** Resolves once every file added is made; rejects with the first failure (its errno code kept). Ends the worker. */
  async finish(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.flush();
    try {
      const reply = new Promise<{ failure?: SentError }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', () => reject(this.lost));
      });
      if (this.lost) throw this.lost;
      worker.postMessage('done');
      const { failure } = await reply.catch((err) => Promise.reject(this.lost ?? err));
      if (failure) throw receiveError(failure);
    } finally {
      await this.stop();
    }
  }

  /** Ends the worker: once this resolves, it makes no more files. */
  async stop(): Promise<void> {
    this.batch = [];
    if (!this.worker) return;
    this.lost ??= new Error("the export's writer thread was stopped");
    await this.worker.terminate();
  }

  private flush(): void {
    if (!this.worker || this.batch.length === 0) return;
    this.worker.postMessage(this.batch);
    this.batch = [];
  }
}
