// Imported notes: a link or image whose title holds a double quote, or an image whose alt holds a
// bracket, stays a link or image. The converter wrote them unescaped ([ok](url "Say "hi"")), which
// Markdown does not read as a link, so the episode page showed the Markdown as text.
import test from 'node:test';
import assert from 'node:assert/strict';
import { htmlToMarkdown } from '../../src/import/html-markdown.js';
import { renderNotes } from '../../src/notes/markdown.js';

const page = 'https://new.example/episodes/x/';
const notes = (html: string) => renderNotes(htmlToMarkdown(html, 'https://old.example/ep/1'), page);

test('a link title with a double quote or a backslash keeps the link', () => {
  const html = notes(`<p><a href="https://ok.example/" title='Say "hi" \\ bye'>ok</a></p>`);
  assert.equal(html, '<p><a href="https://ok.example/" title="Say &quot;hi&quot; \\ bye" rel="noopener">ok</a></p>\n');
});

test('an image with a quoted title and a bracket in its alt stays an image', () => {
  const html = notes(`<p><img src="https://ok.example/x.png" alt="Figure [1]" title='The "map"'></p>`);
  assert.match(html, /^<p><img src="https:\/\/ok\.example\/x\.png" alt="[^"]*" title="The &quot;map&quot;"><\/p>\n$/);
  assert.doesNotMatch(html, /\]\(/);
});
