// netcaster serve [DIR] [--port 8080] [--host 127.0.0.1] [--base-url URL] [--trust-proxy VALUE]
// Serves the site live until SIGINT/SIGTERM (then exit 0); 1 when the show cannot be published
// or the address cannot be bound; 2 on bad usage.
//
// The site lives in one variable behind getSite(): each change makes a whole new map and swaps it
// in one assignment, so a request sees either the old site or the new one, never half of each.
// What changes it is the live loop (src/live/watch.ts): edits on disk, once good and settled,
// and the clock reaching a scheduled episode's date. Each new site's files are opened and checked
// before it goes live (src/site/http/published-files.ts), so what a listener gets is what was checked.
//
// The URLs in feeds and pages are --base-url, else show.yaml's baseUrl: a server behind a proxy
// must never hand its loopback address to every podcast app. Only a show with neither is served
// with links to the listening address (said in the log); `npm start` previews with --base-url.
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../contract/catalog.js';
import { renderErrorPage } from '../pages/error-page.js';
import { startLive, type Live } from '../live/watch.js';
import { createApp } from '../site/app.js';
import { PublishedFiles } from '../site/http/published-files.js';
import { renderFeedOffThread } from '../site/feed-worker.js';
import { RenderedBodies } from '../site/routes.js';
import { SitePipeline } from '../site/pipeline.js';
import type { SiteRoutes } from '../site/types.js';
import { changedFeedUrls, notifyHubs } from '../site/websub.js';
import { LiveRecorder } from '../audience/live.js';
import { statsRoute } from '../audience/stats-route.js';
import { printProblems } from './problem-groups.js';
import { visible } from './terminal.js';
import type { CommandContext } from './context.js';
import { keepYoungGenerationSmall } from './v8-flags.js';

const usage = 'usage: netcaster serve [DIR] [--port 8080] [--host 127.0.0.1] [--base-url URL] [--trust-proxy VALUE]';

/** How long in-flight requests (a long download, say) may run on after a stop signal. */
const SHUTDOWN_GRACE_MS = 5000;

export interface LiveSite {
  /** The current site, a new map after each change of what is published; undefined until the first. */
  getSite(): SiteRoutes | undefined;
  /** The catalog the current site was built from (undefined until the show was first good). */
  catalog(): Catalog | undefined;
  /** The base URL the current site's links use (undefined until the first site). */
  baseUrl(): string | undefined;
  live: Live;
}

export interface LiveSiteOptions {
  /** --base-url: overrides show.yaml's baseUrl. */
  baseUrl?: string;
  /** Where links point when neither --base-url nor show.yaml gives a base URL: the listening address. */
  fallbackBaseUrl: string;
  log: (line: string) => void;
  scanSeconds?: number;
  /** Holds each new site's files before it goes live (the server's, so it sends exactly those). */
  files?: PublishedFiles;
  /** Where each new site keeps its pages and feeds, rendered when first asked for (by default a RenderedBodies of the default bound). */
  renderedBodies?: () => RenderedBodies;
  /** Settles once no request is being answered (see LiveOptions.answered). */
  answered?: () => Promise<void>;
}

/** The show on disk, kept live: rescanned every few seconds, republished when due. */
export function liveSite(dir: string, options: LiveSiteOptions): LiveSite {
  let site: SiteRoutes | undefined;
  let current: Catalog | undefined;
  let currentBaseUrl: string | undefined;
  const pipeline = new SitePipeline({ report: (problem) => options.log(`${problem.level}: ${problem.file}: ${problem.message}`) });

  const publish = async (catalog: Catalog, now: Date) => {
    // show.baseUrl is --base-url when given (the catalog is checked with it), else show.yaml's.
    const baseUrl = catalog.show.baseUrl ?? options.fallbackBaseUrl;
    if (!catalog.show.baseUrl && currentBaseUrl !== baseUrl) {
      options.log(`show.yaml has no baseUrl and no --base-url was given: feeds and pages link to the listening address ${baseUrl}/`);
    }
    const rendered = options.renderedBodies?.() ?? new RenderedBodies();
    const { site: next } = await pipeline.site(catalog, {
      baseUrl,
      now,
      downloadLinks: 'route',
      feedsOffThread: renderFeedOffThread,
      rendered,
    });
    options.files?.hold(next);
    const previous = site;
    site = next;
    current = catalog;
    currentBaseUrl = baseUrl;
    // WebSub (https://www.w3.org/TR/websub/): tell the hubs, so apps hear of a new episode in seconds.
    if (previous && catalog.show.hubs.length) void pingHubs(previous, next, baseUrl, catalog.show.hubs);
  };

  /**
   * Compares the feeds of two sites and tells the hubs of those that changed. Comparing renders
   * them (bodies are rendered on demand): done only for a show with hubs, after the new site is
   * live, and a big show's feeds are rendered on the worker first.
   */
  const pingHubs = async (previous: SiteRoutes, next: SiteRoutes, baseUrl: string, hubs: string[]) => {
    const feeds = [previous, next].flatMap((map) => [...map].filter(([key]) => key.startsWith('/feeds/')).map(([, entry]) => entry));
    await Promise.all(feeds.map((entry) => (entry.kind === 'content' ? entry.prepare?.().catch(() => undefined) : undefined)));
    const changedFeeds = changedFeedUrls(previous, next, baseUrl);
    if (changedFeeds.length) await notifyHubs(hubs, changedFeeds, options.log);
  };

  const live = startLive(dir, {
    baseUrl: options.baseUrl,
    log: options.log,
    onChange: publish,
    scanSeconds: options.scanSeconds,
    answered: options.answered,
  });
  return { getSite: () => site, catalog: () => current, baseUrl: () => currentBaseUrl, live };
}

export async function run({ dir, options }: CommandContext): Promise<number> {
  // A server of 10,000 episodes kept 33.6 MB of mostly empty, resident young generation for the
  // rest of its life. Kept small (bench/big-serve.ts, 3 runs each, alternated, load 4): resident
  // 218 MB instead of 236 after the show page, the feed and 5 episode pages; the first 200 came as
  // soon (856 ms instead of 864, medians of 8 alternated runs) for 3 % more CPU (1,020 ms instead
  // of 990: more, smaller scavenges).
  keepYoungGenerationSmall();
  const portText = typeof options.port === 'string' ? options.port : '8080';
  const host = typeof options.host === 'string' && options.host !== '' ? options.host : '127.0.0.1';
  const baseUrlFlag = typeof options['base-url'] === 'string' ? options['base-url'] : undefined;
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) return usageError(`--port must be a number from 0 to 65535, got "${portText}"`);
  const trustProxy = trustProxySetting(options['trust-proxy']);
  if (trustProxy === null)
    return usageError(`--trust-proxy must be loopback, a hop count, or addresses, got "${String(options['trust-proxy'])}"`);

  // Bind first: with --port 0 the real port is known only now, and the default base URL needs it.
  let live: LiveSite | undefined;
  let localUrl = '';
  // Log lines quote titles, tags and request paths: shown, not obeyed, by the terminal.
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${visible(line)}\n`);
  const files = new PublishedFiles();
  // Download counting: each media response is recorded as it ends, and written once a second from
  // the moment the site is live.
  const recorder = new LiveRecorder({ getCatalog: () => live?.catalog(), log });
  const app = createApp(() => live?.getSite(), {
    log,
    files,
    errorPage: (status, message) => renderErrorPage(status, message, live?.catalog(), { baseUrl: live?.baseUrl() ?? localUrl }),
    onServed: (response) => recorder.record(response),
    extraPage: statsRoute(() => live?.catalog()),
  });
  // Only a named proxy may say, in X-Forwarded-For, whom a download is counted for (Express's req.ip).
  app.set('trust proxy', trustProxy ?? false);
  const server = app.listen(port, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    process.stderr.write(`netcaster serve: cannot listen on ${host}:${port}: ${(err as Error).message}\n`);
    return 1;
  }
  const address = server.address() as AddressInfo;
  localUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const baseUrl = baseUrlFlag?.replace(/\/+$/, '');

  // The stop signals are taken from here on. Once a site is live they stop the server gracefully,
  // even in the middle of start-up: listeners are answered from the first site on, while a big
  // show's start-up goes on (its lock, its log lines) and an episode still being copied settles
  // for seconds. Before that nothing is in flight, and a signal ends the process at once, as
  // Node's default does, even in the middle of reading a big show.
  const stopped = new Promise<'stopped'>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (!live?.getSite()) {
        process.kill(process.pid, signal); // with no handler left: Node's default, the process ends
        return;
      }
      process.stdout.write(`\n${signal}: stopping (in-flight requests get ${SHUTDOWN_GRACE_MS / 1000} s)\n`);
      resolve('stopped');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const answered = whenAnswered(server);
  live = liveSite(dir, { baseUrl, fallbackBaseUrl: localUrl, log, files, scanSeconds: scanSecondsFromEnv(), answered });
  if ((await Promise.race([live.live.ready, stopped])) === 'stopped') return stopAll(live, server, recorder);
  if (!live.catalog()) {
    printProblems([...(live.live.state()?.waiting.values() ?? [])].flat(), process.stderr);
    process.stderr.write(`\nnetcaster serve: not serving ${dir}: fix the errors above\n`);
    live.live.stop();
    await stop(server, 0);
    await recorder.stop();
    return 1;
  }
  // Loading the embedded database takes some 100 ms of this thread: after the first answers too.
  void answered().then(() => recorder.start());
  const site = live.getSite()!;
  process.stdout.write(`Serving ${visible(live.catalog()!.show.title)} (${site.size} URLs) at ${localUrl}/\n`);
  if (live.baseUrl() !== localUrl) process.stdout.write(`Links and feeds use ${visible(live.baseUrl() ?? localUrl)}/\n`);
  process.stdout.write('Press Ctrl+C to stop.\n');
  await stopped;
  return stopAll(live, server, recorder);
}

/** After a stop signal: no more scans, in-flight requests finish (up to the grace period), the last counts are written. */
async function stopAll(live: LiveSite, server: Server, recorder: LiveRecorder): Promise<number> {
  live.live.stop();
  await stop(server, SHUTDOWN_GRACE_MS);
  await recorder.stop();
  return 0;
}

/** Longest that start-up's bookkeeping waits for the requests in flight (a long download would hold it for good). */
const ANSWERED_WAIT_MS = 1000;

/**
 * A function that settles once `server` is answering no request, or after ANSWERED_WAIT_MS. A
 * request's response may wait on other threads (compression, file reads), and its callback then
 * needs this thread free: on a show of 10,000 episodes, the first page asked for during start-up
 * waited 400 ms for the bookkeeping and the download store (bench/big-serve.ts).
 */
export function whenAnswered(server: Server): () => Promise<void> {
  let inFlight = 0;
  const waiting = new Set<() => void>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) for (const done of [...waiting]) done();
    });
  });
  return () =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ANSWERED_WAIT_MS);
          waiting.add(done);
        });
}

/** Seconds between scans of the show folder; NETCASTER_SCAN_SECONDS lets tests go faster. */
function scanSecondsFromEnv(): number | undefined {
  const n = Number(process.env.NETCASTER_SCAN_SECONDS);
  return n > 0 ? n : undefined;
}

/** Stops accepting, lets in-flight requests finish, and cuts whatever is still open after graceMs. */
function stop(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Keep-alive connections with no request in flight would hold close() open: drop them now.
    server.closeIdleConnections();
  });
}

/** --trust-proxy: `loopback` (and Express's other names), a hop count, or addresses/subnets; never `true` (anyone). */
function trustProxySetting(value: string | boolean | undefined): string | number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /^(true|\*)$/i.test(value.trim())) return null;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function usageError(message: string): number {
  process.stderr.write(`netcaster serve: ${message}\n${usage}\n`);
  return 2;
}
