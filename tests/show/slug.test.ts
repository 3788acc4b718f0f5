import test from 'node:test';
import assert from 'node:assert/strict';
import { slugify } from '../../src/show/slug.js';

test('a title becomes lower-case ASCII words joined by hyphens', () => {
  assert.equal(slugify('The Mega Edition!'), 'the-mega-edition');
  assert.equal(slugify('  Café & Crème — Épisode 46  '), 'cafe-and-creme-episode-46');
  assert.equal(slugify('../../etc/passwd'), 'etc-passwd');
});

test('a slug has no path, no dot segment and at most 60 characters, never ending in a hyphen', () => {
  assert.equal(slugify('..'), '');
  const long = slugify('word '.repeat(40));
  assert.ok(long.length <= 60 && !long.endsWith('-'), long);
});
