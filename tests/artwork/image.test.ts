// Real images, drawn by sharp into a temp folder, through the real probe and rules.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { checkArtwork, probeImage, probeImageAhead } from '../../src/artwork/image.js';
import { type Finding } from '../../src/contract/problems.js';
import { tempDir } from '../support/temp-dir.js';

let dir: string;
test.before(async () => {
  dir = tempDir('artwork');
});
test.after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const blue = { r: 30, g: 80, b: 160 };

async function write(name: string, image: Sharp): Promise<string> {
  const file = path.join(dir, name);
  await image.toFile(file);
  return file;
}
const canvas = (width: number, height: number, channels: 3 | 4 = 3, alpha = 1) =>
  sharp({ create: { width, height, channels, background: { ...blue, alpha } } });

/** Probes a file and applies the artwork rules, as the catalog does. */
async function artworkFindings(file: string): Promise<Finding[]> {
  const name = path.basename(file);
  const { facts, findings } = await probeImage(file, name);
  return facts ? [...findings, ...checkArtwork(facts, name)] : findings;
}
const errors = (f: Finding[]) => f.filter((x) => x.level === 'error');
const warnings = (f: Finding[]) => f.filter((x) => x.level === 'warning');

test('a square 1400 px RGB JPEG passes with its facts read', async () => {
  const file = await write('good.jpg', canvas(1400, 1400).jpeg());
  const { facts, findings } = await probeImage(file, 'good.jpg');
  assert.deepEqual(findings, []);
  assert.ok(facts);
  assert.equal(facts.format, 'jpeg');
  assert.equal(facts.width, 1400);
  assert.equal(facts.height, 1400);
  assert.equal(facts.space, 'srgb');
  assert.equal(facts.hasAlpha, false);
  assert.equal(facts.size, (await fs.stat(file)).size);
  assert.deepEqual(checkArtwork(facts, 'good.jpg'), []);
});

test('1000 px is too small', async () => {
  const f = await artworkFindings(await write('small.jpg', canvas(1000, 1000).jpeg()));
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /too small.*1000 x 1000.*1400/);
});

test('a non-square image is an error', async () => {
  const f = await artworkFindings(await write('wide.png', canvas(2000, 1500).png()));
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /must be square, got 2000 x 1500/);
});

test('3500 px is too large', async () => {
  const f = await artworkFindings(await write('huge.jpg', canvas(3500, 3500).jpeg()));
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /too large.*3000/);
});

test('a CMYK JPEG is an error naming CMYK', async () => {
  const file = await write('cmyk.jpg', canvas(1400, 1400).toColourspace('cmyk').jpeg());
  const { facts } = await probeImage(file, 'cmyk.jpg');
  assert.equal(facts?.space, 'cmyk');
  const f = await artworkFindings(file);
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /RGB colour space, got CMYK/);
});

test('a PNG with transparent pixels is an error', async () => {
  // Opaque blue pixels, except the top 100 rows, which are fully transparent.
  const pixels = Buffer.alloc(1400 * 1400 * 4);
  for (let i = 0; i < 1400 * 1400; i++) pixels.set([blue.r, blue.g, blue.b, i < 1400 * 100 ? 0 : 255], i * 4);
  const file = await write('transparent.png', sharp(pixels, { raw: { width: 1400, height: 1400, channels: 4 } }).png());
  const { facts } = await probeImage(file, 'transparent.png');
  assert.equal(facts?.hasAlpha, true);
  assert.equal(facts?.transparentPixels, true);
  const f = await artworkFindings(file);
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /transparent pixels/);
});

test('a fully opaque PNG with an alpha channel is only a warning', async () => {
  const file = await write('opaque-alpha.png', canvas(1400, 1400, 4, 1).png());
  const { facts } = await probeImage(file, 'opaque-alpha.png');
  assert.equal(facts?.hasAlpha, true);
  assert.equal(facts?.transparentPixels, false);
  const f = await artworkFindings(file);
  assert.deepEqual(errors(f), []);
  assert.equal(warnings(f).length, 1);
  assert.match(warnings(f)[0].message, /alpha channel/);
});

test('a PNG named .jpg is an error saying the bytes are PNG', async () => {
  const file = await write('disguised.jpg', canvas(1400, 1400).png());
  const { facts, findings } = await probeImage(file, 'disguised.jpg');
  assert.equal(facts?.format, 'png');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /named \.jpg but its bytes are a PNG image/);
});

test('a text file named .jpg is an error saying it is text, not a throw', async () => {
  const file = path.join(dir, 'notes.jpg');
  await fs.writeFile(file, 'These are my show notes, not a picture.\n');
  const { facts, findings } = await probeImage(file, 'notes.jpg');
  assert.equal(facts, undefined);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /notes\.jpg is not an image: its bytes look like text/);
});

test('a missing file is an error, not a throw', async () => {
  const { facts, findings } = await probeImage(path.join(dir, 'nope.jpg'), 'nope.jpg');
  assert.equal(facts, undefined);
  assert.match(findings[0].message, /nope\.jpg is missing/);
});

test('WebP artwork is an error: Apple takes JPEG or PNG only', async () => {
  const f = await artworkFindings(await write('art.webp', canvas(1400, 1400).webp()));
  assert.equal(errors(f).length, 1);
  assert.match(errors(f)[0].message, /must be JPEG or PNG, got WebP/);
});

test('regression: SVG artwork is one error (JPEG or PNG only), not also a warning that every pixel is opaque: its pixels were never read', async () => {
  const file = path.join(dir, 'art.svg');
  await fs.writeFile(
    file,
    '<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="1400"><rect width="1400" height="1400" fill="#1e50a0"/></svg>',
  );
  const f = await artworkFindings(file);
  assert.deepEqual(
    f.map((x) => x.level),
    ['error'],
    JSON.stringify(f),
  );
  assert.match(f[0].message, /must be JPEG or PNG/);
});

test('regression: a probe started ahead (build: the show artwork, before its copies) is what the check then gets; a file changed since is probed again', async () => {
  // Asked for only once the check got to it, the probe's sharp calls waited behind the artwork's
  // copies in libuv's thread pool, and the whole check with them.
  const file = await write('ahead.jpg', canvas(1400, 1400).jpeg());
  const ahead = await probeImageAhead(file, 'ahead.jpg');
  assert.equal(await probeImage(file, 'ahead.jpg'), ahead, 'the very result started ahead');
  assert.notEqual(await probeImage(file, 'ahead.jpg'), ahead, 'taken once: a later check probes again');

  const started = probeImageAhead(file, 'ahead.jpg');
  await started;
  await write('ahead.jpg', canvas(1500, 1500).png());
  const after = await probeImage(file, 'ahead.jpg');
  assert.equal((await started).facts?.width, 1400);
  assert.equal(after.facts?.width, 1500, 'what the file is now, not what was probed ahead');
  assert.ok(after.findings.some((f) => /named \.jpg but its bytes are a PNG/.test(f.message)));
});
