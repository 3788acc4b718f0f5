// The feed renderer's child process: the catalog goes in and the feed comes out as text in pieces,
// and what comes out is renderFeed's very string in UTF-8, whatever characters the show's titles hold.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { renderFeed } from '../../src/feeds/rss.js';
import { renderFeedOffThread, writeInPieces } from '../../src/site/feed-worker.js';
import { fixedNow, fixtureArtwork, fixtureCatalog } from '../support/catalog-fixture.js';

const catalog = fixtureCatalog('/show');
const artwork = fixtureArtwork(catalog, '/cache');
const options = { baseUrl: 'https://example.com', now: fixedNow, artwork };
const cdnOptions = { ...options, mediaBaseUrl: 'https://cdn.example' };

test('pieces never cut a character in two: the bytes written are the text in UTF-8', async () => {
  // 'abc' first: the first cut (at 32,768 characters) falls between the halves of an emoji's surrogate pair.
  const text = `abc${'😀é€'.repeat(30_000)}`;
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeInPieces(out, text);
  assert.ok(chunks.length > 1, 'written in more than one piece');
  assert.ok(Buffer.concat(chunks).equals(Buffer.from(text, 'utf8')));
  assert.ok(
    chunks.every((c) => c.length < 128 * 1024),
    'each piece below glibc’s first mmap threshold',
  );
});

test('a feed rendered in the child process is renderFeed’s string in UTF-8, with titles of one- to four-byte characters', async () => {
  const base = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
  const episodes = Array.from({ length: 600 }, (_, i) => ({
    ...base,
    slug: `e${i}`,
    guid: `g${i}`,
    title: `Épisode ${i} ${'🎙️ naïve € '.repeat(i % 7)}`,
    date: new Date(Date.UTC(2020, 0, 1) + i * 864e5).toISOString(),
  }));
  const big = { ...catalog, episodes };
  const feed = catalog.show.feeds.find((f) => f.name === 'audio')!;
  const expected = renderFeed(big, feed, options);
  assert.ok(expected.length > 4 * 32 * 1024, 'long enough to come back in many pieces');
  const bytes = await renderFeedOffThread(big, feed, options);
  assert.ok(Buffer.isBuffer(bytes));
  assert.equal(bytes.toString('utf8'), expected);
});

test('a feed the catalog does not have is a rejection, not a hang', async () => {
  const feed = { ...catalog.show.feeds[0], name: 'nonesuch' };
  await assert.rejects(renderFeedOffThread(catalog, feed, options), /feed renderer ended \(1\) without a feed/);
});

test('each feed rendered off the thread is byte for byte what renderFeed makes; a feed the catalog lacks is an error, never a feed body', async () => {
  const [video, audio] = catalog.show.feeds;
  // Asked at once, they run one after the other; the failure in the middle does not stop the queue.
  const [offVideo, missing, offAudio] = await Promise.allSettled([
    renderFeedOffThread(catalog, video, cdnOptions),
    renderFeedOffThread(catalog, { name: 'nope', title: 'Nope', enclosure: 'mp3', alternates: [] }, cdnOptions),
    renderFeedOffThread(catalog, audio, cdnOptions),
  ]);
  assert.deepEqual(offVideo, { status: 'fulfilled', value: Buffer.from(renderFeed(catalog, video, cdnOptions)) });
  assert.deepEqual(offAudio, { status: 'fulfilled', value: Buffer.from(renderFeed(catalog, audio, cdnOptions)) });
  assert.equal(missing.status, 'rejected');
  assert.match(String((missing as PromiseRejectedResult).reason), /without a feed/);
});

/** The feed renderer child of this process, as soon as it exists. */
async function rendererChild(): Promise<number> {
  for (let tries = 0; tries < 2000; tries++) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === process.pid && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('--netcaster-feed-renderer'))
          return Number(name);
      } catch {
        // gone meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no renderer child');
}

test('a renderer that dies while the catalog is still being written to it is a rejection, not the end of the server', {
  skip: process.platform !== 'linux',
}, async () => {
  const base = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
  // Far more than a pipe holds: the server is still writing the job when the child goes.
  const episodes = Array.from({ length: 3000 }, (_, i) => ({ ...base, slug: `e${i}`, guid: `g${i}`, summary: 'x'.repeat(1000) }));
  const feed = catalog.show.feeds.find((f) => f.name === 'audio')!;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const rendering = renderFeedOffThread({ ...catalog, episodes }, feed, options);
    rendering.catch(() => undefined);
    const child = await rendererChild();
    process.kill(child, 'SIGSTOP'); // reads no more: the server's writes wait for 'drain'
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(child, 'SIGKILL'); // as the kernel's OOM killer would
    await assert.rejects(rendering, /feed renderer ended/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('the renderer starts without NODE_EXTRA_CA_CERTS, which Node 20 would read at its start; the rest of the environment it keeps', {
  skip: process.platform !== 'linux',
}, async (t) => {
  const saved = process.env.NODE_EXTRA_CA_CERTS;
  process.env.NODE_EXTRA_CA_CERTS = '/nonexistent/extra-ca.pem';
  process.env.NETCASTER_TEST_MARK = 'kept';
  t.after(() => {
    if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = saved;
    delete process.env.NETCASTER_TEST_MARK;
  });
  const base = catalog.episodes.find((e) => e.slug === '045-audio-only')!;
  // Big enough that the child is still reading its job when its environment is looked at.
  const episodes = Array.from({ length: 3000 }, (_, i) => ({ ...base, slug: `e${i}`, guid: `g${i}`, summary: 'x'.repeat(1000) }));
  const feed = catalog.show.feeds.find((f) => f.name === 'audio')!;
  const rendering = renderFeedOffThread({ ...catalog, episodes }, feed, options);
  const child = await rendererChild();
  const environment = fs.readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
  await rendering;
  assert.ok(environment.includes('NETCASTER_TEST_MARK=kept'));
  assert.ok(!environment.some((v) => v.startsWith('NODE_EXTRA_CA_CERTS=')));
});
