// `netcaster import SOURCE DIR` where DIR is a file (or a link to one): refused with a message
// that names it, not "internal error: ENOTDIR: not a directory, scandir" and exit 70.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFeed } from '../../src/import/importer.js';

test('a DIR that is a file, or a link to one, is refused before anything is read or written', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-'));
  const file = path.join(root, 'not-a-folder');
  fs.writeFileSync(file, 'mine');
  const link = path.join(root, 'link');
  fs.symlinkSync(file, link);
  for (const dir of [file, link]) {
    const outcome = await importFeed({ source: path.join(root, 'no-feed.xml'), dir });
    assert.equal(outcome.refused, `${dir} is not a folder: import into an empty folder or into a netcaster show`);
    assert.equal(fs.readFileSync(file, 'utf8'), 'mine');
  }
});
