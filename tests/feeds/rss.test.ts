// The feeds, read back by the parsers real podcast apps use: Podcast Index's podcast-partytime,
// gPodder's podcastparser, the Universal Feed Parser, and xmllint for well-formedness.
import test, { after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFeed } from 'podcast-partytime';
import type { Catalog, Episode } from '../../src/contract/catalog.js';
import { namespaces, podcastGuid, podcastGuidNamespace, renderFeed } from '../../src/feeds/rss.js';
import { feedUrl } from '../../src/contract/urls.js';
import { debianPython, hasPythonModule, needTool } from '../support/env.js';
import { audioFeed, hostileNotes, now, realShow, removeRealShow, trickyTitle, videoFeed, type RealShow } from './real-show.js';

after(removeRealShow);

const site = { baseUrl: 'https://virtzine.example', now };

/** The show, or undefined (test skipped) when ffmpeg is not here to make its media. */
async function show(t: TestContext): Promise<RealShow | undefined> {
  if (!needTool(t, 'ffmpeg') || !needTool(t, 'ffprobe')) return undefined;
  return realShow();
}

function render(
  s: RealShow,
  feed = videoFeed,
  options: Partial<typeof site> & { mediaBaseUrl?: string } = {},
  catalog: Catalog = s.catalog,
) {
  return renderFeed(catalog, feed, { ...site, ...options, artwork: s.artwork });
}

function partytime(xml: string) {
  const parsed = parseFeed(xml);
  assert.ok(parsed, 'podcast-partytime could not read the feed');
  return parsed;
}

let tmpCount = 0;
/** Writes text to a temp file for the command-line parsers. */
function tempFile(text: string, ext: string): string {
  const file = path.join(os.tmpdir(), `netcaster-feed-${process.pid}-${tmpCount++}.${ext}`);
  fs.writeFileSync(file, text);
  return file;
}

// gPodder's parser and the Universal Feed Parser, reporting what they read as JSON.
const pythonReader = `
import json, sys, podcastparser, feedparser
path = sys.argv[1]
with open(path, 'rb') as f:
    pp = podcastparser.parse('https://virtzine.example/feeds/x.xml', f)
fp = feedparser.parse(path)
print(json.dumps({
  'podcastparser': {
    'title': pp.get('title'),
    'episodes': [{'title': e['title'], 'guid': e['guid'], 'total_time': e['total_time'], 'link': e['link'],
                  'enclosures': e['enclosures'], 'description_html': e.get('description_html', '')} for e in pp['episodes']],
  },
  'feedparser': {
    'bozo': fp.bozo, 'bozo_exception': str(fp.get('bozo_exception', '')),
    'title': fp.feed.get('title'), 'image': fp.feed.get('image', {}).get('href'),
    'entries': [{'title': e.get('title'), 'id': e.get('id'), 'itunes_duration': e.get('itunes_duration'),
                 'enclosures': [{'href': x.get('href'), 'length': x.get('length'), 'type': x.get('type')} for x in e.get('enclosures', [])]}
                for e in fp.entries],
  },
}))
`;

interface PythonView {
  podcastparser: {
    title: string;
    episodes: {
      title: string;
      guid: string;
      total_time: number;
      link: string;
      description_html: string;
      enclosures: { url: string; file_size: number; mime_type: string }[];
    }[];
  };
  feedparser: {
    bozo: number | boolean;
    bozo_exception: string;
    title: string;
    image?: string;
    entries: { title: string; id: string; itunes_duration: string; enclosures: { href: string; length: string; type: string }[] }[];
  };
}

function readWithPython(t: TestContext, xml: string): PythonView | undefined {
  for (const module of ['podcastparser', 'feedparser']) {
    if (!needTool(t, `python3-${module}`, () => hasPythonModule(module))) return undefined;
  }
  const file = tempFile(xml, 'xml');
  try {
    const r = spawnSync(debianPython, ['-c', pythonReader, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as PythonView;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const episodeBySlug = (s: RealShow, slug: string) => s.catalog.episodes.find((e) => e.slug === slug)!;
const enclosureOf = (e: Episode, format: string) => e.media.find((m) => m.format === format)!;

test('xmllint finds every feed well-formed', async (t) => {
  const s = await show(t);
  if (!s || !needTool(t, 'xmllint')) return;
  for (const feed of [videoFeed, audioFeed]) {
    const file = tempFile(render(s, feed), 'xml');
    const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
    fs.rmSync(file);
    assert.equal(r.status, 0, `${feed.name}: ${r.stderr}`);
    assert.equal(r.stderr, '');
  }
});

test("only published episodes with the feed's enclosure format are listed, newest first", async (t) => {
  const s = await show(t);
  if (!s) return;
  const video = partytime(render(s, videoFeed));
  assert.deepEqual(
    video.items.map((i) => i.link),
    ['https://virtzine.example/episodes/047-tricky/', 'https://virtzine.example/episodes/046-the-mega-edition/'],
  );
  // 045 has no m4v, so the video feed leaves it out; the audio feed has it.
  const audio = partytime(render(s, audioFeed));
  assert.deepEqual(
    audio.items.map((i) => i.link),
    [
      'https://virtzine.example/episodes/047-tricky/',
      'https://virtzine.example/episodes/046-the-mega-edition/',
      'https://virtzine.example/episodes/045-audio-only/',
    ],
  );
});

test('a scheduled episode appears once now passes its date; a draft never does', async (t) => {
  const s = await show(t);
  if (!s) return;
  const before = render(s, videoFeed, { now: new Date('2014-09-15T21:59:59Z') });
  const at = render(s, videoFeed, { now: new Date('2014-09-15T22:00:00Z') });
  assert.doesNotMatch(before, /049-scheduled/);
  assert.doesNotMatch(before, /048-draft/);
  const items = partytime(at).items.map((i) => i.link);
  assert.equal(items[0], 'https://virtzine.example/episodes/049-scheduled/');
  assert.doesNotMatch(at, /048-draft|virtzine-048/);
});

test('enclosure length is the file size and itunes:duration the media length, in every parser', async (t) => {
  const s = await show(t);
  if (!s) return;
  for (const feed of [videoFeed, audioFeed]) {
    const xml = render(s, feed);
    const parsed = partytime(xml);
    for (const item of parsed.items) {
      const slug = new URL(item.link!).pathname.split('/')[2];
      const media = enclosureOf(episodeBySlug(s, slug), feed.enclosure);
      assert.equal(item.enclosure.length, fs.statSync(media.path).size, `${slug} length`);
      assert.equal(item.enclosure.type, feed.enclosure === 'mp3' ? 'audio/mpeg' : 'video/x-m4v');
      assert.equal(item.enclosure.url, `https://virtzine.example/media/${slug}/${media.fileName}`);
      const requested = s.requestedSeconds.get(media.path)!;
      assert.ok(Math.abs(item.duration - requested) <= 1, `${slug}: duration ${item.duration} vs ${requested} s`);
    }
    const view = readWithPython(t, xml);
    if (!view) return;
    for (const episode of view.podcastparser.episodes) {
      const slug = new URL(episode.link).pathname.split('/')[2];
      const media = enclosureOf(episodeBySlug(s, slug), feed.enclosure);
      assert.equal(episode.enclosures.length, 1);
      assert.equal(episode.enclosures[0].file_size, fs.statSync(media.path).size);
      assert.ok(Math.abs(episode.total_time - s.requestedSeconds.get(media.path)!) <= 1);
    }
    for (const entry of view.feedparser.entries) {
      assert.equal(entry.enclosures.length, 1, 'exactly one enclosure per item');
      const media = enclosureOf(s.catalog.episodes.find((e) => e.guid === entry.id)!, feed.enclosure);
      assert.equal(Number(entry.enclosures[0].length), media.facts.size);
    }
  }
});

test('feedparser reads every feed without a complaint (bozo 0)', async (t) => {
  const s = await show(t);
  if (!s) return;
  for (const feed of [videoFeed, audioFeed]) {
    const view = readWithPython(t, render(s, feed));
    if (!view) return;
    assert.equal(Number(view.feedparser.bozo), 0, view.feedparser.bozo_exception);
    assert.equal(view.feedparser.title, feed.title);
    assert.match(view.feedparser.image ?? '', /^https:\/\/virtzine\.example\/artwork\/artwork-[0-9a-f]{12}\.jpg$/);
  }
});

test('a title with & < > " and emoji, and notes with <script> and onerror=, come out escaped', async (t) => {
  const s = await show(t);
  if (!s) return;
  const xml = render(s, videoFeed);
  // Nothing outside CDATA holds markup from the data: strip CDATA sections, then look.
  const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  assert.doesNotMatch(outsideCdata, /<script|onerror/i);
  // Only XML's own five entities (HTML ones like &nbsp; are undefined in XML).
  for (const entity of outsideCdata.match(/&[^;\s]*;/g) ?? []) assert.match(entity, /^&(amp|lt|gt|quot|apos);$/);

  const tricky = partytime(xml).items.find((i) => i.link?.includes('047-tricky'))!;
  assert.equal(tricky.title, trickyTitle);
  // The HTML an app would show (CDATA is literal, so this is exactly what any XML parser reads;
  // podcast-partytime itself decodes entities inside CDATA, so its `content` cannot be used here).
  const item047 = /<item>(?:(?!<\/item>)[\s\S])*047-tricky[\s\S]*?<\/item>/.exec(xml)![0];
  const htmlFields = [...item047.matchAll(/<(description|content:encoded)><!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[2]);
  assert.equal(htmlFields.length, 2);
  for (const html of htmlFields) {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i, 'no tag with an event handler');
    assert.doesNotMatch(html, /href="javascript:/i);
    assert.match(html, /&lt;script&gt;/);
  }
  assert.ok(hostileNotes.includes('<script>'), 'the notes really were hostile');

  const view = readWithPython(t, xml);
  if (!view) return;
  const byGpodder = view.podcastparser.episodes.find((e) => e.link.includes('047-tricky'))!;
  assert.equal(byGpodder.title, trickyTitle);
  assert.doesNotMatch(byGpodder.description_html, /<script|<img/i);
  assert.match(byGpodder.description_html, /&lt;script&gt;/);
  assert.equal(view.feedparser.entries.find((e) => e.title === trickyTitle)?.title, trickyTitle);
});

test('two renders of the same catalog are byte-identical', async (t) => {
  const s = await show(t);
  if (!s) return;
  for (const feed of [videoFeed, audioFeed]) assert.equal(render(s, feed), render(s, feed));
});

// node-podcast's `rss` dependency stamps <lastBuildDate> with new Date(): a rebuild of an
// unchanged show changed the feed, so every app re-downloaded it.
test('regression: lastBuildDate comes from the show, not the wall clock', async (t) => {
  const s = await show(t);
  if (!s) return;
  t.mock.timers.enable({ apis: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
  const first = render(s, videoFeed);
  t.mock.timers.setTime(new Date('2031-06-01T12:34:56Z').getTime());
  const second = render(s, videoFeed);
  t.mock.timers.reset();
  assert.equal(first, second);
  // The newest listed episode (047) is when the feed last changed.
  assert.match(first, /<lastBuildDate>Mon, 08 Sep 2014 22:00:00 GMT<\/lastBuildDate>/);
  assert.equal(partytime(first).lastBuildDate?.toISOString(), '2014-09-08T22:00:00.000Z');
});

test('GUIDs are stable across renders and when a title or file name changes', async (t) => {
  const s = await show(t);
  if (!s) return;
  const guids = (xml: string) => partytime(xml).items.map((i) => i.guid);
  const first = partytime(render(s, videoFeed));
  const renamed: Catalog = {
    ...s.catalog,
    episodes: s.catalog.episodes.map((e) =>
      e.slug === '046-the-mega-edition'
        ? { ...e, title: 'The Mega Edition (remastered)', media: e.media.map((m) => ({ ...m, fileName: `remastered-${m.fileName}` })) }
        : e,
    ),
  };
  const renamedXml = render(s, videoFeed, {}, renamed);
  assert.match(renamedXml, /remastered-virtzine-046\.m4v/, 'the change did reach the feed');
  assert.deepEqual(
    guids(renamedXml),
    first.items.map((i) => i.guid),
  );
  assert.deepEqual(
    first.items.map((i) => i.guid),
    [episodeBySlug(s, '047-tricky').guid, episodeBySlug(s, '046-the-mega-edition').guid],
  );
  assert.equal(partytime(renamedXml).guid, first.guid);
  assert.match(render(s), /<guid isPermaLink="false">urn:uuid:00000000-0000-4000-8000-000000000047<\/guid>/);
});

test("podcast:guid is the spec's UUIDv5 of the feed URL", async (t) => {
  // The namespace and worked examples of https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md
  assert.equal(podcastGuidNamespace, 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6');
  assert.equal(podcastGuid('https://podnews.net/rss'), '9b024349-ccf0-5f69-a609-6b82873eab3c');
  assert.equal(podcastGuid('http://mp3s.nashownotes.com/pc20rss.xml'), '917393e3-1b1e-5cef-ace4-edaa54e1f810');
  assert.equal(podcastGuid('https://podnews.net/rss//'), '9b024349-ccf0-5f69-a609-6b82873eab3c', 'trailing slashes stripped');

  const s = await show(t);
  if (!s) return;
  const video = partytime(render(s, videoFeed));
  const audio = partytime(render(s, audioFeed));
  assert.equal(video.guid, podcastGuid('https://virtzine.example/feeds/video.xml'));
  assert.equal(audio.guid, podcastGuid(feedUrl(site, audioFeed)));
  assert.notEqual(video.guid, audio.guid);
  // A feed's own guid (show.yaml feeds.<name>.guid, or the one netcaster.lock recorded) is that feed's only.
  const ownGuid = { ...videoFeed, guid: '917393e3-1b1e-5cef-ace4-edaa54e1f810' };
  const overridden: Catalog = { ...s.catalog, show: { ...s.catalog.show, feeds: [ownGuid, audioFeed] } };
  assert.equal(partytime(render(s, ownGuid, {}, overridden)).guid, '917393e3-1b1e-5cef-ace4-edaa54e1f810');
  assert.equal(partytime(render(s, audioFeed, {}, overridden)).guid, audio.guid);
});

test('namespace URIs are byte-exact', async (t) => {
  const s = await show(t);
  if (!s) return;
  const root = /<rss\s[^>]*>/.exec(render(s))![0];
  const declared = Object.fromEntries([...root.matchAll(/xmlns:(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  assert.equal(declared.itunes, 'http://www.itunes.com/dtds/podcast-1.0.dtd');
  assert.equal(declared.podcast, 'https://podcastindex.org/namespace/1.0');
  assert.equal(declared.content, 'http://purl.org/rss/1.0/modules/content/');
  assert.equal(declared.atom, 'http://www.w3.org/2005/Atom');
  assert.deepEqual({ itunes: declared.itunes, podcast: declared.podcast, content: declared.content, atom: declared.atom }, namespaces);
  assert.match(root, /version="2\.0"/);
});

test('every URL in the feed is absolute, in attributes, elements and the notes HTML', async (t) => {
  const s = await show(t);
  if (!s) return;
  for (const options of [{}, { mediaBaseUrl: 'https://cdn.example/virtzine/' }]) {
    const xml = render(s, videoFeed, options);
    const urls = [
      ...[...xml.matchAll(/\s(?:href|url|uri|src|owner)="([^"]*)"/g)].map((m) => m[1]),
      ...[...xml.matchAll(/<(?:link|url)>([^<]*)</g)].map((m) => m[1]),
      ...[...xml.matchAll(/(?:href|src)=&quot;(.*?)&quot;/g)].map((m) => m[1]),
      ...[...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].flatMap((m) => [...m[1].matchAll(/\s(?:href|src)="([^"]*)"/g)].map((x) => x[1])),
    ].filter((u) => !u.includes('@') || u.startsWith('mailto:') || u.startsWith('http'));
    assert.ok(urls.length > 20, `found only ${urls.length} URLs: the scan is broken`);
    for (const url of urls) assert.match(url, /^(https?:\/\/[^/\s]+\.[^/\s]+\/|mailto:)/, url);
  }
  const cdn = partytime(render(s, videoFeed, { mediaBaseUrl: 'https://cdn.example/virtzine/' }));
  assert.equal(cdn.items[1].enclosure.url, 'https://cdn.example/virtzine/046-the-mega-edition/virtzine-046.m4v');
});

test("channel: Apple's required and recommended tags, read back by podcast-partytime", async (t) => {
  const s = await show(t);
  if (!s) return;
  const xml = render(s, videoFeed);
  const feed = partytime(xml);
  assert.equal(feed.title, 'VirtZine - Video Netcasts');
  assert.equal(feed.link, 'https://virtzine.example/');
  assert.equal(feed.language, 'en');
  assert.equal(feed.copyright, '© 2014 VirtZine');
  assert.equal(feed.author, 'Tony Bateman');
  assert.deepEqual(feed.owner, { name: 'Tony Bateman', email: 'host@virtzine.example' });
  assert.equal(feed.explicit, false);
  assert.equal(feed.itunesType, 'episodic');
  assert.equal(feed.pubsub?.self, 'https://virtzine.example/feeds/video.xml');
  const artwork = `https://virtzine.example/artwork/${s.artwork.get(s.catalog.show.artwork.path)![0].fileName}`;
  assert.equal(feed.itunesImage, artwork);
  assert.deepEqual(feed.image, { url: artwork, title: 'VirtZine - Video Netcasts', link: 'https://virtzine.example/' });
  assert.match(xml, /<atom:link href="https:\/\/pubsubhubbub\.appspot\.com\/" rel="hub"\/>/);
  assert.match(xml, /<atom:link href="https:\/\/websub\.example\/hub" rel="hub"\/>/);
  // Sub-categories nest inside their parent (Apple's form), one parent element each.
  assert.match(xml, /<itunes:category text="News">\s*<itunes:category text="Tech News"\/>\s*<\/itunes:category>/);
  assert.match(xml, /<itunes:category text="Society &amp; Culture">\s*<itunes:category text="Documentary"\/>\s*<\/itunes:category>/);
  assert.deepEqual(feed.itunesCategory, ['Technology', 'News > Tech News', 'Society & Culture > Documentary']);
  assert.match(xml, /<itunes:explicit>false<\/itunes:explicit>/);
  assert.equal(feed.medium, 'video');
  assert.equal(partytime(render(s, audioFeed)).medium, 'podcast');
  assert.equal(feed.locked, true);
  assert.equal(feed.podcastOwner, 'host@virtzine.example');
  assert.deepEqual(feed.podcastFunding, [{ url: 'https://virtzine.example/support', message: 'Support the show' }]);
  assert.equal(feed.podcastPeople?.[0]?.name, 'Tony Bateman');
  assert.equal(feed.podcastPeople?.[0]?.role?.toLowerCase(), 'host');
  assert.equal(feed.podcastPeople?.[0]?.href, 'https://virtzine.example/about');
});

// node-podcast writes <itunes:owner> with an empty <itunes:email> when none is given;
// Apple reads that as a broken ownership claim.
test('regression: no empty itunes:email when the show has no owner', async (t) => {
  const s = await show(t);
  if (!s) return;
  const { owner: _owner, ...rest } = s.catalog.show;
  const xml = render(s, videoFeed, {}, { ...s.catalog, show: { ...rest, locked: undefined } });
  assert.doesNotMatch(xml, /itunes:owner|itunes:email/);
  assert.doesNotMatch(xml, /podcast:locked/);
});

test('items: alternate enclosures with integrity, chapters, transcript, artwork, numbering', async (t) => {
  const s = await show(t);
  if (!s) return;
  const xml = render(s, videoFeed);
  const mega = partytime(xml).items.find((i) => i.link?.includes('046-the-mega-edition'))!;
  const episode = episodeBySlug(s, '046-the-mega-edition');
  const base = 'https://virtzine.example/media/046-the-mega-edition';
  assert.deepEqual(
    mega.alternativeEnclosures?.map((a) => ({
      type: a.type,
      length: a.length,
      uri: a.source[0].uri,
      integrity: a.integrity?.value,
      default: a.default,
    })),
    ['webm', 'mp3'].map((format) => {
      const m = enclosureOf(episode, format);
      return {
        type: m.facts.mime,
        length: fs.statSync(m.path).size,
        uri: `${base}/${m.fileName}`,
        integrity: m.facts.sha256,
        default: false,
      };
    }),
  );
  assert.ok(mega.alternativeEnclosures?.every((a) => a.integrity?.type === 'sri' && typeof a.bitrate === 'number' && a.title));
  assert.deepEqual(mega.podcastChapters, {
    url: 'https://virtzine.example/episodes/046-the-mega-edition/chapters.json',
    type: 'application/json+chapters',
  });
  assert.deepEqual(
    mega.podcastTranscripts?.map((x) => ({ url: x.url, type: x.type })),
    [{ url: `${base}/transcript.vtt`, type: 'text/vtt' }],
  );
  assert.equal(mega.itunesImage, `https://virtzine.example/artwork/${s.artwork.get(episode.image!.path)![0].fileName}`);
  assert.equal(mega.itunesEpisode, 46);
  assert.equal(mega.itunesSeason, 2);
  assert.equal(mega.itunesEpisodeType, 'full');
  assert.equal(mega.pubDate?.toISOString(), '2014-09-01T22:00:00.000Z');
  assert.match(mega.content ?? '', /href="https:\/\/virtzine\.example\/episodes\/046-the-mega-edition\/notes\.html"/);
  const tricky = partytime(xml).items.find((i) => i.link?.includes('047-tricky'))!;
  assert.equal(tricky.explicit, true);
  assert.equal(tricky.podcastChapters, undefined);
  assert.match(xml, /<pubDate>Mon, 01 Sep 2014 22:00:00 GMT<\/pubDate>/);
});

test('a feed with nothing published yet is still a valid, stable feed (no lastBuildDate to invent)', async (t) => {
  const s = await show(t);
  if (!s || !needTool(t, 'xmllint')) return;
  const early = { now: new Date('2000-01-01T00:00:00Z') };
  const xml = render(s, videoFeed, early);
  assert.equal(xml, render(s, videoFeed, early));
  assert.doesNotMatch(xml, /<item>|<lastBuildDate>|<pubDate>/);
  assert.equal(partytime(xml).medium, 'video', 'decided by the format name when there are no files');
  const file = tempFile(xml, 'xml');
  const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
  fs.rmSync(file);
  assert.equal(r.status, 0, r.stderr);
});

// XML 1.0 has no way to write most control characters, not even escaped: one pasted from a
// word processor into a title made the whole feed unreadable.
test('regression: control characters in the data do not break the feed', async (t) => {
  const s = await show(t);
  if (!s || !needTool(t, 'xmllint')) return;
  const catalog: Catalog = {
    ...s.catalog,
    episodes: s.catalog.episodes.map((e) =>
      e.slug === '047-tricky' ? { ...e, title: 'Bell\u0007 and \u001bescape', summary: 'NUL\u0000 here' } : e,
    ),
  };
  const xml = render(s, videoFeed, {}, catalog);
  const file = tempFile(xml, 'xml');
  const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
  fs.rmSync(file);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(partytime(xml).items[0].title, 'Bell and escape');
});

// The base URL is checked (show.yaml and the command line), but the feed must not depend on it:
// one control character in it went into <link>, <atom:link> and every enclosure URL unescaped.
test('regression: a control character in the base URL does not make the feed ill-formed', async (t) => {
  const s = await show(t);
  if (!s || !needTool(t, 'xmllint')) return;
  const xml = render(s, videoFeed, {
    baseUrl: 'https://virtzine.example/\u0001\u000bpod',
    mediaBaseUrl: 'https://cdn.example/\u0002media',
  });
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  const file = tempFile(xml, 'xml');
  const r = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
  fs.rmSync(file);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(partytime(xml).items[0].enclosure.url, 'https://cdn.example/media/047-tricky/virtzine-047.m4v');
});

test('DEL and C1 controls (mis-decoded text) are dropped from feed text too', async (t) => {
  const s = await show(t);
  if (!s) return;
  const catalog: Catalog = {
    ...s.catalog,
    episodes: s.catalog.episodes.map((e) => (e.slug === '047-tricky' ? { ...e, title: 'CSI\u009b2J and DEL\u007f here' } : e)),
  };
  assert.equal(partytime(render(s, videoFeed, {}, catalog)).items[0].title, 'CSI2J and DEL here');
});
