// show.yaml of an imported show, from the feed's channel: title, description, author, language,
// categories, owner, funding, persons, the feed's podcast:guid kept, and the artwork downloaded.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { probeImage } from '../artwork/image.js';
import { IMAGE_FACTS_CACHE, JsonCache } from '../catalog/cache.js';
// From catalog/, not feeds/rss.ts (which re-exports it): that would load the RSS writer and the
// Markdown renderer, which an import never uses (they took about 90 ms to load here).
import { podcastGuid } from '../catalog/feed-guid.js';
import type { ShowManifest } from '../show/schema.js';
import { fetchSmall, MAX_IMAGE_BYTES, MediaError, type ImportContext, type StagedArtwork } from './context.js';
import type { SourceFeed } from './feed.js';
import { imageExtension } from './formats.js';
import type { ImportReport } from './report.js';

/** show.yaml for a new show: from the channel, its artwork fetched (or taken from the one staged ahead), with what could not come reported. */
export async function newShowManifest(
  feed: SourceFeed,
  feedName: string,
  format: string,
  alternates: string[],
  baseUrlGiven: string | undefined,
  c: ImportContext,
): Promise<ShowManifest> {
  const where = 'channel';
  let artwork = 'artwork.jpg';
  if (feed.imageUrl) {
    try {
      const existing = ['artwork.jpg', 'artwork.png'].find((n) => fs.existsSync(path.join(c.dir, n)));
      if (existing) artwork = existing;
      else {
        const staged = await (c.showArtwork ?? stageShowArtwork(feed.imageUrl, c));
        artwork = staged.name;
        placeShowArtwork(staged, c.dir);
      }
    } catch (err) {
      if (c.signal?.aborted) throw err;
      c.report.notImported.push({
        where,
        message: `the show artwork: ${(err as Error).message}; put a square JPEG or PNG of 1400-3000 px in the folder as ${artwork}`,
      });
    }
  } else
    c.report.notImported.push({
      where,
      message: `the feed names no artwork: put a square JPEG or PNG of 1400-3000 px in the folder as ${artwork}`,
    });

  const language = normalLanguage(feed.language);
  if (feed.language && language !== feed.language)
    c.report.fixed.push({ where, message: `language "${feed.language}" written as "${language}" (BCP 47)` });
  const baseUrl = baseUrlGiven?.replace(/\/+$/, '') ?? baseUrlOfNetcasterFeed(feed.selfUrl);
  const owner =
    feed.owner?.name && feed.owner.email && /^[^@\s]+@[^@\s]+$/.test(feed.owner.email)
      ? { name: feed.owner.name, email: feed.owner.email }
      : undefined;
  if (feed.owner && !owner)
    c.report.notImported.push({
      where,
      message: `itunes:owner without both a name and an email address (${feed.owner.name ?? 'no name'}, ${feed.owner.email ?? 'no email'})`,
    });
  if (feed.link) c.report.notImported.push({ where, message: `<link> ${feed.link}: the show's pages are now netcaster's, at baseUrl` });

  const guid = feedGuidToKeep(feed, feedName, baseUrl, c.report);

  return {
    title: feed.title ?? 'Untitled show',
    description: feed.description ?? feed.title ?? 'Untitled show',
    author: feed.author ?? feed.owner?.name ?? feed.title ?? 'Unknown',
    language,
    ...(baseUrl && { baseUrl }),
    artwork,
    ...(owner && { owner }),
    ...(feed.categories.length && { categories: feed.categories }),
    ...(feed.explicit !== undefined && { explicit: feed.explicit }),
    ...(feed.type && { type: feed.type }),
    ...(feed.copyright && { copyright: feed.copyright }),
    ...(feed.locked?.locked && { locked: true }),
    ...(feed.funding.length && { funding: feed.funding }),
    ...(feed.persons.length && { persons: feed.persons }),
    feeds: { [feedName]: { ...feedDef(feed, feedName, format, alternates, feed.description), ...(guid && { guid }) } },
  } as ShowManifest;
}

/** Fetches the show's artwork into the staging folder and probes it as the check would. Throws MediaError or HttpError. */
export async function stageShowArtwork(url: string, c: ImportContext): Promise<StagedArtwork> {
  const bytes = await fetchSmall(url, MAX_IMAGE_BYTES, c);
  const ext = imageExtension(bytes);
  if (ext !== 'jpg' && ext !== 'png')
    throw new MediaError(`${url}: ${ext ? `a ${ext.toUpperCase()} image (Apple takes JPEG or PNG)` : 'not an image'}`);
  const name = `artwork.${ext}`;
  // A dot name: no episode's staging folder can have it.
  const staged = path.join(c.stagingRoot, `.show-${name}`);
  await fsp.mkdir(c.stagingRoot, { recursive: true });
  await fsp.writeFile(staged, bytes);
  return { name, staged, probe: await probeImage(staged, name) };
}

/**
 * Moves the staged artwork into the show (never over a file there) and gives the check its facts,
 * keyed as the check will find the file: a rename keeps size and mtime.
 */
function placeShowArtwork(artwork: StagedArtwork, dir: string): void {
  const file = path.join(dir, artwork.name);
  if (fs.existsSync(file)) {
    fs.rmSync(artwork.staged, { force: true });
    return;
  }
  const stat = fs.statSync(artwork.staged);
  fs.renameSync(artwork.staged, file);
  const images = new JsonCache<StagedArtwork['probe']>(IMAGE_FACTS_CACHE, dir);
  const { facts } = artwork.probe;
  images.set(file, stat, { ...artwork.probe, ...(facts && { facts: { ...facts, path: file } }) });
  images.save();
}

/**
 * The podcast:guid the imported feed keeps, so apps and the Podcast Index still know it: each feed
 * of a show has its own (Podcast Index, docs/tags/guid.md). When the old feed had none, apps
 * derived it from the old feed URL; the same rule on the new URL gives the same value only if
 * the URL stays, so otherwise it is written down under the feed in show.yaml.
 */
export function feedGuidToKeep(feed: SourceFeed, feedName: string, baseUrl: string | undefined, report: ImportReport): string | undefined {
  const oldGuid = feed.podcastGuid ?? podcastGuid(feed.selfUrl ?? feed.source);
  if (!/^[0-9a-fA-F-]{36}$/.test(oldGuid)) {
    report.notImported.push({ where: 'channel', message: `podcast:guid "${oldGuid}" is not a UUID` });
    return undefined;
  }
  const newFeedUrl = baseUrl ? `${baseUrl.replace(/\/+$/, '')}/feeds/${feedName}.xml` : undefined;
  return newFeedUrl && podcastGuid(newFeedUrl) === oldGuid ? undefined : oldGuid;
}

/** The feed's entry in show.yaml; its own description when the show's says something else. */
export function feedDef(
  feed: SourceFeed,
  name: string,
  format: string,
  alternates: string[],
  showDescription: string | undefined,
): ShowManifest['feeds'][string] {
  return {
    title: feed.title ?? name,
    ...(feed.description && feed.description !== showDescription && { description: feed.description }),
    enclosure: format,
    ...(alternates.length && { alternates }),
  };
}

/** A netcaster feed's own URL is <baseUrl>/feeds/<name>.xml: a show moving between netcasters keeps its base. */
function baseUrlOfNetcasterFeed(selfUrl: string | undefined): string | undefined {
  return selfUrl ? /^(https?:\/\/.+?)\/feeds\/[a-z0-9][a-z0-9_-]*\.xml$/i.exec(selfUrl)?.[1] : undefined;
}

function normalLanguage(raw: string | undefined): string {
  if (!raw) return 'en';
  const parts = raw.trim().replace(/_/g, '-').split('-');
  const tag = [parts[0].toLowerCase(), ...parts.slice(1).map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : 'en';
}
