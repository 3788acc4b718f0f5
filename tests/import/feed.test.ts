// import/feed.ts: a feed's XML tree -> what an import keeps, with every mend and loss said and
// every element either read or counted. In memory; whole imports are in importer.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { feedBase, ItemReader, readFeed, summaryOf, type SourceFeed, type SourceItem } from '../../src/import/feed.js';
import { parseFeedXml } from '../../src/import/xml.js';

const NS =
  'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" ' +
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:psc="http://podlove.org/simple-chapters"';
const rss = (channel: string) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" ${NS}><channel>${channel}</channel></rss>`;
const FEED_URL = 'https://old.example/shows/feed.xml';

/** Reads a feed as source.ts does: the channel's items one at a time, then the channel. */
function read(xml: string, source = FEED_URL): { feed: SourceFeed; items: SourceItem[] } {
  const reader = new ItemReader(feedBase(source, parseFeedXml(xml, 'skip').root));
  const items: SourceItem[] = [];
  let position = 0;
  const parsed = parseFeedXml(xml, 'each', (element) => {
    const item = reader.read(element, ++position);
    if (item) items.push(item);
  });
  assert.ok(parsed.root, parsed.error);
  return { feed: readFeed(parsed.root, source, { summaries: items.map(summaryOf), reader }), items };
}

/** The one item of a feed with only that item. */
function item(inner: string): { item: SourceItem | undefined; feed: SourceFeed } {
  const { feed, items } = read(rss(`<title>T</title><item>${inner}</item>`));
  return { item: items[0], feed };
}

const notes = (feed: SourceFeed) => feed.notes.map((n) => `${n.where}: ${n.message}${n.lost ? ' [lost]' : ''}`).join('\n');
const enclosure = '<enclosure url="https://cdn.example/1.mp3" length="1234" type="audio/mpeg"/>';
const dated = '<pubDate>Mon, 01 Sep 2014 18:00:00 GMT</pubDate>';

test('the channel: every field a show.yaml needs is read from its usual element', () => {
  const { feed } = read(
    rss(`
    <title> The Show </title>
    <description>What it is about.</description>
    <language>en-us</language>
    <copyright>© 2014 Someone</copyright>
    <link>https://old.example/</link>
    <itunes:author>Ann Author</itunes:author>
    <itunes:owner><itunes:name>Owner Name</itunes:name><itunes:email>owner@old.example</itunes:email></itunes:owner>
    <itunes:category text="Technology"/>
    <itunes:explicit>clean</itunes:explicit>
    <itunes:type>Serial</itunes:type>
    <itunes:image href="https://old.example/art.jpg"/>
    <podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
    <podcast:locked owner="owner@old.example">yes</podcast:locked>
    <podcast:medium>podcast</podcast:medium>
    <podcast:funding url="https://give.example/">Help us</podcast:funding>
    <podcast:funding url="https://tip.example/"></podcast:funding>
    <podcast:person role="host" href="https://ann.example/">Ann Author</podcast:person>`),
  );
  assert.equal(feed.title, 'The Show');
  assert.equal(feed.description, 'What it is about.');
  assert.equal(feed.language, 'en-us');
  assert.equal(feed.copyright, '© 2014 Someone');
  assert.equal(feed.link, 'https://old.example/');
  assert.equal(feed.author, 'Ann Author');
  assert.deepEqual(feed.owner, { name: 'Owner Name', email: 'owner@old.example' });
  assert.deepEqual(feed.categories, ['Technology']);
  assert.equal(feed.explicit, false);
  assert.equal(feed.type, 'serial');
  assert.equal(feed.imageUrl, 'https://old.example/art.jpg');
  assert.equal(feed.podcastGuid, '917393e3-1b1e-5cef-ace4-edaa54e1f810');
  assert.deepEqual(feed.locked, { locked: true, owner: 'owner@old.example' });
  assert.equal(feed.medium, 'podcast');
  assert.deepEqual(feed.funding, [
    { url: 'https://give.example/', text: 'Help us' },
    { url: 'https://tip.example/', text: 'Support the show' },
  ]);
  assert.deepEqual(feed.persons, [{ name: 'Ann Author', role: 'host', href: 'https://ann.example/' }]);
  assert.deepEqual([...feed.unmapped], []);
  assert.deepEqual(feed.notes, []);
});

test('the channel falls back: itunes:summary for a description, the owner for an author, <image><url> for artwork', () => {
  const { feed } = read(
    rss(`<title>T</title><itunes:summary>The summary.</itunes:summary>
    <itunes:owner><itunes:name>Owner Name</itunes:name></itunes:owner>
    <image><url>https://old.example/rss-image.png</url><title>T</title><link>https://old.example/</link></image>`),
  );
  assert.equal(feed.description, 'The summary.');
  assert.equal(feed.author, 'Owner Name');
  assert.equal(feed.imageUrl, 'https://old.example/rss-image.png');
});

test('an itunes:summary that differs from the description is said; the description is kept', () => {
  const { feed } = read(rss('<title>T</title><description>One.</description><itunes:summary>Two.</itunes:summary>'));
  assert.equal(feed.description, 'One.');
  assert.match(notes(feed), /channel: itunes:summary differs from <description>: the description was kept/);
});

test('explicit reads yes/true/explicit and no/false/clean; anything else is left unset', () => {
  const explicit = (text: string) => read(rss(`<title>T</title><itunes:explicit>${text}</itunes:explicit>`)).feed.explicit;
  for (const yes of ['yes', 'True', 'explicit']) assert.equal(explicit(yes), true, yes);
  for (const no of ['no', 'FALSE', 'clean']) assert.equal(explicit(no), false, no);
  assert.equal(explicit('maybe'), undefined);
});

test('a podcast:locked other than yes does not lock the show', () => {
  assert.deepEqual(read(rss('<title>T</title><podcast:locked>no</podcast:locked>')).feed.locked, { locked: false, owner: undefined });
});

test('categories: an old Apple name is mapped and said; one Apple never had is lost and said', () => {
  const { feed } = read(
    rss(`<title>T</title>
    <itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
    <itunes:category text="Not A Category At All"/>`),
  );
  assert.deepEqual(feed.categories, ['Technology']);
  assert.match(notes(feed), /channel: category "Technology\/Podcasting"/);
  assert.match(notes(feed), /channel: category not imported: .*\[lost\]/);
});

test('where the feed moved, and its pages and archives (RFC 5005), are read from their elements', () => {
  const { feed } = read(
    rss(`<title>T</title>
    <itunes:new-feed-url>https://new.example/feed.xml</itunes:new-feed-url>
    <redirect><newLocation>https://newer.example/feed.xml</newLocation></redirect>
    <atom:link rel="self" href="https://old.example/shows/feed.xml"/>
    <atom:link rel="next" href="feed.xml?page=2"/>
    <atom:link rel="prev-archive" href="https://old.example/archive/2013.xml"/>
    <atom:link rel="hub" href="https://hub.example/"/>
    <atom:link rel="payment" href="https://pay.example/"/>`),
  );
  assert.equal(feed.newFeedUrl, 'https://new.example/feed.xml');
  assert.equal(feed.newLocation, 'https://newer.example/feed.xml');
  assert.equal(feed.selfUrl, 'https://old.example/shows/feed.xml');
  assert.equal(feed.nextPage, 'https://old.example/shows/feed.xml?page=2');
  assert.equal(feed.prevArchive, 'https://old.example/archive/2013.xml');
  // A hub is known (WebSub) and not listed; a rel netcaster has no place for is.
  assert.deepEqual([...feed.unmapped], [['channel <atom:link rel="payment">', 1]]);
});

test('every element with no place in netcaster is counted by its usual name, in the channel and in items', () => {
  const { feed } = read(
    rss(`<title>T</title><itunes:keywords>a, b</itunes:keywords><x:odd xmlns:x="urn:odd">?</x:odd>
    <item><guid>1</guid>${dated}<podcast:soundbite startTime="1" duration="5"/><podcast:soundbite startTime="9" duration="5"/></item>
    <item><guid>2</guid>${dated}<podcast:soundbite startTime="1" duration="5"/><itunes:subtitle>Read</itunes:subtitle></item>`),
  );
  assert.deepEqual(
    new Map(feed.unmapped),
    new Map([
      ['channel <itunes:keywords>', 1],
      ['channel <x:odd>', 1],
      ['item <podcast:soundbite>', 3],
    ]),
  );
});

test('a document that is not RSS, or has no channel, is one lost note and no items', () => {
  const atom = read('<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>').feed;
  assert.equal(notes(atom), 'feed: the root element is <feed>, not <rss>: not a podcast RSS feed [lost]');
  const empty = read('<rss version="2.0"></rss>').feed;
  assert.equal(notes(empty), 'feed: no <channel> [lost]');
  assert.deepEqual(empty.items, []);
});

test('feedBase: a feed fetched resolves against its URL; a file only against an http(s) self link', () => {
  const withSelf = parseFeedXml(rss('<atom:link rel="self" href=" https://old.example/feed.xml "/>'), 'skip').root;
  const withFileSelf = parseFeedXml(rss('<atom:link rel="self" href="file:///feed.xml"/>'), 'skip').root;
  const without = parseFeedXml(rss('<title>T</title>'), 'skip').root;
  assert.equal(feedBase(FEED_URL, without), FEED_URL);
  assert.equal(feedBase('/home/me/feed.xml', withSelf), 'https://old.example/feed.xml');
  assert.equal(feedBase('/home/me/feed.xml', withFileSelf), undefined);
  assert.equal(feedBase('/home/me/feed.xml', without), undefined);
});

test('relative URLs resolve against the feed and are said; spaces around a URL are removed and said', () => {
  const { item: it, feed } = item(`<guid>1</guid>${dated}<enclosure url="  ../media/1.mp3 " length="10" type="audio/mpeg"/>`);
  assert.equal(it?.enclosure?.url, 'https://old.example/media/1.mp3');
  assert.match(notes(feed), /item 1: spaces around the enclosure URL removed/);
  assert.match(notes(feed), /the relative enclosure URL "..\/media\/1.mp3" read as https:\/\/old.example\/media\/1.mp3/);
});

test('a relative URL in a feed read from a file with no self link is lost, and the note says why', () => {
  const { feed, items } = read(rss(`<item><guid>1</guid>${dated}<enclosure url="1.mp3" type="audio/mpeg"/></item>`), '/home/me/feed.xml');
  assert.equal(items[0].enclosure, undefined);
  assert.match(notes(feed), /"1.mp3" is not an http\(s\) URL \(a relative URL in a feed read from a file cannot be resolved\) \[lost\]/);
});

test('a URL that is not http(s) (javascript:, data:) is never kept', () => {
  const { item: it, feed } = item(
    `<guid>1</guid>${dated}${enclosure}<itunes:image href="javascript:alert(1)"/><podcast:chapters url="data:application/json,{}" type="application/json+chapters"/>`,
  );
  assert.equal(it?.imageUrl, undefined);
  assert.equal(it?.chaptersUrl, undefined);
  assert.match(notes(feed), /the itunes:image URL "javascript:alert\(1\)" is not an http\(s\) URL \[lost\]/);
  assert.match(notes(feed), /the podcast:chapters URL "data:application\/json,\{\}" is not an http\(s\) URL \[lost\]/);
});

test('an item: everything an episode.yaml and its files need is read', () => {
  const { item: it, feed } = item(`
    <title>Episode One</title><guid isPermaLink="false">abc-1</guid>${dated}${enclosure}
    <itunes:episode>12</itunes:episode><itunes:season>2</itunes:season><itunes:episodeType>Bonus</itunes:episodeType>
    <itunes:explicit>yes</itunes:explicit><itunes:summary>Short.</itunes:summary><itunes:subtitle>Shorter.</itunes:subtitle>
    <description>Plain notes.</description><content:encoded><![CDATA[<p>Rich notes.</p>]]></content:encoded>
    <link>https://old.example/ep1</link><itunes:duration>1:02:03</itunes:duration>
    <itunes:image href="https://old.example/ep1.jpg"/>
    <podcast:chapters url="https://old.example/ep1.json" type="application/json+chapters"/>
    <podcast:transcript url="https://old.example/ep1.vtt" type="Text/VTT" language="en"/>`);
  assert.ok(it);
  assert.deepEqual(
    { ...it, date: it.date?.iso },
    {
      position: 1,
      title: 'Episode One',
      guid: 'abc-1',
      date: '2014-09-01T18:00:00Z',
      enclosure: { url: 'https://cdn.example/1.mp3', type: 'audio/mpeg', length: 1234 },
      alternates: [],
      transcripts: [{ url: 'https://old.example/ep1.vtt', type: 'text/vtt', language: 'en' }],
      number: 12,
      season: 2,
      episodeType: 'bonus',
      explicit: true,
      summary: 'Short.',
      notesHtml: '<p>Rich notes.</p>',
      link: 'https://old.example/ep1',
      duration: 3723,
      imageUrl: 'https://old.example/ep1.jpg',
      chaptersUrl: 'https://old.example/ep1.json',
    },
  );
  assert.deepEqual(feed.notes, []);
  // The link is read (the base of the notes' links) and still listed: the episode's page is netcaster's now.
  assert.deepEqual([...feed.unmapped], [['item <link>', 1]]);
});

test('an item falls back: the subtitle as summary, the description as notes, podcast:episode and podcast:season', () => {
  const { item: it } = item(
    `<guid>1</guid>${dated}${enclosure}<itunes:subtitle>Sub.</itunes:subtitle><description>Notes.</description><podcast:episode>4</podcast:episode><podcast:season>3</podcast:season>`,
  );
  assert.equal(it?.summary, 'Sub.');
  assert.equal(it?.notesHtml, 'Notes.');
  assert.equal(it?.number, 4);
  assert.equal(it?.season, 3);
});

test('summaryOf keeps only what an import needs before downloading', () => {
  const { item: it } = item(
    `<title>A</title><guid>g</guid>${dated}${enclosure}<itunes:episode>3</itunes:episode><description>Long notes.</description>`,
  );
  assert.ok(it);
  const summary = summaryOf(it);
  assert.deepEqual(Object.keys(summary).sort(), ['date', 'enclosure', 'guid', 'number', 'position', 'title']);
  assert.equal(summary.number, 3);
});

test('a guid with spaces around it is trimmed, and said', () => {
  const { item: it, feed } = item(`<guid>  abc  </guid>${dated}${enclosure}`);
  assert.equal(it?.guid, 'abc');
  assert.match(notes(feed), /spaces around the guid removed/);
});

test('an item without a guid keeps its enclosure URL as the guid; without either it is skipped as lost', () => {
  const { item: it, feed } = item(`<title>No guid</title>${dated}${enclosure}`);
  assert.equal(it?.guid, 'https://cdn.example/1.mp3');
  assert.match(notes(feed), /item 1 \(No guid\): no <guid>: its enclosure URL is kept as the guid/);

  const skipped = item(`<title>Text post</title>${dated}`);
  assert.equal(skipped.item, undefined);
  assert.match(notes(skipped.feed), /item 1 \(Text post\): no <guid> and no enclosure: not an episode, skipped \[lost\]/);
});

test('an item without a title is named by its position', () => {
  const { feed, items } = read(rss(`<item><guid>a</guid>${dated}</item><item><guid>b</guid>${dated}</item>`));
  assert.deepEqual(
    items.map((i) => i.title),
    ['Episode 1', 'Episode 2'],
  );
  assert.match(notes(feed), /item 2: no <title>: named "Episode 2"/);
});

test("several <enclosure>s: the first is the feed's, the others and podcast:alternateEnclosure are other formats", () => {
  const { item: it, feed } = item(`<guid>1</guid>${dated}
    <enclosure url="https://cdn.example/1.mp3" length="100" type="audio/mpeg"/>
    <enclosure url="https://cdn.example/1.m4a" length="200" type="audio/mp4"/>
    <podcast:alternateEnclosure type="video/webm" length="300">
      <podcast:source uri="javascript:void(0)"/><podcast:source uri="https://cdn.example/1.webm"/>
    </podcast:alternateEnclosure>
    <podcast:alternateEnclosure type="video/mp4"><podcast:source uri="ipfs://x"/></podcast:alternateEnclosure>`);
  assert.equal(it?.enclosure?.url, 'https://cdn.example/1.mp3');
  assert.deepEqual(it?.alternates, [
    { url: 'https://cdn.example/1.m4a', type: 'audio/mp4', length: 200 },
    { url: 'https://cdn.example/1.webm', type: 'video/webm', length: 300 },
  ]);
  assert.match(notes(feed), /2 <enclosure>s \(RSS allows one\)/);
});

test('an enclosure length of 0, missing or not a number is read as unknown (0), and said', () => {
  for (const length of ['length="0"', '', 'length="big"', 'length="-5"']) {
    const { item: it, feed } = item(`<guid>1</guid>${dated}<enclosure url="https://cdn.example/1.mp3" ${length} type="audio/mpeg"/>`);
    assert.equal(it?.enclosure?.length, 0, length);
    assert.match(notes(feed), /the enclosure length is 0 or missing/, length);
  }
});

test('dates: an RFC 822 pubDate is read; a quirky one is read and said; a wrong or missing one is lost', () => {
  const quirky = item(`<guid>1</guid><pubDate>2014-09-01T18:00:00Z</pubDate>${enclosure}`);
  assert.equal(quirky.item?.date?.iso, '2014-09-01T18:00:00Z');
  assert.match(notes(quirky.feed), /the pubDate "2014-09-01T18:00:00Z" has ISO 8601 instead of RFC 822: read as 2014-09-01T18:00:00Z/);
  const wrong = item(`<guid>1</guid><pubDate>last Tuesday</pubDate>${enclosure}`);
  assert.equal(wrong.item?.date, undefined);
  assert.match(notes(wrong.feed), /the pubDate "last Tuesday" is not a date \[lost\]/);
  const missing = item(`<guid>1</guid>${enclosure}`);
  assert.match(notes(missing.feed), /no <pubDate> \[lost\]/);
});

test('numbers that are not whole, or below their minimum, are not imported and said', () => {
  const { item: it, feed } = item(
    `<guid>1</guid>${dated}${enclosure}<itunes:episode>1.5</itunes:episode><itunes:season>0</itunes:season><itunes:episodeType>special</itunes:episodeType>`,
  );
  assert.equal(it?.number, undefined);
  assert.equal(it?.season, undefined);
  assert.equal(it?.episodeType, undefined);
  assert.match(notes(feed), /itunes:episode "1.5" is not a whole number from 0: not imported \[lost\]/);
  assert.match(notes(feed), /itunes:season "0" is not a whole number from 1: not imported \[lost\]/);
  assert.match(notes(feed), /itunes:episodeType "special" is not full, trailer or bonus: not imported \[lost\]/);
});

test("an itunes:duration that is not a duration is said, and the file's own is used", () => {
  const { item: it, feed } = item(`<guid>1</guid>${dated}${enclosure}<itunes:duration>about an hour</itunes:duration>`);
  assert.equal(it?.duration, undefined);
  assert.match(notes(feed), /itunes:duration "about an hour" is not a duration/);
});

test('Podlove Simple Chapters: start times as normal play time, links and images kept; a chapter without start or title is skipped', () => {
  const { item: it, feed } = item(`<guid>1</guid>${dated}${enclosure}
    <psc:chapters version="1.2">
      <psc:chapter start="00:00:00" title="Intro"/>
      <psc:chapter start="00:01:02.500" title="Main" href="https://old.example/main" image="https://old.example/main.jpg"/>
      <psc:chapter start="soon" title="Broken"/>
      <psc:chapter start="00:03:00"/>
    </psc:chapters>`);
  assert.deepEqual(it?.simpleChapters, [
    { startTime: 0, title: 'Intro' },
    { startTime: 62.5, title: 'Main', url: 'https://old.example/main', img: 'https://old.example/main.jpg' },
  ]);
  assert.equal((notes(feed).match(/a psc:chapter without a readable start and title/g) ?? []).length, 2);
});

test("the items' notes come after the channel's, and items keep their positions in the feed", () => {
  const { feed, items } = read(
    rss(`<title>T</title><item><title>No guid or media</title></item><description>D</description><itunes:summary>S</itunes:summary>
    <item><title>Kept</title><guid>k</guid>${dated}</item>`),
  );
  assert.deepEqual(
    items.map((i) => [i.position, i.title]),
    [[2, 'Kept']],
  );
  assert.deepEqual(
    feed.items.map((i) => i.guid),
    ['k'],
  );
  assert.equal(feed.notes[0].where, 'channel');
  assert.match(feed.notes[1].where, /^item 1/);
});

test("an item's itunes:summary (or subtitle) in HTML, as Megaphone and Anchor write it, comes over as plain text", () => {
  const { item: it } = item(
    `<title>A</title><guid>a</guid>${dated}${enclosure}<itunes:summary><![CDATA[<p>Summary with <b>HTML</b> &amp; entities</p><p>Two.</p>]]></itunes:summary>`,
  );
  assert.equal(it?.summary, 'Summary with HTML & entities\n\nTwo.');
  const { item: sub } = item(
    `<title>B</title><guid>b</guid>${dated}${enclosure}<itunes:subtitle>&lt;i&gt;Short&lt;/i&gt; one</itunes:subtitle>`,
  );
  assert.equal(sub?.summary, 'Short one');
  const { item: plain } = item(`<title>C</title><guid>c</guid>${dated}${enclosure}<itunes:summary>5 &lt; 6, as text</itunes:summary>`);
  assert.equal(plain?.summary, '5 < 6, as text');
});
