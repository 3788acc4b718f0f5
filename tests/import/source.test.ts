// readSource reads a feed twice: a summary of each item first, then each item in full, a piece
// of the text at a time. Both readings must agree, whatever falls on the edge of a piece.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { summaryOf } from '../../src/import/feed.js';
import { defaultHttpOptions } from '../../src/import/http.js';
import { readSource } from '../../src/import/source.js';
import { tempDir } from '../support/temp-dir.js';

/** An item of about 1 KB whose text is not ASCII, so that pieces end inside names, entities and characters. */
const item = (n: number, extra = '') =>
  `<item><title>Épisode ${n} — ça va 🎙️</title><guid>g-${n}</guid><pubDate>Mon, 01 Sep 2014 18:00:00 GMT</pubDate>` +
  `<description><![CDATA[<p>${'Notes für Folge '.repeat(40)}${n} 🎧</p>]]></description>` +
  `<enclosure url="episodes/${n}.mp3" length="${1000 + n}" type="audio/mpeg"/>${extra}</item>`;

function feedFile(body: string): string {
  const file = path.join(tempDir('source'), 'feed.xml');
  fs.writeFileSync(file, body);
  return file;
}

test('the items read again in full are the items summarised at first: same order, positions, guids, titles and enclosures', async () => {
  const items = Array.from({ length: 400 }, (_, i) =>
    item(i + 1, i === 7 ? '<itunes:summary>Short &amp; sweet</itunes:summary>' : ''),
  ).join('\n');
  // The feed's own URL comes after the items: relative enclosure URLs still resolve against it.
  const file = feedFile(
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Big</title>${items}<atom:link rel="self" href="https://old.example/feed.xml"/></channel></rss>`,
  );
  assert.ok(fs.statSync(file).size > 4 * 64 * 1024, 'the text spans many pieces');
  const read = await readSource(file, defaultHttpOptions);
  assert.ok(read.feed, read.error);
  assert.equal(read.feed.items.length, 400);
  const full = [...read.items()];
  assert.deepEqual(full.map(summaryOf), read.feed.items);
  assert.equal(full[0].enclosure?.url, 'https://old.example/episodes/1.mp3');
  assert.equal(full[7].summary, 'Short & sweet');
  assert.equal(full[399].title, 'Épisode 400 — ça va 🎙️');
  assert.ok(
    full.every((it, i) => it.notesHtml?.endsWith(`${i + 1} 🎧</p>`)),
    'every note whole',
  );
  assert.deepEqual(
    [...read.items()].map((i) => i.guid),
    full.map((i) => i.guid),
    'and again, the same',
  );
});

test('a feed mended leniently is read again leniently: its items come back the same', async () => {
  // An HTML entity XML does not define makes the strict reading fail half way through.
  const items = Array.from({ length: 200 }, (_, i) => item(i + 1, i === 150 ? '<itunes:subtitle>caf&eacute;</itunes:subtitle>' : '')).join(
    '',
  );
  const file = feedFile(
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Mended</title><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://old.example/feed.xml"/>${items}</channel></rss>`,
  );
  const read = await readSource(file, defaultHttpOptions);
  assert.ok(read.feed, read.error);
  assert.match(read.fixes.join('\n'), /&eacute;/);
  assert.equal(read.feed.items.length, 200, 'the items of the failed strict reading are not counted twice');
  const full = [...read.items()];
  assert.deepEqual(full.map(summaryOf), read.feed.items);
  assert.equal(full[150].summary, 'café');
});
