// Feeds rendered on a worker thread, for `serve`. The feed of a big show is the heaviest thing the
// server makes: for 10,000 episodes about 10 MB of XML, a second or more of CPU, and some 150 MB
// of short-lived objects in the XML library (src/feeds/podcast-adapter.ts). On the main thread
// that second would hold up every other request, and the heap, once grown, keeps the process's
// resident memory up long after; in a worker of its own both end with the worker.
// The catalog is copied to the worker (structured clone); the builder is the same pure renderFeed.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Catalog, FeedDef } from '../contract/catalog.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet } from '../contract/artwork.js';

interface FeedJob {
  job: 'netcaster-feed';
  catalog: Catalog;
  feedName: string;
  options: SiteOptions & { artwork: ArtworkSet };
}

/** One render at a time: two big feeds at once would need both heaps at once. */
let queue: Promise<unknown> = Promise.resolve();

/** renderFeed(catalog, feed, options), run on a worker thread of its own. */
export function renderFeedOffThread(catalog: Catalog, feed: FeedDef, options: SiteOptions & { artwork: ArtworkSet }): Promise<string> {
  const job: FeedJob = {
    job: 'netcaster-feed',
    catalog,
    feedName: feed.name,
    options: { baseUrl: options.baseUrl, mediaBaseUrl: options.mediaBaseUrl, now: options.now, artwork: options.artwork },
  };
  const run = queue.then(
    () =>
      new Promise<string>((resolve, reject) => {
        // This very module, by its file name: dist/src/site/feed-worker.js, or the bundle's entry of that name.
        const worker = new Worker(new URL('./feed-worker.js', import.meta.url), { workerData: job });
        worker.once('message', (body: unknown) =>
          typeof body === 'string' ? resolve(body) : reject(new Error(`feed worker: ${String(body)}`)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`feed worker ended (${code}) without a feed`)));
      }),
  );
  queue = run.catch(() => undefined);
  return run;
}

if (!isMainThread && (workerData as FeedJob | undefined)?.job === 'netcaster-feed') {
  const { catalog, feedName, options } = workerData as FeedJob;
  const { renderFeed } = await import('../feeds/rss.js');
  const feed = catalog.show.feeds.find((f) => f.name === feedName);
  parentPort!.postMessage(feed ? renderFeed(catalog, feed, options) : `no feed named ${feedName}`);
}
