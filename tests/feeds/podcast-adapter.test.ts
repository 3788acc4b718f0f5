// feeds/podcast-adapter.ts: our small feed types -> RSS text through the `podcast` library, with
// its faults worked around. Read back with a strict XML parser; the whole feeds rss.ts makes with
// it are in rss.test.ts and rss-golden.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { renderRss, type RssChannel, type RssItem } from '../../src/feeds/podcast-adapter.js';
import { parseXml, type XmlElement } from '../../src/import/xml.js';

const ITUNES = 'http://www.itunes.com/dtds/podcast-1.0.dtd';
const PODCAST = 'https://podcastindex.org/namespace/1.0';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';

const channel = (extra: Partial<RssChannel> = {}): RssChannel => ({
  title: 'The Show',
  description: '<p>About the show.</p>',
  link: 'https://show.example/',
  feedUrl: 'https://show.example/feed/audio.xml',
  language: 'en',
  generator: 'netcaster',
  lastBuildDate: new Date('2024-06-01T12:00:00Z'),
  namespaces: { itunes: ITUNES },
  elements: [],
  ...extra,
});

const item = (extra: Partial<RssItem> = {}): RssItem => ({
  title: 'Episode 1',
  link: 'https://show.example/episodes/1/',
  guid: 'guid-1',
  date: new Date('2024-05-01T08:30:00Z'),
  description: 'The summary.',
  enclosure: { url: 'https://show.example/media/1.mp3', length: 24666, type: 'audio/mpeg' },
  elements: [],
  ...extra,
});

/** The document parsed strictly (it must be well-formed: nothing mended), and its <channel>. */
function parse(xml: string): { rss: XmlElement; channel: XmlElement } {
  const parsed = parseXml(xml);
  assert.ok(parsed.root, parsed.error);
  assert.deepEqual(parsed.fixes, [], 'well-formed XML, nothing mended');
  const ch = parsed.root.children.find((c) => c.local === 'channel');
  assert.ok(ch);
  return { rss: parsed.root, channel: ch };
}
const child = (el: XmlElement, ns: string, local: string) => el.children.find((c) => c.ns === ns && c.local === local);
const all = (el: XmlElement, ns: string, local: string) => el.children.filter((c) => c.ns === ns && c.local === local);

test('the channel: title, description, links, language and generator, with the self link', () => {
  const { rss, channel: ch } = parse(renderRss(channel(), []));
  assert.equal(rss.attrs.version, '2.0');
  assert.equal(child(ch, '', 'title')?.text, 'The Show');
  assert.equal(child(ch, '', 'description')?.text, '<p>About the show.</p>');
  assert.equal(child(ch, '', 'link')?.text, 'https://show.example/');
  assert.equal(child(ch, '', 'language')?.text, 'en');
  assert.equal(child(ch, '', 'generator')?.text, 'netcaster');
  const self = child(ch, 'http://www.w3.org/2005/Atom', 'link');
  assert.deepEqual(self?.attrs, { href: 'https://show.example/feed/audio.xml', rel: 'self', type: 'application/rss+xml' });
});

test('lastBuildDate and the channel pubDate are the date given, never the clock; without one, neither is written', () => {
  const { channel: ch } = parse(renderRss(channel(), []));
  assert.equal(child(ch, '', 'lastBuildDate')?.text, 'Sat, 01 Jun 2024 12:00:00 GMT');
  assert.equal(child(ch, '', 'pubDate')?.text, 'Sat, 01 Jun 2024 12:00:00 GMT');
  const undated = parse(renderRss(channel({ lastBuildDate: undefined }), [])).channel;
  assert.equal(child(undated, '', 'lastBuildDate'), undefined);
  assert.equal(child(undated, '', 'pubDate'), undefined);
});

test('the same input gives the same bytes, with no trace of the clock (a rebuild of an unchanged show is identical)', () => {
  const first = renderRss(channel(), [item()]);
  assert.equal(renderRss(channel(), [item()]), first);
  const today = new Date().toUTCString().slice(0, 16); // "Mon, 30 Nov 2026": how RSS writes a date
  assert.ok(!first.includes(today), `today's date (${today}) is in the feed`);
});

test('the library writes no iTunes or Simple Chapters elements of its own: only ours', () => {
  const xml = renderRss(channel(), [item()]);
  const { channel: ch } = parse(xml);
  assert.deepEqual(
    ch.children.filter((c) => c.ns === ITUNES),
    [],
  );
  assert.doesNotMatch(xml, /itunes:summary|itunes:email|itunes:explicit|psc:|podlove/);
});

test('our elements: text escaped, CDATA wrapped, attributes (those with a value), children, an empty element, in order', () => {
  const xml = renderRss(
    channel({
      elements: [
        { name: 'itunes:author', text: 'Tom & Jerry <b>' },
        { name: 'itunes:image', attrs: { href: 'https://show.example/a.jpg', unused: undefined } },
        {
          name: 'itunes:owner',
          children: [
            { name: 'itunes:name', text: 'Ann' },
            { name: 'itunes:email', text: 'ann@show.example' },
          ],
        },
        { name: 'podcast:locked', attrs: { owner: 'ann@show.example' }, text: 'yes' },
        { name: 'itunes:summary', cdata: '<p>Rich</p>' },
        { name: 'itunes:block' },
        { name: 'podcast:funding', attrs: { url: 'https://give.example/' }, text: 12 },
        { name: 'itunes:category', attrs: { text: 'Technology' }, children: [{ name: 'itunes:category', attrs: { text: 'Podcasting' } }] },
      ],
    }),
    [],
  );
  const { rss, channel: ch } = parse(xml);
  assert.equal(rss.attrs.itunes, undefined, 'namespace declarations are not attributes');
  const ours = ch.children.filter((c) => c.ns === ITUNES || c.ns === PODCAST);
  assert.deepEqual(
    ours.map((c) => c.name),
    [
      'itunes:author',
      'itunes:image',
      'itunes:owner',
      'podcast:locked',
      'itunes:summary',
      'itunes:block',
      'podcast:funding',
      'itunes:category',
    ],
  );
  assert.equal(ours[0].text, 'Tom & Jerry <b>');
  assert.deepEqual(ours[1].attrs, { href: 'https://show.example/a.jpg' });
  assert.deepEqual(
    ours[2].children.map((c) => [c.name, c.text]),
    [
      ['itunes:name', 'Ann'],
      ['itunes:email', 'ann@show.example'],
    ],
  );
  assert.deepEqual([ours[3].attrs, ours[3].text], [{ owner: 'ann@show.example' }, 'yes']);
  assert.equal(ours[4].text, '<p>Rich</p>');
  assert.match(xml, /<itunes:summary><!\[CDATA\[<p>Rich<\/p>\]\]><\/itunes:summary>/);
  assert.deepEqual([ours[5].text, ours[5].children], ['', []]);
  assert.equal(ours[6].text, '12');
  assert.deepEqual([ours[7].attrs, ours[7].children.map((c) => c.attrs)], [{ text: 'Technology' }, [{ text: 'Podcasting' }]]);
});

test('the namespaces given are declared on <rss>, with the podcast namespace always', () => {
  const xml = renderRss(channel({ namespaces: { itunes: ITUNES, googleplay: 'http://www.google.com/schemas/play-podcasts/1.0' } }), []);
  assert.match(xml, /<rss [^>]*xmlns:itunes="http:\/\/www\.itunes\.com\/dtds\/podcast-1\.0\.dtd"/);
  assert.match(xml, /<rss [^>]*xmlns:googleplay="http:\/\/www\.google\.com\/schemas\/play-podcasts\/1\.0"/);
  assert.match(xml, /<rss [^>]*xmlns:podcast="https:\/\/podcastindex\.org\/namespace\/1\.0"/);
});

test('an item: title, link, guid (not a permalink), date, description, enclosure, content:encoded and its own elements', () => {
  const { channel: ch } = parse(
    renderRss(channel(), [
      item({ contentHtml: '<p>Notes ]]> with a CDATA end inside</p>', elements: [{ name: 'itunes:duration', text: 61 }] }),
    ]),
  );
  const [it] = all(ch, '', 'item');
  assert.equal(child(it, '', 'title')?.text, 'Episode 1');
  assert.equal(child(it, '', 'link')?.text, 'https://show.example/episodes/1/');
  assert.deepEqual([child(it, '', 'guid')?.text, child(it, '', 'guid')?.attrs], ['guid-1', { isPermaLink: 'false' }]);
  assert.equal(child(it, '', 'pubDate')?.text, 'Wed, 01 May 2024 08:30:00 GMT');
  assert.equal(child(it, '', 'description')?.text, 'The summary.');
  assert.deepEqual(child(it, '', 'enclosure')?.attrs, { url: 'https://show.example/media/1.mp3', length: '24666', type: 'audio/mpeg' });
  assert.equal(child(it, CONTENT, 'encoded')?.text, '<p>Notes ]]> with a CDATA end inside</p>');
  assert.equal(child(it, ITUNES, 'duration')?.text, '61');
});

test('items keep the order given; an item without notes has no content:encoded', () => {
  const { channel: ch } = parse(renderRss(channel(), [item({ guid: 'b' }), item({ guid: 'a' }), item({ guid: 'c' })]));
  const items = all(ch, '', 'item');
  assert.deepEqual(
    items.map((i) => child(i, '', 'guid')?.text),
    ['b', 'a', 'c'],
  );
  assert.equal(child(items[0], CONTENT, 'encoded'), undefined);
});

test('characters XML 1.0 cannot carry are dropped everywhere, so one stray byte never makes the feed unreadable', () => {
  const bad = (s: string) => `${s}\u0000\u0001\u0008\u000b\u001f\u007f\u0085\ufffe`;
  const xml = renderRss(
    channel({
      title: bad('Show'),
      description: bad('About'),
      copyright: bad('© 2024'),
      link: bad('https://show.example/'),
      elements: [
        { name: 'itunes:author', attrs: { note: bad('n') }, text: bad('Ann') },
        { name: 'itunes:summary', cdata: bad('Sum') },
      ],
    }),
    [item({ title: bad('Ep'), guid: bad('g'), description: bad('D'), contentHtml: bad('<p>N</p>'), link: bad('https://show.example/e/') })],
  );
  const { channel: ch } = parse(xml);
  assert.equal(child(ch, '', 'title')?.text, 'Show');
  assert.equal(child(ch, '', 'copyright')?.text, '© 2024');
  assert.equal(child(ch, ITUNES, 'author')?.text, 'Ann');
  assert.equal(child(ch, ITUNES, 'author')?.attrs.note, 'n');
  assert.equal(child(ch, ITUNES, 'summary')?.text, 'Sum');
  const [it] = all(ch, '', 'item');
  // A guid is an identity: DEL and C1, which XML 1.0 allows, are kept (an imported guid stays byte for byte).
  assert.equal(child(it, '', 'guid')?.text, 'g\u007f\u0085');
  assert.equal(child(it, CONTENT, 'encoded')?.text, '<p>N</p>');
  // Tab, newline and characters beyond the BMP are XML characters: kept.
  const kept = parse(renderRss(channel({ title: 'A\tB 🎙️' }), [])).channel;
  assert.equal(child(kept, '', 'title')?.text, 'A\tB 🎙️');
});
