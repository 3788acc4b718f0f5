// import/feed.ts: the channel's <description> is HTML (CDATA, entities); show.yaml keeps plain text.
// Kept as it came, a netcaster feed imported and built again showed `&amp;amp;`, and a host's
// `<p>Welcome</p>` was shown to listeners with its tags.
import test from 'node:test';
import assert from 'node:assert/strict';
import { feedBase, ItemReader, readFeed } from '../../src/import/feed.js';
import { parseFeedXml } from '../../src/import/xml.js';

const NS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
const FEED_URL = 'https://old.example/feed.xml';

function channelDescription(inner: string): string | undefined {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" ${NS}><channel><title>T</title>${inner}</channel></rss>`;
  const parsed = parseFeedXml(xml, 'skip');
  assert.ok(parsed.root, parsed.error);
  const reader = new ItemReader(feedBase(FEED_URL, parsed.root));
  return readFeed(parsed.root, FEED_URL, { summaries: [], reader }).description;
}

test("netcaster's own escaped channel description comes back as the text it was made from", () => {
  assert.equal(
    channelDescription('<description><![CDATA[A show &amp; more &lt;b&gt;bold&lt;/b&gt; ]]&gt; end]]></description>'),
    'A show & more <b>bold</b> ]]> end',
  );
});

test("a host's HTML channel description becomes plain text, without its tags", () => {
  assert.equal(
    channelDescription('<description><![CDATA[<p>Welcome to <b>My Show</b> &amp; friends.</p>]]></description>'),
    'Welcome to My Show & friends.',
  );
});

test('a plain-text description is kept as it is', () => {
  assert.equal(
    channelDescription('<description>All the habits of old hosts &amp; more, x &lt; y.</description>'),
    'All the habits of old hosts & more, x < y.',
  );
});

test('an HTML description with no text falls back to itunes:summary', () => {
  assert.equal(
    channelDescription('<description><![CDATA[<p></p>]]></description><itunes:summary>The summary.</itunes:summary>'),
    'The summary.',
  );
});
