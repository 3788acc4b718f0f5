// WebSub publish pings against a real local hub (an HTTP server on 127.0.0.1).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { changedFeedUrls, notifyHubs } from '../../src/site/websub.js';
import type { SiteRoutes } from '../../src/site/types.js';

interface Received {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

/** A hub that records each request and answers with `status` (or never, with 'hang'). */
async function startHub(answer: number | 'hang'): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
      if (answer === 'hang') return;
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hub`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('notifyHubs POSTs hub.mode=publish and hub.url, form-encoded, once per feed and hub', async () => {
  const a = await startHub(204);
  const b = await startHub(202);
  const lines: string[] = [];
  const feeds = ['https://tiny.example/feeds/audio.xml', 'https://tiny.example/feeds/video.xml?x=1&y=2'];
  await notifyHubs([a.url, b.url], feeds, (l) => lines.push(l));
  await a.close();
  await b.close();
  for (const hub of [a, b]) {
    assert.equal(hub.received.length, 2);
    for (const r of hub.received) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/hub');
      assert.equal(r.contentType, 'application/x-www-form-urlencoded');
    }
    const bodies = hub.received.map((r) => new URLSearchParams(r.body));
    assert.deepEqual(
      bodies.map((p) => p.get('hub.mode')),
      ['publish', 'publish'],
    );
    assert.deepEqual(bodies.map((p) => p.get('hub.url')).sort(), feeds);
  }
  assert.ok(
    a.received
      .map((r) => r.body)
      .join('\n')
      .includes('hub.url=https%3A%2F%2Ftiny.example%2Ffeeds%2Fvideo.xml%3Fx%3D1%26y%3D2'),
    'the feed URL is percent-encoded',
  );
  assert.equal(lines.filter((l) => l.startsWith('websub: told')).length, 4);
});

test('a refusing, unreachable or silent hub is logged, never thrown', async () => {
  const refusing = await startHub(500);
  const silent = await startHub('hang');
  const gone = await startHub(204);
  await gone.close(); // nothing listens on its port any more
  const lines: string[] = [];
  const started = Date.now();
  await notifyHubs([refusing.url, silent.url, gone.url], ['https://tiny.example/feeds/audio.xml'], (l) => lines.push(l), {
    timeoutMs: 500,
  });
  assert.ok(Date.now() - started < 5000, 'the timeout cut the silent hub short');
  await refusing.close();
  await silent.close();
  assert.equal(silent.received.length, 1, 'the silent hub did get the notice');
  assert.ok(
    lines.some((l) => l.includes(refusing.url) && l.includes('HTTP 500')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.includes(silent.url) && l.includes('no answer within 0.5 s')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.includes(gone.url) && l.includes('could not reach')),
    lines.join('\n'),
  );
});

test('changedFeedUrls names only the feeds whose bytes changed', () => {
  const feed = (body: string) => ({ kind: 'content' as const, contentType: 'application/rss+xml; charset=utf-8', body });
  const before: SiteRoutes = new Map([
    ['/', feed('<html>1</html>')],
    ['/feeds/audio.xml', feed('<rss>a1</rss>')],
    ['/feeds/video.xml', feed('<rss>v1</rss>')],
  ]);
  const after: SiteRoutes = new Map([
    ['/', feed('<html>2</html>')],
    ['/feeds/audio.xml', feed('<rss>a2</rss>')],
    ['/feeds/video.xml', feed('<rss>v1</rss>')],
  ]);
  assert.deepEqual(changedFeedUrls(before, after, 'https://tiny.example/'), ['https://tiny.example/feeds/audio.xml']);
  assert.deepEqual(changedFeedUrls(before, before, 'https://tiny.example'), []);
  assert.deepEqual(changedFeedUrls(undefined, after, 'https://tiny.example'), [
    'https://tiny.example/feeds/audio.xml',
    'https://tiny.example/feeds/video.xml',
  ]);
});
