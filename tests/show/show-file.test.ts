// The one guard every read of a show file goes through (src/show/show-file.ts), on real files:
// FIFOs, devices, links out of the show, folders, dangling links, sparse files of gigabytes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  isRefusal,
  openShowFile,
  readRegularFile,
  readShowFile,
  readShowFileHead,
  readShowText,
  realpathOr,
} from '../../src/show/show-file.js';
import { tempDir } from '../support/temp-dir.js';

function showDir(): { dir: string; real: string } {
  const dir = tempDir('guard');
  return { dir, real: realpathOr(dir) };
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

test('a regular file inside the show is read whole, with the stat of what was read', () => {
  const { dir, real } = showDir();
  fs.writeFileSync(path.join(dir, 'notes.md'), '# Notes\n');
  const read = readShowText(path.join(dir, 'notes.md'), real, 'notes.md', 1024);
  assert.ok(!isRefusal(read), JSON.stringify(read));
  assert.equal(read.text, '# Notes\n');
  assert.equal(read.stat.size, 8);
});

test('a link to another file inside the show is followed', () => {
  const { dir, real } = showDir();
  fs.mkdirSync(path.join(dir, 'shared'));
  fs.writeFileSync(path.join(dir, 'shared', 'notes.md'), 'shared notes');
  fs.symlinkSync('shared/notes.md', path.join(dir, 'notes.md'));
  const read = readShowText(path.join(dir, 'notes.md'), real, 'notes.md', 1024);
  assert.ok(!isRefusal(read));
  assert.equal(read.text, 'shared notes');
});

test('a link to /etc/passwd is refused as outside the show, and nothing of it is returned', () => {
  const { dir, real } = showDir();
  fs.symlinkSync('/etc/passwd', path.join(dir, 'notes.md'));
  const read = readShowFile(path.join(dir, 'notes.md'), real, 'notes.md', 1024 * 1024);
  assert.ok(isRefusal(read));
  assert.equal(read.reason, 'outside');
  assert.match(read.message, /notes\.md is a link to a file outside the show folder/);
});

test('a file reached through a linked folder that leaves the show is refused (real path of the opened file)', () => {
  const { dir, real } = showDir();
  const outside = tempDir('outside');
  fs.writeFileSync(path.join(outside, 'secret.md'), 'secret');
  fs.symlinkSync(outside, path.join(dir, 'linked'));
  const read = readShowFile(path.join(dir, 'linked', 'secret.md'), real, 'secret.md', 1024);
  assert.ok(isRefusal(read));
  assert.equal(read.reason, 'outside');
});

test('a FIFO is refused at once: never opened for a blocking read', () => {
  const { dir, real } = showDir();
  mkfifo(path.join(dir, 'notes.md'));
  const started = Date.now();
  const read = readShowFile(path.join(dir, 'notes.md'), real, 'notes.md', 1024);
  assert.ok(Date.now() - started < 1000);
  assert.ok(isRefusal(read));
  assert.equal(read.reason, 'special');
  assert.match(read.message, /notes\.md is not a regular file/);
  assert.equal(readRegularFile(path.join(dir, 'notes.md'), 1024), undefined, 'the cache reader refuses it too');
});

test('a link to /dev/zero is refused without reading a byte (it never ends)', () => {
  const { dir, real } = showDir();
  // A device node in the show itself would need root to make; a link to one is what a careless `ln -s` makes.
  fs.symlinkSync('/dev/zero', path.join(dir, 'episode.yaml'));
  const read = openShowFile(path.join(dir, 'episode.yaml'), real, 'episode.yaml');
  assert.ok(isRefusal(read));
  // /dev/zero is outside the show too; what matters is that it is refused before it is read.
  assert.ok(read.reason === 'special' || read.reason === 'outside', read.reason);
});

test('a folder, a dangling link and a missing file each say what they are', () => {
  const { dir, real } = showDir();
  fs.mkdirSync(path.join(dir, 'folder.md'));
  fs.symlinkSync(path.join(dir, 'gone.md'), path.join(dir, 'dangling.md'));
  const refusal = (name: string) => {
    const r = readShowFile(path.join(dir, name), real, name, 1024);
    assert.ok(isRefusal(r), name);
    return r;
  };
  assert.deepEqual(refusal('folder.md'), { reason: 'folder', message: 'folder.md is a folder, not a file' });
  assert.equal(refusal('dangling.md').reason, 'dangling');
  assert.equal(refusal('missing.md').reason, 'missing');
  assert.equal(refusal('missing.md').message, 'file not found: missing.md');
});

test('a 3 GB file over the bound is refused from its size, without reading it (sparse, so the test costs no disk)', () => {
  const { dir, real } = showDir();
  const file = path.join(dir, 'transcript.vtt');
  fs.writeFileSync(file, 'WEBVTT\n\n');
  fs.truncateSync(file, 3 * 1024 ** 3);
  const before = process.memoryUsage().rss;
  const started = Date.now();
  const read = readShowFile(file, real, 'transcript.vtt', 32 * 1024 * 1024);
  assert.ok(isRefusal(read));
  assert.equal(read.reason, 'too-big');
  assert.match(read.message, /transcript\.vtt is 3072 MB, more than the 32 MB netcaster reads/);
  assert.ok(Date.now() - started < 1000);
  assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'nothing of it was read into memory');
});

test('exactly the bound is read; one byte more is refused', () => {
  const { dir, real } = showDir();
  fs.writeFileSync(path.join(dir, 'at.json'), Buffer.alloc(4096, 0x20));
  fs.writeFileSync(path.join(dir, 'over.json'), Buffer.alloc(4097, 0x20));
  const at = readShowFile(path.join(dir, 'at.json'), real, 'at.json', 4096);
  assert.ok(!isRefusal(at));
  assert.equal(at.bytes.length, 4096);
  assert.equal((readShowFile(path.join(dir, 'over.json'), real, 'over.json', 4096) as { reason: string }).reason, 'too-big');
});

test('the head of a large file is its first bytes only', () => {
  const { dir, real } = showDir();
  const file = path.join(dir, 'transcript.vtt');
  fs.writeFileSync(file, 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
  fs.truncateSync(file, 20 * 1024 * 1024);
  const head = readShowFileHead(file, real, 'transcript.vtt', 16, 32 * 1024 * 1024);
  assert.ok(!isRefusal(head));
  assert.equal(head.bytes.toString(), 'WEBVTT\n\n00:00.00');
  assert.equal(head.stat.size, 20 * 1024 * 1024);
});

test('readRegularFile (cache files) reads a regular file and refuses what is too big', () => {
  const { dir } = showDir();
  fs.writeFileSync(path.join(dir, 'cache.json'), '{"a":1}');
  assert.equal(readRegularFile(path.join(dir, 'cache.json'), 100)?.toString(), '{"a":1}');
  assert.equal(readRegularFile(path.join(dir, 'cache.json'), 3), undefined);
  assert.equal(readRegularFile(path.join(dir, 'nothing.json'), 100), undefined);
});

test('regression: text that is not UTF-8 (Latin-1, UTF-16) is refused naming its line, not read as U+FFFD; UTF-8 with a BOM is read', () => {
  const { dir, real } = showDir();
  const read = (name: string, bytes: Buffer) => {
    fs.writeFileSync(path.join(dir, name), bytes);
    return readShowText(path.join(dir, name), real, name, 1024);
  };
  const latin1 = read('episode.yaml', Buffer.from('title: Show\nsummary: caf\xe9\n', 'latin1'));
  assert.ok(isRefusal(latin1));
  assert.equal(
    latin1.message,
    'episode.yaml is not UTF-8 text (line 2 has bytes UTF-8 cannot read; saved as Latin-1 or UTF-16?): save it as UTF-8',
  );
  assert.ok(isRefusal(read('notes.md', Buffer.from('\ufeff# Notes\n', 'utf16le'))));
  const bom = read('bom.md', Buffer.from('\ufeff# Café\n', 'utf8'));
  assert.ok(!isRefusal(bom) && bom.text === '\ufeff# Café\n');
  const replacement = read('fffd.md', Buffer.from('a literal \ufffd is UTF-8\n', 'utf8'));
  assert.ok(!isRefusal(replacement));
});

test('regression: a file just over its bound says by how much (1.05 MB was "1 MB, more than the 1 MB")', () => {
  const { dir, real } = showDir();
  fs.writeFileSync(path.join(dir, 'episode.yaml'), Buffer.alloc(Math.round(1.05 * 1024 * 1024), 0x20));
  const read = readShowText(path.join(dir, 'episode.yaml'), real, 'episode.yaml', 1024 * 1024);
  assert.ok(isRefusal(read));
  assert.equal(read.message, 'episode.yaml is 1.05 MB, more than the 1 MB netcaster reads of such a file');
});
