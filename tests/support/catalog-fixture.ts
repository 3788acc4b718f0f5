// A catalog for the pure builders' tests: one published episode with everything (chapters, WebVTT
// transcript, links, hostile title and notes), an older audio-only one, a draft and a scheduled one.
// Media paths point into `dir`; tests that export write real bytes there with writeFixtureFiles.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Catalog, Episode, EpisodeMedia, ImageFacts, MediaFacts } from '../../src/contract/catalog.js';
import type { ArtworkSet, ImageVariant } from '../../src/contract/artwork.js';

export const fixedNow = new Date('2024-06-01T12:00:00Z');
export const hostileTitle = 'Tom & Jerry <b>"quoted"</b> 🎙️ \'single\'';
export const hostileNotes = [
  'Hello <script>alert(1)</script> world.',
  '',
  '<img src=x onerror=alert(2)>',
  '',
  '[click](javascript:alert(3)) and [a page](https://example.org/a?b=1&c=2)',
  '',
  '</script><script>alert(4)</script>',
].join('\n');

function facts(over: Partial<MediaFacts>): MediaFacts {
  return {
    size: 12_345_678,
    mtimeMs: 1_700_000_000_000,
    container: 'MP4',
    mime: 'video/x-m4v',
    hasAudio: true,
    hasVideo: true,
    duration: 3723,
    tags: {},
    chapters: [],
    ...over,
  };
}

function image(dir: string, file: string): ImageFacts {
  return {
    path: path.join(dir, file),
    file,
    size: 1000,
    mtimeMs: 1_700_000_000_000,
    format: 'jpeg',
    width: 1400,
    height: 1400,
    space: 'srgb',
    hasAlpha: false,
  };
}

function media(dir: string, slug: string, format: string, fileName: string, f: Partial<MediaFacts>): EpisodeMedia {
  return { format, fileName, path: path.join(dir, slug, fileName), facts: facts(f) };
}

function episode(dir: string, slug: string, over: Partial<Episode>): Episode {
  return {
    slug,
    dir: path.join(dir, slug),
    title: slug,
    date: '2024-01-01T00:00:00.000Z',
    summary: `Summary of ${slug}`,
    guid: `guid-${slug}`,
    episodeType: 'full',
    draft: false,
    media: [],
    links: [],
    ...over,
  };
}

export function fixtureCatalog(dir = '/nonexistent/show'): Catalog {
  const full = episode(dir, '046-the-mega-edition', {
    title: hostileTitle,
    date: '2024-05-01T22:00:00.000Z',
    number: 46,
    summary: 'Summary with </script> & <i>tags</i>',
    notesMarkdown: hostileNotes,
    media: [
      media(dir, '046-the-mega-edition', 'm4v', 'virtzine-046.m4v', { mime: 'video/x-m4v' }),
      media(dir, '046-the-mega-edition', 'webm', 'virtzine-046.webm', { mime: 'video/webm', container: 'WebM', size: 9_000_000 }),
      media(dir, '046-the-mega-edition', 'mp3', 'virtzine-046.mp3', {
        mime: 'audio/mpeg',
        container: 'MPEG',
        hasVideo: false,
        size: 4_500_000,
      }),
    ],
    chapters: {
      source: 'file',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 125.5, title: 'Flocker & <Docker>' },
        { startTime: 3600, title: 'Outro' },
      ],
    },
    transcript: {
      path: path.join(dir, '046-the-mega-edition', 'transcript.vtt'),
      fileName: 'transcript.vtt',
      mime: 'text/vtt',
      size: 40,
      mtimeMs: 1_700_000_000_000,
    },
    links: [{ title: 'Also available on YouTube', url: 'https://www.youtube.com/watch?v=x&y=1' }],
    image: image(dir, '046-the-mega-edition/cover.jpg'),
  });
  const audioOnly = episode(dir, '045-audio-only', {
    title: 'Audio Only',
    date: '2024-04-01T22:00:00.000Z',
    number: 45,
    media: [
      media(dir, '045-audio-only', 'mp3', 'virtzine-045.mp3', { mime: 'audio/mpeg', container: 'MPEG', hasVideo: false, duration: 59 }),
    ],
  });
  const draft = episode(dir, '048-secret-draft', {
    title: 'Secret Draft Episode',
    date: '2024-05-10T00:00:00.000Z',
    draft: true,
    media: [media(dir, '048-secret-draft', 'mp3', 'draft.mp3', { mime: 'audio/mpeg', hasVideo: false })],
  });
  const scheduled = episode(dir, '049-future', {
    title: 'Future Scheduled Episode',
    date: '2030-01-01T00:00:00.000Z',
    media: [media(dir, '049-future', 'mp3', 'future.mp3', { mime: 'audio/mpeg', hasVideo: false })],
    image: image(dir, '049-future/future.jpg'),
  });
  return {
    show: {
      dir,
      title: 'VirtZine & Friends <Show>',
      description: 'A netcast about virtualization.\n\nSecond paragraph with <tags> & ampersands.',
      author: 'The Crew',
      language: 'en-US',
      baseUrl: 'https://virtzine.example',
      artwork: image(dir, 'artwork.jpg'),
      categories: ['Technology'],
      explicit: false,
      type: 'episodic',
      funding: [],
      persons: [],
      hubs: [],
      feeds: [
        { name: 'video', title: 'VirtZine - Video', enclosure: 'm4v', alternates: ['webm'] },
        { name: 'audio', title: 'VirtZine - Audio', enclosure: 'mp3', alternates: [] },
      ],
    },
    // Newest first, whatever the status (as the catalog builder orders them).
    episodes: [scheduled, draft, full, audioOnly],
  };
}

/** Variants as makeVariants names them: page (avif, webp, jpeg), thumbnail (webp, jpeg), og (jpeg), plus the feed original. */
/**
 * The fixture show with `count` published audio episodes made from its 045-audio-only
 * (ep-001 the oldest, `slugDigits` wide, `stepMs` apart from 2020-01-01), after its draft and its
 * scheduled one: newest first, as the catalog builder orders them.
 */
export function fixtureWithEpisodes(count: number, { slugDigits = 3, stepMs = 86_400_000 } = {}): Catalog {
  const fixture = fixtureCatalog();
  const template = fixture.episodes.find((e) => e.slug === '045-audio-only')!;
  const published: Episode[] = [];
  for (let n = count; n >= 1; n--) {
    const slug = `ep-${String(n).padStart(slugDigits, '0')}`;
    published.push({
      ...template,
      slug,
      title: `Episode ${n}`,
      number: n,
      guid: `guid-${slug}`,
      date: new Date(Date.UTC(2020, 0, 1) + n * stepMs).toISOString(),
    });
  }
  return { ...fixture, episodes: [...fixture.episodes.filter((e) => e.draft || e.slug === '049-future'), ...published] };
}

export function fixtureArtwork(catalog: Catalog, variantDir = '/nonexistent/cache'): ArtworkSet {
  const set: ArtworkSet = new Map();
  const images = [catalog.show.artwork, ...catalog.episodes.flatMap((e) => (e.image ? [e.image] : []))];
  images.forEach((img, i) => {
    const v = (purpose: ImageVariant['purpose'], width: number, format: ImageVariant['format']): ImageVariant => ({
      purpose,
      width,
      height: width,
      format,
      fileName: `img${i}-${purpose}-${width}.${format === 'jpeg' ? 'jpg' : format}`,
      path: purpose === 'feed' ? img.path : path.join(variantDir, `img${i}-${purpose}-${width}.${format}`),
      size: purpose === 'feed' ? img.size : 100 + i, // the feed's is the image file itself
    });
    set.set(img.path, [
      v('feed', 1400, 'jpeg'),
      v('page', 600, 'avif'),
      v('page', 600, 'webp'),
      v('page', 600, 'jpeg'),
      v('thumbnail', 160, 'webp'),
      v('thumbnail', 160, 'jpeg'),
      v('og', 1200, 'jpeg'),
    ]);
  });
  return set;
}

/**
 * Writes a distinct file at every path the catalog and artwork set name, of the size and time the
 * catalog gives it (sparse past its first bytes): serve and the export send a file only as promised.
 */
export async function writeFixtureFiles(catalog: Catalog, artwork: ArtworkSet): Promise<void> {
  const files = new Map<string, { size: number; mtimeMs: number }>();
  const images = [catalog.show.artwork, ...catalog.episodes.flatMap((e) => (e.image ? [e.image] : []))];
  for (const image of images) files.set(image.path, image);
  for (const e of catalog.episodes) {
    for (const m of e.media) files.set(m.path, m.facts);
    if (e.transcript) files.set(e.transcript.path, e.transcript);
  }
  // As src/site/routes.ts dates them: a variant by its own time, else its image's.
  for (const image of images)
    for (const v of artwork.get(image.path) ?? [])
      if (!files.has(v.path)) files.set(v.path, { size: v.size, mtimeMs: v.mtimeMs ?? image.mtimeMs });
  for (const [file, { size, mtimeMs }] of files) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.from(`bytes of ${path.basename(file)}\n`).subarray(0, size));
    await fs.truncate(file, size);
    await fs.utimes(file, mtimeMs / 1000, mtimeMs / 1000);
  }
}

export const publicFiles = { 'style.css': 'body{color:#000}\n', 'player.js': '// player\n' };
