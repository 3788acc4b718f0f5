import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { sha256Sri } from '../../src/media/sri-hash.js';
import { seededBytes } from './fixtures.js';
import { tempDir } from '../support/temp-dir.js';

test('sha256Sri streams a multi-chunk file to the SRI form of its SHA-256', async (t) => {
  const dir = tempDir('sri');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'big.bin');
  const bytes = seededBytes(11, 3 * 1024 * 1024 + 17); // crosses the 1 MB read chunks
  fs.writeFileSync(file, bytes);
  const sri = await sha256Sri(file, fs.statSync(file), fs.realpathSync(dir));
  assert.match(sri, /^sha256-[A-Za-z0-9+/]{43}=$/);
  assert.equal(sri, `sha256-${createHash('sha256').update(bytes).digest('base64')}`);
});

test('sha256Sri of an empty file is the well-known empty digest', async (t) => {
  const dir = tempDir('sri');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'empty'), '');
  const empty = path.join(dir, 'empty');
  assert.equal(await sha256Sri(empty, fs.statSync(empty), fs.realpathSync(dir)), 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
});

test('sha256Sri reads only the regular file the check saw: a FIFO, a link to another file or changed bytes put in its place are refused at once', async (t) => {
  const dir = tempDir('sri');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'a.webm');
  fs.writeFileSync(file, seededBytes(3, 4096));
  const checked = { size: fs.statSync(file).size, mtimeMs: fs.statSync(file).mtimeMs };
  const other = path.join(dir, 'other.bin');
  fs.writeFileSync(other, seededBytes(4, 5000));

  fs.rmSync(file);
  execFileSync('mkfifo', [file]); // nothing ever writes to it: a blocking open would wait for ever
  await assert.rejects(sha256Sri(file, checked, fs.realpathSync(dir)), /no longer a regular file/);
  fs.rmSync(file);
  fs.symlinkSync(other, file);
  await assert.rejects(sha256Sri(file, checked, fs.realpathSync(dir)), /changed since it was checked/);
  fs.rmSync(file);
  fs.writeFileSync(file, seededBytes(3, 4097));
  await assert.rejects(sha256Sri(file, checked, fs.realpathSync(dir)), /changed since it was checked/);
});

test('regression: a link out of the show put in place of an alternate was hashed when its target had the size and time the check saw; the guard refuses it', async (t) => {
  const show = tempDir('sri-show');
  const elsewhere = tempDir('sri-elsewhere');
  t.after(() => {
    fs.rmSync(show, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
  const secret = path.join(elsewhere, 'secret.bin');
  fs.writeFileSync(secret, seededBytes(5, 4096));
  // The show's file was made to look like the secret (same size, same time) before the check; then swapped for a link to it.
  const checked = { size: fs.statSync(secret).size, mtimeMs: fs.statSync(secret).mtimeMs };
  const file = path.join(show, 'a.webm');
  fs.symlinkSync(secret, file);
  await assert.rejects(sha256Sri(file, checked, fs.realpathSync(show)), /outside the show folder/);
});
