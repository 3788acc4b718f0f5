// HTTP for the importer, on node:http and node:https. Not fetch: its web-stream bodies moved
// 1.4 MB files at a third of the speed here (34 ms each against 10 ms piped from node:http, and
// wget's 10 ms), and downloads are most of an import. Redirects are followed here, so every hop
// is known (a feed that moved is worth telling the podcaster about) and a loop ends with a
// message.
import nodeHttp, { type IncomingMessage } from 'node:http';
import nodeHttps from 'node:https';

export interface HttpOptions {
  /** Waiting for response headers, in ms. */
  headersTimeoutMs: number;
  /** Waiting for the next chunk of a body, in ms. */
  idleTimeoutMs: number;
  /**
   * A whole body read at once (a feed, chapters, a transcript, an image) must come at this many
   * bytes a second on average once slowBodyGraceMs have passed: a server dripping a byte every few
   * seconds never trips idleTimeoutMs, and would hold the import for good.
   */
  minBodyBytesPerSecond: number;
  slowBodyGraceMs: number;
  /** Attempts after the first one, for errors that may pass (network, 5xx, 429). */
  retries: number;
  /** The first wait before a retry, doubled each time. */
  backoffMs: number;
  /** Downloads at once to one host: hosts throttle or ban more (wget and most podcast apps use 1-4). */
  perHost: number;
  /** Downloads at once in all. */
  total: number;
}

export const defaultHttpOptions: HttpOptions = {
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  minBodyBytesPerSecond: 10 * 1024,
  slowBodyGraceMs: 60_000,
  retries: 4,
  backoffMs: 1_000,
  perHost: 3,
  total: 8,
};

/** Sent with every request: hosts see who fetches, as their logs and the OPAWG lists expect. */
export const userAgent = 'netcaster-import/0.1';

const MAX_REDIRECTS = 10;

/** A fault worth a retry (the network, the server for a moment) or not (a 404, a loop). */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** How long the server asked to be left alone (Retry-After), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The longest Retry-After waited for; a server asking more is given up on for this run. */
const MAX_RETRY_AFTER_MS = 120_000;

export interface Fetched {
  response: IncomingMessage;
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL that redirected, in order. */
  redirects: { from: string; to: string; status: number }[];
}

// Connections are kept open between the files of one host, as wget and podcast apps do.
const agents = { 'http:': new nodeHttp.Agent({ keepAlive: true }), 'https:': new nodeHttps.Agent({ keepAlive: true }) };

/** The header as one string (Node gives repeated ones as an array). */
export function header(fetched: Fetched, name: string): string | undefined {
  const value = fetched.response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Throws the rest of a body away (the connection stays usable when it can). */
export function discard(fetched: Fetched): void {
  fetched.response.resume();
}

function request(url: string, headers: Record<string, string>, http: HttpOptions, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new HttpError(`${url}: not a URL`, false));
      return;
    }
    const protocol = target.protocol as 'http:' | 'https:';
    if (protocol !== 'http:' && protocol !== 'https:') {
      reject(new HttpError(`${url}: not an http(s) URL`, false));
      return;
    }
    const client = protocol === 'https:' ? nodeHttps : nodeHttp;
    const req = client.get(target, { headers: { 'user-agent': userAgent, ...headers }, agent: agents[protocol], signal });
    // Until the headers: headersTimeoutMs; then between chunks: idleTimeoutMs.
    req.setTimeout(http.headersTimeoutMs, () =>
      req.destroy(new HttpError(`${url}: no answer within ${http.headersTimeoutMs / 1000} s`, true)),
    );
    req.on('response', (res) => {
      req.setTimeout(0);
      res.setTimeout(http.idleTimeoutMs, () => res.destroy(new HttpError(`${url}: no data for ${http.idleTimeoutMs / 1000} s`, true)));
      resolve(res);
    });
    req.on('error', (err) => {
      if (signal?.aborted) reject(signal.reason);
      else if (err instanceof HttpError) reject(err);
      else reject(new HttpError(`${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, true));
    });
  });
}

/** GET `url`, following redirects; throws HttpError. The caller reads (or discards) the body. */
export async function get(
  url: string,
  options: { headers?: Record<string, string>; signal?: AbortSignal; http: HttpOptions },
): Promise<Fetched> {
  const redirects: Fetched['redirects'] = [];
  const seen = new Set<string>([url]);
  let current = url;
  for (;;) {
    const response = await request(current, options.headers ?? {}, options.http, options.signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      const next = new URL(response.headers.location, current).href;
      redirects.push({ from: current, to: next, status });
      if (seen.has(next)) {
        throw new HttpError(`redirect loop: ${[...redirects.map((r) => r.from), next].join(' -> ')}`, false);
      }
      if (redirects.length >= MAX_REDIRECTS) throw new HttpError(`more than ${MAX_REDIRECTS} redirects from ${url}`, false);
      seen.add(next);
      current = next;
      continue;
    }
    return { response, status, url: current, redirects };
  }
}

/** The status as an HttpError, or undefined for 200/206. */
export function statusError(fetched: Fetched): HttpError | undefined {
  const { status } = fetched;
  if (status === 200 || status === 206) return undefined;
  const text = fetched.response.statusMessage;
  const message = `${fetched.url}: HTTP ${status}${text ? ` ${text}` : ''}`;
  const retryAfterMs = retryAfter(header(fetched, 'retry-after'));
  if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS)
    return new HttpError(
      `${message}, and asks to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After): run the import again later`,
      false,
      status,
    );
  const retryable = status >= 500 || status === 429 || status === 408;
  return new HttpError(message, retryable, status, retryAfterMs);
}

/** Retry-After as ms from now: a number of seconds or an HTTP date (RFC 9110 section 10.2.3). */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Runs `task` again on a retryable HttpError, waiting backoffMs, 2x, 4x, ... (and Retry-After when it is said). */
export async function withRetries<T>(task: (attempt: number) => Promise<T>, http: HttpOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (err) {
      if (!(err instanceof HttpError) || !err.retryable || attempt >= http.retries || signal?.aborted) throw err;
      // Jitter: retries from many runs do not line up. A server's Retry-After is waited for in full.
      const wait = Math.max(http.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5), err.retryAfterMs ?? 0);
      await new Promise<void>((resolve) => {
        // The abort listener goes with the wait: left on the signal, one per retry, the import's
        // signal gathered them (a MaxListenersExceededWarning on stderr past ten).
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, wait);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/**
 * Reads a whole body of at most `limit` bytes (feeds, chapters, transcripts, images), arriving at
 * no less than `http.minBodyBytesPerSecond` on average after `http.slowBodyGraceMs`.
 */
export async function readBody(
  fetched: Fetched,
  limit: number,
  http: Pick<HttpOptions, 'minBodyBytesPerSecond' | 'slowBodyGraceMs'>,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const started = Date.now();
  try {
    for await (const chunk of fetched.response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        fetched.response.destroy();
        throw new HttpError(`${fetched.url}: larger than ${Math.round(limit / 1024 / 1024)} MB`, false);
      }
      const slow = tooSlow(fetched, size, started, http);
      if (slow) {
        fetched.response.destroy();
        throw slow;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw bodyError(fetched, err);
  }
  if (!fetched.response.complete) throw new HttpError(`${fetched.url}: the connection broke before the end`, true);
  return Buffer.concat(chunks);
}

/**
 * A body that has brought `bytes` since `started` and is past its grace, slower than the floor, as
 * a final HttpError: a server dripping a byte every few seconds never trips idleTimeoutMs, and
 * would hold the import for good.
 */
export function tooSlow(
  fetched: Fetched,
  bytes: number,
  started: number,
  http: Pick<HttpOptions, 'minBodyBytesPerSecond' | 'slowBodyGraceMs'>,
): HttpError | undefined {
  const ms = Date.now() - started;
  if (ms <= http.slowBodyGraceMs || bytes >= (http.minBodyBytesPerSecond * ms) / 1000) return undefined;
  return new HttpError(
    `${fetched.url}: ${bytes} bytes in ${Math.round(ms / 1000)} s, slower than ${http.minBodyBytesPerSecond} bytes a second: given up`,
    false,
  );
}

/** An error while a body was read, as an HttpError (a broken connection is worth a retry). */
export function bodyError(fetched: Fetched, err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ABORT_ERR' || (err as Error).name === 'AbortError') return err;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EROFS') return err;
  return new HttpError(`${fetched.url}: the connection broke (${code ?? (err as Error).message})`, true);
}

/** At most `perHost` tasks at once per host and `total` in all; the others wait their turn in order. */
export class HostLimiter {
  private running = 0;
  private readonly perHost = new Map<string, number>();
  private readonly waiting: { host: string; start: () => void }[] = [];

  constructor(private readonly http: HttpOptions) {}

  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const host = new URL(url).host;
    await new Promise<void>((resolve) => {
      this.waiting.push({ host, start: resolve });
      this.next();
    });
    try {
      return await task();
    } finally {
      this.running--;
      this.perHost.set(host, (this.perHost.get(host) ?? 1) - 1);
      this.next();
    }
  }

  private next(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.http.total; ) {
      const { host, start } = this.waiting[i];
      if ((this.perHost.get(host) ?? 0) >= this.http.perHost) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.running++;
      this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
      start();
    }
  }
}
