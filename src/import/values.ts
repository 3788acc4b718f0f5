// The values of a feed as real hosts write them, read into what netcaster keeps: dates, durations,
// enclosure URLs behind tracking prefixes, categories from Apple's older lists. Pure functions.
import { isRealDay } from '../contract/calendar.js';
import { checkCategory } from '../show/apple-categories.js';

// --- Dates -------------------------------------------------------------------------------------
// RSS 2.0 dates are RFC 822 (https://www.rssboard.org/rss-specification#ltpubdategt, RFC 822
// section 5, with RFC 1123's four-digit years). Real feeds add: no day name, full month names,
// two-digit years, one-digit days and hours, no seconds, no zone, zone names beyond RFC 822's,
// "+02:00" offsets, and ISO 8601 instead.

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Zone names and their offsets in minutes (RFC 822 section 5.1, and the common others). */
const zones: Record<string, number> = {
  gmt: 0,
  ut: 0,
  utc: 0,
  z: 0,
  wet: 0,
  bst: 60,
  ist: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  aest: 600,
  aedt: 660,
  jst: 540,
};

export interface ParsedDate {
  /** ISO 8601 with the feed's own offset (episode.yaml's date). */
  iso: string;
  ms: number;
  /** What was not RFC 822 about it, for the report. */
  quirk?: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `${date}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${date}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant of a calendar date and time in UTC, or undefined when there is no such date: Date.UTC
 * rolls "31 Feb" over to 2 March and "2024-13-45" to 2025, and reads the years 0-99 as 1900-1999.
 */
function utcTime(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): number | undefined {
  if (year < 1000 || year > 9999 || !isRealDay(year, month + 1, day) || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  return Date.UTC(year, month, day, hours, minutes, seconds);
}

export function parseFeedDate(raw: string): ParsedDate | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  // ISO 8601 (Atom's and some generators' habit).
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = iso;
    const offset =
      zone && zone.toUpperCase() !== 'Z' ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) : 0;
    const utc = utcTime(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (utc === undefined || Number.isNaN(offset)) return undefined;
    const ms = utc - offset * 60_000;
    return { iso: isoWithOffset(ms, offset), ms, quirk: `ISO 8601 instead of RFC 822${zone ? '' : ', no time zone (read as UTC)'}` };
  }
  const m =
    /^(?:([A-Za-z]{2,9}),? ?)?(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{2}|\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)? ?([A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!m) return undefined;
  const [, dayName, day, monthName, yearText, h = '0', mi = '0', s = '0', zoneText] = m;
  const month = months.indexOf(monthName.slice(0, 3).toLowerCase());
  if (month === -1) return undefined;
  const quirks: string[] = [];
  let year = Number(yearText);
  if (yearText.length === 2) {
    year += year < 50 ? 2000 : 1900; // RFC 2822 section 4.3
    quirks.push('a two-digit year');
  }
  if (!dayName) quirks.push('no day name');
  if (monthName.length > 3) quirks.push('a full month name');
  if (m[5] === undefined) quirks.push('no time');
  else if (m[7] === undefined) quirks.push('no seconds');
  let offset = 0;
  if (!zoneText) quirks.push('no time zone (read as GMT)');
  else if (/^[+-]/.test(zoneText)) {
    const digits = zoneText.replace(':', '');
    offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    if (zoneText.includes(':')) quirks.push('a colon in the offset');
  } else {
    const named = /^([A-Za-z]+)(?:([+-]\d{1,2})(?::?(\d{2}))?)?$/.exec(zoneText);
    const base = named ? zones[named[1].toLowerCase()] : undefined;
    if (base === undefined || !named) return undefined;
    offset = base + (named[2] ? Math.sign(Number(named[2])) * (Math.abs(Number(named[2])) * 60 + Number(named[3] ?? 0)) : 0);
    if (!['gmt', 'ut', 'z', 'est', 'edt', 'cst', 'cdt', 'mst', 'mdt', 'pst', 'pdt'].includes(named[1].toLowerCase()) || named[2]) {
      quirks.push(`the zone name ${zoneText}`);
    }
  }
  const utc = utcTime(year, month, Number(day), Number(h), Number(mi), Number(s));
  if (utc === undefined) return undefined;
  const ms = utc - offset * 60_000;
  return { iso: isoWithOffset(ms, offset), ms, ...(quirks.length && { quirk: quirks.join(', ') }) };
}

// --- Durations ---------------------------------------------------------------------------------
// itunes:duration: seconds, or H:MM:SS / M:SS (https://help.apple.com/itc/podcasts_connect/#/itcb54353390);
// real feeds add fractions and hours over 24.

export function parseDuration(raw: string): { seconds: number; form: string } | undefined {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { seconds: Number(text), form: text.includes('.') ? 'seconds with a fraction' : 'seconds' };
  const parts = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$/.exec(text);
  if (!parts) return undefined;
  const [, h, m, s] = parts;
  const seconds = Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s.replace(',', '.'));
  return { seconds, form: h === undefined ? 'M:SS' : 'H:MM:SS' };
}

// --- Tracking prefixes -------------------------------------------------------------------------
// Measurement services put their host in front of the real URL ("prefix" redirects): a request
// goes through them, they count it, and redirect to the rest. We fetch the rest directly, so an
// import counts as no download and does not depend on the tracker being up. The prefixes are the
// services' documented forms.
const trackingPrefixes: { name: string; pattern: RegExp }[] = [
  { name: 'Podtrac', pattern: /^(?:dts\.podtrac\.com|(?:www\.)?podtrac\.com\/pts)\/redirect\.[a-z0-9]+\//i },
  { name: 'Chartable', pattern: /^(?:chrt\.fm|chtbl\.com)\/track\/[^/]+\//i },
  { name: 'OP3', pattern: /^op3\.dev\/e(?:,[^/]*)?\//i },
  { name: 'Podsights', pattern: /^pdst\.fm\/e\//i },
  { name: 'Spotify Ad Analytics', pattern: /^prfx\.byspotify\.com\/e\//i },
  { name: 'Blubrry', pattern: /^media\.blubrry\.com\/[^/]+\//i },
  { name: 'Podscribe', pattern: /^(?:verifi\.podscribe\.com|pscrb\.fm)\/rss\/p\//i },
  { name: 'Claritas', pattern: /^clrtpod\.com\/m\/|^claritaspod\.com\/measure\//i },
  { name: 'Magellan', pattern: /^mgln\.ai\/e\/[^/]+\//i },
  { name: 'Artsai', pattern: /^arttrk\.com\/p\/[^/]+\//i },
  { name: 'Veritone', pattern: /^pfx\.vpixl\.com\/[^/]+\//i },
  { name: 'Swap.fm', pattern: /^tracking\.swap\.fm\/track\/[^/]+\//i },
];

/** The URL behind every tracking prefix, and the names of the prefixes taken off (outermost first). */
export function stripTracking(url: string): { url: string; stripped: string[] } {
  const stripped: string[] = [];
  let current = url;
  for (let hops = 0; hops < 10; hops++) {
    const scheme = /^(https?):\/\//i.exec(current);
    if (!scheme) break;
    const rest = current.slice(scheme[0].length);
    const prefix = trackingPrefixes.find((p) => p.pattern.test(rest));
    if (!prefix) break;
    let inner = rest.replace(prefix.pattern, '');
    if (/^https?%3A/i.test(inner)) inner = decodeURIComponent(inner);
    current = /^https?:\/\//i.test(inner) ? inner : `${scheme[1]}://${inner}`;
    stripped.push(prefix.name);
  }
  return { url: current, stripped };
}

// --- Categories --------------------------------------------------------------------------------
// Apple renamed and regrouped its categories in 2019 (https://podcasters.apple.com/support/1691-apple-podcasts-categories);
// feeds from before still name the old ones. Where the new list has the same subject, this is it.
const formerCategories: Record<string, string> = {
  'Games & Hobbies': 'Leisure',
  'Games & Hobbies/Video Games': 'Leisure/Video Games',
  'Games & Hobbies/Automotive': 'Leisure/Automotive',
  'Games & Hobbies/Aviation': 'Leisure/Aviation',
  'Games & Hobbies/Hobbies': 'Leisure/Hobbies',
  'Games & Hobbies/Other Games': 'Leisure/Games',
  'Technology/Podcasting': 'Technology',
  'Technology/Gadgets': 'Technology',
  'Technology/Tech News': 'News/Tech News',
  'Technology/Software How-To': 'Technology',
  'Science & Medicine': 'Science',
  'Science & Medicine/Medicine': 'Health & Fitness/Medicine',
  'Science & Medicine/Natural Sciences': 'Science/Natural Sciences',
  'Science & Medicine/Social Sciences': 'Science/Social Sciences',
  'News & Politics': 'News',
  'Society & Culture/History': 'History',
  'Education/Educational Technology': 'Education',
  'Education/Higher Education': 'Education/Courses',
  'Education/Language Courses': 'Education/Language Learning',
  'Education/Training': 'Education/How To',
  'Education/K-12': 'Education',
  Health: 'Health & Fitness',
  'Health/Fitness & Nutrition': 'Health & Fitness/Nutrition',
  'Health/Alternative Health': 'Health & Fitness/Alternative Health',
  'Health/Self-Help': 'Education/Self-Improvement',
  'Health/Sexuality': 'Health & Fitness/Sexuality',
  'Business/Business News': 'News/Business News',
  'Business/Careers': 'Business/Careers',
  'Business/Investing': 'Business/Investing',
  'Business/Management & Marketing': 'Business/Management',
  'Business/Shopping': 'Business',
  'Arts/Literature': 'Arts/Books',
  'Arts/Food': 'Arts/Food',
  'Government & Organizations': 'Government',
  'Religion & Spirituality/Other': 'Religion & Spirituality',
  'Sports & Recreation': 'Sports',
  'Sports & Recreation/Amateur': 'Sports',
  'Sports & Recreation/College & High School': 'Sports',
  'Sports & Recreation/Outdoor': 'Sports/Wilderness',
  'Sports & Recreation/Professional': 'Sports',
  'TV & Film': 'TV & Film',
  Kids: 'Kids & Family',
};

/**
 * An itunes:category of the feed in show.yaml's form, or why it cannot be kept. `mapped` says that
 * the name had to be changed (an older name, or a slip in spelling).
 */
export function mapCategory(parent: string, sub: string | undefined): { name?: string; mapped?: string; message?: string } {
  const written = sub ? `${parent}/${sub}` : parent;
  if (checkCategory(written) === undefined) return { name: written };
  const former = formerCategories[written] ?? (sub ? undefined : formerCategories[parent]);
  if (former) return { name: former, mapped: `"${written}" (Apple's list before 2019) is now "${former}"` };
  // A sub-category that no longer exists under an existing parent: keep the parent.
  if (sub && checkCategory(parent) === undefined)
    return { name: parent, mapped: `"${written}" is not in Apple's list: kept as "${parent}"` };
  const message = checkCategory(written) ?? '';
  const suggestion = /did you mean "([^"]+)"/.exec(message)?.[1];
  if (suggestion) return { name: suggestion, mapped: `"${written}" is not in Apple's list: read as "${suggestion}"` };
  return { message };
}
