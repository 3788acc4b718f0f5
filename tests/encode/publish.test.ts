// Writing media: into episode.yaml keeps what the podcaster wrote (comments, order, other keys).
import assert from 'node:assert/strict';
import test from 'node:test';
import { load as parseYaml } from 'js-yaml';
import { withMedia } from '../../src/encode/publish.js';

test('media: is added at the end when there is none', () => {
  const text = '# my episode\ntitle: One\nmaster: rec.wav # the recording\n';
  assert.equal(withMedia(text, { mp3: 'one-abc.mp3' }), `${text}media:\n  mp3: one-abc.mp3\n`);
});

test('an existing media: block is replaced in place, with the keys and comments around it kept', () => {
  const text = 'title: One\nmedia:\n  # old files\n  mp3: old.mp3\n  m4v: old.m4v\n\nsummary: S # keep me\n';
  const result = withMedia(text, { m4v: 'new.m4v', mp3: 'new.mp3' });
  assert.equal(result, 'title: One\nmedia:\n  m4v: new.m4v\n  mp3: new.mp3\n\nsummary: S # keep me\n');
});

test('a flow-style media: is replaced too', () => {
  const result = withMedia('title: One\nmedia: { mp3: old.mp3 }\nguid: x\n', { mp3: 'new.mp3' });
  assert.deepEqual(parseYaml(result), { title: 'One', media: { mp3: 'new.mp3' }, guid: 'x' });
});

test('a name YAML would misread is quoted', () => {
  const result = withMedia('title: One\n', { mp3: 'yes: no.mp3' });
  assert.deepEqual((parseYaml(result) as { media: unknown }).media, { mp3: 'yes: no.mp3' });
});
