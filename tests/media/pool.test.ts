// The probing pool: what a worker thread says of a file is exactly what this thread says, a
// failure crosses the thread boundary as a rejection, files to probe held by stopped workers are
// finished here (files to hash are dropped), and this thread probes while the workers hash.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { MediaPool, runHere } from '../../src/media/pool.js';
import { fixture, mediaDir } from './fixtures.js';

const mediaFiles = fs
  .readdirSync(mediaDir)
  .filter((name) => name !== 'durations.json')
  .map(fixture);

/** Two workers, whatever this machine's cores, so the test takes the same path everywhere. */
function poolWithWorkers(): MediaPool {
  const pool = new MediaPool(2);
  pool.start();
  return pool;
}

test('every fixture: the workers say what probeMedia says on this thread', async () => {
  const pool = poolWithWorkers();
  try {
    const before = pool.sentToWorker;
    const fromPool = await Promise.all(mediaFiles.map((file) => pool.probe(file)));
    const here = await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file })));
    assert.equal(pool.sentToWorker - before, mediaFiles.length, 'the workers took every file');
    assert.deepEqual(fromPool, here);
  } finally {
    await pool.close();
  }
});

test('hashes from the worker equal hashes made here; a missing file is a rejection naming the cause', async () => {
  const pool = poolWithWorkers();
  try {
    const files = mediaFiles.slice(0, 6);
    assert.deepEqual(await Promise.all(files.map((f) => pool.hash(f, fs.statSync(f).size))), await Promise.all(files.map((f) => runHere({ kind: 'hash', path: f }))));
    await assert.rejects(pool.hash(fixture('no-such-file.mp3'), 1), /ENOENT/);
  } finally {
    await pool.close();
  }
});

test('no workers: everything runs on this thread', async () => {
  const pool = new MediaPool(0);
  assert.deepEqual(await pool.probe(mediaFiles[0]), await runHere({ kind: 'probe', path: mediaFiles[0] }));
  assert.equal(pool.sentToWorker, 0);
  await pool.close();
});

test('closing the pool while the workers hold files: they are finished on this thread', async () => {
  const pool = poolWithWorkers();
  const pending = mediaFiles.map((file) => pool.probe(file));
  // The workers have files in hand and are still loading their parsers: none is answered yet.
  assert.ok(pool.sentToWorker > 0);
  await pool.close();
  const results = await Promise.all(pending);
  assert.deepEqual(results, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
});

test('regression: workers went idle while a build rendered pages; every file to hash is handed out at once', async () => {
  const pool = poolWithWorkers();
  try {
    const probes = mediaFiles.map((f) => pool.probe(f));
    assert.equal(pool.sentToWorker, 2 * 4, 'files to probe go a few at a time');
    const hashes = mediaFiles.map((f) => pool.hash(f, fs.statSync(f).size));
    // Before this thread does anything else (a build is about to render for a while), the workers
    // hold every file to hash, not a few each.
    assert.equal(pool.sentToWorker, 2 * 4 + mediaFiles.length);
    await Promise.all([...hashes, ...probes]);
  } finally {
    await pool.close();
  }
});

test('while every worker is hashing, files to probe are done on this thread, which would otherwise wait', async () => {
  const pool = poolWithWorkers();
  try {
    const hashes = mediaFiles.map((f) => pool.hash(f, fs.statSync(f).size));
    const sent = pool.sentToWorker;
    const probes = await Promise.all(mediaFiles.map((f) => pool.probe(f)));
    assert.equal(pool.sentToWorker, sent, 'no file to probe went to a worker');
    assert.deepEqual(probes, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
    await Promise.all(hashes);
    // Done hashing: the workers probe again.
    await pool.probe(mediaFiles[0]);
    assert.equal(pool.sentToWorker, sent + 1);
  } finally {
    await pool.close();
  }
});

test('closing the pool while files wait to be hashed: they are dropped (rejected), never hashed on this thread', async () => {
  const pool = poolWithWorkers();
  const hashes = mediaFiles.map((f) => pool.hash(f, fs.statSync(f).size).then(() => 'hashed', (err: Error) => err.message));
  await pool.close();
  const outcomes = await Promise.all(hashes);
  // The workers were still loading: none of them had answered, and this thread took none of it over.
  assert.deepEqual(new Set(outcomes), new Set(['the media pool was closed before this file was hashed']));
});
