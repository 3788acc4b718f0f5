// podcast:guid, https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md:
// a feed's permanent identity, a UUIDv5 (RFC 9562 section 5.5) of the feed's URL with the scheme
// and trailing slashes removed, in the namespace the spec fixes. Here, not in the feed builder,
// because netcaster.lock records it once published (lock.ts) and every command reads it back.
import { uuidV5 } from './uuid-v5.js';

/** The UUID namespace of podcast:guid (the spec's example: podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c). */
export const podcastGuidNamespace = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

/** podcast:guid of a feed URL: UUIDv5 of the URL without its scheme and trailing slashes. */
export function podcastGuid(url: string): string {
  const seed = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  return uuidV5(seed, podcastGuidNamespace);
}
