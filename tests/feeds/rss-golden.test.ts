// The audio and video feeds of one fixed in-memory catalog at a fixed `now`, compared whole, byte
// for byte, with the committed files in tests/feeds/golden/. Any change to what a feed says shows
// here as a diff to read (the per-tag tests in rss.test.ts say why each tag is what it is).
//
// UPDATE_GOLDEN=1 rewrites the files instead (never in CI, where a difference always fails); read
// the diff before committing it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderFeed } from '../../src/feeds/rss.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { repoRoot } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureCatalog } from '../support/catalog-fixture.js';

const goldenDir = path.join(repoRoot, 'tests', 'feeds', 'golden');

/** The builders' fixture catalog with every show-level field a feed can carry filled in. */
function goldenCatalog(): Catalog {
  const catalog = fixtureCatalog('/show');
  return {
    ...catalog,
    show: {
      ...catalog.show,
      owner: { name: 'The Crew', email: 'crew@virtzine.example' },
      categories: ['Technology', 'News/Tech News'],
      copyright: '© 2024 The Crew',
      locked: true,
      funding: [{ url: 'https://virtzine.example/support', text: 'Support the show' }],
      persons: [{ name: 'Ada Host', role: 'host', href: 'https://virtzine.example/ada' }],
      hubs: ['https://pubsubhubbub.appspot.com/'],
      feeds: catalog.show.feeds.map((f) => (f.name === 'audio' ? { ...f, guid: '917393e3-1b1e-5cef-ace4-edaa54e1f810' } : f)),
    },
  };
}

const update = process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true';

for (const name of ['audio', 'video']) {
  test(`the ${name} feed of the fixed catalog is, byte for byte, tests/feeds/golden/${name}.xml`, () => {
    const catalog = goldenCatalog();
    const feed = catalog.show.feeds.find((f) => f.name === name)!;
    const xml = renderFeed(catalog, feed, { baseUrl: 'https://virtzine.example', now: fixedNow, artwork: fixtureArtwork(catalog) });
    const file = path.join(goldenDir, `${name}.xml`);
    if (update) fs.writeFileSync(file, xml);
    assert.equal(
      xml,
      fs.readFileSync(file, 'utf8'),
      `differs from ${path.relative(repoRoot, file)} (UPDATE_GOLDEN=1 rewrites it, then read the diff)`,
    );
  });
}
