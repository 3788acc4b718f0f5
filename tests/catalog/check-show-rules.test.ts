// checkShow on hostile and careless show.yaml and episode.yaml files, end to end (the schema in
// show/load.ts, then assemble.ts): every problem named by file and field, and nothing bad carried
// into the catalog the feeds and pages are made from. The rules alone, from facts in memory, are
// in assemble.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkShow } from '../../src/catalog/check-show.js';
import type { Problem } from '../../src/contract/problems.js';
import { episodeYaml, makeShow, showYaml } from '../support/show-folder.js';

const mp3 = { files: { 'a.mp3': 'good-cbr.mp3' } };
const twoFeeds = showYaml.replace('feeds:\n', 'feeds:\n  video: { title: Video, enclosure: m4v }\n');
const where = (problems: Problem[], level: Problem['level'], file: string, field: string) =>
  problems.filter((p) => p.level === level && p.file === file && p.field === field);

test('regression: a baseUrl with a control character is an error on show.yaml baseUrl, not a broken feed', async () => {
  // YAML's "\x01" escape: the raw byte is what reached every URL of the feed.
  const dir = await makeShow(
    { '001-a': mp3 },
    showYaml.replace('baseUrl: https://fixture.example', 'baseUrl: "https://fixture.example/\\x01pod"'),
  );
  const { catalog, problems } = await checkShow(dir);
  assert.equal(where(problems, 'error', 'show.yaml', 'baseUrl').length, 1, JSON.stringify(problems));
  assert.equal(catalog, undefined, 'nothing to publish with that base URL');
});

test('regression: a baseUrl with ?query#fragment is an error, not part of every enclosure URL', async () => {
  for (const bad of [
    'https://fixture.example/?ref=rss',
    'https://fixture.example/#top',
    'https://user:secret@fixture.example',
    'ftp://fixture.example',
  ]) {
    const dir = await makeShow({ '001-a': mp3 }, showYaml.replace('baseUrl: https://fixture.example', `baseUrl: "${bad}"`));
    const { problems } = await checkShow(dir);
    const found = where(problems, 'error', 'show.yaml', 'baseUrl');
    assert.equal(found.length, 1, `${bad}: ${JSON.stringify(problems)}`);
  }
});

test('a baseUrl the pattern lets through but no URL parser reads is an error too', async () => {
  const dir = await makeShow({ '001-a': mp3 }, showYaml.replace('baseUrl: https://fixture.example', 'baseUrl: "https://exa%mple.com"'));
  const { catalog, problems } = await checkShow(dir);
  assert.match(where(problems, 'error', 'show.yaml', 'baseUrl')[0]?.message ?? '', /not a URL/);
  assert.equal(catalog?.show.baseUrl, undefined, 'the bad base URL is not used');
});

test('regression: a show-level guid with two feeds is refused (Podcast Index would merge the feeds)', async () => {
  const dir = await makeShow({ '001-a': mp3 }, `${twoFeeds}guid: 917393e3-1b1e-5cef-ace4-edaa54e1f810\n`);
  const { catalog, problems } = await checkShow(dir);
  const found = where(problems, 'error', 'show.yaml', 'guid');
  assert.equal(found.length, 1, JSON.stringify(problems));
  assert.match(found[0].message, /2 feeds \(video, audio\)/);
  assert.ok(
    catalog!.show.feeds.every((f) => f.guid === undefined),
    'no feed takes the shared guid',
  );
});

test("with one feed, the show-level guid is that feed's; per-feed guids are each feed's own", async () => {
  const one = await checkShow(await makeShow({ '001-a': mp3 }, `${showYaml}guid: 917393e3-1b1e-5cef-ace4-edaa54e1f810\n`));
  assert.deepEqual(
    one.problems.filter((p) => p.field === 'guid'),
    [],
  );
  assert.equal(one.catalog!.show.feeds[0].guid, '917393e3-1b1e-5cef-ace4-edaa54e1f810');

  const own = twoFeeds
    .replace('enclosure: m4v }', 'enclosure: m4v, guid: 11111111-1111-5111-8111-111111111111 }')
    .replace('enclosure: mp3 }', 'enclosure: mp3, guid: 22222222-2222-5222-8222-222222222222 }');
  const each = await checkShow(await makeShow({ '001-a': mp3 }, own));
  assert.deepEqual(
    each.problems.filter((p) => p.level === 'error'),
    [],
  );
  assert.deepEqual(Object.fromEntries(each.catalog!.show.feeds.map((f) => [f.name, f.guid])), {
    video: '11111111-1111-5111-8111-111111111111',
    audio: '22222222-2222-5222-8222-222222222222',
  });

  const same = own.replace('22222222-2222-5222-8222-222222222222', '11111111-1111-5111-8111-111111111111');
  const dup = await checkShow(await makeShow({ '001-a': mp3 }, same));
  assert.equal(where(dup.problems, 'error', 'show.yaml', 'feeds.audio.guid').length, 1, JSON.stringify(dup.problems));
});

test('regression: two episodes with the same number in the same season are a warning naming both files', async () => {
  const dir = await makeShow({
    '001-a': { ...mp3, yaml: episodeYaml('001-a', 'number: 7\nseason: 2\n') },
    '002-b': { ...mp3, yaml: episodeYaml('002-b', 'number: 7\nseason: 2\n') },
    '003-c': { ...mp3, yaml: episodeYaml('003-c', 'number: 7\nseason: 3\n') },
    '004-d': { ...mp3, yaml: episodeYaml('004-d', 'number: 7\nseason: 2\ntype: bonus\n') },
  });
  const { problems } = await checkShow(dir);
  const numbers = problems.filter((p) => p.field === 'number');
  assert.equal(numbers.length, 1, JSON.stringify(numbers));
  assert.equal(numbers[0].level, 'warning');
  assert.equal(numbers[0].file, '002-b/episode.yaml');
  assert.match(numbers[0].message, /001-a\/episode\.yaml/);
  assert.match(numbers[0].message, /season 2/);
});

test('regression: podcast:person roles and groups outside the Podcast Index taxonomy are warned', async () => {
  const persons = `persons:
  - { name: Ann, role: HOST }
  - { name: Bob, role: Hosting }
  - { name: Cy, role: Editor, group: Writing }
  - { name: Di, role: Guest, group: Friends }
  - { name: Ed, role: Composer }
`;
  const { problems } = await checkShow(await makeShow({ '001-a': mp3 }, showYaml + persons));
  const fields = problems.filter((p) => p.field?.startsWith('persons.')).map((p) => [p.level, p.file, p.field]);
  assert.deepEqual(fields, [
    ['warning', 'show.yaml', 'persons.1.role'],
    ['warning', 'show.yaml', 'persons.3.group'],
    ['warning', 'show.yaml', 'persons.4.role'],
  ]);
  assert.match(problems.find((p) => p.field === 'persons.4.role')!.message, /"Audio Post-Production"/);
});

test('regression: chapter url and img that are not http(s) are left out, with a warning naming chapters.json and the field', async () => {
  const dir = await makeShow({ '001-a': mp3 });
  const chapters = {
    version: '1.2.0',
    chapters: [
      { startTime: 0, title: 'Script', url: 'javascript:alert(1)', img: 'data:image/png;base64,AAAA' },
      { startTime: 1, title: 'Fine', url: 'https://fixture.example/a', img: 'https://fixture.example/a.jpg' },
      { startTime: 2, title: 'Hidden scheme', url: 'java\tscript:alert(1)' },
    ],
  };
  await fs.writeFile(path.join(dir, '001-a', 'chapters.json'), JSON.stringify(chapters));
  const { catalog, problems } = await checkShow(dir);
  const found = problems.filter((p) => p.file === '001-a/chapters.json').map((p) => [p.level, p.field]);
  assert.deepEqual(found, [
    ['warning', 'chapters.0.url'],
    ['warning', 'chapters.0.img'],
    ['warning', 'chapters.2.url'],
  ]);
  const kept = catalog!.episodes[0].chapters!.chapters;
  assert.deepEqual(
    kept.map((c) => [c.url, c.img]),
    [
      [undefined, undefined],
      ['https://fixture.example/a', 'https://fixture.example/a.jpg'],
      [undefined, undefined],
    ],
  );
});
