import test from 'node:test';
import assert from 'node:assert/strict';
import { renderNotes } from '../../src/notes/markdown.js';

const page = 'https://virtzine.example/episodes/046-the-mega-edition/';

/** Every href and src value in an HTML fragment. */
const urls = (html: string) => [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]);

test('raw HTML in notes is shown as text, never as elements or attributes', () => {
  const html = renderNotes(
    'Hello <script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<a href="javascript:alert(3)">x</a>',
    page,
  );
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<a /i);
  // No tag of ours carries an event handler; the text is still there for the reader.
  assert.doesNotMatch(html, /<[^>]*\son\w+=/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /onerror=&quot;alert\(2\)&quot;/);
});

test('script-bearing URL schemes are not linked, in any disguise', () => {
  const bad = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'javascript&#58;alert(1)',
    '&#x6A;avascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
  ];
  for (const url of bad) {
    const html = renderNotes(`[click](${url}) and ![pic](${url})`, page);
    assert.deepEqual(urls(html), [], `${url} -> ${html}`);
  }
  // data: images are refused too: a feed reader may show them unsandboxed.
  assert.deepEqual(urls(renderNotes('![x](data:image/png;base64,iVBORw0KGgo=)', page)), []);
});

test('relative links and images become absolute against the episode page', () => {
  const html = renderNotes('[slides](slides.pdf) [home](/) [up](../045-before/) [top](#top) ![cover](img/cover.jpg)', page);
  assert.deepEqual(urls(html), [
    'https://virtzine.example/episodes/046-the-mega-edition/slides.pdf',
    'https://virtzine.example/',
    'https://virtzine.example/episodes/045-before/',
    'https://virtzine.example/episodes/046-the-mega-edition/#top',
    'https://virtzine.example/episodes/046-the-mega-edition/img/cover.jpg',
  ]);
});

test('links to other sites get rel="noopener", links on the site do not', () => {
  const html = renderNotes(
    '[ext](https://example.org/a) <https://example.com/b> https://example.net/c [own](/about) [mail](mailto:host@virtzine.example)',
    page,
  );
  assert.match(html, /<a href="https:\/\/example\.org\/a" rel="noopener">ext<\/a>/);
  assert.match(html, /<a href="https:\/\/example\.com\/b" rel="noopener">/);
  assert.match(html, /<a href="https:\/\/example\.net\/c" rel="noopener">/, 'bare URLs are linked');
  assert.match(html, /<a href="https:\/\/virtzine\.example\/about">own<\/a>/);
  assert.match(html, /<a href="mailto:host@virtzine\.example">mail<\/a>/);
});

test('attribute values are escaped: a quote in a URL or title cannot open a new attribute', () => {
  const html = renderNotes('[x](https://example.org/?a="onmouseover=alert(1) "title") ![a"b](p.png "t\\"onload=x")', page);
  assert.doesNotMatch(html, /<[^>]*\s(onmouseover|onload)=/i);
});

test('emoji and non-Latin text pass through untouched', () => {
  assert.equal(renderNotes('Live 🎙️ from Zürich — 東京', page), '<p>Live 🎙️ from Zürich — 東京</p>\n');
});

test('notes rendered again (a page, then a feed) come out the same, and relative links follow each base URL', () => {
  const notes = 'See [the page](../other/) and ![a chart](chart.png).';
  const first = renderNotes(notes, 'https://a.example/episodes/1/');
  assert.equal(renderNotes(notes, 'https://a.example/episodes/1/'), first);
  const other = renderNotes(notes, 'https://b.example/episodes/1/');
  assert.match(other, /href="https:\/\/b\.example\/episodes\/other\/"/);
  assert.match(other, /src="https:\/\/b\.example\/episodes\/1\/chart\.png"/);
  assert.match(first, /href="https:\/\/a\.example\/episodes\/other\/"/);
});
