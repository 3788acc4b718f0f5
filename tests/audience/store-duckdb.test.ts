// What is the embedded store's own (the behaviour both stores share is in store.test.ts).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDbStore } from '../../src/audience/store-duckdb.js';
import { StoreError } from '../../src/audience/store.js';
import { tempDir } from '../support/temp-dir.js';

const download = { day: '2026-11-01', episode: 'ep1', format: 'mp3', app: 'gPodder', device: 'computer' };

test('open makes the data folder, private to its owner, and names the file it uses', async (t) => {
  const file = path.join(tempDir('duckdb', t), 'data', 'nested', 'audience.duckdb');
  const store = await DuckDbStore.open(file);
  try {
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(store.description, `embedded database ${file}`);
  } finally {
    await store.close();
  }
});

test("regression: a data folder that was there already, readable by all, is made the owner's when only the database lives there; else the database's files are", async (t) => {
  const root = tempDir('duckdb', t);
  const alone = path.join(root, 'alone');
  const shared = path.join(root, 'shared');
  for (const dir of [alone, shared]) fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(alone, 0o755);
  fs.chmodSync(shared, 0o755);
  fs.writeFileSync(path.join(shared, 'notes.txt'), 'mine');
  fs.chmodSync(path.join(shared, 'notes.txt'), 0o644);
  for (const dir of [alone, shared]) await (await DuckDbStore.open(path.join(dir, 'audience.duckdb'))).close();
  assert.equal(fs.statSync(alone).mode & 0o777, 0o700);
  assert.equal(fs.statSync(shared).mode & 0o777, 0o755, 'a folder holding other files is not changed');
  assert.equal(fs.statSync(path.join(shared, 'audience.duckdb')).mode & 0o077, 0, "but the database is its owner's alone");
  assert.equal(fs.statSync(path.join(shared, 'notes.txt')).mode & 0o777, 0o644);
});

test('a data folder that cannot be made is a StoreError naming it', async (t) => {
  const blocker = path.join(tempDir('duckdb', t), 'a-file');
  fs.writeFileSync(blocker, 'x');
  await assert.rejects(DuckDbStore.open(path.join(blocker, 'data', 'audience.duckdb')), (err: Error) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, new RegExp(`cannot create the data folder ${path.join(blocker, 'data')}`));
    return true;
  });
});

test('release lets another process open the file, and the store opens it again for its next write', async (t) => {
  const file = path.join(tempDir('duckdb', t), 'audience.duckdb');
  const store = await DuckDbStore.open(file);
  try {
    await store.commit({ downloads: [download] });
    await store.release();
    // Another process (`stats` beside `serve`) adds one; it would wait 5 s and fail if the file were still held.
    const script = `const { DuckDbStore } = await import(${JSON.stringify(new URL('../../src/audience/store-duckdb.js', import.meta.url).href)});
const s = await DuckDbStore.open(${JSON.stringify(file)}); await s.commit({ downloads: [${JSON.stringify(download)}] }); await s.close(); console.log('added');`;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(stdout.trim(), 'added');
    assert.ok(Date.now() - started < 4000, 'no wait for a lock');
    await store.commit({ downloads: [download] });
    assert.equal((await store.downloads({}))[0].downloads, 3);
  } finally {
    await store.close();
  }
});

test('a batch naming a line already imported fails whole: its counts are not added', async (t) => {
  const store = await DuckDbStore.open(path.join(tempDir('duckdb', t), 'audience.duckdb'));
  try {
    await store.commit({ downloads: [download], lines: ['digest-1'] });
    await assert.rejects(store.commit({ downloads: [download], lines: ['digest-2', 'digest-1'] }));
    assert.equal((await store.downloads({}))[0].downloads, 1);
    assert.deepEqual([...(await store.newLines(['digest-1', 'digest-2']))], ['digest-2']);
  } finally {
    await store.close();
  }
});

test('newLines refuses a digest holding a comma (its list is passed as one comma-separated string)', async (t) => {
  const store = await DuckDbStore.open(path.join(tempDir('duckdb', t), 'audience.duckdb'));
  try {
    await assert.rejects(store.newLines(['a,b']), /comma/);
    assert.deepEqual([...(await store.newLines([]))], []);
  } finally {
    await store.close();
  }
});
