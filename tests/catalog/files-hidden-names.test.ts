// A manifest naming a hidden file (`mp3: .v.mp3`, `artwork: .art.jpg`): the snapshot's digest
// leaves names starting with "." out, so such a file cut short after a check went unseen, the next
// check answered "publishable" from the snapshot, and build published the cut file under the old
// length. Such names are refused, with the file and field.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';

test('a hidden media file is refused, naming the manifest field', async () => {
  const dir = await makeShow({ '001-a': { yaml: episodeYaml('001-a', '', '  mp3: .a.mp3\n'), files: { '.a.mp3': 'good-cbr.mp3' } } });
  const { catalog, problems } = await checkShow(dir);
  assert.deepEqual(catalog?.episodes, []);
  const p = problems.find((x) => x.level === 'error');
  assert.equal(p?.file, '001-a/episode.yaml');
  assert.equal(p?.field, 'media.mp3');
  assert.match(p?.message ?? '', /must not start with "\." \(a hidden file\)/);
});

test('a hidden show artwork is refused, naming the field', async () => {
  const dir = await makeShow({ '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } } });
  await fs.rename(path.join(dir, 'artwork.jpg'), path.join(dir, '.art.jpg'));
  const yaml = await fs.readFile(path.join(dir, 'show.yaml'), 'utf8');
  await fs.writeFile(path.join(dir, 'show.yaml'), yaml.replace('artwork: artwork.jpg', 'artwork: .art.jpg'));
  const { catalog, problems } = await checkShow(dir);
  assert.equal(catalog, undefined);
  assert.ok(problems.some((p) => p.level === 'error' && p.field === 'artwork' && /hidden file/.test(p.message)));
});
