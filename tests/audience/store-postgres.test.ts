// What is the PostgreSQL store's own (the behaviour both stores share is in store.test.ts): a real
// server, started for this file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/audience/store-postgres.js';
import { StoreError } from '../../src/audience/store.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.js';

const download = { day: '2026-11-01', episode: 'ep1', format: 'mp3', app: 'gPodder', device: 'computer' };

it('an unreachable server is a StoreError that never shows the password of the URL', async () => {
  await assert.rejects(PostgresStore.open('postgres://me:hunter2@127.0.0.1:1/none'), (err: Error) => {
    assert.ok(err instanceof StoreError);
    assert.match(err.message, /NETCASTER_DATABASE_URL/);
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});

const pgSkip = hasPostgres() ? false : process.env.CI === 'true' ? false : 'PostgreSQL is not installed (scripts/install-test-tools.sh)';

describe('PostgreSQL store', { skip: pgSkip }, () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  /** The test server's URL, with a password (the server trusts local connections and ignores it). */
  const url = (password = '') => (password ? server!.url.replace('netcaster@', `netcaster:${password}@`) : server!.url);

  it('its description names the database and hides the password', async () => {
    const store = await PostgresStore.open(url('hunter2'));
    try {
      assert.match(store.description, /^PostgreSQL postgres:\/\/netcaster:\*\*\*@127\.0\.0\.1:\d+\/postgres$/);
      assert.doesNotMatch(store.description, /hunter2/);
    } finally {
      await store.close();
    }
  });

  it('regression: several processes opening a new database at once all make or find its tables (they collided in the catalog)', async () => {
    const pg = (await import('pg')).default;
    for (let round = 0; round < 5; round++) {
      const name = `fresh_${process.pid}_${round}`;
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const fresh = url().replace(/\/postgres$/, `/${name}`);
      const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(fresh)));
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('several servers writing the same counts at once add them all up', async () => {
    const stores = await Promise.all([PostgresStore.open(url()), PostgresStore.open(url()), PostgresStore.open(url())]);
    try {
      const before = (await stores[0].downloads({ since: '2026-11-01', until: '2026-11-01' }))[0]?.downloads ?? 0;
      await Promise.all(stores.flatMap((s) => [s.commit({ downloads: [download, download] }), s.commit({ downloads: [download] })]));
      assert.equal((await stores[0].downloads({ since: '2026-11-01', until: '2026-11-01' }))[0].downloads, before + 9);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a batch of more line digests than one statement takes (50,000) keeps them all', async () => {
    const store = await PostgresStore.open(url());
    try {
      const lines = Array.from({ length: 50_001 }, (_, i) => `bulk-${i}`);
      await store.commit({ lines });
      assert.deepEqual([...(await store.newLines(['bulk-0', 'bulk-49999', 'bulk-50000', 'bulk-new']))], ['bulk-new']);
    } finally {
      await store.close();
    }
  });
});
