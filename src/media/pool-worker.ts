// The worker thread of pool.ts: runs the tasks it is sent, one reply each.
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
// Load the parsers before saying ready, so the first file sent is not held up by loading them.
await import('./probe.js');
reply('ready');
