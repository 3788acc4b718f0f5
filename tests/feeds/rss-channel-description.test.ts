// A channel's <description> is read as text by some apps (gPodder's podcastparser) and as HTML by
// others (podcast-partytime, the Universal Feed Parser). It was escaped whole as HTML, so gPodder
// showed "News &amp; Views" for "News & Views". Now only what HTML would take for markup is
// escaped: every reader gets the text back, and the text-reading ones get it untouched unless it
// holds something like a tag or a character reference.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFeed } from 'podcast-partytime';
import { renderFeed } from '../../src/feeds/rss.js';
import { debianPython, hasPythonModule, needTool } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureCatalog } from '../support/catalog-fixture.js';

function feedWithDescription(description: string): string {
  const catalog = fixtureCatalog('/show');
  const withDescription = {
    ...catalog,
    show: { ...catalog.show, description, feeds: catalog.show.feeds.map((f) => ({ ...f, description: undefined })) },
  };
  const feed = withDescription.show.feeds[0];
  return renderFeed(withDescription, feed, {
    baseUrl: 'https://virtzine.example',
    now: fixedNow,
    artwork: fixtureArtwork(withDescription),
  });
}

/** What gPodder shows (podcastparser's description, text) and what the Universal Feed Parser's HTML says as text. */
function readWithPython(t: TestContext, xml: string): { gpodder: string; feedparserText: string } | undefined {
  for (const module of ['podcastparser', 'feedparser']) {
    if (!needTool(t, `python3-${module}`, () => hasPythonModule(module))) return undefined;
  }
  const file = path.join(os.tmpdir(), `netcaster-channel-description-${process.pid}.xml`);
  fs.writeFileSync(file, xml);
  try {
    const script = `
import html, json, re, sys, podcastparser, feedparser
with open(sys.argv[1], 'rb') as f:
    pp = podcastparser.parse('https://virtzine.example/feeds/audio.xml', f)
fp = feedparser.parse(sys.argv[1])
print(json.dumps({'gpodder': pp.get('description'), 'feedparserText': html.unescape(re.sub(r'<[^>]*>', '', fp.feed.get('subtitle', '')))}))
`;
    const r = spawnSync(debianPython, ['-c', script, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test('gPodder shows a channel description as written, not with HTML escapes ("News &amp; Views")', (t) => {
  const text = 'News & Views: 5 > 4, a < b, <3 and 100% "quoted" \'text\' ü';
  const xml = feedWithDescription(text);
  assert.equal(parseFeed(xml)?.description, text);
  const read = readWithPython(t, xml);
  if (!read) return;
  assert.equal(read.gpodder, text);
  assert.equal(read.feedparserText, text);
});

test('a channel description that looks like markup still reads as its text to the apps that take it as HTML', (t) => {
  const text =
    'Write to <your name>, see <b>this</b>, <!-- not a comment -->, &amp; is not &, &copy 2024 &#169;, <? no PI ?>, ]]> no CDATA end';
  const xml = feedWithDescription(text);
  assert.equal(parseFeed(xml)?.description, text);
  const read = readWithPython(t, xml);
  if (!read) return;
  assert.equal(read.feedparserText, text);
});
