// gPodder's command line client subscribes to the served feeds and downloads every episode;
// the downloaded files must be byte-identical to the show's media.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { needTool, sampleShowDir } from '../support/env.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { tempDir } from '../support/temp-dir.js';

let serve: ServeProcess | undefined;
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

before(async () => {
  if (fs.existsSync(path.join(sampleShowDir, 'show.yaml'))) serve = await startServe(sampleShowDir);
});
after(async () => {
  await serve?.stop();
});

/** sha256 -> show-relative path of each enclosure the served feed lists (drafts and scheduled episodes are not in it). */
async function enclosures(feedUrl: string): Promise<Map<string, string>> {
  const xml = await (await fetch(feedUrl)).text();
  const out = new Map<string, string>();
  for (const [, url] of xml.matchAll(/<enclosure url="([^"]+)"/g)) {
    const [slug, file] = new URL(url).pathname.split('/').slice(2).map(decodeURIComponent);
    out.set(sha(path.join(sampleShowDir, slug, file)), path.join(slug, file));
  }
  return out;
}

for (const [feed, extension] of [
  ['video', 'm4v'],
  ['audio', 'mp3'],
] as const) {
  test(`gpo subscribes to the ${feed} feed and downloads byte-identical ${extension} files`, async (t) => {
    if (!needTool(t, 'gpo')) return;
    assert.ok(serve, 'the sample show exists');
    const home = tempDir('gpo-home');
    const downloads = tempDir('gpo-dl');
    try {
      const env = { ...process.env, GPODDER_HOME: home, GPODDER_DOWNLOAD_DIR: downloads };
      const gpo = (...args: string[]) => execFileSync('gpo', args, { env, encoding: 'utf8', timeout: 60_000 });
      const feedUrl = `${serve.url}/feeds/${feed}.xml`;
      gpo('subscribe', feedUrl);
      gpo('update');
      const result = gpo('download');
      const expected = await enclosures(feedUrl);
      assert.ok(expected.size >= 2, 'the sample show publishes at least two episodes');
      for (const original of expected.values()) assert.ok(original.endsWith(`.${extension}`), original);
      const files = fs.readdirSync(downloads, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      const got = new Map(files.map((d) => [sha(path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)), d.name]));
      assert.equal(files.length, expected.size, `gpo downloaded ${files.map((f) => f.name).join(', ')}\n${result}`);
      for (const [hash, original] of expected) {
        assert.ok(got.has(hash), `${original} came down byte-identical`);
        assert.equal(got.get(hash), path.basename(original), 'with its own file name');
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(downloads, { recursive: true, force: true });
    }
  });
}
