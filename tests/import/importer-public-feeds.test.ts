// Real-world feeds from public parsers' test suites, imported from 127.0.0.1. Both come from npm
// as devDependencies used for nothing else (package.json's overrides leave out their own
// dependencies), installed by `npm ci`:
// - the test files of podcast-feed-parser 1.0.4 (ISC): a Libsyn feed ("All Things Chemical") with
//   its variants (broken XML, custom tags, itunes:new-feed-url, itunes:order), and Gimlet's
//   "Reply All" from Megaphone (an xml-stylesheet before the channel, googleplay tags);
// - the test feeds of podcast-partytime 2.1.2 (MIT; the Podcast Index's own parser, whose later
//   versions no longer ship them): the Podcasting 2.0 example feed, locked and unlocked, and a
//   legacy one, all declaring the podcast namespace at its old GitHub address.
// Each feed is served as it was written, except that every http(s) URL in it (but its namespace
// names and its guids) is moved onto the test host (https://traffic.libsyn.com/x ->
// http://127.0.0.1:P/NAME/traffic.libsyn.com/x): nothing here may reach the internet. Every
// enclosure is answered with a small MP3 the tests made (scripts/make-fixtures.sh), every image
// with the sample show's 1400 px artwork, chapters and transcripts with small ones.
// What the import must bring over is what gPodder's podcastparser (Debian's python3-podcastparser,
// the parser inside gPodder) reads from the same feed: the show's title, and each episode's guid,
// title and publication time. The imported show is then built, and its feed read back by the same
// parser: the same episodes, guids, titles and times, so no subscriber notices the move.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { importFeed } from '../../src/import/importer.js';
import { debianPython, hasPythonModule, needTool, runCli } from '../support/env.js';
import { artworkBytes, FeedServer, media } from './feed-server.js';

const packageDir = (name: string) => path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const feedParserFiles = path.join(packageDir('podcast-feed-parser'), 'test', 'testfiles');
const partytimeFiles = path.join(packageDir('podcast-partytime-fixtures'), 'src', 'parser', '__test__', 'fixtures');

let server: FeedServer;
before(async () => {
  process.env.NETCASTER_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-cache-'));
  server = await new FeedServer().start();
});
after(() => server.stop());

const fast = { backoffMs: 20, retries: 2, headersTimeoutMs: 5_000, idleTimeoutMs: 2_000 };
const emptyDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-import-public-'));
const yamlOf = (file: string) => load(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/**
 * Serves a test file under /NAME/, its URLs moved onto this host; every path under a moved host
 * answers as a real host would. Returns the feed's URL and the XML as served.
 */
function serveFeed(folder: string, name: string): { url: string; xml: string } {
  const original = fs.readFileSync(path.join(folder, name), 'utf8');
  // Namespace names are names, and guids are identities, not addresses: they stay as they are.
  const xml = original.replace(
    /(xmlns(?::[\w.-]+)?="[^"]*"|<guid[^>]*>[^<]*<\/guid>)|https?:\/\/([A-Za-z0-9.-]+)\//g,
    (whole, kept?: string, host?: string) => (kept ? whole : `${server.base}/${name}/${host}/`),
  );
  const url = server.feed(`/${name}/feed.xml`, xml);
  server.fallback = (p) => {
    if (!p.startsWith(`/${name}/`)) return undefined;
    if (/\.(png|jpe?g)$/i.test(p)) return { type: 'image/jpeg', body: artworkBytes() };
    if (/\.mp3$/i.test(p)) return { type: 'audio/mpeg', body: media('good-cbr.mp3') };
    if (/\.json$/i.test(p))
      return { type: 'application/json', body: JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Start' }] }) };
    if (/\.txt$/i.test(p)) return { type: 'text/plain', body: 'Hello, and welcome.' };
    // A moved feed's new address (itunes:new-feed-url) answers with the feed itself.
    if (/rss|feed|hearreplyall/i.test(p)) return { type: 'application/rss+xml', body: xml };
    return undefined;
  };
  return { url, xml };
}

interface ParsedFeed {
  title: string;
  episodes: { guid: string; title: string; published: number; url: string }[];
}

/** What gPodder's podcastparser reads from a feed (https://github.com/gpodder/podcastparser). */
function podcastparser(xml: string, url: string): ParsedFeed {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-pp-')), 'feed.xml');
  fs.writeFileSync(file, xml);
  const reader = `
import json, sys, podcastparser
with open(sys.argv[1], 'rb') as f:
    pp = podcastparser.parse(sys.argv[2], f)
print(json.dumps({'title': pp.get('title'), 'episodes': [
  {'guid': e['guid'], 'title': e['title'], 'published': e['published'],
   'url': e['enclosures'][0]['url'] if e['enclosures'] else ''} for e in pp['episodes']]}))
`;
  const r = spawnSync(debianPython, ['-c', reader, file, url], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ParsedFeed;
}

/** The imported folder, as episode.yaml files say it: guid -> title, time and folder. */
function importedEpisodes(dir: string): Map<string, { title: string; published: number; folder: string }> {
  const found = new Map<string, { title: string; published: number; folder: string }>();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, 'episode.yaml');
    if (!fs.existsSync(file)) continue;
    const episode = yamlOf(file);
    const date = episode.date instanceof Date ? episode.date : new Date(String(episode.date));
    found.set(String(episode.guid), { title: String(episode.title), published: date.getTime() / 1000, folder: path.dirname(file) });
  }
  return found;
}

/** [whose test suite, its folder, the file]: every feed of the two suites that is well-formed. */
const readable: [string, string, string][] = [
  ...[
    'bc-sample.xml',
    'bc-sample-custom-tags.xml',
    'bc-sample-new-feed-url.xml',
    'bc-sample-order.xml',
    'replyall-sample-ordering.xml',
  ].map((name): [string, string, string] => ['podcast-feed-parser', feedParserFiles, name]),
  ...['unlocked.xml', 'legacy.xml'].map((name): [string, string, string] => ['podcast-partytime', partytimeFiles, name]),
];

for (const [suite, folder, name] of readable) {
  test(`a real-world feed (${suite}'s ${name}) comes over whole: what podcastparser reads, and it builds to the same feed`, async (t) => {
    if (!needTool(t, 'python3-podcastparser', () => hasPythonModule('podcastparser'))) return;
    const { url, xml } = serveFeed(folder, name);
    const truth = podcastparser(xml, url);
    assert.ok(truth.episodes.length >= 3, 'the test file has its episodes');

    const dir = emptyDir();
    const { refused, report } = await importFeed({ source: url, dir, http: fast, baseUrl: 'https://moved.example' });
    assert.equal(refused, undefined);
    assert.deepEqual(report.failed, [], JSON.stringify(report.failed));
    assert.equal(yamlOf(path.join(dir, 'show.yaml')).title, truth.title);

    const imported = importedEpisodes(dir);
    assert.deepEqual([...imported.keys()].sort(), truth.episodes.map((e) => e.guid).sort(), 'every guid, byte for byte');
    for (const episode of truth.episodes) {
      const ours = imported.get(episode.guid)!;
      assert.equal(ours.title, episode.title, `${episode.guid}: title`);
      assert.equal(ours.published, episode.published, `${episode.guid}: publication time`);
    }
    // Nothing dropped silently: a tag with no place in netcaster is named in the report.
    const unplaced = report.notImported.map((l) => l.message).join('\n');
    if (xml.includes('<timeline>')) assert.match(unplaced, /timeline/);
    if (xml.includes('<itunes:order>')) assert.match(unplaced, /itunes:order/);
    if (xml.includes('<itunes:new-feed-url>')) assert.ok(report.moves.length > 0, 'the move to the new feed URL is followed and said');
    // The podcast namespace's data, at whichever address the feed declared the namespace.
    const show = yamlOf(path.join(dir, 'show.yaml'));
    if (xml.includes('<podcast:funding')) assert.ok(Array.isArray(show.funding) && show.funding.length > 0, 'podcast:funding');
    for (const episode of imported.values()) {
      if (xml.includes('<podcast:chapters'))
        assert.ok(fs.existsSync(path.join(episode.folder, 'chapters.json')), `${episode.folder}: chapters`);
      if (xml.includes('<podcast:season>')) assert.equal(typeof yamlOf(path.join(episode.folder, 'episode.yaml')).season, 'number');
    }

    // Built at its new home, the show's feed says the same to the same parser.
    const out = path.join(dir, '..', `${path.basename(dir)}-out`);
    const built = runCli(['build', dir, '--out', out], { env: { NETCASTER_CACHE_DIR: process.env.NETCASTER_CACHE_DIR } });
    assert.equal(built.code, 0, built.stderr);
    const feedFile = fs.readdirSync(path.join(out, 'feeds')).find((f) => f.endsWith('.xml'))!;
    const rebuilt = podcastparser(fs.readFileSync(path.join(out, 'feeds', feedFile), 'utf8'), `https://moved.example/feeds/${feedFile}`);
    assert.equal(rebuilt.title, truth.title);
    const byGuid = new Map(rebuilt.episodes.map((e) => [e.guid, e]));
    for (const episode of truth.episodes) {
      const again = byGuid.get(episode.guid);
      assert.ok(again, `${episode.guid} is in the new feed`);
      assert.equal(again.title, episode.title);
      assert.equal(again.published, episode.published);
    }
    assert.equal(rebuilt.episodes.length, truth.episodes.length);
  });
}

// podcast-feed-parser's own test expects a parse error for this file; so does the import, with
// where in the XML it broke, and nothing written.
test("a broken real-world feed (podcast-feed-parser's bc-sample-bad.xml, no <channel> start tag) is refused with where it broke; nothing is written", async () => {
  const { url } = serveFeed(feedParserFiles, 'bc-sample-bad.xml');
  const dir = emptyDir();
  const { refused } = await importFeed({ source: url, dir, http: fast });
  assert.match(refused ?? '', /feed\.xml: not XML \(\d+:\d+: unexpected close tag/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
});

test("a locked real-world feed (podcast-partytime's example.xml, the namespace at its old address) is refused, naming its owner", async () => {
  const { url } = serveFeed(partytimeFiles, 'example.xml');
  const dir = emptyDir();
  const { refused } = await importFeed({ source: url, dir, http: fast });
  assert.match(refused ?? '', /locked \(podcast:locked yes\).*podcastowner@example\.com.*--unlock/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
});
