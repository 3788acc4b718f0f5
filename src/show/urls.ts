// What makes a URL from a show (show.yaml, chapters.json) or from the command line fit to publish.
// One place, so `check`, `build` and `serve` judge every URL alike. Each function returns why a
// value does not fit, or undefined when it does.
//
// URLs are parsed the way browsers and apps read them (WHATWG URL, https://url.spec.whatwg.org/),
// but the text is also judged as written: a URL parser drops tabs and newlines and passes other
// control characters through, while the text itself is what lands in feeds and pages.

/**
 * C0 and C1 controls, DEL, and whitespace: never part of a URL as written (RFC 3986 section 2
 * has no place for them), and XML 1.0 cannot even carry most of them.
 */
const controlOrSpace = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u2060-\u206f\u3000\ufeff]/u;

/** Why `value` is not an absolute http(s) URL that may be published, or undefined when it is. */
export function httpUrlProblem(value: string): string | undefined {
  const bad = controlOrSpace.exec(value);
  if (bad) return `has a control character or space (U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) in it`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http(s) URL, not ${url.protocol}`;
  if (!/^https?:\/\/[^/]/i.test(value)) return 'must be an absolute URL such as https://example.com';
  // https://user:secret@host/ puts a password into every feed and page that repeats the URL.
  if (url.username || url.password || /^https?:\/\/[^/?#]*@/i.test(value)) return 'must not carry a user name or password';
  return undefined;
}

/**
 * Why `value` cannot be the site's base URL (show.yaml baseUrl, --base-url, --media-base-url), or
 * undefined. Every URL of the site is the base URL with a path appended, so a query or a fragment
 * would end up in the middle of each of them (https://example.com?x/feeds/audio.xml).
 */
export function baseUrlProblem(value: string): string | undefined {
  const problem = httpUrlProblem(value);
  if (problem) return problem;
  if (value.includes('?')) return 'must not have a query (?...): every URL of the site is made by appending a path to it';
  if (value.includes('#')) return 'must not have a fragment (#...): every URL of the site is made by appending a path to it';
  // Written into every feed and page as is: a character RFC 3986 has no place for makes every URL
  // of the site invalid (a browser reads a backslash as a slash; other clients refuse the URL).
  const notInUri = /["<>\\^`{|}]/.exec(value);
  if (notInUri) return `has the character ${notInUri[0]} in it, which a URL cannot hold as is (RFC 3986): write it percent-encoded`;
  return undefined;
}
