// WebSub: tell the hubs a feed names that the feed changed, so subscribers hear of a new episode
// in seconds instead of at their next poll.
// https://www.w3.org/TR/websub/ leaves the publisher -> hub notice to the hub (section 7: "the
// method by which the publisher notifies the hub is hub-specific"); the form every public hub
// accepts (Google's pubsubhubbub.appspot.com, Superfeedr) is PubSubHubbub 0.3's "publish" ping:
//   POST <hub>  Content-Type: application/x-www-form-urlencoded   hub.mode=publish&hub.url=<feed URL>
// answered with 204 No Content (any 2xx is success). One request per feed and hub: not every hub
// takes several hub.url values in one request.
import type { SiteRoutes } from './types.js';

/** A hub that does not answer within this long is logged and left; the next change pings again. */
const HUB_TIMEOUT_MS = 10_000;

/** Pings every hub about every feed URL. Never throws: a hub being down must not stop publishing. */
export async function notifyHubs(
  hubs: string[],
  feedUrls: string[],
  log: (line: string) => void,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? HUB_TIMEOUT_MS;
  const pings = hubs.flatMap((hub) => feedUrls.map((feedUrl) => ({ hub, feedUrl })));
  await Promise.all(
    pings.map(async ({ hub, feedUrl }) => {
      try {
        const response = await fetch(hub, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feedUrl }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'follow',
        });
        await response.body?.cancel(); // the answer's body says nothing we use
        if (response.ok) log(`websub: told ${hub} that ${feedUrl} changed`);
        else log(`websub: ${hub} refused the notice for ${feedUrl}: HTTP ${response.status} ${response.statusText}`);
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
        log(`websub: could not reach ${hub} about ${feedUrl}: ${why}`);
      }
    }),
  );
}

/**
 * The absolute URLs of the feeds whose bytes differ between two site maps (all of them when there
 * is no previous map, e.g. at start-up: an episode may have come due while the server was down).
 */
export function changedFeedUrls(previous: SiteRoutes | undefined, next: SiteRoutes, baseUrl: string): string[] {
  const urls: string[] = [];
  for (const [urlPath, entry] of next) {
    if (!urlPath.startsWith('/feeds/') || entry.kind !== 'content') continue;
    const before = previous?.get(urlPath);
    if (before?.kind === 'content' && before.body === entry.body) continue;
    urls.push(baseUrl.replace(/\/+$/, '') + urlPath);
  }
  return urls.sort();
}
