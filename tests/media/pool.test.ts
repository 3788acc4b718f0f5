// The probing pool: what the worker thread says of a file is exactly what this thread says, a
// failure crosses the thread boundary as a rejection, and files held by a stopped worker are
// finished here.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { MediaPool, runHere } from '../../src/media/pool.js';
import { fixture, mediaDir } from './fixtures.js';

const mediaFiles = fs
  .readdirSync(mediaDir)
  .filter((name) => name !== 'durations.json')
  .map(fixture);

/** Probes until the worker has taken a file: it only gets files once it has loaded its parsers. */
async function poolWithReadyWorker(): Promise<MediaPool> {
  const pool = new MediaPool();
  pool.start();
  const until = Date.now() + 10_000;
  while (pool.sentToWorker === 0) {
    if (Date.now() > until) throw new Error('the worker never became ready');
    await pool.probe(mediaFiles[0]);
    await new Promise((r) => setTimeout(r, 20));
  }
  return pool;
}

test('every fixture: the pool (worker and this thread together) says what probeMedia says here', async () => {
  const pool = await poolWithReadyWorker();
  try {
    const before = pool.sentToWorker;
    const fromPool = await Promise.all(mediaFiles.map((file) => pool.probe(file)));
    const here = await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file })));
    assert.ok(pool.sentToWorker > before, 'the worker took some of the files');
    assert.deepEqual(fromPool, here);
  } finally {
    await pool.close();
  }
});

test('hashes from the worker equal hashes made here; a missing file is a rejection naming the cause', async () => {
  const pool = await poolWithReadyWorker();
  try {
    const files = mediaFiles.slice(0, 6);
    assert.deepEqual(await Promise.all(files.map((f) => pool.hash(f))), await Promise.all(files.map((f) => runHere({ kind: 'hash', path: f }))));
    await assert.rejects(pool.hash(fixture('no-such-file.mp3')), /ENOENT/);
  } finally {
    await pool.close();
  }
});

test('closing the pool while the worker holds files: they are finished on this thread', async () => {
  const pool = await poolWithReadyWorker();
  const before = pool.sentToWorker;
  const pending = mediaFiles.map((file) => pool.probe(file));
  // One turn of the event loop: the files are on their way to the worker, none answered yet.
  await new Promise((r) => setImmediate(r));
  assert.ok(pool.sentToWorker > before);
  await pool.close();
  const results = await Promise.all(pending);
  assert.deepEqual(results, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
});
