// The size of an artwork copy read from its header agrees with sharp's for every format and shape
// sharp writes, and a server that finds its copies made never loads libvips to measure them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { probeImage } from '../../src/artwork/image.js';
import { makeVariants } from '../../src/artwork/variants.js';
import { readVariantSize, variantSize } from '../../src/artwork/variant-size.js';
import { tempDir } from '../support/temp-dir.js';

let dir: string;
test.before(() => {
  dir = tempDir('variant-size');
});
test.after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const picture = (width: number, height: number, alpha = false) =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width}" height="${height}" fill="#1d4e89" ${alpha ? 'fill-opacity="0.5"' : ''}/>
    <circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#f2a541"/></svg>`);

test('every copy makeVariants writes is measured from its header as sharp measures it', async () => {
  // Square, wide and tall, and one with transparency (its AVIF holds an alpha plane with its own ispe).
  const sources: [string, Buffer][] = [
    ['square.jpg', await sharp(picture(1400, 1400)).jpeg().toBuffer()],
    ['wide.jpg', await sharp(picture(2999, 1401)).jpeg().toBuffer()],
    ['tall.png', await sharp(picture(1401, 2999)).png().toBuffer()],
    [
      'alpha.png',
      await sharp(picture(1500, 1500, true))
        .png()
        .toBuffer(),
    ],
  ];
  let measured = 0;
  for (const [name, bytes] of sources) {
    const file = path.join(dir, name);
    await fs.writeFile(file, bytes);
    const { facts } = await probeImage(file, name);
    assert.ok(facts, name);
    const variants = (await makeVariants([facts], path.join(dir, 'cache'))).get(file) ?? [];
    for (const v of variants.filter((variant) => variant.purpose !== 'feed')) {
      const meta = await sharp(v.path).metadata();
      assert.deepEqual(await readVariantSize(v.path), { width: meta.width, height: meta.height }, `${name}: ${v.fileName}`);
      assert.deepEqual({ width: v.width, height: v.height }, { width: meta.width, height: meta.height }, `${name}: ${v.fileName}`);
      measured++;
    }
  }
  assert.equal(measured, sources.length * 6);
});

test('WebP in each of its three bitstreams, and a progressive JPEG', async () => {
  const source = sharp(picture(641, 359));
  const cases: [string, Buffer][] = [
    ['lossy (VP8)', await source.clone().webp().toBuffer()],
    ['lossless (VP8L)', await source.clone().webp({ lossless: true }).toBuffer()],
    [
      'extended (VP8X)',
      await sharp(picture(641, 359, true))
        .webp()
        .withMetadata()
        .toBuffer(),
    ],
    ['progressive JPEG', await source.clone().jpeg({ progressive: true }).toBuffer()],
  ];
  for (const [name, bytes] of cases) assert.deepEqual(variantSize(bytes), { width: 641, height: 359 }, name);
});

test('bytes that are no header it reads are left to sharp', async () => {
  const png = await sharp(picture(100, 100)).png().toBuffer();
  for (const bytes of [
    Buffer.alloc(0),
    Buffer.from('not an image at all'),
    png,
    Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
    png.subarray(0, 3),
  ]) {
    assert.equal(variantSize(bytes), undefined);
  }
  const jpeg = await sharp(picture(100, 100)).jpeg().toBuffer();
  assert.equal(variantSize(jpeg.subarray(0, 40)), undefined, 'a JPEG cut before its frame header');
});

test('serve loads no libvips when the artwork copies are already made (regression: 20 MB resident for nothing)', async () => {
  const file = path.join(dir, 'warm.jpg');
  await fs.writeFile(file, await sharp(picture(1400, 1400)).jpeg().toBuffer());
  const { facts } = await probeImage(file, 'warm.jpg');
  const cache = path.join(dir, 'warm-cache');
  await makeVariants([facts!], cache); // made here, in this process, with sharp
  // A fresh process meets them made: it must measure them without loading sharp's libvips.
  const variantsModule = new URL('../../src/artwork/variants.js', import.meta.url).href;
  const script = `
    import fs from 'node:fs';
    const { makeVariants } = await import(${JSON.stringify(variantsModule)});
    const set = await makeVariants([${JSON.stringify(facts)}], ${JSON.stringify(cache)});
    const libvips = fs.readFileSync('/proc/self/maps', 'utf8').includes('libvips');
    process.stdout.write(JSON.stringify({ variants: set.get(${JSON.stringify(file)}).length, libvips }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.deepEqual(out, { variants: 7, libvips: false });
});
