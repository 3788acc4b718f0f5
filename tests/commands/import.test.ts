// `netcaster import` through the real CLI, against hosts on 127.0.0.1: the round trip of the
// sample show, an import killed halfway, and the refusals with their exit codes.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { renderCopies } from '../../src/artwork/image.js';
import { parseXml, type XmlElement } from '../../src/import/xml.js';
import { artworkBytes, FeedServer, media } from '../import/feed-server.js';
import { cliPath, repoRoot, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';
import { withTmpfs } from '../support/tmpfs.js';

let server: FeedServer;
let env: NodeJS.ProcessEnv;
before(async () => {
  server = await new FeedServer().start();
  env = { ...process.env, NETCASTER_CACHE_DIR: tempDir('import-cli-cache') };
});
after(() => server.stop());

/** Runs the CLI without blocking this process (the test's server answers it meanwhile). */
function cli(
  args: string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

interface FeedFacts {
  podcastGuid?: string;
  items: { guid: string; title: string; pubDate: string; length: string; duration: string }[];
}

function feedFacts(xml: string): FeedFacts {
  const root = parseXml(xml).root as XmlElement;
  const channel = root.children.find((c) => c.local === 'channel') as XmlElement;
  const text = (e: XmlElement, local: string) => e.children.find((c) => c.local === local)?.text.trim() ?? '';
  return {
    podcastGuid: channel.children.find((c) => c.name === 'podcast:guid')?.text,
    items: channel.children
      .filter((c) => c.local === 'item')
      .map((item) => ({
        guid: text(item, 'guid'),
        title: text(item, 'title'),
        pubDate: text(item, 'pubDate'),
        length: item.children.find((c) => c.local === 'enclosure')?.attrs.length ?? '',
        duration: text(item, 'duration'),
      })),
  };
}

test('round trip: the sample show built, its two feeds imported into an empty folder, built again: the same feeds', async () => {
  const first = tempDir('import-cli');
  const built = await cli(['build', sampleShowDir, '--out', first, '--base-url', server.base]);
  assert.equal(built.code, 0, built.stdout + built.stderr);
  server.root = first;
  const dir = path.join(tempDir('import-cli'), 'show');
  const video = await cli(['import', server.url('/feeds/video.xml'), dir]);
  assert.equal(video.code, 0, video.stdout + video.stderr);
  assert.match(video.stdout, /Migration checklist/);
  const audio = await cli(['import', server.url('/feeds/audio.xml'), dir]);
  assert.equal(audio.code, 0, audio.stdout + audio.stderr);
  assert.match(audio.stdout, /2 already there/);

  const second = tempDir('import-cli');
  const rebuilt = await cli(['build', dir, '--out', second, '--base-url', server.base]);
  assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
  for (const name of ['video', 'audio']) {
    const before = feedFacts(fs.readFileSync(path.join(first, 'feeds', `${name}.xml`), 'utf8'));
    const after = feedFacts(fs.readFileSync(path.join(second, 'feeds', `${name}.xml`), 'utf8'));
    assert.equal(before.items.length, 2);
    assert.deepEqual(after, before, `${name} feed`);
  }
  server.root = undefined;
});

test('an import killed halfway leaves no half episode, and resumes without downloading finished files again', async () => {
  server.file('/kill/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  server.fixture('/kill/fast.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const slow = media('vbr-no-xing.mp3');
  let throttle: number | undefined = 8_000; // bytes a second: about 9 s for the whole file
  server.routes.set('/kill/slow.mp3', () => ({ type: 'audio/mpeg', body: slow, ...(throttle && { throttle }) }));
  const item = (n: number, file: string, bytes: number) =>
    `<item><title>Part ${n}</title><guid>kill-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate><itunes:episode>${n}</itunes:episode><enclosure url="${server.url(`/kill/${file}`)}" length="${bytes}" type="audio/mpeg"/></item>`;
  const url = server.feed(
    '/kill/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Kill</title><description>Killed halfway.</description><language>en</language><itunes:author>K</itunes:author><itunes:image href="${server.url('/kill/art.jpg')}"/>${item(1, 'fast.mp3', media('good-cbr.mp3').length)}${item(2, 'slow.mp3', slow.length)}</channel></rss>`,
  );
  const dir = path.join(tempDir('import-cli'), 'show');
  const killed = await cli(['import', url, dir], (child) => {
    const poll = setInterval(() => {
      const slowSoFar = server.requests('/kill/slow.mp3')[0]?.bytes ?? 0;
      if (fs.existsSync(path.join(dir, '001-part-1')) && slowSoFar > 20_000) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 20);
  });
  assert.equal(killed.signal, 'SIGKILL');
  assert.ok(fs.existsSync(path.join(dir, '001-part-1', 'episode.yaml')), 'the finished episode is in place');
  assert.ok(!fs.existsSync(path.join(dir, '002-part-2')), 'no half-written episode in the show');
  const staged = fs.readdirSync(path.join(dir, '.netcaster-import', '002-part-2'));
  assert.ok(
    staged.some((f) => f.endsWith('.part')),
    `a .part file is kept: ${staged.join(', ')}`,
  );

  throttle = undefined;
  const resumed = await cli(['import', url, dir]);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(server.requests('/kill/fast.mp3').length, 1, 'the finished file is not downloaded again');
  const slowRequests = server.requests('/kill/slow.mp3');
  assert.equal(slowRequests.length, 2);
  assert.match(slowRequests[1].range ?? '', /^bytes=\d+-$/);
  assert.equal(slowRequests[1].status, 206);
  assert.deepEqual(fs.readFileSync(path.join(dir, '002-part-2', '002-part-2.mp3')), slow);
  assert.ok(!fs.existsSync(path.join(dir, '.netcaster-import')));
});

test('Ctrl-C stops an import with exit 130 and a word on how to continue, leaving no half episode', async () => {
  server.file('/int/art.jpg', artworkBytes(), { type: 'image/jpeg' });
  const slow = media('vbr-no-xing.mp3');
  server.routes.set('/int/slow.mp3', () => ({ type: 'audio/mpeg', body: slow, throttle: 8_000 }));
  const url = server.feed(
    '/int/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Int</title><description>Interrupted.</description><language>en</language><itunes:author>I</itunes:author><itunes:image href="${server.url('/int/art.jpg')}"/><item><title>Slow</title><guid>int-1</guid><pubDate>Mon, 01 Sep 2014 18:00:00 GMT</pubDate><enclosure url="${server.url('/int/slow.mp3')}" length="${slow.length}" type="audio/mpeg"/></item></channel></rss>`,
  );
  const dir = path.join(tempDir('import-cli'), 'show');
  const stopped = await cli(['import', url, dir], (child) => {
    const poll = setInterval(() => {
      if ((server.requests('/int/slow.mp3')[0]?.bytes ?? 0) > 10_000) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 20);
  });
  assert.equal(stopped.code, 130, stopped.stdout + stopped.stderr);
  assert.match(stopped.stderr, /interrupted.*run the same command again/);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => !f.startsWith('.')),
    [],
    'nothing half-made in the show',
  );
});

test('a locked feed is refused with exit 1 and the owner named; a redirect loop ends with a message', async () => {
  const url = server.feed(
    '/cli/locked.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>L</title><podcast:locked owner="me@locked.example">yes</podcast:locked></channel></rss>`,
  );
  const locked = await cli(['import', url, tempDir('import-cli')]);
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, /me@locked\.example.*--unlock/);
  server.redirect('/cli/x.xml', '/cli/y.xml', 302);
  server.redirect('/cli/y.xml', '/cli/x.xml', 302);
  const loop = await cli(['import', server.url('/cli/x.xml'), tempDir('import-cli')]);
  assert.equal(loop.code, 1);
  assert.match(loop.stderr, /redirect loop/);
  assert.doesNotMatch(loop.stderr, /\n\s+at /, 'no stack trace');
});

test('an import whose show does not pass check ends with exit 1, listing what to fix with file and field', async () => {
  // The old host's artwork is 600 px: Apple asks for 1400-3000.
  const [small] = await renderCopies(artworkBytes(), [{ width: 600, format: 'jpeg', quality: 80 }]);
  assert.equal(small.status, 'fulfilled');
  server.file('/small/art.jpg', small.value.data, { type: 'image/jpeg' });
  server.fixture('/small/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed(
    '/small/feed.xml',
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Small</title><description>Small art.</description><language>en</language><itunes:author>S</itunes:author><itunes:image href="${server.url('/small/art.jpg')}"/><item><title>One</title><guid>s-1</guid><pubDate>Mon, 01 Sep 2014 18:00:00 GMT</pubDate><enclosure url="${server.url('/small/1.mp3')}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/></item></channel></rss>`,
  );
  const r = await cli(['import', url, path.join(tempDir('import-cli'), 'show')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /artwork\.jpg[\s\S]*(600|1400)/);
  assert.match(r.stdout, /not publishable yet/);
});

test('import without a SOURCE is bad usage (exit 2)', async () => {
  const r = await cli(['import']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /SOURCE/);
});

test('regression: a SOURCE that is a FIFO or a folder is refused at once, never opened to wait on', async () => {
  const dir = tempDir('import-src');
  const fifo = path.join(dir, 'feed.xml');
  spawnSync('mkfifo', [fifo]);
  for (const [source, message] of [
    [fifo, /not a regular file/],
    [dir, /not a regular file/],
  ] as const) {
    const started = Date.now();
    const r = await cli(['import', source, path.join(dir, 'show')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.ok(Date.now() - started < 15_000, 'no wait on the FIFO');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('regression: a disk that fills while an episode is written ends the import with exit 1 and a word on the disk, not an internal error, and leaves no half-written file', async (t) => {
  const notes = `<p>${'Long show notes, written with care. '.repeat(12_000)}</p>`; // some 420 KB of Markdown
  const item = (n: number) =>
    `<item><title>Long ${n}</title><guid>full-${n}</guid><pubDate>Mon, 0${n} Sep 2014 18:00:00 GMT</pubDate><description><![CDATA[${notes}]]></description><enclosure url="${server.url(`/full/${n}.mp3`)}" length="${media('good-cbr.mp3').length}" type="audio/mpeg"/></item>`;
  server.fixture('/full/1.mp3', 'good-cbr.mp3', 'audio/mpeg');
  server.fixture('/full/2.mp3', 'good-cbr.mp3', 'audio/mpeg');
  const url = server.feed(
    '/full/feed.xml',
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Full</title><description>A disk that fills.</description><language>en</language>${item(1)}${item(2)}</channel></rss>`,
  );
  const dir = tempDir('import-cli');
  // Room for the two 25 KB files, not for the notes of either.
  await withTmpfs(t, dir, '300k', async () => {
    const full = await cli(['import', url, dir]);
    assert.equal(full.code, 1, full.stdout + full.stderr);
    assert.match(full.stderr, /cannot write to .*: the disk is full.*run the same command again/);
    assert.doesNotMatch(full.stderr, /internal error|\n\s+at /);
    const left = fs.readdirSync(dir, { recursive: true }).map(String);
    assert.deepEqual(
      left.filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file left',
    );
    assert.ok(!fs.existsSync(path.join(dir, '001-long-1')), 'no half-written episode in the show');
  });
});
