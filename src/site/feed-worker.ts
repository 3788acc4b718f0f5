// Feeds rendered off the server's thread, for `serve`. The feed of a big show is the heaviest thing the
// server makes: for 10,000 episodes about 10 MB of XML, a second or more of CPU, and some 150 MB
// of short-lived objects in the XML library (src/feeds/podcast-adapter.ts). On the main thread
// that second would hold up every other request, and the heap, once grown, keeps the process's
// resident memory up long after. So it runs in a child process of its own, not a worker thread:
// a thread's heap goes when it ends, but the allocator keeps the memory its thread used (measured
// on 10,000 episodes: the server stayed about 50 MB bigger), where a process gives it all back.
// The catalog is copied to the child (structured clone over IPC); the builder is the same pure renderFeed.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Catalog, FeedDef } from '../contract/catalog.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet } from '../contract/artwork.js';

interface FeedJob {
  job: 'netcaster-feed';
  catalog: Catalog;
  feedName: string;
  options: SiteOptions & { artwork: ArtworkSet };
}

/** Marks the child process that renders (the same file is also imported by the server). */
const CHILD_FLAG = '--netcaster-feed-renderer';

/** One render at a time: two big feeds at once would need both heaps at once. */
let queue: Promise<unknown> = Promise.resolve();

/** renderFeed(catalog, feed, options), run in a child process of its own. */
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
        const child = fork(fileURLToPath(new URL('./feed-worker.js', import.meta.url)), [CHILD_FLAG], {
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        child.once('message', (body: unknown) =>
          typeof body === 'string'
            ? resolve(body)
            : reject(new Error(`feed renderer: ${(body as { error?: string } | null)?.error ?? String(body)}`)),
        );
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`feed renderer ended (${code}) without a feed`)));
        child.send(job);
      }),
  );
  queue = run.catch(() => undefined);
  return run;
}

if (process.argv.includes(CHILD_FLAG) && process.send) {
  process.once('message', async (message: unknown) => {
    const { catalog, feedName, options } = message as FeedJob;
    const { renderFeed } = await import('../feeds/rss.js');
    const feed = catalog.show.feeds.find((f) => f.name === feedName);
    // A string is a feed: anything else is an error (a string saying so would be served as the feed).
    process.send!(feed ? renderFeed(catalog, feed, options) : { error: `no feed named ${feedName}` }, () => process.disconnect());
  });
}
