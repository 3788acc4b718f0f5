// Hostile artwork: a cut-off JPEG and a PNG far too big, through the probe, the check, the
// variants stage and the commands. Each must end in a problem naming the file, never a crash,
// a decode of 100 million pixels, or a show taken down by one episode's picture.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { checkArtwork, probeImage } from '../../src/artwork/image.js';
import { makeVariants } from '../../src/artwork/variants.js';
import { checkShow } from '../../src/catalog/check-show.js';
import type { Problem } from '../../src/contract/problems.js';
import { runCli } from '../support/env.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';

let dir: string;
let good: string;
let truncated: string;
test.before(async () => {
  dir = tempDir('damaged');
  good = path.join(dir, 'good.jpg');
  truncated = path.join(dir, 'truncated.jpg');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="1400"><rect width="1400" height="1400" fill="#1d4e89"/><circle cx="700" cy="700" r="500" fill="#f2a541"/></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(good);
  const bytes = await fs.readFile(good);
  // Cut in the middle of the picture data: the header (and so the size) is whole.
  await fs.writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
});
test.after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('regression: a truncated JPEG is an error naming it (its header alone passed before)', async () => {
  const { facts, findings } = await probeImage(truncated, 'truncated.jpg');
  assert.equal(facts, undefined);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].level, 'error');
  assert.match(findings[0].message, /^truncated\.jpg is damaged: .*premature end/i);
  // The whole file still passes.
  assert.deepEqual((await probeImage(good, 'good.jpg')).findings, []);
});

test('regression: a 10000 x 10000 PNG is judged from its header, never decoded', async () => {
  const huge = path.join(dir, 'huge.png');
  // With an alpha channel: the transparency check decoded every pixel (6 s, 556 MB) before
  // anything looked at the size.
  await sharp({ create: { width: 10000, height: 10000, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } } })
    .png({ compressionLevel: 1 })
    .toFile(huge);
  await probeImage(good, 'good.jpg'); // sharp loaded, so only the probe is timed
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const { facts, findings } = await probeImage(huge, 'huge.png');
  const elapsed = performance.now() - started;
  const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  assert.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`);
  assert.ok(grown < 100, `memory grew by ${Math.round(grown)} MB`);
  assert.deepEqual(findings, []);
  assert.ok(facts);
  assert.deepEqual([facts.width, facts.height], [10000, 10000]);
  const errors = checkArtwork(facts, 'huge.png').filter((f) => f.level === 'error');
  assert.ok(
    errors.some((f) => /huge\.png is too large: 10000 x 10000 px/.test(f.message)),
    JSON.stringify(errors),
  );
});

test('a truncated show artwork: check names show.yaml, field artwork, and the file', async (t) => {
  const show = await makeShow({ e1: { files: { 'a.mp3': 'good-cbr.mp3' } } });
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  await fs.copyFile(truncated, path.join(show, 'artwork.jpg'));
  const { catalog, problems } = await checkShow(show);
  assert.equal(catalog, undefined);
  const problem = problems.find((p) => p.level === 'error' && p.field === 'artwork');
  assert.ok(problem, JSON.stringify(problems));
  assert.equal(problem.file, 'show.yaml');
  assert.match(problem.message, /^artwork\.jpg is damaged/);
});

test("a truncated episode image: check names the episode's image field; the other episodes go on", async (t) => {
  const show = await makeShow({
    e1: { files: { 'a.mp3': 'good-cbr.mp3' } },
    e2: { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('e2', 'image: cover.jpg\n') },
  });
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  await fs.copyFile(truncated, path.join(show, 'e2', 'cover.jpg'));
  const { catalog, problems } = await checkShow(show);
  const problem = problems.find((p) => p.level === 'error' && p.field === 'image');
  assert.ok(problem, JSON.stringify(problems));
  assert.equal(problem.file, 'e2/episode.yaml');
  assert.match(problem.message, /^e2\/cover\.jpg is damaged/);
  assert.deepEqual(
    catalog?.episodes.map((e) => e.slug),
    ['e1'],
  );
});

test('check and build on a show with a truncated episode image: exit 1 naming it, no stack trace', async (t) => {
  const work = tempDir('damaged-cli');
  t.after(() => fs.rm(work, { recursive: true, force: true }));
  const show = path.join(work, 'show');
  copyOfSample(show);
  // An episode without an image of its own.
  const folders = (await fs.readdir(show, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  const plain = await Promise.all(
    folders.map(async (name) => !/^image:/m.test(await fs.readFile(path.join(show, name, 'episode.yaml'), 'utf8').catch(() => 'image:'))),
  );
  const episode = folders.find((_, i) => plain[i])!;
  const yaml = path.join(show, episode, 'episode.yaml');
  await fs.writeFile(yaml, `${await fs.readFile(yaml, 'utf8')}\nimage: cover.jpg\n`);
  await fs.copyFile(truncated, path.join(show, episode, 'cover.jpg'));
  const env = { NETCASTER_CACHE_DIR: path.join(work, 'cache') };

  const check = runCli(['check', show, '--json'], { env });
  assert.equal(check.code, 1, check.stderr);
  const problems: Problem[] = JSON.parse(check.stdout).problems;
  assert.ok(
    problems.some((p) => p.file === `${episode}/episode.yaml` && p.field === 'image' && /cover\.jpg is damaged/.test(p.message)),
    check.stdout,
  );

  const build = runCli(['build', show, '--out', path.join(work, 'site'), '--base-url', 'https://example.com'], { env });
  assert.equal(build.code, 1, build.stderr);
  assert.match(build.stderr, /image: .*cover\.jpg is damaged/);
  assert.doesNotMatch(build.stderr, /\n\s+at /, 'no stack trace');
});

test('regression: one image that cannot be rendered never stops the variants stage; it is reported and the rest go on', async () => {
  // Facts of a whole image, then the file damaged (a copy still arriving, an edit since the check).
  const victim = path.join(dir, 'victim.jpg');
  await fs.copyFile(good, victim);
  const goodFacts = (await probeImage(good, 'good.jpg')).facts!;
  const victimFacts = (await probeImage(victim, 'victim.jpg')).facts!;
  await fs.copyFile(truncated, victim);
  const gone = { ...goodFacts, path: path.join(dir, 'gone.jpg'), file: 'gone.jpg' };

  const reported: Problem[] = [];
  const set = await makeVariants([goodFacts, victimFacts, gone], path.join(dir, 'cache'), (p) => reported.push(p));
  assert.deepEqual(reported.map((p) => [p.level, p.file]).sort(), [
    ['error', 'gone.jpg'],
    ['error', 'victim.jpg'],
  ]);
  assert.match(
    reported.find((p) => p.file === 'victim.jpg')!.message,
    /cannot be made .*premature end|changed or became unreadable since it was checked/i,
  );
  assert.equal(set.get(goodFacts.path)?.length, 7, 'the good image has its feed variant and six copies');
  // The bad ones keep their feed variant, so feeds can still be written; pages show no picture.
  for (const facts of [victimFacts, gone])
    assert.deepEqual(
      set.get(facts.path)?.map((v) => v.purpose),
      ['feed'],
    );
});
