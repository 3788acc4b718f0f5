// Probing files that sit in the page cache waits on no I/O, so the probes ran one after another as
// promise continuations and the event loop got no turn until the whole show was probed: a cold
// build's artwork copies, made meanwhile on libuv's threads, were taken up only then, and the build
// waited for them (issue 12). The probes now give the event loop a turn every few files.
import test from 'node:test';
import assert from 'node:assert/strict';
import { runPool } from '../../src/catalog/read-files.js';

test('probes that never wait on I/O still give the event loop a turn every few files (artwork copies waited for the last probe)', async () => {
  let done = 0;
  const turns: number[] = []; // how many probes were done at each turn
  let probing = true;
  const turn = () => {
    turns.push(done);
    if (probing) setImmediate(turn);
  };
  setImmediate(turn);
  // As a probe of a file in the page cache: synchronous work inside an async function.
  const jobs = Array.from({ length: 64 }, () => async () => {
    const until = performance.now() + 0.2;
    while (performance.now() < until);
    done++;
  });
  await runPool(jobs, 16);
  probing = false;
  assert.equal(done, 64);
  assert.ok(turns.length >= 4 && turns[0] < 16, `the event loop turned after ${turns.join(', ')} of 64 probes`);
});
