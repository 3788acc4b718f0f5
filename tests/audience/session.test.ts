// Counting sessions: the per-day keys live only as long as a window can use them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hit } from '../../src/audience/engine.js';
import { CountingSession } from '../../src/audience/session.js';
import { DuckDbStore } from '../../src/audience/store-duckdb.js';
import { loadRules } from '../../src/audience/user-agents.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('session');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const hit = (time: string, sent: [number, number]): Hit => ({
  time: Date.parse(time),
  ip: '192.0.2.44',
  userAgent: 'AntennaPod/3.2.0',
  method: 'GET',
  status: 206,
  target: { kind: 'media', episode: 'ep', format: 'mp3', file: 'ep/a.mp3' },
  sent: [sent],
  threshold: 1000,
});

describe('counting session', () => {
  it('saves hashed listeners and the keys of open days only; a day key goes 72 h after its windows are over', async () => {
    const store = await DuckDbStore.open(path.join(dir, 'a.duckdb'));
    try {
      const session = await CountingSession.open(store, loadRules(''));
      session.add(hit('2026-11-02T10:00:00Z', [0, 499]));
      await session.flush(Date.parse('2026-11-02T10:00:01Z'));
      const saved = JSON.parse((await store.loadState('calendar-utc'))!);
      assert.deepEqual(Object.keys(saved.keys), ['2026-11-02']);
      const listeners = await store.loadListeners('calendar-utc');
      assert.equal(listeners.length, 1);
      assert.ok(!JSON.stringify([saved, listeners]).includes('192.0.2.44'));

      // Restarted the same day: the half-heard file completes, counted once.
      const again = await CountingSession.open(store, loadRules(''));
      assert.ok(again.add(hit('2026-11-02T11:00:00Z', [500, 999])).download);
      await again.flush(Date.parse('2026-11-02T11:00:01Z'));
      assert.equal((await store.downloads({}))[0].downloads, 1);

      // Two days on, within the 72 hours given to late logs: the key and the listener are kept.
      await again.flush(Date.parse('2026-11-04T00:00:01Z'));
      assert.deepEqual(Object.keys(JSON.parse((await store.loadState('calendar-utc'))!).keys), ['2026-11-02']);
      assert.equal((await store.loadListeners('calendar-utc')).length, 1);

      // 72 hours after the day ended, with no traffic at all: the key and the listeners are gone.
      await again.flush(Date.parse('2026-11-05T23:59:59Z'));
      assert.deepEqual(Object.keys(JSON.parse((await store.loadState('calendar-utc'))!).keys), ['2026-11-02']);
      await again.flush(Date.parse('2026-11-06T00:00:01Z'));
      const later = JSON.parse((await store.loadState('calendar-utc'))!);
      assert.deepEqual(later.keys, {});
      assert.deepEqual(await store.loadListeners('calendar-utc'), []);
    } finally {
      await store.close();
    }
  });

  // CloudFront delivers a day's logs late, in pieces, some twice: each piece imported on its own.
  for (const window of ['calendar-utc', 'first-touch-24h', 'last-touch-24h'] as const) {
    it(`late logs (${window}): more lines of a closed day, imported in a later run within 72 h, count each listener once`, async () => {
      const store = await DuckDbStore.open(path.join(dir, `late-${window}.duckdb`));
      try {
        // Run 1, the day after: half the file by one listener, and a whole download by another.
        const first = await CountingSession.open(store, loadRules(''), window);
        first.add(hit('2026-11-02T10:00:00Z', [0, 499]));
        assert.ok(first.add({ ...hit('2026-11-02T10:05:00Z', [0, 999]), ip: '192.0.2.45' }).download);
        await first.flush(Date.parse('2026-11-03T09:00:00Z'));
        // Run 2, two days after: the rest of the first listener's file, and the second listener again.
        const second = await CountingSession.open(store, loadRules(''), window);
        assert.ok(second.add(hit('2026-11-02T10:30:00Z', [500, 999])).download, 'the halves of one listener make one download');
        assert.equal(second.add({ ...hit('2026-11-02T10:06:00Z', [0, 999]), ip: '192.0.2.45' }).rejected, 'duplicate');
        await second.flush(Date.parse('2026-11-04T23:00:00Z'));
        assert.equal(
          (await store.downloads({})).reduce((n, r) => n + r.downloads, 0),
          2,
        );
        // Run 3, after the grace: the key is gone, so the same listener is a stranger (documented).
        const third = await CountingSession.open(store, loadRules(''), window);
        await third.flush(Date.parse('2026-11-08T00:00:00Z'));
        const fourth = await CountingSession.open(store, loadRules(''), window);
        assert.ok(fourth.add({ ...hit('2026-11-02T10:07:00Z', [0, 999]), ip: '192.0.2.45' }).download);
      } finally {
        await store.close();
      }
    });
  }

  it('a batch makes the same listener hashes as single hits: pieces counted inside and outside batches make one download', async () => {
    const store = await DuckDbStore.open(path.join(dir, 'batch.duckdb'));
    try {
      const session = await CountingSession.open(store, loadRules(''), 'last-touch-24h');
      const other = { ...hit('2026-11-02T23:50:00Z', [0, 999]), ip: '192.0.2.99' };
      const inBatch = session.batch(() => [
        session.add(hit('2026-11-02T23:50:00Z', [0, 299])),
        session.add(hit('2026-11-02T23:55:00Z', [300, 499])),
        session.add(other),
        session.add({ ...other, time: Date.parse('2026-11-02T23:58:00Z') }),
      ]);
      assert.deepEqual(
        inBatch.map((r) => (r.download ? 'download' : r.rejected)),
        ['short', 'short', 'download', 'duplicate'],
      );
      // After midnight, in another batch (the rolling window crosses it), then outside any batch.
      assert.equal(session.batch(() => session.add(hit('2026-11-03T00:10:00Z', [500, 799]))).rejected, 'short');
      assert.ok(session.add(hit('2026-11-03T00:20:00Z', [800, 999])).download);
      assert.equal(session.add({ ...other, time: Date.parse('2026-11-03T00:30:00Z') }).rejected, 'duplicate');
      await session.flush(Date.parse('2026-11-03T00:30:01Z'));
      assert.equal(
        (await store.downloads({})).reduce((n, r) => n + r.downloads, 0),
        2,
      );
    } finally {
      await store.close();
    }
  });

  it('a database keeps the window it started with', async () => {
    const store = await DuckDbStore.open(path.join(dir, 'b.duckdb'));
    try {
      await CountingSession.open(store, loadRules(''), 'last-touch-24h');
      await assert.rejects(CountingSession.open(store, loadRules(''), 'calendar-utc'), /counts with the last-touch-24h window/);
      assert.equal((await CountingSession.open(store, loadRules(''))).window, 'last-touch-24h');
    } finally {
      await store.close();
    }
  });
});
