import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExportInterrupted, exportSite, fileForUrlPath, readPublicFiles } from '../../src/site/export.js';
import { spawnSync } from 'node:child_process';
import { EXPORT_MARKER, LOCK_FILE, OutDirBusy, OutDirRefused, STAGE_OWNER } from '../../src/site/out-dir.js';
import { buildRoutes } from '../../src/site/routes.js';
import type { SiteRoutes } from '../../src/site/types.js';
import { fixedNow, fixtureArtwork, fixtureCatalog, publicFiles, writeFixtureFiles } from '../support/catalog-fixture.js';
import { tempDir } from '../support/temp-dir.js';

async function fixtureSite(dir: string): Promise<SiteRoutes> {
  const catalog = fixtureCatalog(path.join(dir, 'show'));
  const artwork = fixtureArtwork(catalog, path.join(dir, 'cache'));
  await writeFixtureFiles(catalog, artwork);
  return buildRoutes(catalog, { baseUrl: 'https://virtzine.example', now: fixedNow, artwork, downloadLinks: 'attribute', publicFiles });
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
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  const { files } = await exportSite(site, out);
  const written = await snapshot(out);
  assert.equal(written.size, site.size + 2, 'every entry, 404.html, and the marker');
  assert.equal(files, written.size);
  for (const [urlPath, entry] of site) {
    const bytes = written.get(fileForUrlPath(urlPath));
    assert.ok(bytes, urlPath);
    if (entry.kind === 'content') assert.equal(bytes.toString('utf8'), entry.body, urlPath);
    else assert.deepEqual(bytes, await fs.readFile(entry.path), urlPath);
  }
  assert.match(written.get('404.html')!.toString(), /Not found/);
  // The marker lists every file the export wrote, and nothing else.
  assert.deepEqual(
    JSON.parse(written.get(EXPORT_MARKER)!.toString()).files,
    [...written.keys()].map((f) => f.split(path.sep).join('/')).sort(),
  );
  assert.ok(written.has(path.join('episodes', '046-the-mega-edition', 'index.html')));
  assert.ok(written.has(path.join('media', '046-the-mega-edition', 'virtzine-046.m4v')));
  // Nothing left beside OUT.
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('media are hard-linked where the file system allows', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  const [a, b] = await Promise.all([fs.stat(entry.path), fs.stat(path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3'))]);
  assert.equal(a.ino, b.ino);
});

test('a rebuild of an unchanged show writes byte-identical files', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const first = await snapshot(out);
  await exportSite(await fixtureSite(dir), out);
  assert.deepEqual(await snapshot(out), first);
});

test('a rebuild removes what the previous export wrote and this one does not, and keeps every file netcaster did not write', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  // Files put there by hand: at the top, inside a folder the site replaces, and an empty folder.
  await fs.writeFile(path.join(out, 'CNAME'), 'pod.example');
  await fs.writeFile(path.join(out, 'media', '045-audio-only', 'bonus.mp3'), "the podcaster's own file");
  await fs.mkdir(path.join(out, '.well-known'));
  const site = await fixtureSite(dir);
  for (const urlPath of [...site.keys()]) if (urlPath.includes('045-audio-only')) site.delete(urlPath);
  await exportSite(site, out);
  const after = await snapshot(out);
  assert.equal(after.get('CNAME')?.toString(), 'pod.example');
  assert.equal(after.get(path.join('media', '045-audio-only', 'bonus.mp3'))?.toString(), "the podcaster's own file");
  assert.ok((await fs.stat(path.join(out, '.well-known'))).isDirectory());
  assert.equal(after.has(path.join('media', '045-audio-only', 'virtzine-045.mp3')), false, "the withdrawn episode's media is gone");
  await assert.rejects(fs.stat(path.join(out, 'episodes', '045-audio-only')), 'its page folder too');
  const marker: string[] = JSON.parse(after.get(EXPORT_MARKER)!.toString()).files;
  assert.ok(!marker.includes('CNAME') && !marker.some((f) => f.includes('045-audio-only')));
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
  assert.deepEqual(
    (await fs.readdir(out)).filter((n) => n.startsWith('.netcaster-') && n !== EXPORT_MARKER),
    [],
  );
});

test('an OUT from a version before the marker (only its .netcaster-build stamp) is rebuilt; its other files stay', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  await fs.rm(path.join(out, EXPORT_MARKER));
  await fs.writeFile(path.join(out, '.netcaster-build'), 'netcaster build 0123\n');
  await fs.writeFile(path.join(out, 'CNAME'), 'pod.example');
  const site = await fixtureSite(dir);
  for (const urlPath of [...site.keys()]) if (urlPath.includes('045-audio-only')) site.delete(urlPath);
  await exportSite(site, out);
  const after = await snapshot(out);
  assert.equal(after.get('CNAME')?.toString(), 'pod.example');
  assert.equal(after.has(path.join('media', '045-audio-only', 'virtzine-045.mp3')), false, "the old layout's media folder was its own");
  assert.equal(after.has('.netcaster-build'), false, 'the old stamp was its own');
  assert.ok(after.has(EXPORT_MARKER));
});

test('a folder with files that netcaster did not write is refused and left alone', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'Documents');
  await fs.mkdir(path.join(out, 'taxes'), { recursive: true });
  await fs.writeFile(path.join(out, 'taxes', '2025.pdf'), 'irreplaceable');
  await fs.writeFile(path.join(out, 'index.html'), 'my own home page');
  await assert.rejects(exportSite(await fixtureSite(dir), out), (err) => err instanceof OutDirRefused && /did not write/.test(err.message));
  assert.deepEqual([...(await snapshot(out)).keys()].sort(), ['index.html', path.join('taxes', '2025.pdf')]);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['Documents', 'cache', 'show']);
});

test('an empty folder is written into', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await fs.mkdir(out);
  await exportSite(await fixtureSite(dir), out);
  assert.ok((await fs.stat(path.join(out, 'index.html'))).isFile());
  await exportSite(await fixtureSite(dir), out);
  assert.deepEqual(
    (await fs.readdir(out)).filter((n) => n.startsWith('.netcaster-')),
    [EXPORT_MARKER],
    'no working folder left inside OUT',
  );
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('a file netcaster did not write where the new site needs its place is refused, and OUT is kept', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  const site = await fixtureSite(dir);
  const feed = site.get('/feeds/audio.xml')!;
  site.delete('/feeds/audio.xml');
  await exportSite(site, out);
  await fs.writeFile(path.join(out, 'feeds', 'audio.xml'), 'a feed someone wrote by hand');
  const before = await snapshot(out);
  site.set('/feeds/audio.xml', feed);
  await assert.rejects(exportSite(site, out), (err) => err instanceof OutDirRefused && /feeds\/audio\.xml/.test(err.message));
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('an OUT that is a symlink to a folder stays a symlink, and the site is written where it points', async (t) => {
  const dir = tempDir('export', t);
  const real = path.join(dir, 'www');
  await fs.mkdir(real);
  const out = path.join(dir, 'out');
  await fs.symlink(real, out);
  await exportSite(await fixtureSite(dir), out);
  const site = await fixtureSite(dir);
  site.set('/', { kind: 'content', contentType: 'text/html', body: 'second build' });
  await exportSite(site, out);
  assert.ok((await fs.lstat(out)).isSymbolicLink());
  assert.equal(await fs.readFile(path.join(real, 'index.html'), 'utf8'), 'second build');
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show', 'www']);
});

test('a symlink to a folder that does not exist is refused', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await fs.symlink(path.join(dir, 'nowhere'), out);
  await assert.rejects(
    exportSite(await fixtureSite(dir), out),
    (err) => err instanceof OutDirRefused && /does not exist/.test(err.message),
  );
  await assert.rejects(fs.stat(path.join(dir, 'nowhere')));
});

test('a media file that is a symlink is exported as the bytes it points at, never as a link', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  const bytes = await fs.readFile(entry.path);
  await fs.rename(entry.path, `${entry.path}.real`);
  await fs.symlink(path.basename(`${entry.path}.real`), entry.path); // relative, as a podcaster would make it
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const exported = path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3');
  assert.ok((await fs.lstat(exported)).isFile(), 'a regular file');
  assert.deepEqual(await fs.readFile(exported), bytes);
});

test('a media file reached through a folder that is a symlink is exported as a hard link to the file itself', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  await fs.symlink(path.dirname(entry.path), path.join(dir, 'folder-link'));
  site.set('/media/045-audio-only/virtzine-045.mp3', { ...entry, path: path.join(dir, 'folder-link', path.basename(entry.path)) });
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const exported = path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3');
  assert.ok((await fs.lstat(exported)).isFile(), 'a regular file, not a link');
  assert.equal((await fs.stat(exported)).ino, (await fs.stat(entry.path)).ino, 'a hard link to the file, not a copy');
});

test('a failing export keeps the previous output intact and leaves no temp folder', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const before = await snapshot(out);
  site.set('/media/045-audio-only/gone.mp3', {
    kind: 'file',
    contentType: 'audio/mpeg',
    path: path.join(dir, 'no-such-file.mp3'),
    size: 1,
    mtimeMs: 0,
  });
  site.set('/', { kind: 'content', contentType: 'text/html', body: 'a new home page that must not appear' });
  await assert.rejects(exportSite(site, out), /no-such-file\.mp3/);
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test("entries that come later (a build's feeds, waiting for hashes) are written into the same swap", async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  const feed = site.get('/feeds/video.xml')!;
  site.delete('/feeds/video.xml');
  let release!: (later: SiteRoutes) => void;
  const later = new Promise<SiteRoutes>((resolve) => (release = resolve));
  const exporting = exportSite(site, out, later);
  // Everything else is written while the feed is still to come; OUT does not exist yet.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(fs.stat(out));
  release(new Map([['/feeds/video.xml', feed]]));
  const { files } = await exporting;
  const written = await snapshot(out);
  assert.equal(files, site.size + 3, 'the site, the later feed, 404.html and the marker');
  assert.equal(written.get(path.join('feeds', 'video.xml'))?.toString('utf8'), feed.kind === 'content' ? feed.body : undefined);
});

test('when the later entries fail, the previous output is kept and no temp folder is left', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  const before = await snapshot(out);
  await assert.rejects(exportSite(await fixtureSite(dir), out, Promise.reject(new Error('a file to hash went missing'))), /went missing/);
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('an OUT that is a file is not replaced', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await fs.writeFile(out, 'precious');
  await assert.rejects(exportSite(await fixtureSite(dir), out), /not a folder/);
  assert.equal(await fs.readFile(out, 'utf8'), 'precious');
});

test('a second export into the same OUT while one is writing waits its turn (OutDirBusy) and changes nothing', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  const before = await snapshot(out);
  let release!: (later: SiteRoutes) => void;
  const first = exportSite(await fixtureSite(dir), out, new Promise<SiteRoutes>((resolve) => (release = resolve)));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const second = await fixtureSite(dir);
  second.set('/', { kind: 'content', contentType: 'text/html', body: 'the second export' });
  await assert.rejects(exportSite(second, out), (err) => err instanceof OutDirBusy && /is writing/.test(err.message));
  const during = await snapshot(out);
  assert.ok(during.delete(LOCK_FILE), 'the first export holds the lock');
  assert.deepEqual(during, before, 'the second export touched nothing');
  release(new Map());
  await first;
  await assert.rejects(fs.stat(path.join(out, LOCK_FILE)), 'the lock is released');
  await exportSite(second, out);
  assert.equal(await fs.readFile(path.join(out, 'index.html'), 'utf8'), 'the second export');
});

test('a lock left by a process that is gone is taken over', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  await exportSite(await fixtureSite(dir), out);
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
  await fs.writeFile(path.join(out, LOCK_FILE), `${gone}\n`);
  const site = await fixtureSite(dir);
  site.set('/', { kind: 'content', contentType: 'text/html', body: 'after a crash' });
  await exportSite(site, out);
  assert.equal(await fs.readFile(path.join(out, 'index.html'), 'utf8'), 'after a crash');
  await assert.rejects(fs.stat(path.join(out, LOCK_FILE)));
});

test('readPublicFiles reads the style sheet and player script shipped in public/', async () => {
  const files = await readPublicFiles();
  assert.deepEqual(Object.keys(files).sort(), ['player.js', 'style.css']);
  assert.match(files['style.css'], /:focus-visible/);
  assert.match(files['player.js'], /localStorage/);
});

test('regression: folders are made on the thread pool while pages render; an export that fails meanwhile leaves no temp folder, even one made late', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  const site: SiteRoutes = new Map();
  site.set('/', {
    kind: 'content',
    contentType: 'text/html',
    get body(): string {
      throw new Error('the home page failed to render');
    },
  });
  for (let n = 0; n < 500; n++) site.set(`/episodes/${n}/`, { kind: 'content', contentType: 'text/html', body: `episode ${n}` });
  await assert.rejects(exportSite(site, out), /the home page failed to render/);
  await new Promise((resolve) => setTimeout(resolve, 100)); // a folder made after the cleanup would show by now
  assert.deepEqual(await fs.readdir(dir), []);
});

test('regression: SIGTERM or SIGINT while the site is staged removes the staging folder and the lock, and leaves OUT as it was', async (t) => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const dir = tempDir('export', t);
    const out = path.join(dir, 'out');
    await exportSite(await fixtureSite(dir), out);
    const before = await snapshot(out);
    const listeners = process.listenerCount(signal);
    const next = await fixtureSite(dir);
    next.set('/', { kind: 'content', contentType: 'text/html', body: 'a new home page that must not appear' });
    // The feeds still wait for their hashes when the service manager stops the build.
    const exporting = exportSite(next, out, new Promise<SiteRoutes>(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.emit(signal, signal);
    await assert.rejects(exporting, (err) => err instanceof ExportInterrupted && err.signal === signal);
    assert.deepEqual(await snapshot(out), before, 'OUT is as it was, with no lock left in it');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show'], 'no staging folder beside OUT');
    assert.equal(process.listenerCount(signal), listeners, 'the handlers are gone with the export');
  }
});

test('the staging folder beside OUT names its export (process id, host) from the start; the owner file never reaches OUT', async (t) => {
  const dir = tempDir('export', t);
  const out = path.join(dir, 'out');
  for (const outExists of [false, true]) {
    const exporting = exportSite(await fixtureSite(dir), out, new Promise<SiteRoutes>(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stages = (await fs.readdir(dir)).filter((name) => /^out\.netcaster-tmp-[0-9a-f]{12}$/.test(name));
    assert.equal(stages.length, 1, stages.join(', '));
    assert.equal(await fs.readFile(path.join(dir, stages[0], STAGE_OWNER), 'utf8'), `${process.pid}\n${os.hostname()}\n`);
    process.emit('SIGTERM', 'SIGTERM');
    await assert.rejects(exporting, ExportInterrupted);
    await exportSite(await fixtureSite(dir), out);
    assert.ok(!(await snapshot(out)).has(STAGE_OWNER), `OUT ${outExists ? 'existed' : 'was new'}`);
  }
});

test('regression: a media file swapped for a link out of the show after the check is not exported; OUT is left as it was', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const out = path.join(dir, 'out');
  await exportSite(site, out);
  const before = await snapshot(out);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  // A file outside the show made to look like the checked one: its size and time.
  const secret = path.join(dir, 'secret.mp3');
  await fs.writeFile(secret, Buffer.alloc(entry.size, 's'));
  await fs.utimes(secret, entry.mtimeMs / 1000, entry.mtimeMs / 1000);
  await fs.rm(entry.path);
  await fs.symlink(secret, entry.path);
  await assert.rejects(exportSite(site, out), (err: Error) => err.name === 'FileChanged' && /outside the show/.test(err.message));
  assert.deepEqual(await snapshot(out), before);
});

test('a media file rewritten after the check (another size or time) is not exported as if it were the checked one', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const entry = site.get('/media/046-the-mega-edition/virtzine-046.webm');
  assert.ok(entry?.kind === 'file');
  await fs.appendFile(entry.path, 'more');
  await assert.rejects(
    exportSite(site, path.join(dir, 'out')),
    (err: Error) => err.name === 'FileChanged' && /changed after the check/.test(err.message),
  );
  assert.equal(await fs.stat(path.join(dir, 'out')).catch(() => undefined), undefined, 'no OUT was made');
});

test('onto another file system (no hard links), media are copied byte for byte from the file that was checked', async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  // /dev/shm is a tmpfs on Linux: link(2) from the show's disk fails there with EXDEV.
  const other = await fs.mkdtemp('/dev/shm/netcaster-export-');
  t.after(() => fs.rm(other, { recursive: true, force: true }));
  const out = path.join(other, 'out');
  await exportSite(site, out);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  const exported = path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3');
  assert.notEqual((await fs.stat(exported)).ino, (await fs.stat(entry.path)).ino, 'a copy');
  assert.deepEqual(await fs.readFile(exported), await fs.readFile(entry.path));
});

test("regression: a show's media file others cannot read (mode 600) is exported as a copy others can, the show's own file untouched (a web server gave 403)", async (t) => {
  const dir = tempDir('export', t);
  const site = await fixtureSite(dir);
  const entry = site.get('/media/045-audio-only/virtzine-045.mp3');
  assert.ok(entry?.kind === 'file');
  const source = entry.path;
  await fs.chmod(source, 0o600);
  const other = await fs.mkdtemp('/dev/shm/netcaster-export-');
  t.after(() => fs.rm(other, { recursive: true, force: true }));
  for (const out of [path.join(dir, 'out'), path.join(other, 'out')]) {
    await exportSite(site, out);
    const exported = path.join(out, 'media', '045-audio-only', 'virtzine-045.mp3');
    const shown = await fs.stat(source);
    const put = await fs.stat(exported);
    assert.equal(put.mode & 0o777, 0o644, out);
    assert.notEqual(put.ino, shown.ino, 'a copy, not a link sharing the private mode');
    assert.equal(shown.mode & 0o777, 0o600, "the show's file keeps its mode");
    assert.deepEqual(await fs.readFile(exported), await fs.readFile(source));
  }
});
