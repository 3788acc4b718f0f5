// Small pieces every page uses: escaping, relative links, numbers a listener reads.
// Pages are strings built from templates, so every value from the show passes through `esc`
// (text and attribute values alike: the quote characters are escaped too).
import type { Episode, EpisodeMedia, ImageFacts } from '../contract/catalog.js';
import type { SiteOptions } from '../contract/site-options.js';
import type { ArtworkSet, ImageVariant } from '../contract/artwork.js';
import { absolute, paths } from '../contract/urls.js';

/** What every page builder needs besides the catalog. */
export interface PageOptions extends SiteOptions {
  artwork: ArtworkSet;
  /**
   * How Download links work: 'route' links to /download/<slug>/<file> (the server adds
   * Content-Disposition: attachment); 'attribute' links to /media/ with the HTML `download`
   * attribute, for static hosts that cannot set headers.
   */
  downloadLinks: 'route' | 'attribute';
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Characters HTML forbids in a document (https://html.spec.whatwg.org/multipage/parsing.html#preprocessing-the-input-stream:
 * control-character-in-input-stream, noncharacter-in-input-stream): C0 controls but tab, line feed,
 * form feed and carriage return; DEL and C1; noncharacters. YAML's "\0" or "\e" escapes put them in
 * titles; browsers would show garbage or a NUL would cut the text short in other tools.
 */
const notHtmlChar = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/g;

/** Text from the show without the characters HTML forbids. */
export const htmlText = (value: string) => value.replace(notHtmlChar, '');

/** Anything esc changes: most values (URLs, titles, numbers) hold none, and are returned as they are after one scan instead of two. */
const needsEscape = /[&<>"'\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/;

/** Escapes text for HTML content and for quoted attribute values, dropping what HTML forbids. */
export function esc(value: string | number): string {
  const text = String(value);
  if (!needsEscape.test(text)) return text;
  return htmlText(text).replace(/[&<>"']/g, (c) => htmlEscapes[c]);
}

/**
 * JSON for a <script type="application/ld+json"> block. `<` as \u003c means no `</script>` or
 * `<!--` in the data can end the block early (https://html.spec.whatwg.org/#restrictions-for-contents-of-script-elements);
 * U+2028/2029 are escaped for old JavaScript parsers that read JSON-LD as script.
 */
export function scriptJson(value: unknown): string {
  // Its strings are text from the show like any other: without what HTML forbids. A replacer takes
  // JSON.stringify off its fast path, so it is used only when the plain JSON shows such a character
  // (C0 controls come out escaped as \u0000-\u001f or \b; the others as they are), or might.
  const plain = JSON.stringify(value);
  const json = mayHoldForbidden.test(plain)
    ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? htmlText(v) : v))
    : plain;
  return json.replace(scriptUnsafe, (c) => scriptEscapes[c]);
}

const mayHoldForbidden = /\\u00[01]|\\b|[\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/;
const scriptUnsafe = /[<>&\u2028\u2029]/g;
const scriptEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * A link from one site path to another, relative, so the same pages work at the domain root,
 * under a sub-path behind a proxy, and opened from the export folder.
 * ('/episodes/a/', '/static/style.css') -> '../../static/style.css'.
 * By character, without splitting either path: a page makes a dozen links, and the arrays of
 * split paths were a fifth of an episode page's rendering (issue 12).
 */
export function rel(from: string, to: string): string {
  const SLASH = 47;
  const fromEnd = from.lastIndexOf('/') + 1; // `from` up to here is the page's folder
  // The folders both share: up to the last slash of their common beginning. Only to's folders
  // count, never its last part: ('/a/b/', '/a/b') is '../b'.
  let common = 0;
  for (let i = 0, n = Math.min(fromEnd, to.length); i < n && from.charCodeAt(i) === to.charCodeAt(i); i++) {
    if (to.charCodeAt(i) === SLASH) common = i + 1;
  }
  let up = 0;
  for (let i = common; i < fromEnd; i++) if (from.charCodeAt(i) === SLASH) up++;
  return '../'.repeat(up) + to.slice(common) || './';
}

/** Seconds -> h:mm:ss, as players show it. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Seconds -> ISO 8601 duration (PT1H2M3S), for <time datetime> and schema.org timeRequired. */
export function isoDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s % 60 || (!h && !m) ? `${s % 60}S` : ''}`;
}

/** Bytes -> "12.3 MB" (SI megabytes, as file managers on phones show them). */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** An ISO date as the show's language writes it; UTC so the page does not depend on the machine building it. */
export function longDate(iso: string, language: string): string {
  const date = new Date(iso);
  return englishLongDate(date, language) ?? longDateFormat(language).format(date);
}

const ENGLISH_MONTHS = 'January February March April May June July August September October November December'.split(' ');

/**
 * What Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }) writes ("January 2, 2020"),
 * for English (the default language of a show) and years of four digits; undefined otherwise.
 * Why: the first Intl.DateTimeFormat of a process loads ICU's date patterns, 12 ms of every cold
 * build (issue 12). tests/pages/html.test.ts holds it to Intl's output.
 */
function englishLongDate(date: Date, language: string): string | undefined {
  if (language !== 'en' && language !== 'en-US') return undefined;
  const year = date.getUTCFullYear(); // NaN for an invalid date: Intl's RangeError then, as before
  if (!(year >= 1000 && year <= 9999)) return undefined;
  return `${ENGLISH_MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${year}`;
}

// A formatter costs a quarter of a millisecond to make (ICU loads the locale's patterns), so one
// per language is kept: 300 episode pages and the show page all use the same one.
const longDateFormats = new Map<string, Intl.DateTimeFormat>();

function longDateFormat(language: string): Intl.DateTimeFormat {
  let format = longDateFormats.get(language);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    }
    longDateFormats.set(language, format);
  }
  return format;
}

// How format names read on a page: "M4V Video", "WebM Video", "MP3 Audio".
const formatNames: Record<string, string> = { webm: 'WebM', ogg: 'Ogg', opus: 'Opus', flac: 'FLAC', wav: 'WAV' };

export function formatLabel(media: EpisodeMedia): string {
  const name = formatNames[media.format] ?? media.format.toUpperCase();
  return `${name} ${media.facts.hasVideo ? 'Video' : 'Audio'}`;
}

/**
 * The type a browser matches in <source type>. Browsers know video/mp4 and audio/mp4 but not
 * Apple's video/x-m4v and audio/x-m4a, and would skip a source they think they cannot play.
 */
export function browserMime(mime: string): string {
  const base = mime.split(';')[0].trim().toLowerCase();
  if (base === 'video/x-m4v' || base === 'video/quicktime') return 'video/mp4';
  if (base === 'audio/x-m4a' || base === 'audio/m4a') return 'audio/mp4';
  if (base === 'audio/mp3') return 'audio/mpeg';
  return base;
}

/** The longest known duration of an episode's media. */
export function episodeDuration(episode: Episode): number | undefined {
  let best: number | undefined;
  for (const m of episode.media) if (m.facts.duration !== undefined) best = Math.max(best ?? 0, m.facts.duration);
  return best;
}

export function variants(options: PageOptions, image: ImageFacts | undefined, purpose: ImageVariant['purpose']): ImageVariant[] {
  if (!image) return [];
  return (options.artwork.get(image.path) ?? []).filter((v) => v.purpose === purpose);
}

/**
 * <picture> with a WebP source and a JPEG (or PNG) fallback, sized so the layout does not jump.
 * Returns '' when there is no variant of that purpose.
 */
export function picture(
  from: string,
  options: PageOptions,
  image: ImageFacts | undefined,
  purpose: ImageVariant['purpose'],
  alt: string,
  lazy = false,
): string {
  const found = variants(options, image, purpose);
  const fallback = found.find((v) => v.format === 'jpeg' || v.format === 'png') ?? found[0];
  if (!fallback) return '';
  const sources = found
    .filter((v) => v !== fallback && v.format !== fallback.format)
    .map((v) => `<source type="image/${v.format}" srcset="${esc(rel(from, paths.artwork(v.fileName)))}">`)
    .join('');
  const img = `<img src="${esc(rel(from, paths.artwork(fallback.fileName)))}" width="${fallback.width}" height="${fallback.height}" alt="${esc(alt)}"${lazy ? ' loading="lazy" decoding="async"' : ''}>`;
  return `<picture>${sources}${img}</picture>`;
}

/** Absolute URL of an image's Open Graph variant (1200 px JPEG), when one was made. */
export function ogImageUrl(options: PageOptions, image: ImageFacts | undefined): string | undefined {
  const og = variants(options, image, 'og')[0];
  return og ? absolute(options, paths.artwork(og.fileName)) : undefined;
}
