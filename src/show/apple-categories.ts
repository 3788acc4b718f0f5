// Apple Podcasts categories, spelled as they go in <itunes:category text="...">.
// Source: https://podcasters.apple.com/support/1691-apple-podcasts-categories
// A show names them in show.yaml as "Technology" or, for a sub-category, "News/Tech News".

/**
 * Apple's bound on a <description>, the show's and an episode's alike, in bytes of UTF-8
 * (https://podcasters.apple.com/support/823-podcast-requirements): check warns past it, and the
 * feeds keep an episode's longer notes out of it.
 */
export const APPLE_DESCRIPTION_BYTES = 4000;

export const appleCategories: Readonly<Record<string, readonly string[]>> = {
  Arts: ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  Business: ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  Comedy: ['Comedy Interviews', 'Improv', 'Stand-Up'],
  Education: ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  Fiction: ['Comedy Fiction', 'Drama', 'Science Fiction'],
  Government: [],
  History: [],
  'Health & Fitness': ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  Leisure: ['Animation & Manga', 'Automotive', 'Aviation', 'Crafts', 'Games', 'Hobbies', 'Home & Garden', 'Video Games'],
  Music: ['Music Commentary', 'Music History', 'Music Interviews'],
  News: ['Business News', 'Daily News', 'Entertainment News', 'News Commentary', 'Politics', 'Sports News', 'Tech News'],
  'Religion & Spirituality': ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  Science: [
    'Astronomy',
    'Chemistry',
    'Earth Sciences',
    'Life Sciences',
    'Mathematics',
    'Natural Sciences',
    'Nature',
    'Physics',
    'Social Sciences',
  ],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  Sports: [
    'Baseball',
    'Basketball',
    'Cricket',
    'Fantasy Sports',
    'Football',
    'Golf',
    'Hockey',
    'Rugby',
    'Running',
    'Soccer',
    'Swimming',
    'Tennis',
    'Volleyball',
    'Wilderness',
    'Wrestling',
  ],
  Technology: [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
};

/** "News/Tech News" -> ["News", "Tech News"]; "Technology" -> ["Technology"]. */
export function splitCategory(name: string): string[] {
  return name.split('/').map((part) => part.trim());
}

/** Every valid name in show.yaml form: "Arts", "Arts/Books", ... */
const allNames: string[] = Object.entries(appleCategories).flatMap(([parent, subs]) => [parent, ...subs.map((sub) => `${parent}/${sub}`)]);

// Forgiving comparison for suggestions: case, spacing and "and" vs "&" are the usual slips.
const loose = (s: string) =>
  s
    .toLowerCase()
    .replace(/\band\b/g, '&')
    .replace(/[^a-z0-9&/]/g, '');

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The valid name closest to `name`, if one is close enough to be what was meant. */
function suggest(name: string): string | undefined {
  const wanted = loose(name);
  const exact = allNames.find((candidate) => loose(candidate) === wanted);
  if (exact) return exact;
  // A short form of a top-level name ("Tech", "Sci").
  const prefixed = wanted.length >= 3 && allNames.find((c) => !c.includes('/') && loose(c).startsWith(wanted));
  if (prefixed) return prefixed;
  // A sub-category written alone ("Tech News") or under the wrong parent ("Technology/Tech News").
  const last = loose(splitCategory(name).at(-1) ?? '');
  const bySub = allNames.find((candidate) => candidate.includes('/') && loose(candidate.split('/')[1]) === last);
  if (bySub) return bySub;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of allNames) {
    const distance = editDistance(wanted, loose(candidate));
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // A few typos, relative to the length, still mean that name; more is a different word.
  return best && best.distance <= Math.max(2, Math.floor(wanted.length / 4)) ? best.name : undefined;
}

/**
 * Checks one category name from show.yaml against Apple's list.
 * Returns undefined when it is valid, else a message (with the closest valid name, if any).
 */
export function checkCategory(name: string): string | undefined {
  const parts = splitCategory(name);
  const valid =
    (parts.length === 1 && Object.hasOwn(appleCategories, parts[0])) ||
    (parts.length === 2 && Object.hasOwn(appleCategories, parts[0]) && appleCategories[parts[0]].includes(parts[1]));
  if (valid) return undefined;
  const suggestion = suggest(name);
  const problem =
    parts.length > 2 ? 'has more than one "/" (Apple categories have one sub-category level at most)' : 'is not an Apple Podcasts category';
  const hint = suggestion
    ? `; did you mean "${suggestion}"?`
    : ' (see https://podcasters.apple.com/support/1691-apple-podcasts-categories)';
  return `"${name}" ${problem}${hint}`;
}
