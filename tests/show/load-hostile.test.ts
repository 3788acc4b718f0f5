// Hostile manifests and folders (issue 11): each is a problem naming file and field, found
// quickly, and never holds back the other episodes. FIFOs and devices are in
// tests/commands/hostile-show.test.ts (a child process, so a regression hangs a child, not the suite).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadShow } from '../../src/show/load.js';
import { minimalShowYaml, writeShowFolder } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const goodShow = minimalShowYaml;
const episode = (n: number, extra = '') => `title: Episode ${n}
date: 2020-01-0${n}T10:00:00Z
summary: Number ${n}.
guid: 11111111-2222-3333-4444-00000000000${n}
media:
  mp3: e${n}.mp3
${extra}`;

/** A show with a good episode 001-good and whatever `setup` adds. */
function show(setup: (dir: string) => void, showYaml = goodShow): string {
  const dir = tempDir('hostile-load');
  writeShowFolder(dir, showYaml, [{ slug: '001-good', yaml: episode(1) }]);
  setup(dir);
  return dir;
}

function addEpisode(dir: string, folder: string | Buffer, yaml: string): void {
  const abs = Buffer.isBuffer(folder) ? Buffer.concat([Buffer.from(dir + path.sep), folder]) : path.join(dir, folder);
  fs.mkdirSync(abs);
  fs.writeFileSync(Buffer.concat([Buffer.from(abs), Buffer.from(`${path.sep}episode.yaml`)]), yaml);
}

/** Nine levels of nine aliases each: 9^9 (387 million) values once expanded, in 300 bytes. */
function aliasBomb(): string {
  const lines = ['lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `lol${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

test('regression: a YAML alias bomb in episode.yaml is refused within a second, naming the file; the other episode loads', async () => {
  const dir = show((d) => addEpisode(d, '002-bomb', episode(2, aliasBomb())));
  const started = Date.now();
  const before = process.memoryUsage().rss;
  const loaded = await loadShow(dir);
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.deepEqual(loaded.brokenEpisodes, ['002-bomb']);
  const p = loaded.problems.find((x) => x.file === '002-bomb/episode.yaml');
  assert.ok(p, JSON.stringify(loaded.problems));
  assert.match(p.message, /aliases .* expand to more than 100000 values/);
});

test('an alias bomb in show.yaml is refused the same way', async () => {
  const dir = show(() => undefined, `${goodShow}${aliasBomb()}`);
  const started = Date.now();
  const loaded = await loadShow(dir);
  assert.ok(Date.now() - started < 1000);
  assert.equal(loaded.manifest, undefined);
  assert.ok(loaded.problems.some((p) => p.file === 'show.yaml' && /expand to more than/.test(p.message)));
});

test('aliases that expand to a sane size are still read', async () => {
  const dir = show((d) =>
    addEpisode(
      d,
      '002-aliases',
      `${episode(2).replace('summary: Number 2.', 'summary: &s Number 2.')}links:\n  - { title: *s, url: https://example.test/2 }\n`,
    ),
  );
  const loaded = await loadShow(dir);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.episodes.find((e) => e.slug === '002-aliases')?.manifest.links?.[0].title, 'Number 2.');
});

test('regression: a __proto__ key in media: is a problem with file and field, not an internal error', async () => {
  const dir = show((d) => addEpisode(d, '002-proto', episode(2).replace('media:\n', 'media:\n  __proto__: e2.mp3\n')));
  const loaded = await loadShow(dir);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.deepEqual(
    loaded.problems.map((p) => [p.file, p.field, p.message]),
    [
      [
        '002-proto/episode.yaml',
        'media.__proto__',
        '"__proto__" cannot be a key: every object already has it (a format or feed so named would be taken for it)',
      ],
    ],
  );
});

test('regression: a format named constructor (every object has one) is a problem, not an internal error', async () => {
  const dir = show((d) => addEpisode(d, '002-ctor', episode(2).replace('media:\n', 'media:\n  constructor: e2.mp3\n')));
  const loaded = await loadShow(dir);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.deepEqual(
    loaded.problems.map((p) => [p.file, p.field]),
    [['002-ctor/episode.yaml', 'media.constructor']],
  );
});

test('a __proto__ key anywhere (a link, show.yaml) is refused too', async () => {
  const dir = show(
    (d) => addEpisode(d, '002-proto', `${episode(2)}links:\n  - { title: T, url: https://example.test, __proto__: { polluted: true } }\n`),
    `${goodShow}__proto__: { title: Other }\n`,
  );
  const loaded = await loadShow(dir);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const refused = (file: string, field: string) =>
    loaded.problems.some((p) => p.file === file && p.field === field && /cannot be a key/.test(p.message));
  assert.ok(refused('002-proto/episode.yaml', 'links.0.__proto__'), JSON.stringify(loaded.problems));
  assert.ok(refused('show.yaml', '__proto__'), JSON.stringify(loaded.problems));
});

test('regression: an episode folder whose name is not UTF-8 is a problem; the other episodes load', async () => {
  const latin1 = Buffer.from([0x30, 0x30, 0x32, 0x2d, 0x63, 0x61, 0x66, 0xe9]); // "002-café" in Latin-1
  const dir = show((d) => addEpisode(d, latin1, episode(2)));
  const loaded = await loadShow(dir);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.equal(loaded.problems.length, 1);
  assert.equal(loaded.problems[0].file, '002-caf\uFFFD/episode.yaml');
  assert.match(loaded.problems[0].message, /folder name is not valid UTF-8/);
});

test('a folder of other things whose name is not UTF-8 (no episode.yaml) is left alone', async () => {
  const dir = show((d) => fs.mkdirSync(Buffer.concat([Buffer.from(d + path.sep), Buffer.from([0x61, 0xff])])));
  const loaded = await loadShow(dir);
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
});

test('regression: a backslash or a control character in an episode folder name is a problem at load (build crashed on it)', async () => {
  const dir = show((d) => {
    addEpisode(d, '002-a\\b', episode(2));
    addEpisode(d, '003-tab\there', episode(3));
  });
  const loaded = await loadShow(dir);
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.deepEqual(loaded.problems.map((p) => p.file).sort(), ['002-a\\b/episode.yaml', '003-tab\there/episode.yaml']);
  for (const p of loaded.problems) assert.match(p.message, /backslash or a control character/);
});

test('a manifest larger than 1 MB is refused before it is parsed', async () => {
  const dir = show((d) => addEpisode(d, '002-huge', `${episode(2)}${'# padding\n'.repeat(120_000)}`));
  const loaded = await loadShow(dir);
  assert.ok(
    loaded.problems.some((p) => p.file === '002-huge/episode.yaml' && /more than the 1 MB/.test(p.message)),
    JSON.stringify(loaded.problems),
  );
  assert.deepEqual(
    loaded.episodes.map((e) => e.slug),
    ['001-good'],
  );
});

test('show.yaml linked to a file outside the show is refused; episode.yaml that is a folder is a problem', async () => {
  const outside = path.join(tempDir('outside'), 'show.yaml');
  fs.writeFileSync(outside, goodShow);
  const dir = show((d) => {
    fs.rmSync(path.join(d, 'show.yaml'));
    fs.symlinkSync(outside, path.join(d, 'show.yaml'));
    fs.mkdirSync(path.join(d, '002-folder', 'episode.yaml'), { recursive: true });
  });
  const loaded = await loadShow(dir);
  assert.equal(loaded.manifest, undefined);
  assert.deepEqual(
    loaded.problems.map((p) => [p.file, p.message]),
    [
      ['show.yaml', 'show.yaml is a link to a file outside the show folder'],
      ['002-folder/episode.yaml', 'episode.yaml is a folder, not a file'],
    ],
  );
});
