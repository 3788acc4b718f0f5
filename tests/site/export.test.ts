import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportSite, fileForUrlPath, readPublicFiles } from '../../src/site/export.js';
import { buildSiteMap } from '../../src/site/map.js';
import type { SiteMap } from '../../src/site/types.js';
import { fixedNow, fixtureArtwork, fixtureCatalog, publicFiles, writeFixtureFiles } from '../pages/fixture.js';

async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcaster-export-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function fixtureSite(dir: string): Promise<SiteMap> {
  const catalog = fixtureCatalog(path.join(dir, 'show'));
  const artwork = fixtureArtwork(catalog, path.join(dir, 'cache'));
  await writeFixtureFiles(catalog, artwork);
  return buildSiteMap(catalog, { baseUrl: 'https://virtzine.example', now: fixedNow, artwork, downloadLinks: 'attribute', publicFiles });
}

/** Relative path -> bytes of every file under dir. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, abs), await fs.readFile(abs));
  }
  return files;
}

test('URL paths map to files: / is index.html, folders get index.html, segments are decoded', () => {
  assert.equal(fileForUrlPath('/'), 'index.html');
  assert.equal(fileForUrlPath('/episodes/x/'), path.join('episodes', 'x', 'index.html'));
  assert.equal(fileForUrlPath('/media/a%20b/c%26d.mp3'), path.join('media', 'a b', 'c&d.mp3'));
  assert.throws(() => fileForUrlPath('/media/../../etc/passwd'), /unsafe site path/);
  assert.throws(() => fileForUrlPath('/media/%2E%2E/x'), /unsafe site path/);
  assert.throws(() => fileForUrlPath('/media/a%2Fb'), /unsafe site path/);
});

test('every entry is written under its URL path, plus 404.html', async (t) => {
  const dir = await tempDir(t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  const { files } = await exportSite(site, out);
  const written = await snapshot(out);
  assert.equal(written.size, site.size + 1);
  assert.equal(files, written.size);
  for (const [urlPath, entry] of site) {
    const bytes = written.get(fileForUrlPath(urlPath));
    assert.ok(bytes, urlPath);
    if (entry.kind === 'content') assert.equal(bytes.toString('utf8'), entry.body, urlPath);
    else assert.deepEqual(bytes, await fs.readFile(entry.path), urlPath);
  }
  assert.match(written.get('404.html')!.toString(), /Not found/);
  assert.ok(written.has(path.join('episodes', '046-the-mega-edition', 'index.html')));
  assert.ok(written.has(path.join('media', '046-the-mega-edition', 'virtzine-046.m4v')));
  // Nothing left beside OUT.
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('media are hard-linked where the file system allows', async (t) => {
  const dir = await tempDir(t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  const [a, b] = await Promise.all([fs.stat(entry.path), fs.stat(path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3'))]);
  assert.equal(a.ino, b.ino);
});

test('a rebuild of an unchanged show writes byte-identical files and drops stale ones', async (t) => {
  const dir = await tempDir(t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const first = await snapshot(out);
  await fs.writeFile(path.join(out, 'stale.html'), 'left from an older build');
  await exportSite(await fixtureSite(dir), out);
  assert.deepEqual(await snapshot(out), first);
});

test('a failing export keeps the previous output intact and leaves no temp folder', async (t) => {
  const dir = await tempDir(t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const before = await snapshot(out);
  site.set('/media/045-audio-only/gone.mp3', { kind: 'file', contentType: 'audio/mpeg', path: path.join(dir, 'no-such-file.mp3'), size: 1, mtimeMs: 0 });
  site.set('/', { kind: 'content', contentType: 'text/html', body: 'a new home page that must not appear' });
  await assert.rejects(exportSite(site, out), /no-such-file\.mp3/);
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('entries that come later (a build\'s feeds, waiting for hashes) are written into the same swap', async (t) => {
  const dir = await tempDir(t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  const feed = site.get('/feeds/video.xml')!;
  site.delete('/feeds/video.xml');
  let release!: (later: SiteMap) => void;
  const later = new Promise<SiteMap>((resolve) => (release = resolve));
  const exporting = exportSite(site, out, later);
  // Everything else is written while the feed is still to come; OUT does not exist yet.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(fs.stat(out));
  release(new Map([['/feeds/video.xml', feed]]));
  const { files } = await exporting;
  const written = await snapshot(out);
  assert.equal(files, site.size + 2);
  assert.equal(written.get(path.join('feeds', 'video.xml'))?.toString('utf8'), feed.kind === 'content' ? feed.body : undefined);
});

test('when the later entries fail, the previous output is kept and no temp folder is left', async (t) => {
  const dir = await tempDir(t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  const before = await snapshot(out);
  await assert.rejects(exportSite(await fixtureSite(dir), out, Promise.reject(new Error('a file to hash went missing'))), /went missing/);
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('an OUT that is a file is not replaced', async (t) => {
  const dir = await tempDir(t);
  const out = path.join(dir, 'out');
  await fs.writeFile(out, 'precious');
  await assert.rejects(exportSite(await fixtureSite(dir), out), /not a folder/);
  assert.equal(await fs.readFile(out, 'utf8'), 'precious');
});

test('readPublicFiles reads the style sheet and player script shipped in public/', async () => {
  const files = await readPublicFiles();
  assert.deepEqual(Object.keys(files).sort(), ['player.js', 'style.css']);
  assert.match(files['style.css'], /:focus-visible/);
  assert.match(files['player.js'], /localStorage/);
});
