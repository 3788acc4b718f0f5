import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { htmlErrors } from '../support/html-check.js';
import { needTool, runCli, sampleShowDir } from '../support/env.js';
import { withTmpfs } from '../support/tmpfs.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';
import { treeContents } from '../support/tree.js';

let warmCache: string | undefined;

/**
 * The sample show's caches (facts, hashes, artwork), made by one build for this whole file: a build
 * from cold caches takes seconds of probing, hashing and resizing that these tests are not about.
 * Cold builds are tested where they matter (hostile-show, e2e).
 */
function sampleCaches(): string {
  if (!warmCache) {
    warmCache = tempDir('build-cache');
    const r = runCli(['build', sampleShowDir, '--out', path.join(tempDir('build-cache-out'), 'out')], {
      env: { NETCASTER_CACHE_DIR: warmCache },
    });
    assert.equal(r.code, 0, r.stderr);
  }
  return warmCache;
}

/** The CLI with its caches in the test's temp folder, starting from a copy of the sample show's. */
const cli = (dir: string, args: string[]) => {
  const cache = path.join(dir, 'cache');
  if (!existsSync(cache)) cpSync(sampleCaches(), cache, { recursive: true });
  return runCli(args, { env: { NETCASTER_CACHE_DIR: cache } });
};

async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files.set(path.relative(dir, path.join(entry.parentPath, entry.name)), await fs.readFile(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

test('build without --out is a usage error (exit 2)', async (t) => {
  const dir = tempDir('build', t);
  const r = cli(dir, ['build', sampleShowDir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out/);
});

test('build with a base URL that is not http(s) is a usage error (exit 2)', async (t) => {
  const dir = tempDir('build', t);
  const r = cli(dir, ['build', sampleShowDir, '--out', path.join(dir, 'out'), '--base-url', 'ftp://x.example']);
  assert.equal(r.code, 2, r.stderr);
  await assert.rejects(fs.stat(path.join(dir, 'out')));
});

test('build without any base URL (no flag, none in show.yaml) exits 2', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const yaml = await fs.readFile(path.join(show, 'show.yaml'), 'utf8');
  await fs.writeFile(path.join(show, 'show.yaml'), yaml.replace(/^baseUrl:.*\n/m, ''));
  const r = cli(dir, ['build', show, '--out', path.join(dir, 'out')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /base URL/);
  await assert.rejects(fs.stat(path.join(dir, 'out')));
});

test('build writes the sample show as a static site, and a rebuild is byte-identical', async (t) => {
  const dir = tempDir('build', t);
  const out = path.join(dir, 'out');
  const r = cli(dir, ['build', sampleShowDir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Built VirtZine: 2 episodes published, \d+ files written to .*out\n$/);
  const files = await snapshot(out);
  for (const f of [
    'index.html',
    '404.html',
    'episodes/046-the-mega-edition/index.html',
    'episodes/046-the-mega-edition/chapters.json',
    'episodes/047-clouds-have-outages-too/index.html',
    'feeds/video.xml',
    'feeds/audio.xml',
    'media/046-the-mega-edition/virtzine-046.m4v',
    'media/046-the-mega-edition/virtzine-046.webm',
    'media/046-the-mega-edition/virtzine-046.mp3',
    'media/047-clouds-have-outages-too/transcript.vtt',
    'static/style.css',
    'static/player.js',
  ]) {
    assert.ok(files.has(f.split('/').join(path.sep)), f);
  }
  assert.equal(Number(/(\d+) files written/.exec(r.stdout)![1]), files.size);
  assert.deepEqual(
    files.get(path.join('media', '046-the-mega-edition', 'virtzine-046.mp3')),
    await fs.readFile(path.join(sampleShowDir, '046-the-mega-edition', 'virtzine-046.mp3')),
  );
  // Static hosts cannot send Content-Disposition: Download links use the download attribute.
  const page = files.get(path.join('episodes', '046-the-mega-edition', 'index.html'))!.toString();
  assert.match(
    page,
    /<a class="button secondary" href="..\/..\/media\/046-the-mega-edition\/virtzine-046.m4v" download="virtzine-046.m4v">Download M4V Video<\/a>/,
  );
  assert.ok(!page.includes('/download/'));
  // Every artwork URL a page uses is in the output.
  for (const name of ['index.html', path.join('episodes', '047-clouds-have-outages-too', 'index.html')]) {
    const html = files.get(name)!.toString();
    for (const m of html.matchAll(/(?:src|srcset|poster)="((?:\.\.\/)*artwork\/[^"]+)"/g)) {
      assert.ok(files.has(path.join('artwork', path.basename(m[1]))), `${name} uses ${m[1]}`);
    }
  }

  const again = cli(dir, ['build', sampleShowDir, '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await snapshot(out), files);
});

test('built pages are well-formed HTML (xmllint)', async (t) => {
  if (!needTool(t, 'xmllint')) return;
  const dir = tempDir('build', t);
  const out = path.join(dir, 'out');
  assert.equal(cli(dir, ['build', sampleShowDir, '--out', out]).code, 0);
  for (const [name, bytes] of await snapshot(out)) {
    if (name.endsWith('.html')) assert.deepEqual(htmlErrors(bytes.toString()), [], name);
  }
});

test('--base-url and --media-base-url set the feed and enclosure URLs', async (t) => {
  const dir = tempDir('build', t);
  const out = path.join(dir, 'out');
  const r = cli(dir, [
    'build',
    sampleShowDir,
    '--out',
    out,
    '--base-url',
    'https://pod.example/vz/',
    '--media-base-url',
    'https://cdn.example/media',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const feed = await fs.readFile(path.join(out, 'feeds', 'video.xml'), 'utf8');
  assert.match(feed, /<enclosure url="https:\/\/cdn\.example\/media\/046-the-mega-edition\/virtzine-046\.m4v"/);
  assert.match(feed, /https:\/\/pod\.example\/vz\/episodes\/046-the-mega-edition\//);
  const home = await fs.readFile(path.join(out, 'index.html'), 'utf8');
  assert.ok(home.includes('value="https://pod.example/vz/feeds/audio.xml"'));
});

test('a broken show is not published: exit 1, problems printed, the earlier OUT untouched', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const out = path.join(dir, 'out');
  assert.equal(cli(dir, ['build', show, '--out', out]).code, 0);
  const before = await snapshot(out);

  const manifest = path.join(show, '047-clouds-have-outages-too', 'episode.yaml');
  await fs.writeFile(manifest, (await fs.readFile(manifest, 'utf8')).replace(/^title:/m, 'tittle:'));
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /047-clouds-have-outages-too\/episode\.yaml/);
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /, 'no stack trace');
  assert.deepEqual(await snapshot(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show'], 'no temp folder left beside OUT');
});

test('a show with a missing media file is not published and OUT is not created', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  await fs.rm(path.join(show, '046-the-mega-edition', 'virtzine-046.webm'));
  const out = path.join(dir, 'out');
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /virtzine-046\.webm/);
  await assert.rejects(fs.stat(out));
});

test('a show folder that does not exist exits 1', async (t) => {
  const dir = tempDir('build', t);
  const r = cli(dir, ['build', path.join(dir, 'nope'), '--out', path.join(dir, 'out')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such show folder/);
});

// --- Hostile OUT folders: nothing netcaster did not write is ever deleted (issue 11). ---

test('build --out an unrelated folder with files in it refuses (exit 2) and deletes nothing', async (t) => {
  const dir = tempDir('build', t);
  const documents = path.join(dir, 'Documents');
  await fs.mkdir(path.join(documents, 'taxes'), { recursive: true });
  await fs.writeFile(path.join(documents, 'taxes', '2025.pdf'), 'irreplaceable');
  await fs.writeFile(path.join(documents, 'notes.txt'), 'mine');
  const before = await treeContents(documents);
  const r = cli(dir, ['build', sampleShowDir, '--out', documents]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /Documents is a folder with files in it that netcaster did not write/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(await treeContents(documents), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['Documents', 'cache'], "no temp folder beside it (cache: the test's own)");
});

test('build --out an episode folder inside the show refuses (exit 2): its episode.yaml and notes stay', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const before = await treeContents(show);
  const r = cli(dir, ['build', show, '--out', path.join(show, '046-the-mega-edition')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /is inside the show folder/);
  assert.deepEqual(await treeContents(show), before);
});

test('build --out a folder inside the show that does not exist yet refuses (exit 2) and creates nothing', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const before = await treeContents(show);
  const r = cli(dir, ['build', show, '--out', path.join(show, 'site')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /is inside the show folder/);
  assert.deepEqual(await treeContents(show), before);
});

test("build --out the show's parent spelled through a symlink refuses (exit 2): the show is still there", async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const alias = path.join(dir, 'alias');
  await fs.symlink(dir, alias);
  const before = await treeContents(show);
  const r = cli(dir, ['build', show, '--out', alias]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /contains the show folder/);
  assert.deepEqual(await treeContents(show), before);
});

test('build --out the show itself through a symlink refuses (exit 2)', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const alias = path.join(dir, 'alias');
  await fs.symlink(show, alias);
  const before = await treeContents(show);
  const r = cli(dir, ['build', alias, '--out', show]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /the show folder itself/);
  assert.deepEqual(await treeContents(show), before);
});

test('build --out a file says "not a folder" (exit 2) and leaves the file', async (t) => {
  const dir = tempDir('build', t);
  const file = path.join(dir, 'site');
  await fs.writeFile(file, 'precious');
  const r = cli(dir, ['build', sampleShowDir, '--out', file]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /not a folder/);
  assert.equal(await fs.readFile(file, 'utf8'), 'precious');
});

test('build --out a symlink to a folder writes the site there and keeps the link, build after build', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const www = path.join(dir, 'www');
  await fs.mkdir(www);
  const out = path.join(dir, 'out');
  await fs.symlink(www, out);
  assert.equal(cli(dir, ['build', show, '--out', out]).code, 0);
  const notes = path.join(show, '047-clouds-have-outages-too', 'notes.md');
  await fs.appendFile(notes, '\nA line added after the first build.\n');
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await fs.lstat(out)).isSymbolicLink());
  assert.match(
    await fs.readFile(path.join(www, 'episodes', '047-clouds-have-outages-too', 'index.html'), 'utf8'),
    /A line added after the first build/,
  );
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show', 'www']);
});

test('build exports a media file that is a symlink inside the show as its real bytes', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const episode = path.join(show, '046-the-mega-edition');
  await fs.rename(path.join(episode, 'virtzine-046.mp3'), path.join(episode, 'take-2.mp3'));
  await fs.symlink('take-2.mp3', path.join(episode, 'virtzine-046.mp3'));
  const out = path.join(dir, 'out');
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const exported = path.join(out, 'media', '046-the-mega-edition', 'virtzine-046.mp3');
  assert.ok((await fs.lstat(exported)).isFile(), 'a regular file, not a link that dangles on the web server');
  assert.deepEqual(await fs.readFile(exported), await fs.readFile(path.join(sampleShowDir, '046-the-mega-edition', 'virtzine-046.mp3')));
});

test('build --out a mount point (a Docker volume, a web root) writes the site, build after build', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const out = path.join(dir, 'out');
  await fs.mkdir(out);
  await withTmpfs(t, out, '8m', async () => {
    assert.equal(cli(dir, ['build', show, '--out', out]).code, 0);
    await fs.writeFile(path.join(out, 'robots.txt'), 'User-agent: *\n');
    await fs.appendFile(path.join(show, '047-clouds-have-outages-too', 'notes.md'), '\nA line added after the first build.\n');
    const r = cli(dir, ['build', show, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      await fs.readFile(path.join(out, 'episodes', '047-clouds-have-outages-too', 'index.html'), 'utf8'),
      /A line added after the first build/,
    );
    assert.equal(await fs.readFile(path.join(out, 'robots.txt'), 'utf8'), 'User-agent: *\n', 'a file netcaster did not write stays');
    assert.deepEqual(
      (await fs.readdir(out)).filter((n) => n.startsWith('.netcaster-') && !['.netcaster-export.json', '.netcaster-build'].includes(n)),
      [],
    );
  });
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('a full disk leaves the previous site exactly as it was, no temp folder, and says the disk is full', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  // Room for one site but not for a second beside it: the site's size in tmpfs pages, and half again.
  const measure = path.join(dir, 'measure');
  assert.equal(cli(dir, ['build', show, '--out', measure]).code, 0);
  let pages = 0;
  for (const entry of await fs.readdir(measure, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) pages += Math.ceil((await fs.stat(path.join(entry.parentPath, entry.name))).size / 4096);
  }
  await fs.rm(measure, { recursive: true });
  const out = path.join(dir, 'out');
  await fs.mkdir(out);
  await withTmpfs(t, out, `${Math.ceil(pages * 1.5) * 4}k`, async () => {
    assert.equal(cli(dir, ['build', show, '--out', out]).code, 0);
    const before = await treeContents(out);
    await fs.appendFile(path.join(show, '047-clouds-have-outages-too', 'notes.md'), '\nA line added after the first build.\n');
    const r = cli(dir, ['build', show, '--out', out]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /the disk is full/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    assert.deepEqual(await treeContents(out), before);
  });
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});

test('while another netcaster is writing OUT, build exits 1 and says so, and OUT is left as it was', async (t) => {
  const dir = tempDir('build', t);
  const show = copyOfSample(path.join(dir, 'show'));
  const out = path.join(dir, 'out');
  assert.equal(cli(dir, ['build', show, '--out', out]).code, 0);
  await fs.appendFile(path.join(show, '047-clouds-have-outages-too', 'notes.md'), '\nA line added after the first build.\n');
  // This test's own process stands for the other netcaster: it is alive while the build runs.
  await fs.writeFile(path.join(out, '.netcaster-lock'), `${process.pid}\n`);
  const before = await treeContents(out);
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`another netcaster \\(process ${process.pid}\\) is writing`));
  assert.deepEqual(await treeContents(out), before);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['cache', 'out', 'show']);
});
