import test from 'node:test';
import assert from 'node:assert/strict';
import { compareNames } from '../../src/show/name-order.js';

const sign = (n: number) => Math.sign(n);

test('plain names sort as localeCompare sorts them', () => {
  // Random names over the plain alphabet and lengths 0-6, many sharing prefixes.
  const alphabet = 'ab-./09z';
  let seed = 12;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const name = () => Array.from({ length: Math.floor(random() * 7) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  for (let i = 0; i < 20_000; i++) {
    const [a, b] = [name(), name()];
    assert.equal(sign(compareNames(a, b)), sign(a.localeCompare(b)), `${JSON.stringify(a)} against ${JSON.stringify(b)}`);
  }
  const names = [
    '010-episode',
    '001-episode',
    '1-episode',
    '001-episode/episode.yaml',
    '001-episode.b',
    'style.css',
    'player.js',
    'a-b',
    'a.b',
    'a/b',
    'ab',
    'a',
    '',
  ];
  assert.deepEqual(
    [...names].sort(compareNames),
    [...names].sort((a, b) => a.localeCompare(b)),
  );
});

test('any other name is left to localeCompare (case, accents, other punctuation)', () => {
  for (const [a, b] of [
    ['B-episode', 'a-episode'],
    ['é', 'f'],
    ['a_b', 'a0'],
    ['Episode 10', 'episode 9'],
  ]) {
    assert.equal(sign(compareNames(a, b)), sign(a.localeCompare(b)), `${a} against ${b}`);
  }
  assert.equal(sign(compareNames('B', 'a')), 1, 'localeCompare puts a before B; code units would not');
});
