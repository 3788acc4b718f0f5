// A channel <description> written as HTML (as many hosts write it: <p>s in CDATA) is imported as the
// plain text show.yaml's description is. It was kept as it came, so the show page and every app
// showed "<p>Hello ..." with its tags, while the episodes' notes and summaries were converted, and
// a netcaster feed imported and built again showed `&amp;amp;` (each round trip added a layer).
import test from 'node:test';
import assert from 'node:assert/strict';
import { feedBase, ItemReader, readFeed } from '../../src/import/feed.js';
import { parseFeedXml } from '../../src/import/xml.js';

const FEED_URL = 'https://old.example/shows/feed.xml';
const rss = (channel: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>${channel}</channel></rss>`;

function description(channel: string): string | undefined {
  const xml = rss(channel);
  const reader = new ItemReader(feedBase(FEED_URL, parseFeedXml(xml, 'skip').root));
  const parsed = parseFeedXml(xml, 'each', () => undefined);
  assert.ok(parsed.root, parsed.error);
  return readFeed(parsed.root, FEED_URL, { summaries: [], reader }).description;
}

test('an HTML channel description becomes plain text, its paragraphs kept', () => {
  assert.equal(
    description(
      '<description><![CDATA[<p>Hello <b>world</b> &amp; friends.</p><p>Second <a href="https://x.example/">paragraph</a>.<script>alert(1)</script></p>]]></description>',
    ),
    'Hello world & friends.\n\nSecond paragraph.',
  );
  assert.equal(
    description('<description>&lt;p&gt;Escaped HTML, too.&lt;br&gt;Same paragraph.&lt;/p&gt;</description>'),
    'Escaped HTML, too. Same paragraph.',
  );
  assert.equal(
    description('<description><![CDATA[<p>Welcome to <b>My Show</b> &amp; friends.</p>]]></description>'),
    'Welcome to My Show & friends.',
  );
});

test('a plain-text channel description is kept as it is, angle brackets and blank lines included', () => {
  assert.equal(
    description('<description>5 &lt; 6, &amp; write to &lt;your name&gt;.\n\nSecond.</description>'),
    '5 < 6, & write to <your name>.\n\nSecond.',
  );
  assert.equal(
    description('<description>All the habits of old hosts &amp; more, x &lt; y.</description>'),
    'All the habits of old hosts & more, x < y.',
  );
  // An HTML description with no text is none: itunes:summary is taken when there is one.
  assert.equal(description('<description><![CDATA[<p></p>]]></description>'), undefined);
  assert.equal(description('<description><![CDATA[<p></p>]]></description><itunes:summary>The summary.</itunes:summary>'), 'The summary.');
});

test("netcaster's own escaped channel description comes back as the text it was made from", () => {
  assert.equal(
    description('<description><![CDATA[A show &amp; more &lt;b&gt;bold&lt;/b&gt; ]]&gt; end]]></description>'),
    'A show & more <b>bold</b> ]]> end',
  );
});
