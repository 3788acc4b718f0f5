import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readAt } from '../../src/media/read-at.js';
import { tempDir } from '../support/temp-dir.js';

test('readAt reads the asked range at its position, shorter at the end of the file, empty past it', (t) => {
  const file = path.join(tempDir('read-at', t), 'bytes.bin');
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  fs.writeFileSync(file, bytes);
  const fd = fs.openSync(file, 'r');
  t.after(() => fs.closeSync(fd));
  assert.deepEqual(readAt(fd, 0, 4), bytes.subarray(0, 4));
  assert.deepEqual(readAt(fd, 100, 10), bytes.subarray(100, 110));
  assert.deepEqual(readAt(fd, 250, 10), bytes.subarray(250), 'shorter at the end');
  assert.equal(readAt(fd, 300, 10).length, 0, 'past the end');
  assert.equal(readAt(fd, 0, 0).length, 0);
  assert.equal(readAt(fd, 0, -5).length, 0, 'a negative length reads nothing');
});
