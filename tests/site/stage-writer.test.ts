import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StageWriter } from '../../src/site/stage-writer.js';
import { describeWriteError } from '../../src/site/out-dir.js';
import { tempDir } from '../support/temp-dir.js';

/** Relative path -> text (or 'link to <inode>') of every file under dir. */
function listing(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) found.set(path.relative(dir, abs), fs.readFileSync(abs, 'utf8'));
  }
  return found;
}

for (const thread of [true, false]) {
  const where = thread ? 'on the writer thread' : 'on this thread';

  test(`pages are written and files linked into their folders, ${where}`, async (t) => {
    const dir = tempDir('stage', t);
    const media = path.join(dir, 'show.mp3');
    fs.writeFileSync(media, 'ID3 bytes');
    const stage = path.join(dir, 'stage');
    fs.mkdirSync(stage);
    const writer = new StageWriter(stage, { thread });
    writer.add({ file: path.join(stage, 'media', '001', 'show.mp3'), source: media });
    for (let i = 0; i < 20; i++) writer.add({ file: path.join(stage, 'episodes', `${i}`, 'index.html'), body: `<p>page ${i}</p>` });
    await writer.finish();
    const files = listing(stage);
    assert.equal(files.size, 21);
    assert.equal(files.get(path.join('episodes', '7', 'index.html')), '<p>page 7</p>');
    assert.equal(fs.statSync(path.join(stage, 'media', '001', 'show.mp3')).ino, fs.statSync(media).ino, 'a hard link, not a copy');
  });

  test(`a failure reaches finish() with its message and errno code, ${where}`, async (t) => {
    const dir = tempDir('stage', t);
    const stage = path.join(dir, 'stage');
    fs.mkdirSync(stage);
    fs.writeFileSync(path.join(stage, 'episodes'), 'a file where a folder must go');
    const writer = new StageWriter(stage, { thread });
    // With one core the failure comes at once; on the thread, from finish().
    const failed = (async () => {
      writer.add({ file: path.join(stage, 'media', 'x.mp3'), source: path.join(dir, 'no-such-file.mp3') });
      await writer.finish();
    })();
    await assert.rejects(failed, (err: NodeJS.ErrnoException) => {
      assert.match(err.message, /cannot export .*no-such-file\.mp3/);
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
    await writer.stop();

    const second = new StageWriter(stage, { thread });
    const blocked = (async () => {
      second.add({ file: path.join(stage, 'episodes', '1', 'index.html'), body: 'x' });
      await second.finish();
    })();
    await assert.rejects(blocked, (err: NodeJS.ErrnoException) => {
      assert.ok(err.code === 'ENOTDIR' || err.code === 'EEXIST', `errno code kept: ${err.code}`);
      assert.equal(err.syscall, 'mkdir');
      return true;
    });
    await second.stop();
  });
}

test('a disk error from the writer thread is still told as one (describeWriteError reads its code through the thread)', async (t) => {
  const dir = tempDir('stage', t);
  const stage = path.join(dir, 'stage');
  fs.mkdirSync(stage);
  // /proc is read-only to everyone, root included: EACCES/EPERM/ENOENT/EROFS, whatever the kernel says, must arrive as it said it.
  const here = (() => {
    try {
      fs.writeFileSync('/proc/netcaster-test', 'x');
      return undefined;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code;
    }
  })();
  const writer = new StageWriter(stage, { thread: true });
  writer.add({ file: '/proc/netcaster-test', body: 'x' });
  await assert.rejects(writer.finish(), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, here);
    assert.equal(describeWriteError(err), describeWriteError(Object.assign(new Error('x'), { code: here })));
    return true;
  });
});

test('after stop() the writer thread writes nothing more into the staging folder', async (t) => {
  const dir = tempDir('stage', t);
  const stage = path.join(dir, 'stage');
  fs.mkdirSync(stage);
  const writer = new StageWriter(stage, { thread: true });
  for (let i = 0; i < 2000; i++) writer.add({ file: path.join(stage, 'episodes', `${i}`, 'index.html'), body: 'x'.repeat(1000) });
  await writer.stop();
  const after = listing(stage).size;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(listing(stage).size, after);
  fs.rmSync(stage, { recursive: true });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fs.existsSync(stage), false, 'nothing recreated the removed staging folder');
});
