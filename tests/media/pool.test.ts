// The probing pool: what a worker thread says of a file is exactly what this thread says, a
// failure crosses the thread boundary as a rejection, files to probe held by stopped workers are
// finished here (files to hash are dropped), and this thread probes while the workers hash.
//
// Which thread does a file is seen through FIFOs, not through the pool's insides: hashing opens a
// FIFO and waits there until a writer comes, so a worker holding one is busy for as long as the
// test wants, and this thread can see (open for writing without blocking succeeds only once a
// reader has it open) which files the workers have taken while it never yields its event loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaPool, runHere } from '../../src/media/pool.js';
import { fixture, mediaDir } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const mediaFiles = fs
  .readdirSync(mediaDir)
  .filter((name) => name !== 'durations.json')
  .map(fixture);

/** `count` FIFOs in a temp dir, named as media files. */
function fifos(count: number): string[] {
  const dir = tempDir('pool-fifo');
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `file-${i}.mp3`);
    execFileSync('mkfifo', [file]);
    return file;
  });
}

/**
 * Whether a reader has the FIFO open now; if so, this open-and-close lets it go on (hashing then
 * fails on the FIFO, which cannot be read at a position: ESPIPE). False, at once, if none has.
 */
function releaseIfOpened(fifo: string): boolean {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return false; // no reader yet
    throw err;
  }
}

/**
 * Releases each FIFO as soon as a worker opens it, without ever yielding this thread's event loop
 * (so without taking any reply from the workers, or sending them anything more), until all are
 * released or `seconds` have passed. Returns how many were.
 */
function releaseWithoutYielding(files: string[], seconds: number): number {
  const released = new Set<string>();
  const until = Date.now() + seconds * 1000;
  while (released.size < files.length && Date.now() < until) {
    for (const file of files) if (!released.has(file) && releaseIfOpened(file)) released.add(file);
  }
  return released.size;
}

const hashOutcome = (hash: Promise<string>) =>
  hash.then(
    () => 'hashed',
    (err: Error) => err.message,
  );

/** Two workers, whatever this machine's cores, so the test takes the same path everywhere. */
function poolWithWorkers(): MediaPool {
  const pool = new MediaPool(2);
  pool.start();
  return pool;
}

test('every fixture: the workers say what probeMedia says on this thread', async () => {
  const pool = poolWithWorkers();
  try {
    const fromPool = await Promise.all(mediaFiles.map((file) => pool.probe(file)));
    const here = await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file })));
    assert.deepEqual(fromPool, here);
  } finally {
    await pool.close();
  }
});

test('hashes from the worker equal hashes made here; a missing file is a rejection naming the cause', async () => {
  const pool = poolWithWorkers();
  try {
    const files = mediaFiles.slice(0, 6);
    assert.deepEqual(
      await Promise.all(files.map((f) => pool.hash(f, fs.statSync(f).size))),
      await Promise.all(files.map((f) => runHere({ kind: 'hash', path: f }))),
    );
    await assert.rejects(pool.hash(fixture('no-such-file.mp3'), 1), /ENOENT/);
  } finally {
    await pool.close();
  }
});

test('no workers: everything runs on this thread', async () => {
  const pool = new MediaPool(0);
  assert.deepEqual(await pool.probe(mediaFiles[0]), await runHere({ kind: 'probe', path: mediaFiles[0] }));
  await pool.close();
});

test('closing the pool while the workers hold files: they are finished on this thread', async () => {
  const pool = poolWithWorkers();
  const pending = mediaFiles.map((file) => pool.probe(file));
  // The workers have files in hand and are still loading their parsers: none is answered yet.
  await pool.close();
  const results = await Promise.all(pending);
  assert.deepEqual(results, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
});

test('regression: workers went idle while a build rendered pages; every file to hash is handed out at once', {
  timeout: 60_000,
}, async () => {
  const pool = poolWithWorkers();
  // More files than the workers took at once when files were handed out a few at a time.
  const files = fifos(12);
  let released = 0;
  try {
    const hashes = files.map((f) => hashOutcome(pool.hash(f, 1000)));
    // This thread is now busy (as a build rendering its pages is) and takes no reply: the workers
    // open every file only if they already hold every one.
    released = releaseWithoutYielding(files, 20);
    assert.equal(released, files.length, 'the workers took every file to hash before this thread went busy');
    const outcomes = await Promise.all(hashes);
    for (const outcome of outcomes) assert.match(outcome, /ESPIPE/, 'opened and read by a worker');
  } finally {
    if (released < files.length) releaseWithoutYielding(files, 5); // whatever a worker still waits on, so it can stop
    await pool.close();
  }
});

test('while every worker is hashing, files to probe are done on this thread, which would otherwise wait', { timeout: 60_000 }, async () => {
  const pool = poolWithWorkers();
  // One file to hash per worker, each waiting in its open until this test lets it go: both workers are busy.
  const files = fifos(2);
  let released = 0;
  try {
    const hashes = files.map((f) => hashOutcome(pool.hash(f, 1000)));
    // A probe handed to a worker would wait behind its FIFO, which is let go only after the probes are done.
    const probes = await Promise.all(mediaFiles.map((f) => pool.probe(f)));
    assert.deepEqual(probes, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
    released = releaseWithoutYielding(files, 20);
    assert.equal(released, files.length);
    for (const outcome of await Promise.all(hashes)) assert.match(outcome, /ESPIPE/);
    // Done hashing: the pool goes on probing.
    assert.deepEqual(await pool.probe(mediaFiles[0]), probes[0]);
  } finally {
    if (released < files.length) releaseWithoutYielding(files, 5);
    await pool.close();
  }
});

test('closing the pool while files wait to be hashed: they are dropped (rejected), never hashed on this thread', async () => {
  const pool = poolWithWorkers();
  const hashes = mediaFiles.map((f) =>
    pool.hash(f, fs.statSync(f).size).then(
      () => 'hashed',
      (err: Error) => err.message,
    ),
  );
  await pool.close();
  const outcomes = await Promise.all(hashes);
  // The workers were still loading: none of them had answered, and this thread took none of it over.
  assert.deepEqual(new Set(outcomes), new Set(['the media pool was closed before this file was hashed']));
});

/** Threads of this process now (Linux): a worker is one more. */
const threadCount = () => fs.readdirSync('/proc/self/task').length;

test('regression: a cold build of 300 MP3s started workers to probe them; probeHereUpTo probes that many here and starts no thread', {
  skip: process.platform === 'linux' ? false : 'counts threads in /proc/self/task',
}, async () => {
  const pool = new MediaPool(2, { probeHereUpTo: mediaFiles.length });
  try {
    await runHere({ kind: 'probe', path: mediaFiles[0] }); // the probe module and libuv's threads, loaded before counting
    const before = threadCount();
    pool.start();
    const probes = await Promise.all(mediaFiles.map((f) => pool.probe(f)));
    assert.deepEqual(probes, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
    assert.equal(threadCount(), before, 'no worker thread started');
    // One file past the bound: the workers start and take it.
    assert.deepEqual(await pool.probe(mediaFiles[0]), probes[0]);
    assert.equal(threadCount(), before + 2, 'both workers started');
  } finally {
    await pool.close();
  }
});

test('regression: the probe opened a media file again by its path after the check had judged the file it opened; given that descriptor, it reads that file and leaves it open', async () => {
  const dir = tempDir('pool-fd');
  const other = fixture('text.mp3');
  const pool = poolWithWorkers();
  try {
    for (const original of mediaFiles) {
      for (const where of ['worker', 'here'] as const) {
        const file = path.join(dir, `${where}-${path.basename(original)}`);
        fs.copyFileSync(original, file);
        const expected = await runHere({ kind: 'probe', path: file });
        // What the check holds: the descriptor it judged. Then the name is taken by something else.
        const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        try {
          fs.rmSync(file);
          fs.symlinkSync(other, file);
          const result = where === 'worker' ? await pool.probe(file, fd) : await runHere({ kind: 'probe', path: file, fd });
          assert.deepEqual(result, expected, `${path.basename(original)} on ${where === 'worker' ? 'a worker' : 'this thread'}`);
          assert.ok(fs.fstatSync(fd).isFile(), 'the descriptor is still open: the caller closes it');
        } finally {
          fs.closeSync(fd);
        }
      }
    }
  } finally {
    await pool.close();
  }
});

test('a probe by path closes every descriptor it opened, the streamed formats (FLAC, Ogg, WAV) too', async () => {
  const open = () => fs.readdirSync('/proc/self/fd').length;
  const before = open();
  for (const file of mediaFiles) await runHere({ kind: 'probe', path: file });
  assert.equal(open(), before);
});
