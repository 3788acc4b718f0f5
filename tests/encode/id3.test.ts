// encode/id3.ts: the ID3v2.3 tag put in front of an encoded MP3. Read back two ways: frame by
// frame as the spec lays them out (https://id3.org/id3v2.3.0), and by music-metadata in front of
// real MPEG frames, as apps read it. The whole encode with it is in encode.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseBuffer } from 'music-metadata';
import { id3v23Tag } from '../../src/encode/id3.js';
import type { EpisodeTags } from '../../src/encode/tags.js';
import { fixturesDir, sampleShowDir } from '../support/env.js';

const tags: EpisodeTags = {
  title: 'Épisode 7 — ça va 🎙️',
  artist: 'Ann Author',
  album: 'The Show',
  track: 7,
  year: 2021,
  comment: 'A summary.',
};
const cover = { mime: 'image/jpeg', bytes: fs.readFileSync(path.join(sampleShowDir, 'artwork.jpg')) };
const chapters = [
  { startTime: 2.5, title: 'Second' },
  { startTime: 0, title: 'First' },
];

/** The frames of a v2.3 tag: id and body, in order. */
function frames(tag: Buffer): { id: string; body: Buffer }[] {
  const size = ((tag[6] & 0x7f) << 21) | ((tag[7] & 0x7f) << 14) | ((tag[8] & 0x7f) << 7) | (tag[9] & 0x7f);
  assert.equal(size, tag.length - 10, 'the header size is the body size, synchsafe');
  const list: { id: string; body: Buffer }[] = [];
  for (let at = 10; at < tag.length; ) {
    const length = tag.readUInt32BE(at + 4);
    list.push({ id: tag.toString('latin1', at, at + 4), body: tag.subarray(at + 10, at + 10 + length) });
    at += 10 + length;
  }
  return list;
}

/** The MPEG frames of the fixture MP3, without its own ID3 tag. */
function audioFrames(): Buffer {
  const mp3 = fs.readFileSync(path.join(fixturesDir, 'media', 'good-cbr.mp3'));
  if (mp3.toString('latin1', 0, 3) !== 'ID3') return mp3;
  const size = ((mp3[6] & 0x7f) << 21) | ((mp3[7] & 0x7f) << 14) | ((mp3[8] & 0x7f) << 7) | (mp3[9] & 0x7f);
  return mp3.subarray(10 + size);
}

test('the header says ID3 v2.3.0, no flags, and a synchsafe size, even for a tag over 128 bytes', () => {
  const tag = id3v23Tag(tags, chapters, 10, cover, 'en');
  assert.equal(tag.toString('latin1', 0, 5), 'ID3\x03\x00');
  assert.equal(tag[5], 0, 'no flags');
  for (const b of tag.subarray(6, 10)) assert.ok(b < 0x80, 'every size byte keeps its top bit clear');
  assert.ok(tag.length > 128 * 128, 'big enough that a plain size would differ');
  frames(tag);
});

test('the frames: text, COMM, a table of contents and its chapters in time order, then the cover', () => {
  const ids = frames(id3v23Tag(tags, chapters, 10, cover, 'en')).map((f) => f.id);
  assert.deepEqual(ids, ['TIT2', 'TPE1', 'TALB', 'TRCK', 'TYER', 'COMM', 'CTOC', 'CHAP', 'CHAP', 'APIC']);
});

test('text frames are UTF-16 with a byte-order mark (encoding 1), the one Unicode form v2.3 knows', () => {
  const tit2 = frames(id3v23Tag(tags, [], 10, undefined)).find((f) => f.id === 'TIT2');
  assert.ok(tit2);
  assert.deepEqual([...tit2.body.subarray(0, 3)], [1, 0xff, 0xfe]);
  assert.equal(tit2.body.subarray(3).toString('utf16le'), tags.title);
});

test('no track, no comment, no chapters and no cover: none of their frames', () => {
  const ids = frames(id3v23Tag({ ...tags, track: undefined, comment: '' }, [], 10, undefined)).map((f) => f.id);
  assert.deepEqual(ids, ['TIT2', 'TPE1', 'TALB', 'TYER']);
});

test('APIC says picture type 3 (front cover) and carries the image bytes whole', () => {
  const apic = frames(id3v23Tag(tags, [], 10, cover)).find((f) => f.id === 'APIC');
  assert.ok(apic);
  // encoding 0, "image/jpeg\0", picture type, empty description "\0", the bytes.
  assert.equal(apic.body[0], 0);
  assert.equal(apic.body.toString('latin1', 1, 12), 'image/jpeg\0');
  assert.equal(apic.body[12], 3);
  assert.deepEqual(apic.body.subarray(14), cover.bytes);
});

test('COMM carries the ISO 639-2 code of the show language, "XXX" (unknown) for one it cannot map', () => {
  const language = (lang: string | undefined) =>
    frames(id3v23Tag(tags, [], 10, undefined, lang))
      .find((f) => f.id === 'COMM')
      ?.body.toString('latin1', 1, 4);
  assert.equal(language('en-US'), 'eng');
  assert.equal(language('de'), 'deu');
  assert.equal(language('FR-ca'), 'fra');
  assert.equal(language('haw'), 'haw');
  assert.equal(language('xx'), 'XXX');
  assert.equal(language(undefined), 'XXX');
});

test('CHAP: start and end in ms, byte offsets unused; a chapter past the end is left out and the last ends with the episode', () => {
  const chaps = frames(id3v23Tag(tags, [...chapters, { startTime: 12, title: 'Past the end' }], 10, undefined)).filter(
    (f) => f.id === 'CHAP',
  );
  const times = chaps.map((c) => {
    const at = c.body.indexOf(0) + 1; // after the element ID
    return [
      c.body.toString('latin1', 0, at - 1),
      c.body.readUInt32BE(at),
      c.body.readUInt32BE(at + 4),
      c.body.readUInt32BE(at + 8),
      c.body.readUInt32BE(at + 12),
    ];
  });
  assert.deepEqual(times, [
    ['chp0', 0, 2500, 0xffffffff, 0xffffffff],
    ['chp1', 2500, 10000, 0xffffffff, 0xffffffff],
  ]);
});

test('in front of real MPEG frames, music-metadata reads every tag, the comment as COMM, the cover and the chapters', async () => {
  const file = Buffer.concat([id3v23Tag(tags, chapters, 4, cover, 'en'), audioFrames()]);
  const mm = await parseBuffer(file, { mimeType: 'audio/mpeg' }, { includeChapters: true });
  assert.ok(mm.native['ID3v2.3'], `tag versions: ${Object.keys(mm.native)}`);
  assert.equal(mm.common.title, tags.title);
  assert.equal(mm.common.artist, 'Ann Author');
  assert.equal(mm.common.album, 'The Show');
  assert.equal(mm.common.track.no, 7);
  assert.equal(mm.common.year, 2021);
  assert.equal(mm.common.comment?.[0]?.text, 'A summary.');
  assert.equal(mm.common.picture?.[0]?.type, 'Cover (front)');
  assert.equal(mm.common.picture?.[0]?.format, 'image/jpeg');
  assert.equal(mm.common.picture?.[0]?.data.length, cover.bytes.length);
  assert.deepEqual(
    mm.format.chapters?.map((c) => [c.title, c.start]),
    [
      ['First', 0],
      ['Second', 2.5],
    ],
  );
  assert.ok((mm.format.duration ?? 0) > 0, 'the MPEG frames after the tag are still found');
});
