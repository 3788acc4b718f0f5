// SitePipeline: catalog -> artwork variants -> routes, and which images it reads when.
// The images here are damaged (text where a JPEG was checked): makeVariants then reads the file,
// reports it and keeps its feed variant, so every read of an image shows up as a report, with no
// picture to encode.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../../src/contract/problems.js';
import { SitePipeline } from '../../src/site/pipeline.js';
import { fixedNow, fixtureCatalog } from '../support/catalog-fixture.js';
import { tempDir } from '../support/temp-dir.js';

function setUp(t: TestContext) {
  const dir = tempDir('pipeline', t);
  const catalog = fixtureCatalog(path.join(dir, 'show'));
  for (const image of [catalog.show.artwork, ...catalog.episodes.flatMap((e) => (e.image ? [e.image] : []))]) {
    fs.mkdirSync(path.dirname(image.path), { recursive: true });
    fs.writeFileSync(image.path, `not a picture: ${image.file}\n`);
  }
  const reports: Problem[] = [];
  const pipeline = new SitePipeline({ artworkDir: () => path.join(dir, 'artwork'), report: (p) => reports.push(p) });
  const options = { baseUrl: 'https://virtzine.example', now: fixedNow, downloadLinks: 'route' as const };
  const readImages = () => reports.splice(0).map((p) => path.basename(p.file));
  return { catalog, pipeline, options, readImages };
}

test('a site has the routes of the published show, the public files, and variants of published images only', async (t) => {
  const { catalog, pipeline, options, readImages } = setUp(t);
  const { site, mapOptions } = await pipeline.site(catalog, options);
  assert.ok(site.has('/'));
  assert.ok(site.has('/feeds/audio.xml'));
  assert.ok(mapOptions.publicFiles['style.css']?.length);
  assert.deepEqual(readImages().sort(), ['artwork.jpg', 'cover.jpg'], 'not the scheduled episode image');
  assert.deepEqual([...mapOptions.artwork.keys()].sort(), [catalog.show.artwork.path, catalog.episodes[2].image!.path].sort());
  assert.equal(mapOptions.now, fixedNow);
});

test('an image whose facts did not change is not read again, whatever the file on disk has become', async (t) => {
  const { catalog, pipeline, options, readImages } = setUp(t);
  const first = await pipeline.site(catalog, options);
  readImages();
  // The file is replaced (a link elsewhere, anything) while the show waits at its last good version.
  fs.writeFileSync(catalog.show.artwork.path, 'replaced since it was checked');
  const second = await pipeline.site(catalog, options);
  assert.deepEqual(readImages(), []);
  assert.deepEqual(second.mapOptions.artwork, first.mapOptions.artwork);
});

test('an image with new facts is read again, and a scheduled one when it comes due', async (t) => {
  const { catalog, pipeline, options, readImages } = setUp(t);
  await pipeline.site(catalog, options);
  readImages();
  const edited = {
    ...catalog,
    show: { ...catalog.show, artwork: { ...catalog.show.artwork, mtimeMs: catalog.show.artwork.mtimeMs + 1000 } },
  };
  await pipeline.site(edited, options);
  assert.deepEqual(readImages(), ['artwork.jpg']);
  const { mapOptions } = await pipeline.site(edited, { ...options, now: new Date('2030-01-02T00:00:00Z') });
  assert.deepEqual(readImages(), ['future.jpg']);
  assert.equal(mapOptions.artwork.size, 3);
});
