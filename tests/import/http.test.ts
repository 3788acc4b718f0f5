// import/http.ts against a real server on 127.0.0.1: redirects, status checks, timeouts, bounded
// bodies, retries and the per-host limit. The importer's own runs over it are in importer.test.ts.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defaultHttpOptions,
  get,
  HostLimiter,
  HttpError,
  readBody,
  statusError,
  userAgent,
  withRetries,
  type HttpOptions,
} from '../../src/import/http.js';
import { FeedServer } from './feed-server.js';

let server: FeedServer;
before(async () => {
  server = await new FeedServer().start();
});
after(() => server.stop());

// Short waits: the behaviour is the same, the tests are quicker.
const fast: HttpOptions = { ...defaultHttpOptions, headersTimeoutMs: 2_000, idleTimeoutMs: 2_000, retries: 2, backoffMs: 1 };

/** Rejects with the error `promise` throws (an HttpError is what every fault here must be). */
async function httpError(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.then(
    () => assert.fail('expected an HttpError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HttpError, `expected an HttpError, got ${String(err)}`);
  return err;
}

test('get follows a chain of redirects, relative ones too, and tells every hop and the URL that answered', async () => {
  server.feed('/http/final.xml', '<rss/>');
  server.redirect('/http/moved', '/http/moved-again', 301);
  server.redirect('/http/moved-again', server.url('/http/final.xml'), 307);
  const fetched = await get(server.url('/http/moved'), { http: fast });
  assert.equal(fetched.status, 200);
  assert.equal(fetched.url, server.url('/http/final.xml'));
  assert.deepEqual(fetched.redirects, [
    { from: server.url('/http/moved'), to: server.url('/http/moved-again'), status: 301 },
    { from: server.url('/http/moved-again'), to: server.url('/http/final.xml'), status: 307 },
  ]);
  assert.equal((await readBody(fetched, 1024, fast)).toString(), '<rss/>');
});

test('a redirect loop ends with an HttpError naming the loop, not retried', async () => {
  server.redirect('/http/loop-a', '/http/loop-b');
  server.redirect('/http/loop-b', '/http/loop-a');
  const err = await httpError(get(server.url('/http/loop-a'), { http: fast }));
  assert.equal(err.retryable, false);
  assert.match(err.message, /redirect loop: .*\/http\/loop-a -> .*\/http\/loop-b -> .*\/http\/loop-a/);
});

test('more than 10 redirects (no loop) end with an HttpError', async () => {
  for (let i = 0; i < 12; i++) server.redirect(`/http/hop-${i}`, `/http/hop-${i + 1}`, 302);
  server.feed('/http/hop-12', '<rss/>');
  const err = await httpError(get(server.url('/http/hop-0'), { http: fast }));
  assert.equal(err.retryable, false);
  assert.match(err.message, /more than 10 redirects/);
});

test('a URL that is not http(s), or not a URL at all, is refused without a request and not retried', async () => {
  for (const url of ['ftp://example.com/feed.xml', 'file:///etc/passwd', 'not a url']) {
    const err = await httpError(get(url, { http: fast }));
    assert.equal(err.retryable, false, url);
  }
});

test('every request says who fetches it (User-Agent) and sends the headers it is given', async () => {
  let seen: http.IncomingHttpHeaders = {};
  server.routes.set('/http/headers', (req) => {
    seen = req.headers;
    return { body: 'ok' };
  });
  const fetched = await get(server.url('/http/headers'), { http: fast, headers: { range: 'bytes=1-' } });
  await readBody(fetched, 100, fast);
  assert.equal(seen['user-agent'], userAgent);
  assert.equal(seen.range, 'bytes=1-');
});

test('statusError: 200 and 206 pass; 404 is final; 5xx, 429 and 408 are worth a retry', async () => {
  const statuses = [200, 404, 410, 500, 503, 429, 408];
  const results = new Map<number, HttpError | undefined>();
  for (const status of statuses) {
    server.routes.set(`/http/status-${status}`, () => ({ status, body: 'x' }));
    const fetched = await get(server.url(`/http/status-${status}`), { http: fast });
    fetched.response.resume();
    results.set(status, statusError(fetched));
  }
  assert.equal(results.get(200), undefined);
  for (const status of [404, 410]) {
    assert.equal(results.get(status)?.retryable, false, String(status));
    assert.equal(results.get(status)?.status, status);
    assert.match(results.get(status)?.message ?? '', new RegExp(`/http/status-${status}: HTTP ${status}`));
  }
  for (const status of [500, 503, 429, 408]) assert.equal(results.get(status)?.retryable, true, String(status));
});

test('a host that never sends its headers is given up after headersTimeoutMs, as a retryable error', { timeout: 5_000 }, async (t) => {
  const silent = http.createServer(() => {}); // takes the request, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/feed.xml`;
  const started = Date.now();
  const err = await httpError(get(url, { http: { ...fast, headersTimeoutMs: 100 } }));
  assert.equal(err.retryable, true);
  assert.match(err.message, /no answer within 0\.1 s/);
  assert.ok(Date.now() - started < 1_500, 'gave up in about the timeout');
});

test('a body that stops coming is given up after idleTimeoutMs, as a retryable error', { timeout: 5_000 }, async () => {
  server.file('/http/stall', Buffer.alloc(10_000, 1), { cutAfter: 100, stall: true });
  const fetched = await get(server.url('/http/stall'), { http: { ...fast, idleTimeoutMs: 100 } });
  const err = await httpError(readBody(fetched, 1_000_000, fast));
  assert.equal(err.retryable, true);
  assert.match(err.message, /no data for 0\.1 s/);
});

test('a body dripped a byte at a time (never idle long enough to time out) is given up once it falls below the rate, final', {
  timeout: 5_000,
}, async (t) => {
  const drip = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<rss>');
    const timer = setInterval(() => res.write('a'), 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    drip.closeAllConnections();
    drip.close();
  });
  const options = { ...fast, minBodyBytesPerSecond: 1000, slowBodyGraceMs: 300 };
  const fetched = await get(`http://127.0.0.1:${(drip.address() as AddressInfo).port}/feed.xml`, { http: options });
  const started = Date.now();
  const err = await httpError(readBody(fetched, 1024 * 1024, options));
  assert.equal(err.retryable, false);
  assert.match(err.message, /slower than 1000 bytes a second: given up/);
  assert.ok(Date.now() - started < 2_000, 'gave up soon after the grace');
});

test('readBody refuses a body larger than its limit, final (not retried)', async () => {
  server.file('/http/big', Buffer.alloc(3 * 1024 * 1024, 7));
  const fetched = await get(server.url('/http/big'), { http: fast });
  const err = await httpError(readBody(fetched, 1024 * 1024, fast));
  assert.equal(err.retryable, false);
  assert.match(err.message, /larger than 1 MB/);
});

test('readBody says a connection that broke before the end is worth a retry', async () => {
  server.file('/http/cut', Buffer.alloc(200_000, 3), { cutAfter: 50_000 });
  const fetched = await get(server.url('/http/cut'), { http: fast });
  const err = await httpError(readBody(fetched, 1024 * 1024, fast));
  assert.equal(err.retryable, true);
  assert.match(err.message, /connection broke/);
});

test('a refused connection is a retryable HttpError naming the code', async (t) => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  t.diagnostic(`port ${port} closed again`);
  const err = await httpError(get(`http://127.0.0.1:${port}/`, { http: fast }));
  assert.equal(err.retryable, true);
  assert.match(err.message, /ECONNREFUSED/);
});

test('withRetries runs a retryable failure again up to `retries` times, then throws it', async () => {
  const attempts: number[] = [];
  const err = await httpError(
    withRetries(async (attempt) => {
      attempts.push(attempt);
      throw new HttpError('busy', true, 503);
    }, fast),
  );
  assert.equal(err.message, 'busy');
  assert.deepEqual(attempts, [0, 1, 2]);
});

test('withRetries returns the first success after retryable failures', async () => {
  const value = await withRetries(async (attempt) => {
    if (attempt < 2) throw new HttpError('busy', true, 503);
    return `ok after ${attempt}`;
  }, fast);
  assert.equal(value, 'ok after 2');
});

test('withRetries never repeats a final failure, nor any failure once the signal is aborted', async () => {
  let calls = 0;
  await httpError(
    withRetries(async () => {
      calls++;
      throw new HttpError('gone', false, 404);
    }, fast),
  );
  assert.equal(calls, 1, 'a 404 is tried once');

  const controller = new AbortController();
  calls = 0;
  await httpError(
    withRetries(
      async () => {
        calls++;
        controller.abort();
        throw new HttpError('busy', true, 503);
      },
      fast,
      controller.signal,
    ),
  );
  assert.equal(calls, 1, 'no retry after an abort');

  calls = 0;
  await assert.rejects(
    withRetries(async () => {
      calls++;
      throw new TypeError('a bug, not the network');
    }, fast),
    TypeError,
  );
  assert.equal(calls, 1, 'an error that is not an HttpError is not retried');
});

test('withRetries waits backoffMs, then twice as long, between attempts', async () => {
  const at: number[] = [];
  await httpError(
    withRetries(
      async () => {
        at.push(Date.now());
        throw new HttpError('busy', true);
      },
      { ...fast, retries: 2, backoffMs: 50 },
    ),
  );
  const first = at[1] - at[0];
  const second = at[2] - at[1];
  // 50 ms and 100 ms, each within the jitter of +-25 %.
  assert.ok(first >= 35 && first < 150, `first wait ${first} ms`);
  assert.ok(second >= 72 && second < 300, `second wait ${second} ms`);
});

test('HostLimiter runs at most perHost tasks at once per host and total in all, the rest in order', async () => {
  const limiter = new HostLimiter({ ...fast, perHost: 2, total: 3 });
  const running = new Map<string, number>();
  let inAll = 0;
  let mostInAll = 0;
  const mostPerHost = new Map<string, number>();
  const started: string[] = [];
  const task = (host: string, n: number) =>
    limiter.run(`http://${host}/file-${n}`, async () => {
      started.push(`${host}-${n}`);
      running.set(host, (running.get(host) ?? 0) + 1);
      inAll++;
      mostInAll = Math.max(mostInAll, inAll);
      mostPerHost.set(host, Math.max(mostPerHost.get(host) ?? 0, running.get(host) ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 10));
      running.set(host, (running.get(host) ?? 0) - 1);
      inAll--;
      return n;
    });
  const results = await Promise.all([...[1, 2, 3, 4].map((n) => task('a.example', n)), ...[1, 2, 3].map((n) => task('b.example', n))]);
  assert.deepEqual(results, [1, 2, 3, 4, 1, 2, 3]);
  assert.equal(mostInAll, 3);
  assert.equal(mostPerHost.get('a.example'), 2);
  assert.equal(mostPerHost.get('b.example'), 2);
  // a.example's third waits for its host; b.example's first takes the free place meanwhile.
  assert.deepEqual(started.slice(0, 3), ['a.example-1', 'a.example-2', 'b.example-1']);
  assert.deepEqual(
    started.filter((s) => s.startsWith('a.')),
    ['a.example-1', 'a.example-2', 'a.example-3', 'a.example-4'],
  );
});

test('HostLimiter frees the place of a task that failed', { timeout: 5_000 }, async () => {
  const limiter = new HostLimiter({ ...fast, perHost: 1, total: 1 });
  await assert.rejects(
    limiter.run('http://a.example/x', async () => {
      throw new Error('failed');
    }),
  );
  assert.equal(await limiter.run('http://a.example/y', async () => 'next one ran'), 'next one ran');
});

test("a 429's Retry-After (seconds or a date) is waited for before the retry; one past two minutes is final, saying to run later", async () => {
  let calls = 0;
  server.routes.set('/http/busy', () =>
    ++calls === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : { body: 'ok' },
  );
  const started = Date.now();
  const body = await withRetries(
    async () => {
      const fetched = await get(server.url('/http/busy'), { http: fast });
      const failed = statusError(fetched);
      if (failed) {
        fetched.response.resume();
        throw failed;
      }
      return readBody(fetched, 1024, fast);
    },
    { ...fast, backoffMs: 1 },
  );
  assert.equal(body.toString(), 'ok');
  assert.ok(Date.now() - started >= 1000, `retried after ${Date.now() - started} ms, not the second asked for`);

  const later = new Date(Date.now() + 3600_000).toUTCString();
  server.routes.set('/http/closed', () => ({ status: 503, headers: { 'retry-after': later }, body: 'maintenance' }));
  const fetched = await get(server.url('/http/closed'), { http: fast });
  fetched.response.resume();
  const err = statusError(fetched);
  assert.equal(err?.retryable, false);
  assert.match(err?.message ?? '', /asks to wait 3[56]\d\d s \(Retry-After\): run the import again later/);
});
