// `netcaster import`: a feed -> a show folder (or one more format of the show already there).
//
//   read the feed (source.ts) -> refuse a locked one -> match its items with the episodes there
//   -> each new episode staged in .netcaster-import/<slug>/ with its media, notes, chapters,
//      transcript and image, then moved into place whole (episode.ts) -> show.yaml
//      (show-manifest.ts) -> netcaster.lock -> the migration checklist (report.ts)
//
// Staging is what makes an interruption harmless: the show folder only ever gains complete
// episodes, and a run after an interruption continues where it stopped (staging.ts).
//
// An episode already in the show (same guid, or the same title and day from the show's other
// feed) is not downloaded again, so a later run is a sync.
import fs from 'node:fs';
import path from 'node:path';
import { JsonCache, MEDIA_FACTS_CACHE } from '../catalog/cache.js';
import { formatLock, isPreviewUrl, LOCK_FILE, readLock } from '../catalog/lock.js';
import type { ProbeResult } from '../media/probe.js';
import { loadShow, SHOW_FILE, type LoadedEpisode } from '../show/load.js';
import type { ShowManifest } from '../show/schema.js';
import { slugify } from '../show/slug.js';
import type { ImportContext } from './context.js';
import { importEpisode, type EpisodeResult, type ReadyTarget, type Target } from './episode.js';
import type { ItemSummary } from './feed.js';
import { formatOfExtension, formatOfMime, isVideoFormat } from './formats.js';
import { defaultHttpOptions, HostLimiter, type HttpOptions } from './http.js';
import { handManifest, showYamlText, writeAtomic } from './manifest-files.js';
import { checklist, type ImportReport } from './report.js';
import { feedDef, feedGuidToKeep, newShowManifest, stageShowArtwork } from './show-manifest.js';
import { readSource } from './source.js';
import { readStagedState, STAGING_DIR, type StagedState } from './staging.js';

export type { ImportReport, ReportLine } from './report.js';

export interface ImportOptions {
  source: string;
  dir: string;
  unlock?: boolean;
  /** The show's public URL at its new home (show.yaml's baseUrl). */
  baseUrl?: string;
  http?: Partial<HttpOptions>;
  signal?: AbortSignal;
  /** Bytes done and expected so far, for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportOutcome {
  /** Set when nothing was imported: a locked feed, an unreadable one, a folder that is not a show. */
  refused?: string;
  report: ImportReport;
  /**
   * The manifests this import wrote, by their exact text, for the check that follows
   * (CheckOptions.parsedManifests): it need not parse again what was written moments before.
   */
  written?: Map<string, object>;
}

export async function importFeed(options: ImportOptions): Promise<ImportOutcome> {
  const http: HttpOptions = { ...defaultHttpOptions, ...options.http };
  const dir = path.resolve(options.dir);
  const report: ImportReport = {
    source: options.source,
    feedUrl: options.source,
    moves: [],
    fixed: [],
    notImported: [],
    failed: [],
    imported: [],
    merged: [],
    unchanged: 0,
    checklist: [],
  };

  // The folder: empty, a show, or an import that was interrupted.
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory())
    return { refused: `${options.dir} is not a folder: import into an empty folder or into a netcaster show`, report };
  const entries = stat ? fs.readdirSync(dir) : [];
  const hasShow = entries.includes(SHOW_FILE);
  if (entries.length > 0 && !hasShow && !entries.includes(STAGING_DIR)) {
    return { refused: `${options.dir} is not empty and has no ${SHOW_FILE}: import into an empty folder or into a netcaster show`, report };
  }

  const read = await readSource(options.source, http, options.signal);
  report.feedUrl = read.url;
  report.moves = read.moves;
  report.fixed.push(...read.fixes.map((f) => ({ where: 'XML', message: f })));
  if (!read.feed) return { refused: read.error ?? 'the feed could not be read', report };
  const feed = read.feed;
  if (!feed.title && feed.items.length === 0)
    return { refused: `${read.url}: not a podcast feed (${feed.notes.map((n) => n.message).join('; ') || 'no title, no items'})`, report };

  // podcast:locked (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/locked.md):
  // "yes" asks every platform not to import the feed. Only the podcaster may say otherwise.
  if (feed.locked?.locked && !options.unlock) {
    const owner = feed.locked.owner ?? feed.owner?.email;
    return {
      refused:
        `${read.url} is locked (podcast:locked yes): its owner${owner ? `, ${owner},` : ''} has asked that it not be imported elsewhere. ` +
        `If you are the podcaster moving your own show, run the import again with --unlock.`,
      report,
    };
  }
  for (const note of feed.notes) (note.lost ? report.notImported : report.fixed).push({ where: note.where, message: note.message });
  for (const [tag, count] of feed.unmapped)
    report.notImported.push({
      where: tag.split(' ')[0],
      message: `${tag.slice(tag.indexOf(' ') + 1)}${count > 1 ? ` (${count} times)` : ''}: no place in netcaster`,
    });

  const loaded = await loadShow(dir);
  const show = hasShow ? loaded.manifest : undefined;
  if (hasShow && !show) {
    return { refused: `${path.join(options.dir, SHOW_FILE)} does not pass check: fix it first (netcaster check ${options.dir})`, report };
  }

  // Which feed this is, and in which format.
  const feedUrlForName = feed.selfUrl ?? read.url;
  const feedNameFromUrl = /\/feeds\/([a-z0-9][a-z0-9_-]*)\.xml$/i.exec(feedUrlForName)?.[1]?.toLowerCase();
  const declaredFormat = mostCommon(feed.items.map(declaredFormatOf).filter((f): f is string => !!f));
  const medium = feed.medium === 'video' || (declaredFormat && isVideoFormat(declaredFormat)) ? 'video' : 'audio';

  // GUIDs: one per item, kept byte for byte; a repeated one would make two episodes one.
  const seenGuids = new Set<string>();
  const items: { item: ItemSummary; ordinal: number }[] = [];
  for (const [ordinal, item] of feed.items.entries()) {
    if (seenGuids.has(item.guid)) {
      const fallback = item.enclosure?.url;
      if (fallback && !seenGuids.has(fallback)) {
        report.fixed.push({
          where: `item ${item.position} (${item.title})`,
          message: `its guid "${item.guid}" repeats an earlier item's: its enclosure URL is kept as its guid, as apps that told them apart already use`,
        });
        item.guid = fallback;
      } else {
        report.notImported.push({
          where: `item ${item.position} (${item.title})`,
          message: `its guid "${item.guid}" repeats an earlier item's: not imported`,
        });
        continue;
      }
    }
    seenGuids.add(item.guid);
    if (!item.enclosure) {
      report.notImported.push({
        where: `item ${item.position} (${item.title})`,
        message: 'no enclosure: an item without media is not an episode',
      });
      continue;
    }
    items.push({ item, ordinal });
  }

  // Match with the show there: by guid, then by title and day (the show's other feed).
  const matches = matchEpisodes(items, loaded.episodes, seenGuids, declaredFormat);
  // Formats no feed of the show lists: an episode holding one got it from an enclosure whose type
  // said otherwise (AAC served as audio/mpeg) and was told so; fetched again, it is the same file.
  const listedFormats = new Set(Object.values(show?.feeds ?? {}).flatMap((f) => [f.enclosure, ...(f.alternates ?? [])]));
  const unchangedFormats: string[] = [];
  const taken = new Set([...entries, ...loaded.brokenEpisodes]);
  const stagingRoot = path.join(dir, STAGING_DIR);
  const staged = fs.existsSync(stagingRoot) ? fs.readdirSync(stagingRoot) : [];
  // What interrupted runs left: each staged folder's state (read once), by guid; the folders without one.
  const stagedStates = new Map<string, StagedState>();
  const stagedByGuid = new Map<string, string>();
  const unmarked = new Set<string>();
  for (const name of staged) {
    const state = readStagedState(path.join(stagingRoot, name));
    if (!state) unmarked.add(name);
    else {
      stagedStates.set(name, state);
      if (!stagedByGuid.has(state.guid)) stagedByGuid.set(state.guid, name);
    }
  }
  const partsIn = (name: string, guid: string) => (stagedStates.get(name)?.guid === guid ? stagedStates.get(name)?.parts : undefined);
  // Each target by the ordinal of its item in feed.items, the order read.items() gives them again in.
  const targets = new Map<number, Target>();
  for (const { item, ordinal } of items) {
    const existing = matches.get(ordinal);
    if (existing && existing.manifest.guid !== item.guid) {
      report.notImported.push({
        where: `item ${item.position} (${item.title})`,
        message: `matched ${existing.slug} by title and date, but its guid "${item.guid}" differs from the episode's "${existing.manifest.guid}": netcaster gives an episode one guid, so this feed's subscribers will see it once more as new`,
      });
    }
    if (existing) {
      const format = declaredFormatOf(item) ?? declaredFormat;
      const held = Object.keys(existing.manifest.media ?? {});
      if (format && held.includes(format)) {
        report.unchanged++;
        unchangedFormats.push(format);
        continue;
      }
      if (!format ? held.length > 0 : held.some((f) => !listedFormats.has(f) && isVideoFormat(f) === isVideoFormat(format))) {
        report.unchanged++;
        continue;
      }
      targets.set(ordinal, { item, slug: existing.slug, existing, parts: partsIn(existing.slug, item.guid) });
      continue;
    }
    // A stable slug: the episode number (or the date) and the title. An interrupted run's staged
    // folder for the same guid is found again by its state; one without a state by its name.
    const base = baseSlug(item);
    let resumed = stagedByGuid.get(item.guid);
    if (!resumed && unmarked.has(base) && !taken.has(base)) {
      resumed = base;
      unmarked.delete(base);
    }
    // A staged folder whose name the show has taken since (a folder made between the runs) is
    // moved to a free name: its episode would otherwise be renamed onto that folder.
    const keep = resumed !== undefined && !taken.has(resumed);
    let slug = keep ? (resumed as string) : base;
    for (let n = 2; !keep && (taken.has(slug) || staged.includes(slug)); n++) slug = `${base}-${n}`;
    const parts = resumed && partsIn(resumed, item.guid);
    if (resumed && slug !== resumed) fs.renameSync(path.join(stagingRoot, resumed), path.join(stagingRoot, slug));
    taken.add(slug);
    targets.set(ordinal, { item, slug, ...(parts && { parts }) });
  }

  // Downloads, a few at a time per host.
  const limiter = new HostLimiter(http);
  const progress = { done: 0, total: 0 };
  for (const t of targets.values()) progress.total += t.item.enclosure?.length ?? 0;
  const tick = () => options.onProgress?.(progress.done, Math.max(progress.total, progress.done));
  // The check that follows an import would probe every file again; it finds them in its cache.
  const facts = new JsonCache<ProbeResult>(MEDIA_FACTS_CACHE, loaded.dir);
  const context: ImportContext = {
    dir,
    stagingRoot,
    http,
    limiter,
    signal: options.signal,
    report,
    feed,
    progress,
    tick,
    facts,
    written: new Map(),
  };
  // A new show's artwork is fetched and probed while the episodes download, not after them: the
  // check that ends the import then finds its facts cached and does not load the image library
  // on its own, after everything else (loading sharp and reading 1400 px artwork took 0.2-0.35 s here).
  const artworkExists = ['artwork.jpg', 'artwork.png'].some((n) => entries.includes(n));
  if (!hasShow && feed.imageUrl && !artworkExists) {
    context.showArtwork = stageShowArtwork(feed.imageUrl, context);
    context.showArtwork.catch(() => undefined); // its failure is reported where the artwork is used
  }
  // As many episodes in flight as downloads may run at once (each has one download at a time),
  // each item read in full only when its turn comes: memory stays flat however long the feed is.
  const results: (EpisodeResult | undefined)[] = [];
  const again = read.items();
  let ordinal = -1;
  const nextTarget = (): ReadyTarget | undefined => {
    for (let next = again.next(); !next.done; next = again.next()) {
      const target = targets.get(++ordinal);
      if (!target) continue;
      if (next.value.position !== target.item.position)
        throw new Error(`the feed read a second time gave item ${next.value.position} where item ${target.item.position} was`);
      return { ...target, item: { ...next.value, guid: target.item.guid } };
    }
    return undefined;
  };
  // An error that is not one episode's (the disk is full, a fault of the program) ends the whole
  // import: the other workers take no further episode, and it is thrown once they have stopped, so
  // nothing is still writing when the command says what happened.
  let stopping: { error: unknown } | undefined;
  const worker = async () => {
    for (let target = nextTarget(); target && !options.signal?.aborted && !stopping; target = stopping ? undefined : nextTarget()) {
      try {
        results.push(await importEpisode(target, context));
      } catch (error) {
        stopping ??= { error };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(targets.size, http.total) }, worker));
  } finally {
    facts.save(); // also after an interruption: the episodes already in place are not probed again
  }
  options.signal?.throwIfAborted();
  if (stopping) throw stopping.error;
  tick();

  // The feed's format: what most of its episodes are, as probed.
  const probedFormats = results.flatMap((r) => (r?.enclosureFormat ? [r.enclosureFormat] : []));
  // Episodes already there count as what they hold: a later run that fetched one odd file does not
  // make the feed a new one of that file's format.
  const format = mostCommon([...probedFormats, ...unchangedFormats]) ?? existingFormatOf(show, feedNameFromUrl) ?? declaredFormat;
  report.format = format;
  for (const r of results) {
    if (r && format && r.enclosureFormat !== format) {
      report.notImported.push({
        where: r.slug,
        message: `its file is ${r.enclosureFormat}, not ${format} like the rest of the feed: the new ${feedNameFromUrl ?? medium} feed lists only ${format} files, so add one (or add a feed for ${r.enclosureFormat})`,
      });
    }
  }

  // show.yaml: written new, or given this feed.
  let manifest: ShowManifest | undefined = show;
  let feedName = feedNameFromUrl ?? medium;
  if (format) {
    const alternates = [...new Set(results.flatMap((r) => r?.alternateFormats ?? []))].filter((f) => f !== format);
    if (!manifest) {
      manifest = await newShowManifest(feed, feedName, format, alternates, options.baseUrl, context);
    } else {
      const same = Object.entries(manifest.feeds).find(([, f]) => f.enclosure === format);
      if (same) {
        feedName = same[0];
        // The feed there keeps its own podcast:guid; this one's cannot be kept beside it.
        const kept = same[1].guid ?? manifest.guid;
        if (feed.podcastGuid && kept && feed.podcastGuid !== kept) {
          report.notImported.push({ where: 'channel', message: `podcast:guid ${feed.podcastGuid} (feed "${feedName}" keeps ${kept})` });
        }
      } else {
        for (let n = 2; Object.hasOwn(manifest.feeds, feedName); n++) feedName = `${feedNameFromUrl ?? medium}-${n}`;
        const guid = feedGuidToKeep(feed, feedName, manifest.baseUrl, report);
        manifest = {
          ...manifest,
          feeds: {
            ...manifest.feeds,
            [feedName]: { ...feedDef(feed, feedName, format, alternates, manifest.description), ...(guid && { guid }) },
          },
        };
      }
    }
    // --base-url given to a later run, for a show imported without one (as the checklist suggests):
    // set, never put over a baseUrl the show has.
    if (manifest && hasShow && options.baseUrl && !manifest.baseUrl)
      manifest = { ...manifest, baseUrl: options.baseUrl.replace(/\/+$/, '') };
    else if (manifest?.baseUrl && options.baseUrl && options.baseUrl.replace(/\/+$/, '') !== manifest.baseUrl.replace(/\/+$/, ''))
      report.notImported.push({
        where: 'show.yaml',
        message: `--base-url ${options.baseUrl}: show.yaml has its own baseUrl, ${manifest.baseUrl}, which stays`,
      });
    // A show.yaml there is written again only when it gains a feed or a baseUrl: the podcaster's
    // comments and layout are not lost to a run that brought new episodes of a feed the show has.
    if (manifest !== show) {
      const text = showYamlText(manifest);
      if (!hasShow) handManifest(context.written, text, manifest);
      writeAtomic(path.join(dir, SHOW_FILE), text, hasShow);
    }
    report.feedName = feedName;
  }

  // netcaster.lock: every guid brought over, and the feed URLs where they are known.
  seedLock(dir, manifest, results, report);

  // Artwork fetched ahead but not used (no episode came over): not left behind.
  const unused = await context.showArtwork?.catch(() => undefined);
  if (unused) fs.rmSync(unused.staged, { force: true });
  // Nothing left half-done: the staging folder goes (else it holds what a next run continues).
  if (fs.existsSync(stagingRoot) && fs.readdirSync(stagingRoot).length === 0) fs.rmdirSync(stagingRoot);

  report.checklist = checklist(report, manifest, feedName, read.url, feed);
  return { report, written: context.written };
}

/** netcaster.lock: every guid brought over, and the feed URLs where they are known (never a preview address). */
function seedLock(dir: string, manifest: ShowManifest | undefined, results: (EpisodeResult | undefined)[], report: ImportReport): void {
  const read = readLock(dir);
  if (read.problems.length) {
    report.failed.push({ where: LOCK_FILE, message: `${read.problems[0].message}: not updated` });
    return;
  }
  const lock = read.lock;
  if (manifest?.baseUrl && !isPreviewUrl(manifest.baseUrl)) {
    for (const name of Object.keys(manifest.feeds))
      lock.feeds[name] ??= `${manifest.baseUrl.replace(/\/+$/, '')}/feeds/${encodeURIComponent(name)}.xml`;
  }
  // Each feed's podcast:guid as brought over: once published, it stays (whatever URL serves it).
  for (const [name, def] of Object.entries(manifest?.feeds ?? {})) if (def.guid) lock.feedGuids[name] ??= def.guid;
  for (const r of results) if (r?.date) lock.episodes[r.guid] ??= { slug: r.slug, firstPublished: r.date };
  const text = formatLock(lock);
  const file = path.join(dir, LOCK_FILE);
  if (read.exists && fs.readFileSync(file, 'utf8') === text) return;
  writeAtomic(file, text, true);
}

function existingFormatOf(show: ShowManifest | undefined, name: string | undefined): string | undefined {
  return name && show?.feeds[name]?.enclosure;
}

/**
 * The episode already in the show that each item (by its ordinal) is: the one with its guid, else
 * the closest in time (within 36 hours, time zones apart) with the same title, from the show's
 * other feed. An episode is matched at most once, and never by title to an episode whose guid is
 * one of this feed's or that holds this item's format already: a daily show's "Morning Briefing"
 * of today is not yesterday's, and two items of one title and day are two episodes.
 */
function matchEpisodes(
  items: { item: ItemSummary; ordinal: number }[],
  episodes: LoadedEpisode[],
  feedGuids: Set<string>,
  declaredFormat: string | undefined,
): Map<number, LoadedEpisode> {
  const byGuid = new Map(episodes.filter((e) => e.manifest.guid).map((e) => [e.manifest.guid as string, e]));
  const matches = new Map<number, LoadedEpisode>();
  const used = new Set<LoadedEpisode>();
  for (const { item, ordinal } of items) {
    const existing = byGuid.get(item.guid);
    if (existing && !used.has(existing)) {
      matches.set(ordinal, existing);
      used.add(existing);
    }
  }
  // By title, each with its time parsed once: a daily show has thousands of one title.
  const byTitle = new Map<string, { e: LoadedEpisode; ms: number }[]>();
  for (const e of episodes) {
    if (e.manifest.guid && feedGuids.has(e.manifest.guid)) continue;
    const title = normalTitle(e.manifest.title);
    const entry = { e, ms: Date.parse(e.manifest.date) };
    const same = byTitle.get(title);
    if (same) same.push(entry);
    else byTitle.set(title, [entry]);
  }
  for (const { item, ordinal } of items) {
    if (matches.has(ordinal) || !item.date) continue;
    const at = item.date.ms;
    const format = declaredFormatOf(item) ?? declaredFormat;
    let best: LoadedEpisode | undefined;
    let bestGap = 36 * 3600_000;
    for (const { e, ms } of byTitle.get(normalTitle(item.title)) ?? []) {
      const gap = Math.abs(ms - at);
      if (used.has(e) || !(gap < bestGap) || (format && e.manifest.media?.[format])) continue;
      best = e;
      bestGap = gap;
    }
    if (best) {
      matches.set(ordinal, best);
      used.add(best);
    }
  }
  return matches;
}

/** The format an item's enclosure says it is: by its MIME type, else by its URL's extension. */
function declaredFormatOf(item: ItemSummary): string | undefined {
  const enclosure = item.enclosure;
  return formatOfMime(enclosure?.type) ?? formatOfExtension(enclosure?.url);
}

// --- Small helpers -----------------------------------------------------------------------------

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = v;
  return best;
}

const normalTitle = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function baseSlug(item: ItemSummary): string {
  const title = slugify(item.title) || 'episode';
  if (item.number !== undefined) return `${String(item.number).padStart(3, '0')}-${title}`;
  return item.date ? `${item.date.iso.slice(0, 10)}-${title}` : title;
}
