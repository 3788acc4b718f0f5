// The guard on OUT, directly: what the export and the commands rely on.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkOutDir, EXPORT_MARKER, markerBody, OutDirRefused } from '../../src/site/out-dir.js';
import { tempDir } from '../support/temp-dir.js';

const refused = (pattern: RegExp) => (err: unknown) => err instanceof OutDirRefused && pattern.test(err.message);

test('an OUT that does not exist yet, under a symlink that leads into the show, is inside the show', async (t) => {
  const dir = tempDir('outdir', t);
  const show = path.join(dir, 'show');
  await fs.mkdir(path.join(show, '001-first'), { recursive: true });
  await fs.symlink(path.join(show, '001-first'), path.join(dir, 'shortcut'));
  assert.throws(() => checkOutDir(path.join(dir, 'shortcut', 'site', 'www'), show), refused(/inside the show folder/));
  assert.doesNotThrow(() => checkOutDir(path.join(dir, 'site'), show));
});

test('an OUT under a symlink whose target does not exist is refused with its name, not an internal error', async (t) => {
  const dir = tempDir('outdir', t);
  await fs.symlink(path.join(dir, 'gone'), path.join(dir, 'link'));
  assert.throws(() => checkOutDir(path.join(dir, 'link', 'site')), refused(/link is a symbolic link to .*gone, which does not exist/));
  assert.throws(() => checkOutDir(path.join(dir, 'link', 'a', 'b')), refused(/link is a symbolic link/));
});

test('an OUT under a file is refused: that file is not a folder', async (t) => {
  const dir = tempDir('outdir', t);
  await fs.writeFile(path.join(dir, 'notes.txt'), 'mine');
  assert.throws(() => checkOutDir(path.join(dir, 'notes.txt', 'site')), refused(/notes\.txt is not a folder/));
});

test("a folder whose name only starts like the show's is not inside it", async (t) => {
  const dir = tempDir('outdir', t);
  const show = path.join(dir, 'show');
  await fs.mkdir(show);
  assert.doesNotThrow(() => checkOutDir(path.join(dir, 'show-site'), show));
  assert.doesNotThrow(() => checkOutDir(path.join(dir, 'show..site'), show));
});

test("the marker decides what is netcaster's; the marker itself always is", async (t) => {
  const dir = tempDir('outdir', t);
  await fs.writeFile(path.join(dir, EXPORT_MARKER), JSON.stringify({ files: ['index.html', 'media/a/b.mp3'] }));
  const out = checkOutDir(dir);
  assert.equal(out.owned('index.html'), true);
  assert.equal(out.owned('media/a/b.mp3'), true);
  assert.equal(out.owned(EXPORT_MARKER), true);
  assert.equal(out.owned('media/a/mine.mp3'), false);
  assert.equal(out.owned('CNAME'), false);
});

test("a marker cut short or emptied is refused: netcaster cannot tell its files from the podcaster's (the layout of earlier versions took media/ for its own)", async (t) => {
  const dir = tempDir('outdir', t);
  const whole = markerBody(['index.html', 'media/a/b.mp3']);
  for (const damaged of [whole.slice(0, 30), '', 'not json at all']) {
    await fs.writeFile(path.join(dir, EXPORT_MARKER), damaged);
    assert.throws(
      () => checkOutDir(dir),
      (e: unknown) => e instanceof OutDirRefused && /is damaged.*never deletes what it did not write/.test(e.message),
    );
  }
});

test('a marker damaged inside (whole at both ends) owns nothing but itself', async (t) => {
  const dir = tempDir('outdir', t);
  await fs.writeFile(path.join(dir, EXPORT_MARKER), '{ "files": ["index.html", media/a/b.mp3] }');
  const out = checkOutDir(dir);
  assert.equal(out.owned(EXPORT_MARKER), true);
  for (const rel of ['media/a/b.mp3', 'index.html', 'media/extra/promo.mp4', 'static/custom.css', 'CNAME'])
    assert.equal(out.owned(rel), false, rel);
});
