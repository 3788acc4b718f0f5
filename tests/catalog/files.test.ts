import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileInFolder, readHeadInFolder, readTextInFolder, realpathOr } from '../../src/catalog/files.js';
import { tempDir } from '../support/temp-dir.js';

/** A show with one episode folder holding notes.md (12 bytes), a link to it, a link out of the show, and a FIFO. */
function show(t: import('node:test').TestContext) {
  const root = tempDir('files', t);
  const showDir = path.join(root, 'show');
  const folder = path.join(showDir, 'ep1');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'notes.md'), 'Hello notes\n');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET\n');
  fs.symlinkSync('notes.md', path.join(folder, 'alias.md'));
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(folder, 'outside.md'));
  execFileSync('mkfifo', [path.join(folder, 'pipe.md')]);
  return { folder, realShow: realpathOr(showDir) };
}

const refused = (r: object): r is { message: string } => 'message' in r;

test('a name that is a path, not a plain file name, is refused by every reader before anything is opened', (t) => {
  const { folder, realShow } = show(t);
  for (const name of [
    '../ep1/notes.md',
    'sub/notes.md',
    'sub\\notes.md',
    'notes.md\0',
    '.',
    '..',
    '/etc/passwd',
    42 as unknown as string,
  ]) {
    for (const r of [
      fileInFolder(folder, realShow, name),
      readTextInFolder(folder, realShow, name, 1000),
      readHeadInFolder(folder, realShow, name, 4, 1000),
    ]) {
      assert.ok(refused(r), String(name));
      assert.match(r.message, /must be the name of a file in the same folder as its manifest, not a path/);
    }
  }
});

test('fileInFolder finds a regular file in the folder, with the stat of the real file behind a link inside the show', (t) => {
  const { folder, realShow } = show(t);
  const found = fileInFolder(folder, realShow, 'notes.md');
  assert.ok(!refused(found));
  assert.equal(found.path, path.join(folder, 'notes.md'));
  assert.equal(found.stat.size, 12);
  const alias = fileInFolder(folder, realShow, 'alias.md');
  assert.ok(!refused(alias));
  assert.equal(alias.path, path.join(folder, 'alias.md'));
  assert.equal(alias.stat.ino, found.stat.ino);
});

test('a link out of the show, a FIFO, a missing file and a file over maxBytes are refused with a message', (t) => {
  const { folder, realShow } = show(t);
  for (const [name, max] of [
    ['outside.md', Infinity],
    ['pipe.md', Infinity],
    ['absent.md', Infinity],
    ['notes.md', 11],
  ] as const) {
    const r = fileInFolder(folder, realShow, name, max);
    assert.ok(refused(r), name);
    assert.ok(r.message.length > 0);
  }
});

test('readTextInFolder reads the whole file as text, within its bound', (t) => {
  const { folder, realShow } = show(t);
  const read = readTextInFolder(folder, realShow, 'notes.md', 12);
  assert.ok(!refused(read));
  assert.equal(read.text, 'Hello notes\n');
  assert.ok(refused(readTextInFolder(folder, realShow, 'notes.md', 11)));
  const out = readTextInFolder(folder, realShow, 'outside.md', 1000);
  assert.ok(refused(out));
  assert.doesNotMatch(out.message, /TOP-SECRET/);
});

test('readHeadInFolder reads only the first bytes asked for, or the whole of a shorter file', (t) => {
  const { folder, realShow } = show(t);
  const head = readHeadInFolder(folder, realShow, 'notes.md', 5, 1000);
  assert.ok(!refused(head));
  assert.equal(head.head.toString(), 'Hello');
  assert.equal(head.stat.size, 12);
  const whole = readHeadInFolder(folder, realShow, 'notes.md', 100, 1000);
  assert.ok(!refused(whole));
  assert.equal(whole.head.toString(), 'Hello notes\n');
  assert.ok(refused(readHeadInFolder(folder, realShow, 'notes.md', 5, 11)), 'the bound is on the whole file');
});
