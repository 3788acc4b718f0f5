// The one module that imports `isbot` (https://github.com/omrilotan/isbot): a kept list of
// crawler, monitor and HTTP-library User-Agent patterns. Podcast apps often look like bots to it
// (a URL in the UA, "podcast", "feed"), so user-agents.ts asks it only about a UA no app or
// browser rule has named.
import { isbot } from 'isbot';

export function looksLikeBot(userAgent: string): boolean {
  return isbot(userAgent);
}
