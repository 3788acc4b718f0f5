// Which problems are "of one kind" for the printed report of check, build, publish-due and serve.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Problem } from '../../src/contract/problems.js';
import { groupProblems, printProblems } from '../../src/commands/problem-groups.js';

const warning = (file: string, message: string, field?: string): Problem => ({
  level: 'warning',
  file,
  message,
  ...(field !== undefined && { field }),
});

function printed(problems: Problem[]): string {
  let out = '';
  printProblems(problems, new Writable({ write: (chunk, _enc, done) => ((out += chunk.toString()), done()) }));
  return out;
}

test('problems that differ only in their file, its name or folder are one kind', () => {
  const problems = ['046-mega', '047-clouds', '048-more', '049-last'].map((slug) =>
    warning(`${slug}/${slug}.mp3`, `${slug}.mp3 was published as ${slug} (netcaster.lock): renaming the folder changes its URLs`),
  );
  assert.deepEqual(groupProblems(problems), [
    {
      kind: 'group',
      level: 'warning',
      message: '… was published as … (netcaster.lock): renaming the folder changes its URLs',
      count: 4,
      files: problems.map((p) => p.file),
    },
  ]);
});

test('three problems of one kind with the same message are one line; with values that differ, three are printed apart and four grouped', () => {
  const same = ['a-1', 'b-2', 'c-3'].map((slug) => warning(`${slug}/episode.yaml`, 'no summary of its own', 'summary'));
  assert.equal(
    printed(same),
    '\nwarning ×3: summary: no summary of its own — in a-1/episode.yaml, b-2/episode.yaml and c-3/episode.yaml\n',
  );
  const titled = (n: number) =>
    warning(`ep-${n}/a.mp3`, `embedded title "Old ${n}" contradicts episode.yaml's title "Episode ${n}"`, 'tags.title');
  assert.ok(groupProblems([1, 2, 3].map(titled)).every((line) => line.kind === 'single'));
  assert.deepEqual(
    printed([1, 2, 3, 4, 5].map(titled)).trim(),
    'warning ×5: tags.title: embedded title "…" contradicts episode.yaml\'s title "…" — in ep-1/a.mp3, ep-2/a.mp3, ep-3/a.mp3 and 2 more',
  );
});

test("what the problems share stays in the line; what differs (numbers, UUIDs, fields' indexes) shows as …", () => {
  const late = (n: number) =>
    warning(`ep-${n}/chapters.json`, `starts after the end of the media (${100 + n} s)`, `chapters.${n}.startTime`);
  const [line] = groupProblems([1, 2, 3, 4].map(late));
  assert.deepEqual(line, {
    kind: 'group',
    level: 'warning',
    field: 'chapters.….startTime',
    message: 'starts after the end of the media (… s)',
    count: 4,
    files: ['ep-1/chapters.json', 'ep-2/chapters.json', 'ep-3/chapters.json', 'ep-4/chapters.json'],
  });
  const big = (slug: string) => warning(`${slug}/cover.jpg`, 'cover.jpg is 70 MB, too large to be artwork (at most 64 MB)');
  assert.equal(
    printed(['x-1', 'x-2'].map(big)).trim(),
    'warning ×2: cover.jpg is 70 MB, too large to be artwork (at most 64 MB) — in x-1/cover.jpg and x-2/cover.jpg',
  );
  const derived = (slug: string, uuid: string) => warning(`${slug}/episode.yaml`, `not set: using ${uuid}; add \`guid: ${uuid}\``, 'guid');
  const uuids = [
    'a0b11870-6568-5d26-8d72-e0b508548691',
    '473b9422-4f7f-56fc-8491-5dc8d0fcac42',
    '6f1c0000-0000-5000-8000-000000000001',
    '6f1c0000-0000-5000-8000-000000000002',
  ];
  assert.equal(
    printed(uuids.map((u, i) => derived(`e-${i}`, u))).trim(),
    'warning ×4: guid: not set: using …; add `guid: …` — in e-0/episode.yaml, e-1/episode.yaml, e-2/episode.yaml and 1 more',
  );
});

test('a folder named like a word is not taken out of the message: "a" in "has a" stays', () => {
  const problems = ['a', 'b', 'c', 'd'].map((slug) => warning(`${slug}/episode.yaml`, 'has a typo'));
  assert.equal(printed(problems).trim(), 'warning ×4: has a typo — in a/episode.yaml, b/episode.yaml, c/episode.yaml and 1 more');
});

test('different levels, fields or messages are different kinds; singles keep their order and file headers, groups come after, errors first', () => {
  const problems: Problem[] = [
    warning('show.yaml', 'not set', 'baseUrl'),
    ...['e-1', 'e-2'].map((s) => warning(`${s}/episode.yaml`, 'same', 'guid')),
    ...['e-1', 'e-2'].map((s): Problem => ({ level: 'error', file: `${s}/episode.yaml`, field: 'guid', message: 'same' })),
    warning('e-3/episode.yaml', 'same', 'number'),
    { level: 'error', file: 'e-3/episode.yaml', field: 'title', message: 'is required', line: 2, column: 1 },
  ];
  assert.equal(
    printed(problems),
    [
      '',
      'show.yaml',
      '  warning  baseUrl: not set',
      '',
      'e-3/episode.yaml',
      '  warning  number: same',
      '  error    title line 2, column 1: is required',
      '',
      'error ×2: guid: same — in e-1/episode.yaml and e-2/episode.yaml',
      '',
      'warning ×2: guid: same — in e-1/episode.yaml and e-2/episode.yaml',
      '',
    ].join('\n'),
  );
});

test('file names and messages in a grouped line are shown, not obeyed by the terminal', () => {
  const problems = ['x\u001b[2J-1', 'x\u001b[2J-2', 'x\u001b[2J-3', 'x\u001b[2J-4'].map((slug) =>
    warning(`${slug}/episode.yaml`, 'bad \u009b title "\u001b]52;c;aGk=\u0007"'),
  );
  const out = printed(problems);
  assert.doesNotMatch(out, /[\u001b\u0007\u009b]/);
  assert.match(out, /in x\\e\[2J-1\/episode\.yaml/);
});
