import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/audience/open-store.js';
import { StoreError } from '../../src/audience/store.js';
import { tempDir } from '../support/temp-dir.js';

test('without NETCASTER_DATABASE_URL: the embedded database audience.duckdb in NETCASTER_DATA_DIR', async (t) => {
  const dir = tempDir('open-store', t);
  const store = await openStore({ NETCASTER_DATA_DIR: dir });
  try {
    assert.equal(store.description, `embedded database ${path.join(dir, 'audience.duckdb')}`);
    assert.ok(fs.existsSync(path.join(dir, 'audience.duckdb')));
  } finally {
    await store.close();
  }
});

test('with NETCASTER_DATABASE_URL: PostgreSQL, and a server that cannot be reached is a StoreError naming the variable', async (t) => {
  const dir = tempDir('open-store', t);
  await assert.rejects(
    openStore({ NETCASTER_DATA_DIR: dir, NETCASTER_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }),
    (err: Error) => err instanceof StoreError && /NETCASTER_DATABASE_URL/.test(err.message),
  );
  assert.deepEqual(fs.readdirSync(dir), [], 'the embedded database is not made instead');
});
