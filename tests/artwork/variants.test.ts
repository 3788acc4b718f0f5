// Variants from a real image: named by content, identical bytes on a rerun, nothing rewritten.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { probeImage } from '../../src/artwork/image.js';
import { makeVariants, prepareVariants } from '../../src/artwork/variants.js';
import type { ImageFacts } from '../../src/contract/catalog.js';
import type { ImageVariant } from '../../src/contract/artwork.js';
import { tempDir } from '../support/temp-dir.js';

let dir: string;
let facts: ImageFacts;
test.before(async () => {
  dir = tempDir('variants');
  // A picture with detail, so a wrong resize or encoder would change the bytes.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="1400">
    <rect width="1400" height="1400" fill="#1d4e89"/><circle cx="700" cy="700" r="500" fill="#f2a541"/>
    <rect x="300" y="300" width="300" height="800" fill="#ffffff"/></svg>`;
  const file = path.join(dir, 'artwork.jpg');
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(file);
  const probed = await probeImage(file, 'artwork.jpg');
  assert.ok(probed.facts);
  facts = probed.facts;
});
test.after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function snapshot(variants: ImageVariant[]) {
  return Promise.all(
    variants.map(async (v) => ({ ...v, bytes: (await fs.readFile(v.path)).toString('base64'), mtimeMs: (await fs.stat(v.path)).mtimeMs })),
  );
}

test('the feed variant is the original file, named by its content', async () => {
  const set = await makeVariants([facts], path.join(dir, 'cache-a'));
  const feed = set.get(facts.path)?.find((v) => v.purpose === 'feed');
  assert.ok(feed);
  assert.equal(feed.path, facts.path);
  assert.match(feed.fileName, /^[0-9a-f]{12}-artwork\.jpg$/);
  assert.equal(feed.width, 1400);
  assert.equal(feed.size, facts.size);
});

test('page, thumbnail and og variants have their sizes and formats', async () => {
  const set = await makeVariants([facts], path.join(dir, 'cache-b'));
  const variants = set.get(facts.path) ?? [];
  const has = (purpose: string, format: string, width: number) =>
    assert.ok(
      variants.some((v) => v.purpose === purpose && v.format === format && v.width === width && v.height === width),
      `${purpose} ${format} ${width}`,
    );
  has('page', 'webp', 600);
  has('page', 'jpeg', 600);
  has('thumbnail', 'webp', 160);
  has('thumbnail', 'jpeg', 160);
  has('og', 'jpeg', 1200);
  for (const v of variants.filter((v) => v.purpose !== 'feed')) {
    const meta = await sharp(v.path).metadata();
    assert.equal(meta.width, v.width, v.fileName);
    assert.equal(meta.format === 'heif' ? 'avif' : meta.format, v.format, v.fileName);
    assert.equal((await fs.stat(v.path)).size, v.size);
    assert.equal(path.dirname(v.path), path.join(dir, 'cache-b'));
  }
});

test('two runs into fresh caches give the same names and bytes', async () => {
  const a = await snapshot((await makeVariants([facts], path.join(dir, 'cache-c'))).get(facts.path) ?? []);
  const b = await snapshot((await makeVariants([facts], path.join(dir, 'cache-d'))).get(facts.path) ?? []);
  assert.deepEqual(
    a.map(({ fileName, bytes, size }) => ({ fileName, bytes, size })),
    b.map(({ fileName, bytes, size }) => ({ fileName, bytes, size })),
  );
});

test('a rerun into the same cache writes nothing', async () => {
  const cache = path.join(dir, 'cache-e');
  const first = await snapshot((await makeVariants([facts], cache)).get(facts.path) ?? []);
  const filesBefore = (await fs.readdir(cache)).sort();
  await new Promise((r) => setTimeout(r, 20)); // a rewrite would show a later mtime
  const second = await snapshot((await makeVariants([facts], cache)).get(facts.path) ?? []);
  assert.deepEqual(second, first);
  assert.deepEqual((await fs.readdir(cache)).sort(), filesBefore);
});

test('a changed picture gets new names', async () => {
  const other = path.join(dir, 'other.jpg');
  await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#336699' } })
    .jpeg()
    .toFile(other);
  const probed = await probeImage(other, 'other.jpg');
  assert.ok(probed.facts);
  const set = await makeVariants([facts, probed.facts], path.join(dir, 'cache-f'));
  const names = (p: string) => new Set((set.get(p) ?? []).map((v) => v.fileName));
  const a = names(facts.path);
  for (const n of names(other)) assert.ok(!a.has(n), n);
});

test('regression: an image replaced by a FIFO or a link to /dev/zero after the check is reported, never read (no hang, no unbounded memory)', async () => {
  const fifoDir = await fs.mkdtemp(path.join(dir, 'swapped-'));
  const fifo = path.join(fifoDir, 'fifo.jpg');
  const zero = path.join(fifoDir, 'zero.jpg');
  const { execFileSync } = await import('node:child_process');
  execFileSync('mkfifo', [fifo]);
  await fs.symlink('/dev/zero', zero);
  const problems: string[] = [];
  const set = await makeVariants(
    [{ ...facts, path: fifo, file: 'fifo.jpg' }, { ...facts, path: zero, file: 'zero.jpg' }, facts],
    path.join(fifoDir, 'cache'),
    (problem) => problems.push(`${problem.file}: ${problem.message}`),
  );
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems.join('\n'), /fifo\.jpg: changed or became unreadable/);
  assert.match(problems.join('\n'), /zero\.jpg: changed or became unreadable/);
  assert.equal(set.get(fifo)!.length, 1, 'only the feed variant, pointing at what the check saw');
  assert.ok(set.get(facts.path)!.length > 1, 'the good image still gets its copies');
});

test('copies prepared ahead (build, while the check probes) are the ones makeVariants then finds, not made again', async () => {
  const cache = path.join(dir, 'cache-prepared');
  await prepareVariants(facts.path, cache, 'art.jpg');
  const prepared = await fs.readdir(cache);
  assert.equal(prepared.length, 6, 'page (avif, webp, jpeg), thumbnail (webp, jpeg), og');
  const before = await Promise.all(prepared.map(async (name) => (await fs.stat(path.join(cache, name))).mtimeMs));
  const set = await makeVariants([facts], cache);
  const made = set.get(facts.path)!.filter((v) => v.purpose !== 'feed');
  assert.deepEqual(made.map((v) => v.fileName).sort(), [...prepared].sort());
  assert.deepEqual(
    await Promise.all(prepared.map(async (name) => (await fs.stat(path.join(cache, name))).mtimeMs)),
    before,
    'nothing rewritten',
  );
  // And the same as made from nothing.
  const fresh = await makeVariants([facts], path.join(dir, 'cache-unprepared'));
  assert.deepEqual(
    fresh.get(facts.path)!.map(({ path: _p, mtimeMs: _m, ...v }) => v),
    set.get(facts.path)!.map(({ path: _p, mtimeMs: _m, ...v }) => v),
  );
});

test('preparing copies of what is not a readable image (missing, a folder, text) writes nothing and never rejects', async () => {
  const cache = path.join(dir, 'cache-nothing');
  const text = path.join(dir, 'not-an-image.jpg');
  await fs.writeFile(text, 'hello');
  for (const file of [path.join(dir, 'missing.jpg'), dir, text]) await prepareVariants(file, cache, path.basename(file));
  const left = await fs.readdir(cache).catch(() => []);
  assert.deepEqual(
    left.filter((name) => !name.endsWith('.tmp')),
    [],
  );
  assert.deepEqual(left, [], 'no temporary file left behind either');
});
