// The feed XML reader: strict when it can be, lenient (and saying what it mended) when it must.
import test from 'node:test';
import assert from 'node:assert/strict';
import { decodeXml, parseXml } from '../../src/import/xml.js';

const rss = (inner: string, decl = '<?xml version="1.0" encoding="UTF-8"?>') =>
  `${decl}<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>${inner}</channel></rss>`;

test('a well-formed feed parses strictly, with nothing mended', () => {
  const r = parseXml(rss('<title>Fine &amp; dandy</title>'));
  assert.deepEqual(r.fixes, []);
  assert.equal(r.root?.children[0].children[0].text, 'Fine & dandy');
});

test('whitespace and a byte-order mark before the XML declaration are dropped and reported', () => {
  const r = parseXml(`\n  \ufeff${rss('<title>T</title>')}`);
  assert.ok(r.root);
  assert.match(r.fixes.join('\n'), /byte-order mark and 3 character\(s\) before the XML declaration dropped/);
});

test('HTML entities XML does not define are decoded as HTML defines them, and named in the report', () => {
  const r = parseXml(rss('<title>Caf&eacute; &mdash; &nbsp;live</title>'));
  assert.equal(r.root?.children[0].children[0].text, 'Café — \u00a0live');
  assert.match(r.fixes.join('\n'), /&eacute; &mdash; &nbsp;/);
});

test('regression: an entity neither XML nor HTML defines (&zzz;) made the whole feed unreadable; it is kept as written, and reported', () => {
  const r = parseXml(rss('<title>Q&zzz;A &eacute;</title><description>&zzz;</description>'));
  assert.equal(r.error, undefined);
  assert.equal(r.root?.children[0].children[0].text, 'Q&zzz;A é');
  assert.equal(r.root?.children[0].children[1].text, '&zzz;');
  assert.match(r.fixes.join('\n'), /neither XML nor HTML defines were kept as written: &zzz;$/m);
});

test('a bare & is read as &amp;', () => {
  const r = parseXml(rss('<title>Q & A</title>'));
  assert.equal(r.root?.children[0].children[0].text, 'Q & A');
  assert.match(r.fixes.join('\n'), /1 bare "&"/);
});

test('itunes: used without its namespace declared is bound to Apple namespace, and reported', () => {
  const r = parseXml('<rss version="2.0"><channel><itunes:author>Ann</itunes:author></channel></rss>');
  const author = r.root?.children[0].children[0];
  assert.equal(author?.ns, 'http://www.itunes.com/dtds/podcast-1.0.dtd');
  assert.equal(author?.local, 'author');
  assert.match(r.fixes.join('\n'), /itunes:/);
});

test('regression: a feed declaring the podcast namespace at its old GitHub address lost its podcast:locked; it is read as the podcast namespace, and said', () => {
  const old = 'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md';
  const r = parseXml(
    `<rss version="2.0" xmlns:podcast="${old}" xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><channel><podcast:locked owner="o@example.com">yes</podcast:locked><itunes:author>A</itunes:author></channel></rss>`,
  );
  const [locked, author] = r.root?.children[0].children ?? [];
  assert.equal(locked.ns, 'https://podcastindex.org/namespace/1.0');
  assert.equal(author.ns, 'http://www.itunes.com/dtds/podcast-1.0.dtd');
  assert.match(
    r.fixes.join('\n'),
    /declared as https:\/\/github\.com\/Podcastindex-org\/podcast-namespace\S* was read as https:\/\/podcastindex\.org\/namespace\/1\.0/,
  );
  assert.match(r.fixes.join('\n'), /DTDs\/Podcast-1\.0\.dtd was read as http:\/\/www\.itunes\.com\/dtds\/podcast-1\.0\.dtd/);
});

test('XML that cannot be mended is an error with its position, not an exception', () => {
  const r = parseXml(rss('<title>Open</channel>'));
  assert.equal(r.root, undefined);
  assert.match(r.error ?? '', /\d+:\d+/);
});

test('the encoding the XML declaration names is used (ISO-8859-1)', () => {
  const bytes = Buffer.concat([
    Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Caf'),
    Buffer.from([0xe9]),
    Buffer.from('</title></channel></rss>'),
  ]);
  assert.equal(parseXml(decodeXml(bytes)).root?.children[0].children[0].text, 'Café');
});

test("a feed declared ISO-8859-1 or windows-1252 keeps its curly quotes, dashes and euro sign (Node 20's decoder made them C1 controls)", () => {
  // “Café” – 5 € ’quoted’, in windows-1252's bytes.
  const title = Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x20, 0x92, 0x71, 0x92]);
  for (const name of ['ISO-8859-1', 'windows-1252', 'latin1']) {
    const bytes = Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="${name}"?><t>`), title, Buffer.from('</t>')]);
    assert.equal(parseXml(decodeXml(bytes)).root?.text, '\u201cCaf\u00e9\u201d \u2013 5 \u20ac \u2019q\u2019', name);
  }
});

test('a UTF-16 feed without a byte order mark is read as UTF-16, either byte order (XML 1.0, appendix F)', () => {
  const xml = '<?xml version="1.0" encoding="UTF-16"?><t>Café München</t>';
  const le = Buffer.from(xml, 'utf16le');
  const be = Buffer.from(le).swap16();
  for (const bytes of [le, be]) assert.equal(parseXml(decodeXml(bytes)).root?.text, 'Café München');
});
