// `netcaster build` and the feed's podcast:guid: once a feed is published (netcaster.lock), its
// guid is its identity in Podcast Index, and no later --base-url may change it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseFeed } from 'podcast-partytime';
import { podcastGuid } from '../../src/feeds/rss.js';
import { runCli } from '../support/env.js';
import { makeShow, showYaml } from '../support/show-folder.js';
import { tempDir } from '../support/temp-dir.js';

const guidOf = (xml: string) => parseFeed(xml)!.guid;

test('regression: podcast:guid followed --base-url although netcaster.lock recorded the published feed', async () => {
  const dir = await makeShow(
    { '001-a': { files: { 'a.mp3': 'good-cbr.mp3' } } },
    showYaml.replace('feeds:\n', 'feeds:\n  more: { title: More, enclosure: mp3 }\n'),
  );
  // The sites go outside the show: build refuses an OUT inside it.
  const sites = tempDir('sites');
  const env = { NETCASTER_CACHE_DIR: path.join(sites, 'cache') };
  const published = runCli(['build', dir, '--out', path.join(sites, 'published')], { env });
  assert.equal(published.code, 0, published.stdout + published.stderr);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'netcaster.lock'), 'utf8'));
  assert.deepEqual(lock.feedGuids, {
    audio: podcastGuid('https://fixture.example/feeds/audio.xml'),
    more: podcastGuid('https://fixture.example/feeds/more.xml'),
  });

  const mirror = runCli(['build', dir, '--out', path.join(sites, 'mirror'), '--base-url', 'https://mirror.example'], { env });
  assert.equal(mirror.code, 0, mirror.stdout + mirror.stderr);
  for (const name of ['audio', 'more']) {
    const before = fs.readFileSync(path.join(sites, 'published', 'feeds', `${name}.xml`), 'utf8');
    const after = fs.readFileSync(path.join(sites, 'mirror', 'feeds', `${name}.xml`), 'utf8');
    assert.match(after, /<enclosure url="https:\/\/mirror\.example\/media\//, 'the mirror serves its own media');
    assert.equal(guidOf(after), guidOf(before), `${name}: the published guid stays`);
    assert.equal(guidOf(after), lock.feedGuids[name]);
  }
  assert.notEqual(lock.feedGuids.audio, lock.feedGuids.more, 'each feed its own guid');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(sites, { recursive: true, force: true });
});
