// One line longer than 1 MiB (a run of NUL bytes a crash left in a log, say) stopped the import of
// its file: every line after it was lost, on every run. It is reported, and the file is read on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import zlib from 'node:zlib';
import { importLogs } from '../../src/audience/import-logs.js';
import { CountingSession } from '../../src/audience/session.js';
import { DuckDbStore } from '../../src/audience/store-duckdb.js';
import { ShowTargets } from '../../src/audience/targets.js';
import { loadRules } from '../../src/audience/user-agents.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { episode, show } from '../support/catalog-data.js';
import { fixtureMp3 } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

test('lines after an overlong line (plain or gzipped, split over many chunks) are counted', async (t) => {
  const dir = tempDir('import-long-line', t);
  const mp3 = path.join(dir, 'ep1.mp3');
  fs.copyFileSync(fixtureMp3, mp3);
  const size = fs.statSync(mp3).size;
  const ep1 = episode('ep1', '2026-10-01T00:00:00Z');
  const targets = new ShowTargets({ show: show(), episodes: [{ ...ep1, media: [{ ...ep1.media[0], path: mp3 }] }] } as Catalog);
  const line = (n: number) =>
    `203.0.113.${n} - - [01/Nov/2026:10:00:00 +0000] "GET /media/ep1/ep1.mp3 HTTP/1.1" 200 ${size} "-" "gPodder/3.11.1 (+http://gpodder.org/) Linux"`;
  const text = `${line(1)}\n${'\0'.repeat(5 << 20)}\n${line(2)}\n${'y'.repeat(2 << 20)}`;
  const plain = path.join(dir, 'a.log');
  fs.writeFileSync(plain, `${text}\n${line(3)}\n`);
  const gz = path.join(dir, 'b.log.gz');
  fs.writeFileSync(gz, zlib.gzipSync(`${line(4)}\n${'\0'.repeat(5 << 20)}\n${line(5)}\n`));
  const store = await DuckDbStore.open(path.join(dir, 'audience.duckdb'));
  try {
    const session = await CountingSession.open(store, loadRules(''));
    const r = await importLogs([plain, gz], store, session, targets, { format: 'nginx' });
    assert.equal(r.downloads, 5, JSON.stringify(r.unreadable));
    assert.deepEqual(
      r.unreadable.map((u) => [path.basename(u.file), u.line]),
      [
        ['a.log', 2],
        ['a.log', 4],
        ['b.log.gz', 2],
      ],
    );
  } finally {
    await store.close();
  }
});
