// encode/tags.ts: the FFMETADATA text every output's tags and chapters come from, and the
// episode's JSON chapters read for it. What ffmpeg makes of that text is in encode.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ffmetadata, readChapters, type EpisodeTags } from '../../src/encode/tags.js';
import { tempDir } from '../support/temp-dir.js';

const tags: EpisodeTags = { title: 'Episode 7', artist: 'Ann Author', album: 'The Show', track: 7, year: 2021, comment: 'A summary.' };

/** FFMETADATA -> its sections: the global keys, then each [CHAPTER]'s, with escapes undone (as ffmpeg reads it). */
function parse(text: string): Record<string, string>[] {
  const lines = text.split(/(?<!\\)\n/);
  assert.equal(lines[0], ';FFMETADATA1');
  const sections: Record<string, string>[] = [{}];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (line === '[CHAPTER]') {
      sections.push({});
      continue;
    }
    const eq = /(?<!\\)=/.exec(line);
    assert.ok(eq, `a line without a key: ${line}`);
    const key = line.slice(0, eq.index);
    sections[sections.length - 1][key] = line.slice(eq.index + 1).replace(/\\(.)/gs, '$1');
  }
  return sections;
}

test('the global tags are written under the keys ffmpeg maps to ID3, MP4 and Matroska tags', () => {
  const [global, ...chapters] = parse(ffmetadata(tags, [], 100));
  assert.deepEqual(global, {
    title: 'Episode 7',
    artist: 'Ann Author',
    album: 'The Show',
    track: '7',
    date: '2021',
    comment: 'A summary.',
  });
  assert.deepEqual(chapters, []);
});

test('= ; # \\ and newlines in a value are escaped, so a title cannot add a key or a section', () => {
  const hostile = { ...tags, title: 'A = B; C # D \\ E\n[CHAPTER]\nSTART=0', comment: 'line one\nline two' };
  const text = ffmetadata(hostile, [], 100);
  const [global, ...chapters] = parse(text);
  assert.equal(global.title, hostile.title);
  assert.equal(global.comment, hostile.comment);
  assert.deepEqual(chapters, [], 'no chapter came out of a title');
  assert.doesNotMatch(text, /^\[CHAPTER\]$/m);
});

test('a tag with no value (no track, an empty comment) is left out rather than written empty', () => {
  const [global] = parse(ffmetadata({ ...tags, track: undefined, comment: '' }, [], 100));
  assert.deepEqual(Object.keys(global).sort(), ['album', 'artist', 'date', 'title']);
});

test('chapters: in time order, in milliseconds, each ending where the next begins and the last with the episode', () => {
  const [, ...chapters] = parse(
    ffmetadata(
      tags,
      [
        { startTime: 61.2345, title: 'Second' },
        { startTime: 0, title: 'First' },
      ],
      125.5,
    ),
  );
  assert.deepEqual(chapters, [
    { TIMEBASE: '1/1000', START: '0', END: '61235', title: 'First' },
    { TIMEBASE: '1/1000', START: '61235', END: '125500', title: 'Second' },
  ]);
});

test('a chapter end is kept when it is earlier than the next start, and capped at it when later or not after its start', () => {
  const [, ...chapters] = parse(
    ffmetadata(
      tags,
      [
        { startTime: 0, endTime: 10, title: 'Ends early' },
        { startTime: 20, endTime: 99, title: 'Runs over' },
        { startTime: 40, endTime: 30, title: 'Ends before it starts' },
      ],
      60,
    ),
  );
  assert.deepEqual(
    chapters.map((c) => [c.START, c.END]),
    [
      ['0', '10000'],
      ['20000', '40000'],
      ['40000', '60000'],
    ],
  );
});

test('a chapter starting at or after the end of the programme is left out', () => {
  const [, ...chapters] = parse(
    ffmetadata(
      tags,
      [
        { startTime: 0, title: 'In' },
        { startTime: 30, title: 'At the end' },
        { startTime: 45, title: 'Past the end' },
      ],
      30,
    ),
  );
  assert.deepEqual(
    chapters.map((c) => c.title),
    ['In'],
  );
});

test('readChapters reads Podcast Index JSON chapters: start, title and an end where there is one', (t) => {
  const dir = tempDir('tags', t);
  fs.writeFileSync(
    path.join(dir, 'chapters.json'),
    JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro', img: 'x.jpg' },
        { startTime: 12.5, endTime: 20, title: 'Main' },
      ],
    }),
  );
  assert.deepEqual(readChapters(dir, 'chapters.json'), [
    { startTime: 0, title: 'Intro' },
    { startTime: 12.5, endTime: 20, title: 'Main' },
  ]);
});

test('readChapters returns a message, never throws, for a file it cannot use', (t) => {
  const dir = tempDir('tags', t);
  const write = (name: string, body: string | Buffer) => fs.writeFileSync(path.join(dir, name), body);
  write('broken.json', '{"chapters": [');
  write('object.json', '{"chapters": {"0": "Intro"}}');
  write('untitled.json', '{"chapters": [{"startTime": 0}]}');
  write('string-start.json', '{"chapters": [{"startTime": "0:00", "title": "Intro"}]}');
  write('huge.json', '');
  fs.truncateSync(path.join(dir, 'huge.json'), 4 * 1024 * 1024 + 1); // sparse: the size is what is judged
  const message = (name: string) => {
    const r = readChapters(dir, name);
    assert.ok(!Array.isArray(r), `${name} was read as chapters`);
    return r.message;
  };
  assert.match(message('broken.json'), /cannot be read as JSON chapters/);
  assert.match(message('missing.json'), /cannot be read as JSON chapters/);
  assert.match(message('object.json'), /must hold an array of chapters/);
  assert.match(message('untitled.json'), /every chapter needs a startTime and a title/);
  assert.match(message('string-start.json'), /every chapter needs a startTime and a title/);
  assert.equal(message('huge.json'), 'is larger than 4 MB');
});
