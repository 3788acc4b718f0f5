import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sha256Sri } from '../../src/media/sri-hash.js';
import { seededBytes } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

test('sha256Sri streams a multi-chunk file to the SRI form of its SHA-256', async (t) => {
  const dir = tempDir('sri');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'big.bin');
  const bytes = seededBytes(11, 3 * 1024 * 1024 + 17); // crosses the 1 MB read chunks
  fs.writeFileSync(file, bytes);
  const sri = await sha256Sri(file);
  assert.match(sri, /^sha256-[A-Za-z0-9+/]{43}=$/);
  assert.equal(sri, `sha256-${createHash('sha256').update(bytes).digest('base64')}`);
});

test('sha256Sri of an empty file is the well-known empty digest', async (t) => {
  const dir = tempDir('sri');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'empty'), '');
  assert.equal(await sha256Sri(path.join(dir, 'empty')), 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
});
