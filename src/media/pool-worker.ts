// A worker thread of pool.ts: runs the tasks it is sent, one reply each.
import { parentPort } from 'node:worker_threads';
import { runHere, type MediaTask, type WorkerReply } from './pool.js';

const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

port.on('message', ({ id, task }: { id: number; task: MediaTask }) => {
  runHere(task).then(
    (result) => reply({ id, result }),
    (error: unknown) => reply({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
