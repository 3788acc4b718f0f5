// One suite, run against the embedded database and against a real PostgreSQL server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbStore } from '../../src/audience/store-duckdb.js';
import { PostgresStore } from '../../src/audience/store-postgres.js';
import { StoreError, type AudienceStore } from '../../src/audience/store.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.js';

const d = (day: string, episode = 'ep1', format = 'mp3', app = 'gPodder', device = 'computer') => ({ day, episode, format, app, device });

export function storeSuite(name: string, open: () => Promise<AudienceStore>, reopen: () => Promise<AudienceStore>) {
  describe(`store: ${name}`, () => {
    it('adds counts up, batch after batch, and reads them back by date', async () => {
      const store = await open();
      try {
        await store.commit({ downloads: [d('2026-11-01'), d('2026-11-01'), d('2026-11-02', 'ep2', 'm4v', 'Other', 'Other')] });
        await store.commit({ downloads: [d('2026-11-01')], feedFetches: [{ day: '2026-11-01', feed: 'audio', app: 'gPodder' }] });
        const rows = await store.downloads({});
        assert.deepEqual(
          rows.sort((a, b) => a.day.localeCompare(b.day)),
          [
            { ...d('2026-11-01'), downloads: 3 },
            { ...d('2026-11-02', 'ep2', 'm4v', 'Other', 'Other'), downloads: 1 },
          ],
        );
        assert.deepEqual(await store.downloads({ since: '2026-11-02' }), [
          { ...d('2026-11-02', 'ep2', 'm4v', 'Other', 'Other'), downloads: 1 },
        ]);
        assert.deepEqual(await store.downloads({ until: '2026-11-01' }), [{ ...d('2026-11-01'), downloads: 3 }]);
        assert.deepEqual(await store.feeds({}), [{ day: '2026-11-01', feed: 'audio', app: 'gPodder', listeners: 1 }]);
      } finally {
        await store.close();
      }
    });

    it('keeps state, secrets and line digests across a reopen', async () => {
      const store = await open();
      await store.commit({ state: { name: 'calendar-utc', json: '{"a":1}' }, lines: ['x1', 'x2'] });
      await store.commit({ state: { name: 'calendar-utc', json: '{"a":2}' }, lines: ['x3'] });
      const secret = await store.setting('lines', 'first');
      await store.close();
      const again = await reopen();
      try {
        assert.equal(await again.loadState('calendar-utc'), '{"a":2}');
        assert.equal(await again.loadState('other'), undefined);
        assert.deepEqual([...(await again.newLines(['x1', 'x3', 'x4', 'x5']))].sort(), ['x4', 'x5']);
        assert.equal(await again.setting('lines', 'second'), 'first');
        assert.equal(secret, 'first');
      } finally {
        await again.close();
      }
    });

    it('writes only the listener windows that changed, and drops the closed ones', async () => {
      const store = await open();
      try {
        await store.commit({
          listeners: {
            name: 'w',
            upserts: [
              ['a', '{"n":1}'],
              ['b', '{"n":2}'],
            ],
            deletes: [],
          },
        });
        await store.commit({
          listeners: {
            name: 'w',
            upserts: [
              ['b', '{"n":3}'],
              ['c', '{"n":4}'],
            ],
            deletes: ['a'],
          },
        });
        await store.commit({ listeners: { name: 'other', upserts: [['a', '{}']], deletes: [] } });
        assert.deepEqual((await store.loadListeners('w')).sort(), [
          ['b', '{"n":3}'],
          ['c', '{"n":4}'],
        ]);
      } finally {
        await store.close();
      }
    });

    it('a failed batch writes nothing of itself', async () => {
      const store = await open();
      try {
        const before = await store.downloads({});
        await assert.rejects(store.commit({ downloads: [d('2026-11-05')], feedFetches: [{ day: 'not a day', feed: 'x', app: 'y' }] }));
        assert.deepEqual(await store.downloads({}), before);
      } finally {
        await store.close();
      }
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-store-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'data', 'audience.duckdb');
storeSuite(
  'embedded DuckDB',
  () => DuckDbStore.open(file),
  () => DuckDbStore.open(file),
);

describe('store: embedded DuckDB, failures', () => {
  it('a second process waits for the lock, then says who holds it', async () => {
    const holder = await DuckDbStore.open(path.join(dir, 'locked.duckdb'));
    const { spawnSync } = await import('node:child_process');
    const script = `import('${new URL('../../src/audience/store-duckdb.js', import.meta.url).href}').then(m => m.DuckDbStore.open(${JSON.stringify(path.join(dir, 'locked.duckdb'))})).then(() => console.log('opened'), e => console.log(e.constructor.name + ': ' + e.message))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    await holder.close();
    assert.match(r.stdout, /StoreError: the database .*locked\.duckdb is held by another process/);
  });
  it('a holder is told when another process waits for the file, and that process gets it once the holder lets go', async () => {
    const file = path.join(dir, 'wanted.duckdb');
    const holder = await DuckDbStore.open(file);
    try {
      assert.equal(holder.wanted(), false);
      const { spawn } = await import('node:child_process');
      const script = `import('${new URL('../../src/audience/store-duckdb.js', import.meta.url).href}').then(m => m.DuckDbStore.open(${JSON.stringify(file)})).then(s => s.close()).then(() => console.log('opened'), e => console.log(e.constructor.name + ': ' + e.message))`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      for (const until = Date.now() + 4000; !holder.wanted() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      assert.equal(holder.wanted(), true, 'the waiting process said so');
      await holder.release();
      await exited;
      assert.equal(out.trim(), 'opened');
      assert.equal(holder.wanted(), false, 'the request is answered: no one waits any more');
    } finally {
      await holder.close();
    }
  });
  it('a second store of the same file in this process waits for the first to let go (DuckDB would open it twice)', async () => {
    const file = path.join(dir, 'twice.duckdb');
    const first = await DuckDbStore.open(file);
    await first.commit({ downloads: [d('2026-11-01')] });
    let secondOpened = false;
    const second = DuckDbStore.open(file).then((s) => ((secondOpened = true), s));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(secondOpened, false, 'not while the first holds the file');
    assert.equal(first.wanted(), true);
    await first.release();
    const store = await second;
    try {
      assert.deepEqual(await store.downloads({}), [{ ...d('2026-11-01'), downloads: 1 }]);
      // The first, asked to write again, now waits for the second in turn.
      const write = first.commit({ downloads: [d('2026-11-01')] });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(store.wanted(), true);
      await store.release();
      await write;
    } finally {
      await first.close();
      await store.close();
    }
    const again = await DuckDbStore.open(file);
    assert.deepEqual(await again.downloads({}), [{ ...d('2026-11-01'), downloads: 2 }]);
    await again.close();
  });
  it('a corrupt file is a clear StoreError', async () => {
    const bad = path.join(dir, 'corrupt.duckdb');
    fs.writeFileSync(bad, 'this is not a database'.repeat(1000));
    await assert.rejects(
      DuckDbStore.open(bad),
      (err: unknown) => err instanceof StoreError && /cannot open the database .*corrupt\.duckdb/.test((err as Error).message),
    );
  });
});

const pgSkip = hasPostgres() ? false : process.env.CI === 'true' ? false : 'PostgreSQL is not installed';
describe('PostgreSQL', { skip: pgSkip }, () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  storeSuite(
    'PostgreSQL',
    () => PostgresStore.open(server!.url),
    () => PostgresStore.open(server!.url),
  );
  it('an unreachable server is a clear StoreError', async () => {
    await assert.rejects(
      PostgresStore.open('postgres://nobody@127.0.0.1:1/none'),
      (err: unknown) => err instanceof StoreError && /NETCASTER_DATABASE_URL/.test((err as Error).message),
    );
  });
});
