import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Chapter, Episode } from '../../src/contract/catalog.js';
import { renderChapters } from '../../src/feeds/chapters-json.js';
import { ffmpeg, needTool } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

function episodeWith(chapters: Chapter[] | undefined): Episode {
  return {
    slug: '046-the-mega-edition',
    dir: '/nowhere',
    title: 'The Mega Edition!',
    date: '2014-09-01T22:00:00.000Z',
    summary: 'Cloud Computing World Magazine debuts.',
    guid: 'g-046',
    episodeType: 'full',
    draft: false,
    media: [],
    links: [],
    ...(chapters ? { chapters: { source: 'embedded' as const, chapters } } : {}),
  };
}

test('chapters embedded in a real MP3 come out as Podcast Index JSON chapters', (t) => {
  if (!needTool(t, 'ffmpeg') || !needTool(t, 'ffprobe')) return;
  const dir = tempDir('chapters');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const meta = path.join(dir, 'meta.txt');
  fs.writeFileSync(
    meta,
    ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Opening\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=4000\ntitle=Cloud & "Computing" 🎙️\n',
  );
  const mp3 = path.join(dir, 'ep.mp3');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=duration=4',
    '-i',
    meta,
    '-map',
    '0:a',
    '-map_chapters',
    '1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    mp3,
  ]);
  // The chapters as the file holds them, read by ffprobe (ID3 CHAP frames).
  const probed = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', mp3], { encoding: 'utf8' }),
  ) as {
    chapters: { start_time: string; end_time: string; tags: { title: string } }[];
  };
  const chapters: Chapter[] = probed.chapters.map((c) => ({
    startTime: Number(c.start_time),
    endTime: Number(c.end_time),
    title: c.tags.title,
  }));
  assert.equal(chapters.length, 2);

  const json = renderChapters(episodeWith(chapters))!;
  assert.deepEqual(JSON.parse(json), {
    version: '1.2.0',
    chapters: [
      { startTime: 0, endTime: 1.5, title: 'Opening' },
      { startTime: 1.5, endTime: 4, title: 'Cloud & "Computing" 🎙️' },
    ],
  });
});

test('chapters are sorted by start time, keys in a fixed order, times in milliseconds', () => {
  const json = renderChapters(
    episodeWith([
      { title: 'Later', url: 'https://cloud.example/', img: 'https://virtzine.example/c.jpg', startTime: 62.1234567 },
      { endTime: 10, title: 'First', startTime: 0 },
    ]),
  )!;
  assert.equal(
    json,
    '{\n  "version": "1.2.0",\n  "chapters": [\n' +
      '    {\n      "startTime": 0,\n      "endTime": 10,\n      "title": "First"\n    },\n' +
      '    {\n      "startTime": 62.123,\n      "title": "Later",\n      "img": "https://virtzine.example/c.jpg",\n      "url": "https://cloud.example/"\n    }\n' +
      '  ]\n}\n',
  );
});

test('an episode without chapters has no chapters document', () => {
  assert.equal(renderChapters(episodeWith(undefined)), undefined);
  assert.equal(renderChapters(episodeWith([])), undefined);
});
