// An episode guid is any text. In the lock's plain objects a guid "constructor" (or "toString",
// "valueOf"...) was found before it was recorded, so it never was, and "__proto__" set the
// prototype instead of adding an entry: such episodes were published without the lock's promise,
// and a later change of their guid went unremarked.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readLock, recordPublished } from '../../src/catalog/lock.js';
import { lockProblemsOf } from '../support/lock.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { episode, show } from '../support/catalog-data.js';
import { tempDir } from '../support/temp-dir.js';

const NOW = new Date('2025-03-04T06:00:00Z');
const GUIDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

function catalog(guids: string[]): Catalog {
  return {
    show: show(),
    episodes: guids.map((guid, i) => ({ ...episode(`00${i + 1}-e`, `2025-01-0${i + 1}T00:00:00Z`), guid })),
  };
}

test('episodes whose guids are names every object has are recorded, and read back', () => {
  const dir = tempDir('lock-guid-names');
  const result = recordPublished(dir, catalog(GUIDS), { now: NOW });
  assert.deepEqual(result.added.episodes, ['001-e', '002-e', '003-e', '004-e']);
  const { lock, problems } = readLock(dir);
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.keys(lock.episodes).sort(), [...GUIDS].sort());
  assert.equal(lock.episodes.__proto__.slug, '002-e');
});

test('a later change of such a guid is refused', () => {
  const dir = tempDir('lock-guid-names');
  recordPublished(dir, catalog(GUIDS), { now: NOW });
  const problems = lockProblemsOf(dir, catalog(['changed-1', 'changed-2', 'toString', 'hasOwnProperty']), undefined);
  assert.deepEqual(
    problems.filter((p) => p.level === 'error').map((p) => `${p.file} ${p.field}`),
    ['001-e/episode.yaml guid', '002-e/episode.yaml guid'],
  );
});
