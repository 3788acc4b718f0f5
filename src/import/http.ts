// HTTP for the importer, on Node's own fetch (undici). Redirects are followed here, not by fetch,
// so every hop is known (a feed that moved is worth telling the podcaster about) and a loop ends
// with a message instead of fetch's bare "redirect count exceeded".

export interface HttpOptions {
  /** Waiting for response headers, in ms. */
  headersTimeoutMs: number;
  /** Waiting for the next chunk of a body, in ms. */
  idleTimeoutMs: number;
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
  ) {
    super(message);
  }
}

export interface Fetched {
  response: Response;
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL that redirected, in order. */
  redirects: { from: string; to: string; status: number }[];
}

/** GET `url`, following redirects; throws HttpError. The caller reads (or cancels) the body. */
export async function get(url: string, options: { headers?: Record<string, string>; signal?: AbortSignal; http: HttpOptions }): Promise<Fetched> {
  const redirects: Fetched['redirects'] = [];
  const seen = new Set<string>([url]);
  let current = url;
  for (;;) {
    const timeout = AbortSignal.timeout(options.http.headersTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(current, { headers: { 'user-agent': userAgent, ...options.headers }, redirect: 'manual', signal });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = timeout.aborted ? `no answer within ${options.http.headersTimeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new HttpError(`${current}: ${why}`, true);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      const next = new URL(response.headers.get('location') as string, current).href;
      redirects.push({ from: current, to: next, status: response.status });
      if (seen.has(next)) {
        throw new HttpError(`redirect loop: ${[...redirects.map((r) => r.from), next].join(' -> ')}`, false);
      }
      if (redirects.length >= MAX_REDIRECTS) throw new HttpError(`more than ${MAX_REDIRECTS} redirects from ${url}`, false);
      seen.add(next);
      current = next;
      continue;
    }
    return { response, url: current, redirects };
  }
}

/** The status as an HttpError, or undefined for 200/206. */
export function statusError(fetched: Fetched): HttpError | undefined {
  const { status, statusText } = fetched.response;
  if (status === 200 || status === 206) return undefined;
  const retryable = status >= 500 || status === 429 || status === 408;
  return new HttpError(`${fetched.url}: HTTP ${status}${statusText ? ` ${statusText}` : ''}`, retryable, status);
}

/** Runs `task` again on a retryable HttpError, waiting backoffMs, 2x, 4x, ... (and Retry-After when it is said). */
export async function withRetries<T>(task: (attempt: number) => Promise<T>, http: HttpOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (err) {
      if (!(err instanceof HttpError) || !err.retryable || attempt >= http.retries || signal?.aborted) throw err;
      const wait = http.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5); // jitter: retries from many runs do not line up
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }
}

/** Reads a whole body of at most `limit` bytes (feeds, chapters, transcripts, images). */
export async function readBody(fetched: Fetched, limit: number, http: HttpOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunksOf(fetched, http)) {
    size += chunk.length;
    if (size > limit) {
      throw new HttpError(`${fetched.url}: larger than ${Math.round(limit / 1024 / 1024)} MB`, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body in chunks; a pause longer than idleTimeoutMs ends it with a retryable error. */
export async function* chunksOf(fetched: Fetched, http: HttpOptions): AsyncGenerator<Buffer> {
  const body = fetched.response.body;
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HttpError(`${fetched.url}: no data for ${http.idleTimeoutMs / 1000} s`, true)), http.idleTimeoutMs);
      });
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await Promise.race([reader.read(), idle]);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(`${fetched.url}: the connection broke (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`, true);
      } finally {
        clearTimeout(timer);
      }
      if (result.done) return;
      yield Buffer.from(result.value.buffer, result.value.byteOffset, result.value.byteLength);
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
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
