// Compression levels by size, a quick pass for the request and a better one in the background.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { backgroundLevel, CompressionCache, negotiate, requestLevel } from '../../../src/site/http/compression.js';

/** A feed of a big show: about 6 MB of items, compressible as real XML is, not a repeated string. */
function bigFeed(bytes = 6 * 1024 * 1024): Buffer {
  const words =
    'hypervisor container cloud storage network kernel virtual machine outage region latency the a of and to in is for on with'.split(' ');
  const items: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const notes = Array.from({ length: 200 }, (_, j) => words[(i * 7 + j * j) % words.length]).join(' ');
    const item = `<item><title>Episode ${i}</title><guid isPermaLink="false">${randomBytes(16).toString('hex')}</guid><description><![CDATA[<p>${notes}</p>]]></description><enclosure url="https://cast.example/media/${i}/${i}.mp3" length="${1e7 + i}" type="audio/mpeg"/></item>\n`;
    items.push(item);
    length += item.length;
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n${items.join('')}</channel></rss>\n`);
}

test('levels by size: the best for small pages, middle up to 1 MB, a quick pass above, and a background pass only for big bodies', () => {
  assert.equal(requestLevel('br', 12_000), 11);
  assert.equal(requestLevel('gzip', 12_000), 9);
  assert.equal(requestLevel('br', 100_000), 9);
  assert.equal(requestLevel('br', 500_000), 5);
  assert.equal(requestLevel('gzip', 500_000), 6);
  assert.equal(requestLevel('br', 6_000_000), 1);
  assert.equal(requestLevel('gzip', 6_000_000), 1);
  assert.equal(backgroundLevel('br', 500_000), undefined);
  assert.equal(backgroundLevel('br', 6_000_000), 5);
  assert.equal(backgroundLevel('gzip', 6_000_000), 6);
  assert.equal(backgroundLevel('br', 100_000_000), undefined, 'a huge body gets the quick pass only');
  assert.equal(negotiate('br', 500), 'identity');
});

test('regression: Brotli 11 on a 6 MB feed cost 12-14 s per request; now a quick pass, then a better one in the background', {
  timeout: 60_000,
}, async () => {
  const body = bigFeed();
  const cache = new CompressionCache();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const quick = cache.get('"feed"', 'br', body);
  const quickBytes = await quick.bytes;
  const waited = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  assert.equal(quick.tag, 'br1');
  assert.ok(zlib.brotliDecompressSync(quickBytes).equals(body));
  // Quality 1 runs at about 90 MB/s; the old quality 11 at about 0.35 MB/s (17 s for this body here).
  assert.ok(waited < 3000, `the request waited ${waited.toFixed(0)} ms`);
  assert.ok((cpu.user + cpu.system) / 1000 < 3000, `the request cost ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of CPU`);
  // The same body again at once: the same bytes, not a second pass.
  assert.equal(cache.get('"feed"', 'br', body).tag, 'br1');

  await cache.settled();
  const better = cache.get('"feed"', 'br', body);
  assert.equal(better.tag, 'br5');
  const betterBytes = await better.bytes;
  assert.ok(betterBytes.length < quickBytes.length, `${betterBytes.length} < ${quickBytes.length}`);
  assert.ok(zlib.brotliDecompressSync(betterBytes).equals(body));
  // The better bytes replaced the quick ones: every request now gets them as kept (the same
  // bytes, no third pass), and the quick ones are never sent again.
  const again = cache.get('"feed"', 'br', body);
  assert.equal(again.tag, 'br5');
  assert.equal(again.bytes, better.bytes, 'served from the cache, not compressed again');
  await cache.settled();
  assert.equal(cache.get('"feed"', 'br', body).bytes, better.bytes);
});

test('small bodies get the best level at once, and nothing in the background', async () => {
  const body = bigFeed(12_000);
  const cache = new CompressionCache();
  const br = cache.get('"page"', 'br', body);
  const gz = cache.get('"page"', 'gzip', body);
  assert.equal(br.tag, 'br11');
  assert.equal(gz.tag, 'gzip9');
  assert.ok(zlib.brotliDecompressSync(await br.bytes).equals(body));
  assert.ok(zlib.gunzipSync(await gz.bytes).equals(body));
  await cache.settled();
  assert.equal(cache.get('"page"', 'br', body).tag, 'br11');
});
