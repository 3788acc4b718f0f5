// The export's writer thread (stage-writer.ts): makes the files it is sent, in order, into the
// staging folder it was started for. After the first failure it makes nothing more; its answer
// to 'done' is that failure, or nothing. Imports nothing but stage-files.ts: it starts in a few
// milliseconds.
import { parentPort, workerData } from 'node:worker_threads';
import { sendError, StageFiles, type SentError, type StageOp } from './stage-files.js';

if (parentPort) {
  const port = parentPort;
  const files = new StageFiles((workerData as { stage: string }).stage);
  let failure: SentError | undefined;
  port.on('message', (message: StageOp[] | 'done') => {
    if (message === 'done') {
      port.postMessage({ failure });
      return;
    }
    if (failure) return;
    for (const op of message) {
      try {
        files.make(op);
      } catch (err) {
        failure = sendError(err);
        return;
      }
    }
  });
}
