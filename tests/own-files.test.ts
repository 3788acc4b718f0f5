// writeWhole: netcaster's own files are written whole, and never through a name someone else put there.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeWhole } from '../src/own-files.js';
import { tempDir } from './support/temp-dir.js';

test('regression: a link planted at the temporary name a writer used to take (name.pid.tmp) is not written through', () => {
  const dir = tempDir('own-files');
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'not netcaster’s\n');
  const file = path.join(dir, 'netcaster.lock');
  for (const planted of [`${file}.${process.pid}.tmp`, path.join(dir, `.netcaster.lock.${process.pid}.tmp`)])
    fs.symlinkSync(victim, planted);
  writeWhole(file, 'ours\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'ours\n');
  assert.equal(fs.readFileSync(victim, 'utf8'), 'not netcaster’s\n');
  assert.ok(!fs.lstatSync(file).isSymbolicLink());
});

test('a link at the target itself is replaced, not followed', () => {
  const dir = tempDir('own-files');
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'kept\n');
  const file = path.join(dir, 'record.json');
  fs.symlinkSync(victim, file);
  writeWhole(file, '{}\n');
  assert.equal(fs.readFileSync(victim, 'utf8'), 'kept\n');
  assert.equal(fs.readFileSync(file, 'utf8'), '{}\n');
});

test('a write that fails leaves neither half a file nor its temporary file, and says why', () => {
  const dir = tempDir('own-files');
  const file = path.join(dir, 'taken');
  fs.mkdirSync(path.join(file, 'inside'), { recursive: true }); // a folder that is not empty: the rename fails
  assert.throws(() => writeWhole(file, 'text'), { code: /^(EISDIR|ENOTEMPTY|EEXIST)$/ });
  assert.deepEqual(fs.readdirSync(dir), ['taken']);
  assert.deepEqual(fs.readdirSync(file), ['inside']);
});
