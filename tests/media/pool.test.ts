// The probing pool: what a worker thread says of a file is exactly what this thread says, a
// failure crosses the thread boundary as a rejection, files to probe held by stopped workers are
// finished here (files to hash are dropped), and this thread probes while the workers hash.
//
// Which thread does a file is seen from outside the pool: files to hash are big sparse files, which
// keep a worker busy for a while, and this thread sees which of them the workers hold open
// (/proc/self/fd) without ever yielding its event loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MediaPool, runHere } from '../../src/media/pool.js';
import { fixture, mediaDir } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const mediaFiles = fs
  .readdirSync(mediaDir)
  .filter((name) => name !== 'durations.json')
  .map(fixture);

/** `count` sparse files of `bytes` each in a temp dir, named as media files: hashing one takes a while, and no disk space. */
function sparseFiles(count: number, bytes: number): string[] {
  const dir = tempDir('pool-sparse');
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `file-${i}.webm`);
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes);
    return file;
  });
}

/** Which of `files` this process has open now (Linux: /proc/self/fd), seen without yielding the event loop. */
function openNow(files: string[]): string[] {
  const open = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      open.add(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return files.filter((file) => open.has(file));
}

/**
 * Watches, without ever yielding this thread's event loop (so without taking any reply from the
 * workers, or sending them anything more), which of `files` the workers open, until all were seen
 * or `seconds` have passed. Returns how many were.
 */
function seenOpenWithoutYielding(files: string[], seconds: number): number {
  const seen = new Set<string>();
  const until = Date.now() + seconds * 1000;
  while (seen.size < files.length && Date.now() < until) for (const file of openNow(files)) seen.add(file);
  return seen.size;
}

const stat = (file: string) => fs.statSync(file);
/** The real path of the folder a file is in: the "show" it must be inside to be hashed. */
const within = (file: string) => fs.realpathSync(path.dirname(file));

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
      await Promise.all(files.map((f) => pool.hash(f, stat(f), within(f)))),
      await Promise.all(files.map((f) => runHere({ kind: 'hash', path: f, checked: stat(f), realShowDir: within(f) }))),
    );
    await assert.rejects(
      pool.hash(fixture('no-such-file.mp3'), { size: 1, mtimeMs: 0 }, within(fixture('x'))),
      /file not found: no-such-file\.mp3/,
    );
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
  skip: process.platform === 'linux' ? false : 'watches /proc/self/fd',
  timeout: 60_000,
}, async () => {
  const pool = poolWithWorkers();
  try {
    // More files than the workers took at once when files were handed out a few at a time.
    const files = sparseFiles(12, 32 * 1024 * 1024);
    const hashes = files.map((f) => pool.hash(f, stat(f), within(f)));
    // This thread is now busy (as a build rendering its pages is) and takes no reply: the workers
    // open every file only if they already hold every one.
    assert.equal(seenOpenWithoutYielding(files, 30), files.length, 'the workers took every file to hash before this thread went busy');
    assert.deepEqual(
      await Promise.all(hashes),
      await Promise.all(files.map((f) => runHere({ kind: 'hash', path: f, checked: stat(f), realShowDir: within(f) }))),
    );
  } finally {
    await pool.close();
  }
});

test('while every worker is hashing, files to probe are done on this thread, which would otherwise wait', {
  skip: process.platform === 'linux' ? false : 'watches /proc/self/fd',
  timeout: 60_000,
}, async () => {
  const pool = poolWithWorkers();
  try {
    // One big file to hash per worker: both workers are busy for a second or more.
    const files = sparseFiles(2, 512 * 1024 * 1024);
    let hashed = 0;
    const hashes = files.map((f) => pool.hash(f, stat(f), within(f)).finally(() => hashed++));
    assert.equal(seenOpenWithoutYielding(files, 30), files.length, 'each worker holds a file to hash');
    // A probe handed to a worker would wait behind that file.
    const probes = await Promise.all(mediaFiles.map((f) => pool.probe(f)));
    assert.equal(hashed, 0, 'the probes were done while both workers were still hashing');
    assert.deepEqual(probes, await Promise.all(mediaFiles.map((file) => runHere({ kind: 'probe', path: file }))));
    await Promise.all(hashes);
    // Done hashing: the pool goes on probing.
    assert.deepEqual(await pool.probe(mediaFiles[0]), probes[0]);
  } finally {
    await pool.close();
  }
});

test('closing the pool while files wait to be hashed: they are dropped (rejected), never hashed on this thread', async () => {
  const pool = poolWithWorkers();
  const hashes = mediaFiles.map((f) =>
    pool.hash(f, stat(f), within(f)).then(
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
