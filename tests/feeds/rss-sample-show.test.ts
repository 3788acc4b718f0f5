// The sample show (episodes/) end to end: the real catalog builder and artwork step, then both
// feeds read back by podcast-partytime, gPodder's podcastparser, feedparser and xmllint, with
// sizes and durations measured on the files themselves (stat, ffprobe).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseFeed } from 'podcast-partytime';
import { withIntegrity } from '../../src/catalog/integrity.js';
import { checkShow } from '../../src/catalog/check-show.js';
import type { Catalog, Episode, EpisodeMedia } from '../../src/contract/catalog.js';
import { makeVariants } from '../../src/artwork/variants.js';
import { renderFeed } from '../../src/feeds/rss.js';
import { renderChapters } from '../../src/feeds/chapters-json.js';
import { debianPython, hasPythonModule, needTool, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

const reader = `
import json, sys, podcastparser, feedparser
with open(sys.argv[1], 'rb') as f:
    pp = podcastparser.parse('https://virtzine.example/feeds/x.xml', f)
fp = feedparser.parse(sys.argv[1])
print(json.dumps({'bozo': int(bool(fp.bozo)), 'why': str(fp.get('bozo_exception', '')),
  'pp': [{'guid': e['guid'], 'size': e['enclosures'][0]['file_size'], 'time': e['total_time']} for e in pp['episodes']],
  'fp': [{'id': e.get('id'), 'length': [x.get('length') for x in e.get('enclosures', [])]} for e in fp.entries]}))
`;

const ffprobeSeconds = (file: string) =>
  Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());

test("the sample show's feeds carry the true size and length of every file, in every parser", async (t) => {
  if (!fs.existsSync(path.join(sampleShowDir, 'show.yaml'))) {
    t.skip('the sample show is not there (npm run sample)');
    return;
  }
  if (!needTool(t, 'ffprobe') || !needTool(t, 'xmllint')) return;
  const tmp = tempDir('sample-feeds');
  const savedCache = process.env.NETCASTER_CACHE_DIR;
  process.env.NETCASTER_CACHE_DIR = path.join(tmp, 'cache');
  t.after(() => {
    if (savedCache === undefined) delete process.env.NETCASTER_CACHE_DIR;
    else process.env.NETCASTER_CACHE_DIR = savedCache;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const result = await checkShow(sampleShowDir);
  assert.ok(result.catalog, JSON.stringify(result.problems));
  const catalog: Catalog = await withIntegrity(result.catalog, sampleShowDir);
  const images = [catalog.show.artwork, ...catalog.episodes.flatMap((e) => (e.image ? [e.image] : []))];
  const artwork = await makeVariants(images, path.join(tmp, 'artwork'));
  const options = { baseUrl: 'https://virtzine.example', now: new Date('2030-01-01T00:00:00Z'), artwork };

  for (const feed of catalog.show.feeds) {
    const xml = renderFeed(catalog, feed, options);
    assert.equal(renderFeed(catalog, feed, options), xml, 'byte-identical on a second render');
    const file = path.join(tmp, `${feed.name}.xml`);
    fs.writeFileSync(file, xml);
    const lint = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);

    const parsed = parseFeed(xml);
    assert.ok(parsed);
    const listed: Episode[] = catalog.episodes.filter((e) => !e.draft && e.media.some((m) => m.format === feed.enclosure));
    assert.equal(parsed.items.length, listed.length, `${feed.name}: every published episode with a ${feed.enclosure}`);
    assert.ok(parsed.items.length > 0);
    for (const item of parsed.items) {
      const episode: Episode = catalog.episodes.find((e) => e.guid === item.guid)!;
      const media: EpisodeMedia = episode.media.find((m) => m.format === feed.enclosure)!;
      assert.equal(item.enclosure.length, fs.statSync(media.path).size, `${episode.slug} ${feed.name} length`);
      const truth = ffprobeSeconds(media.path);
      assert.ok(Math.abs(item.duration - truth) <= 1, `${episode.slug}: itunes:duration ${item.duration} vs ffprobe ${truth}`);
      for (const alt of item.alternativeEnclosures ?? []) {
        const other = episode.media.find((m) => alt.source[0].uri.endsWith(`/${encodeURIComponent(m.fileName)}`))!;
        assert.equal(alt.length, fs.statSync(other.path).size);
        assert.match(alt.integrity?.value ?? '', /^sha256-[A-Za-z0-9+/]{43}=$/);
      }
      if (item.podcastChapters) assert.ok(renderChapters(episode), 'a chapters URL only when there are chapters');
    }

    if (!needTool(t, 'python3-podcastparser', () => hasPythonModule('podcastparser'))) continue;
    if (!needTool(t, 'python3-feedparser', () => hasPythonModule('feedparser'))) continue;
    const r = spawnSync(debianPython, ['-c', reader, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const view = JSON.parse(r.stdout) as {
      bozo: number;
      why: string;
      pp: { guid: string; size: number; time: number }[];
      fp: { id: string; length: string[] }[];
    };
    assert.equal(view.bozo, 0, view.why);
    assert.equal(view.pp.length, listed.length);
    for (const episode of view.pp) {
      const media: EpisodeMedia = catalog.episodes.find((e) => e.guid === episode.guid)!.media.find((m) => m.format === feed.enclosure)!;
      assert.equal(episode.size, fs.statSync(media.path).size);
      assert.ok(Math.abs(episode.time - ffprobeSeconds(media.path)) <= 1);
    }
    for (const entry of view.fp) assert.equal(entry.length.length, 1, 'exactly one enclosure');
  }
});
