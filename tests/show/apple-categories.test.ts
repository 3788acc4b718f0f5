import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { appleCategories, checkCategory } from '../../src/show/apple-categories.js';

// podcast-partytime (Podcast Index's parser) keeps its own copy of Apple's list, scraped from
// Apple's site: a second, independent source to hold ours against.
const require = createRequire(import.meta.url);
const { itunesCategoriesSourceOfTruth: partytimeList } = require('podcast-partytime/dist/parser/itunes-categories.js') as {
  itunesCategoriesSourceOfTruth: { name: string; subCategories: string[] }[];
};

test('our Apple category list matches the one podcast-partytime scraped from Apple', () => {
  const theirs = Object.fromEntries(partytimeList.map((c) => [c.name, [...c.subCategories].sort()]));
  const ours = Object.fromEntries(Object.entries(appleCategories).map(([name, subs]) => [name, [...subs].sort()]));
  assert.deepEqual(ours, theirs);
});

test('every Apple category and "Parent/Sub" pair passes', () => {
  let checked = 0;
  for (const [parent, subs] of Object.entries(appleCategories)) {
    assert.equal(checkCategory(parent), undefined, parent);
    for (const sub of subs) assert.equal(checkCategory(`${parent}/${sub}`), undefined, `${parent}/${sub}`);
    checked += 1 + subs.length;
  }
  assert.ok(checked > 100);
});

test('near misses are refused with the name that was meant', () => {
  const cases: [string, string][] = [
    ['technology', 'Technology'],
    ['Tech', 'Technology'],
    ['Technolgy', 'Technology'],
    ['Society and Culture', 'Society & Culture'],
    ['Tech News', 'News/Tech News'],
    ['Technology/Tech News', 'News/Tech News'],
    ['news/tech news', 'News/Tech News'],
    ['Society & Culture/Documentaries', 'Society & Culture/Documentary'],
    ['TV and Film/Film Reviews', 'TV & Film/Film Reviews'],
  ];
  for (const [given, meant] of cases) {
    const message = checkCategory(given);
    assert.ok(message, `${given} should be refused`);
    assert.ok(message.includes(`"${given}"`), message);
    assert.ok(message.includes(`did you mean "${meant}"`), `${given}: ${message}`);
  }
});

test('names far from any category are refused without a made-up suggestion', () => {
  for (const given of ['Podcasts', 'Underwater Basket Weaving', 'News/Tech News/AI', 'toString', '']) {
    const message = checkCategory(given);
    assert.ok(message, `${JSON.stringify(given)} should be refused`);
    if (given !== 'News/Tech News/AI') assert.doesNotMatch(message, /did you mean/, message);
  }
  assert.match(checkCategory('News/Tech News/AI')!, /one sub-category level/);
});
