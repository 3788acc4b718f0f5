// Apple Podcasts reads at most 4000 bytes of an episode's <description>
// (https://podcasters.apple.com/support/823-podcast-requirements). Notes of any length were written
// whole into both <description> and <content:encoded>: long notes gave a description of tens of KB.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/contract/catalog.js';
import { renderFeed } from '../../src/feeds/rss.js';
import { fixedNow, fixtureArtwork, fixtureWithEpisodes } from '../support/catalog-fixture.js';

function itemFields(notesMarkdown: string): { description: string; content: string } {
  const base = fixtureWithEpisodes(1);
  const catalog: Catalog = {
    ...base,
    episodes: base.episodes.map((e) => (e.slug === 'ep-001' ? { ...e, summary: 'Short & sweet.', notesMarkdown } : e)),
  };
  const feed = { name: 'audio', title: 'Audio', enclosure: 'mp3', alternates: [] };
  const xml = renderFeed(catalog, feed, { baseUrl: 'https://show.example', now: fixedNow, artwork: fixtureArtwork(catalog) });
  const item = xml.slice(xml.indexOf('<item>'), xml.indexOf('</item>'));
  const field = (name: string) => {
    const m = item.match(new RegExp(`<${name}><!\\[CDATA\\[([\\s\\S]*?)\\]\\]></${name}>`));
    assert.ok(m, `${name} is there`);
    return m[1]!;
  };
  return { description: field('description'), content: field('content:encoded') };
}

test('notes over 4000 bytes: the description is the summary, content:encoded the whole notes', () => {
  const long = 'Ünïcödé notes, long enough to matter. '.repeat(200);
  const { description, content } = itemFields(long);
  assert.equal(description, '<p>Short &amp; sweet.</p>');
  assert.ok(Buffer.byteLength(content) > 4000);
  assert.match(content, /Ünïcödé notes/);
});

test('notes within 4000 bytes stay the description too', () => {
  const { description, content } = itemFields('Short notes.');
  assert.equal(description, content);
  assert.match(description, /Short notes\./);
});
