import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { htmlErrors } from '../pages/html-check.js';
import { needTool, runCli, sampleShowDir } from '../support/env.js';

async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcaster-build-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The CLI with its caches in the test's temp folder. */
const cli = (dir: string, args: string[]) => runCli(args, { env: { NETCASTER_CACHE_DIR: path.join(dir, 'cache') } });

/** A copy of the sample show to break. */
async function copyOfSample(dir: string): Promise<string> {
  const show = path.join(dir, 'show');
  await fs.cp(sampleShowDir, show, { recursive: true });
  return show;
}

async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(path.relative(dir, path.join(entry.parentPath, entry.name)), await fs.readFile(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

test('build without --out is a usage error (exit 2)', async (t) => {
  const dir = await tempDir(t);
  const r = cli(dir, ['build', sampleShowDir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out/);
});

test('build with a base URL that is not http(s) is a usage error (exit 2)', async (t) => {
  const dir = await tempDir(t);
  const r = cli(dir, ['build', sampleShowDir, '--out', path.join(dir, 'out'), '--base-url', 'ftp://x.example']);
  assert.equal(r.code, 2, r.stderr);
  await assert.rejects(fs.stat(path.join(dir, 'out')));
});

test('build without any base URL (no flag, none in show.yaml) exits 2', async (t) => {
  const dir = await tempDir(t);
  const show = await copyOfSample(dir);
  const yaml = await fs.readFile(path.join(show, 'show.yaml'), 'utf8');
  await fs.writeFile(path.join(show, 'show.yaml'), yaml.replace(/^baseUrl:.*\n/m, ''));
  const r = cli(dir, ['build', show, '--out', path.join(dir, 'out')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /base URL/);
  await assert.rejects(fs.stat(path.join(dir, 'out')));
});

test('build writes the sample show as a static site, and a rebuild is byte-identical', async (t) => {
  const dir = await tempDir(t);
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
  assert.deepEqual(files.get(path.join('media', '046-the-mega-edition', 'virtzine-046.mp3')), await fs.readFile(path.join(sampleShowDir, '046-the-mega-edition', 'virtzine-046.mp3')));
  // Static hosts cannot send Content-Disposition: Download links use the download attribute.
  const page = files.get(path.join('episodes', '046-the-mega-edition', 'index.html'))!.toString();
  assert.match(page, /<a class="button secondary" href="..\/..\/media\/046-the-mega-edition\/virtzine-046.m4v" download="virtzine-046.m4v">Download M4V Video<\/a>/);
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
  const dir = await tempDir(t);
  const out = path.join(dir, 'out');
  assert.equal(cli(dir, ['build', sampleShowDir, '--out', out]).code, 0);
  for (const [name, bytes] of await snapshot(out)) {
    if (name.endsWith('.html')) assert.deepEqual(htmlErrors(bytes.toString()), [], name);
  }
});

test('--base-url and --media-base-url set the feed and enclosure URLs', async (t) => {
  const dir = await tempDir(t);
  const out = path.join(dir, 'out');
  const r = cli(dir, ['build', sampleShowDir, '--out', out, '--base-url', 'https://pod.example/vz/', '--media-base-url', 'https://cdn.example/media']);
  assert.equal(r.code, 0, r.stderr);
  const feed = await fs.readFile(path.join(out, 'feeds', 'video.xml'), 'utf8');
  assert.match(feed, /<enclosure url="https:\/\/cdn\.example\/media\/046-the-mega-edition\/virtzine-046\.m4v"/);
  assert.match(feed, /https:\/\/pod\.example\/vz\/episodes\/046-the-mega-edition\//);
  const home = await fs.readFile(path.join(out, 'index.html'), 'utf8');
  assert.ok(home.includes('value="https://pod.example/vz/feeds/audio.xml"'));
});

test('a broken show is not published: exit 1, problems printed, the earlier OUT untouched', async (t) => {
  const dir = await tempDir(t);
  const show = await copyOfSample(dir);
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
  const dir = await tempDir(t);
  const show = await copyOfSample(dir);
  await fs.rm(path.join(show, '046-the-mega-edition', 'virtzine-046.webm'));
  const out = path.join(dir, 'out');
  const r = cli(dir, ['build', show, '--out', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /virtzine-046\.webm/);
  await assert.rejects(fs.stat(out));
});

test('a show folder that does not exist exits 1', async (t) => {
  const dir = await tempDir(t);
  const r = cli(dir, ['build', path.join(dir, 'nope'), '--out', path.join(dir, 'out')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no such show folder/);
});
