// import/html-markdown.ts: show notes as feeds carry them (HTML) -> notes.md, safe before
// markdown-it ever sees them; plain text for summaries; HTML entity names for the XML reader.
import test from 'node:test';
import assert from 'node:assert/strict';
import { decodeHtmlEntity, htmlToMarkdown, htmlToText, markdownToText, safeAbsoluteUrl } from '../../src/import/html-markdown.js';

const page = 'https://old.example/episodes/12/';

test('safeAbsoluteUrl resolves relative URLs against the page and keeps http(s) and mailto', () => {
  assert.equal(safeAbsoluteUrl('../13/', page), 'https://old.example/episodes/13/');
  assert.equal(safeAbsoluteUrl('/about', page), 'https://old.example/about');
  assert.equal(safeAbsoluteUrl(' https://other.example/x ', page), 'https://other.example/x');
  assert.equal(safeAbsoluteUrl('mailto:host@old.example', page), 'mailto:host@old.example');
  assert.equal(safeAbsoluteUrl('HTTP://OLD.EXAMPLE/A', undefined), 'http://old.example/A');
});

test('safeAbsoluteUrl refuses every other scheme, however it is disguised, and relative URLs with no base', () => {
  for (const url of [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    ' \njavascript:alert(1)',
    'data:text/html,x',
    'vbscript:x',
    'file:///etc/passwd',
  ]) {
    assert.equal(safeAbsoluteUrl(url, page), undefined, JSON.stringify(url));
  }
  assert.equal(safeAbsoluteUrl('/relative', undefined), undefined);
  assert.equal(safeAbsoluteUrl('http://[bad', page), undefined);
});

test('htmlToMarkdown: structure becomes Markdown, and links and images become absolute', () => {
  const md = htmlToMarkdown(
    '<h2>Links</h2><p>See <a href="../13/">the next one</a> and <strong>this</strong>.</p><ul><li>One</li><li>Two</li></ul><p><img src="/img/x.png" alt="A picture"></p>',
    page,
  );
  assert.match(md, /^## Links$/m);
  assert.match(md, /\[the next one\]\(https:\/\/old\.example\/episodes\/13\/\)/);
  assert.match(md, /\*\*this\*\*/);
  assert.match(md, /^\* One$/m);
  assert.match(md, /!\[A picture\]\(https:\/\/old\.example\/img\/x\.png\)/);
});

test('htmlToMarkdown: a link whose text is its URL becomes an autolink', () => {
  assert.equal(htmlToMarkdown('<a href="https://x.example/">https://x.example/</a>', page), '<https://x.example/>');
});

test('htmlToMarkdown: an unsafe link keeps only its text; an unsafe image is dropped', () => {
  const md = htmlToMarkdown(
    '<p><a href="javascript:alert(1)">click me</a> <img src="data:image/png;base64,AAAA" alt="pixel"> <img src="javascript:alert(2)" alt="tracker"></p>',
    page,
  );
  assert.equal(md, 'click me');
});

test('htmlToMarkdown: scripts, styles, embedded players and forms leave nothing behind', () => {
  const md = htmlToMarkdown(
    '<p>Before</p><script>alert("x")</script><style>p{color:red}</style><iframe src="https://player.example/"></iframe><form><input value="v"><button>Go</button></form><noscript>No JS</noscript><p>After</p>',
    page,
  );
  assert.equal(md, 'Before\n\nAfter');
});

test('htmlToMarkdown: relative links in notes with no page are dropped to their text, not left relative', () => {
  const md = htmlToMarkdown('<a href="/shop">the shop</a>', undefined);
  assert.equal(md, 'the shop');
});

test('htmlToText: a summary from notes, whitespace collapsed, no markup, no script text', () => {
  assert.equal(
    htmlToText('<p>Hello <b>world</b>,</p>\n<p>see <a href="https://x.example/">this</a>!</p><script>var secret = 1;</script>'),
    'Hello world, see this!',
  );
});

test('markdownToText: links and images become their text, emphasis and escapes go', () => {
  assert.equal(
    markdownToText('# Title\n\n**Bold** and _it_ [a link](https://x.example/) ![pic](https://x.example/p.png) 1\\. done'),
    'Title Bold and it a link pic 1. done',
  );
});

test('decodeHtmlEntity: HTML named references XML does not define, and nothing for names HTML does not know', () => {
  assert.equal(decodeHtmlEntity('eacute'), 'é');
  assert.equal(decodeHtmlEntity('mdash'), '—');
  assert.equal(decodeHtmlEntity('nbsp'), '\u00a0');
  assert.equal(decodeHtmlEntity('hellip'), '…');
  assert.equal(decodeHtmlEntity('zzzz'), undefined);
  // As HTML reads text: a legacy reference that needs no semicolon (&not) is read, the rest is text.
  assert.equal(decodeHtmlEntity('notit'), '¬it;');
  // Not a name at all: never given to the parser.
  assert.equal(decodeHtmlEntity('#233'), undefined);
  assert.equal(decodeHtmlEntity('a;b'), undefined);
  assert.equal(decodeHtmlEntity(''), undefined);
});
