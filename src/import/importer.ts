// `netcaster import`: a feed -> a show folder (or one more format of the show already there).
//
//   read the feed (source.ts) -> refuse a locked one -> match its items with the episodes there
//   -> each new episode staged in .netcaster-import/<slug>/ with its media, notes, chapters,
//      transcript and image, then moved into place whole -> show.yaml -> netcaster.lock
//   -> the migration checklist
//
// Staging is what makes an interruption harmless: the show folder only ever gains complete
// episodes (one rename each), and a run after an interruption finds the staged files and .part
// files where it left them. What it needs to continue (whose episode a staged folder is, the
// validators to resume .part files with) is written to the folder's state file once the episode
// has taken a moment (STATE_DELAY_MS), and at once when it fails or is interrupted: most
// episodes are done sooner, and on a feed of hundreds, creating and deleting a small file for
// each was much of the time (bench/import.ts). A staged folder without one (killed in its
// first moment) is taken up by the episode whose folder name it has.
//
// An episode already in the show (same guid, or the same title and day from the show's other
// feed) is not downloaded again, so a later run is a sync.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { stringifyYaml } from '../show/yaml.js';
import { probeImage } from '../artwork/image.js';
import { IMAGE_FACTS_CACHE, JsonCache, MEDIA_FACTS_CACHE } from '../catalog/cache.js';
import { formatLock, isPreviewUrl, LOCK_FILE, readLock } from '../catalog/lock.js';
import type { Chapter, ImageFacts, MediaFacts } from '../contract/catalog.js';
import type { Finding } from '../contract/problems.js';
import { slugify } from '../show/slug.js';
// From catalog/, not feeds/rss.ts (which re-exports it): that would load the RSS writer and the
// Markdown renderer, which an import never uses (they took about 90 ms to load here).
import { podcastGuid } from '../catalog/feed-guid.js';
import { mimeFor } from '../media/mime.js';
import { probeMedia, type ProbeResult } from '../media/probe.js';
import { EPISODE_FILE, loadShow, SHOW_FILE, type LoadedEpisode } from '../show/load.js';
import type { EpisodeManifest, ShowManifest } from '../show/schema.js';
import { download, type PartMeta } from './download.js';
import type { ItemSummary, SourceEnclosure, SourceFeed, SourceItem } from './feed.js';
import { formatOfFacts, formatOfMime, imageExtension, isVideoFormat, mimeFits } from './formats.js';
import { htmlToMarkdown, markdownToText } from './html-markdown.js';
import { defaultHttpOptions, discard, get, HostLimiter, HttpError, readBody, statusError, withRetries, type HttpOptions } from './http.js';
import { readSource } from './source.js';
import { stripTracking } from './values.js';

export const STAGING_DIR = '.netcaster-import';

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

/** One line of the import report: where (channel, an item, a file) and what. */
export interface ReportLine {
  where: string;
  message: string;
}

export interface ImportReport {
  source: string;
  feedUrl: string;
  feedName?: string;
  format?: string;
  moves: string[];
  /** What was mended in the XML and the values. */
  fixed: ReportLine[];
  /** What has no place in netcaster, or could not be brought over. */
  notImported: ReportLine[];
  /** Episodes that could not be imported this time (a run later picks them up). */
  failed: ReportLine[];
  imported: string[];
  merged: string[];
  unchanged: number;
  checklist: string[];
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

/** What an item becomes: a new episode folder, or one more format of an episode there. */
interface Target {
  /** Its summary (the guid as it is kept); the item itself is read again when its turn comes. */
  item: ItemSummary;
  slug: string;
  existing?: LoadedEpisode;
  /** What an interrupted run left in the staging folder to resume its downloads with. */
  parts?: Record<string, PartMeta>;
}

/** A target whose item has been read again in full, to be imported now. */
type ReadyTarget = Omit<Target, 'item'> & { item: SourceItem };

const MAX_TEXT_BYTES = 20 * 1024 * 1024; // chapters, transcripts
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

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
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
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
  const declaredFormat = mostCommon(feed.items.map((i) => formatOfMime(i.enclosure?.type)).filter((f): f is string => !!f));
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
  const byGuid = new Map(loaded.episodes.filter((e) => e.manifest.guid).map((e) => [e.manifest.guid as string, e]));
  const byTitle = new Map<string, LoadedEpisode[]>();
  for (const e of loaded.episodes) byTitle.set(normalTitle(e.manifest.title), [...(byTitle.get(normalTitle(e.manifest.title)) ?? []), e]);
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
    let existing = byGuid.get(item.guid);
    if (!existing && item.date) {
      existing = byTitle
        .get(normalTitle(item.title))
        ?.find((e) => Math.abs(Date.parse(e.manifest.date) - (item.date as { ms: number }).ms) < 36 * 3600_000);
      if (existing && existing.manifest.guid !== item.guid) {
        report.notImported.push({
          where: `item ${item.position} (${item.title})`,
          message: `matched ${existing.slug} by title and date, but its guid "${item.guid}" differs from the episode's "${existing.manifest.guid}": netcaster gives an episode one guid, so this feed's subscribers will see it once more as new`,
        });
      }
    }
    if (existing) {
      if (declaredFormat && existing.manifest.media?.[formatOfMime(item.enclosure?.type) ?? declaredFormat]) {
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
    let slug = resumed ?? base;
    for (let n = 2; !resumed && (taken.has(slug) || staged.includes(slug)); n++) slug = `${base}-${n}`;
    taken.add(slug);
    targets.set(ordinal, { item, slug, ...(resumed && { parts: partsIn(resumed, item.guid) }) });
  }

  // Downloads, a few at a time per host.
  const limiter = new HostLimiter(http);
  const progress = { done: 0, total: 0 };
  for (const t of targets.values()) progress.total += t.item.enclosure?.length ?? 0;
  const tick = () => options.onProgress?.(progress.done, Math.max(progress.total, progress.done));
  // The check that follows an import would probe every file again; it finds them in its cache.
  const facts = new JsonCache<ProbeResult>(MEDIA_FACTS_CACHE, loaded.dir);
  const context: EpisodeContext = {
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
  const format = mostCommon(probedFormats) ?? existingFormatOf(show, feedNameFromUrl) ?? declaredFormat;
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
      manifest = await newShowManifest(feed, feedName, format, alternates, options, context);
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
    const text = showYamlText(manifest);
    if (!hasShow) handManifest(context, text, manifest); // a show.yaml there is not replaced
    writeAtomic(path.join(dir, SHOW_FILE), text, hasShow);
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

// --- One episode -------------------------------------------------------------------------------

interface EpisodeContext {
  dir: string;
  stagingRoot: string;
  http: HttpOptions;
  limiter: HostLimiter;
  signal?: AbortSignal;
  report: ImportReport;
  feed: SourceFeed;
  progress: { done: number; total: number };
  tick: () => void;
  /** The check's facts cache: each file put in the show goes in with what its probe here found. */
  facts: JsonCache<ProbeResult>;
  /** A new show's artwork, fetched and probed while the episodes download. */
  showArtwork?: Promise<StagedArtwork>;
  /** The manifests written, by their text (ImportOutcome.written). */
  written: Map<string, object>;
}

interface EpisodeResult {
  slug: string;
  guid: string;
  date?: string;
  enclosureFormat: string;
  alternateFormats: string[];
}

/** A staged episode's state file: whose episode it is, and how to resume its .part files (by their name). */
const STATE_FILE = '.import-state.json';
/** An episode still staged after this long writes its state file (most are done sooner). */
const STATE_DELAY_MS = 1000;

interface StagedState {
  guid: string;
  parts: Record<string, PartMeta>;
}

function readStagedState(stagingDir: string): StagedState | undefined {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(stagingDir, STATE_FILE), 'utf8')) as Partial<StagedState>;
    if (typeof state?.guid !== 'string') return undefined;
    const parts: Record<string, PartMeta> = {};
    for (const [name, meta] of Object.entries(state.parts ?? {})) if (typeof meta?.url === 'string') parts[name] = meta;
    return { guid: state.guid, parts };
  } catch {
    return undefined; // none, or cut short by a kill: the folder is taken up by its name
  }
}

/** The state of one staged episode, kept in memory and written to its folder only when it is worth it (see the top). */
class Staging {
  private readonly state: StagedState;
  private written = false;
  private finished = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  /** Files fetched into the folder by this run. */
  readonly fetched = new Set<string>();
  /** A download into the folder failed (its `.part` may be there). */
  failedFetch = false;

  /** `made`: the folder is new, so no earlier run left anything in it. */
  constructor(
    private readonly dir: string,
    guid: string,
    parts: Record<string, PartMeta> | undefined,
    readonly made: boolean,
  ) {
    this.state = { guid, parts: { ...parts } };
    this.timer = setTimeout(() => void this.keep(), STATE_DELAY_MS);
    this.timer.unref();
  }

  /** What a `.part` file in the folder needs to be resumed. */
  part(name: string): PartMeta | undefined {
    return this.state.parts[name];
  }

  setPart(name: string, meta: PartMeta): void {
    this.state.parts[name] = meta;
    if (this.written) void this.write();
  }

  /** Writes the state now (and again on each change until `finish`). */
  keep(): Promise<void> {
    if (this.finished) return this.writing;
    this.written = true;
    return this.write();
  }

  /**
   * What may be left in the folder besides the episode's own files: known without listing it when
   * this run made the folder and every download into it succeeded (a listing per episode was a
   * cost of its own on a feed of hundreds); undefined when the folder must be listed.
   */
  leftovers(): string[] | undefined {
    if (!this.made || this.failedFetch) return undefined;
    return this.written ? [STATE_FILE] : [];
  }

  /** No more writes; resolves when the last one is done. */
  finish(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    return this.writing;
  }

  private write(): Promise<void> {
    const text = JSON.stringify(this.state);
    // One write at a time, in order. A failure costs only the resume (the download itself reports a full disk).
    this.writing = this.writing.then(() => fsp.writeFile(path.join(this.dir, STATE_FILE), text)).catch(() => undefined);
    return this.writing;
  }
}

async function importEpisode(target: ReadyTarget, c: EpisodeContext): Promise<EpisodeResult | undefined> {
  const { item, slug } = target;
  const where = `item ${item.position} (${item.title})`;
  const staging = path.join(c.stagingRoot, slug);
  // The episode's few file calls are synchronous, as its downloads' writes are (download.ts): each
  // asynchronous one was a trip through the thread pool and a promise, and those trips were much
  // of the import's CPU (300 episodes of 1.4 MB from 127.0.0.1, with the .part's open, close and
  // rename made synchronous too: 2.19 -> 1.66 s of CPU, 2.16 -> 1.69 s of wall time, medians of 8
  // alternated runs on a loaded machine). Where they could stall the downloads in flight, on a
  // network disk, it is for a round trip per call, against seconds per file from the internet.
  const made = fs.mkdirSync(staging, { recursive: true });
  const kept = new Staging(staging, item.guid, target.parts, made !== undefined);
  try {
    const enclosure = item.enclosure as SourceEnclosure;
    const main = await fetchMedia(item, enclosure, staging, kept, where, c);
    const media: Record<string, string> = { [main.format]: main.file };
    const probes: Record<string, FetchedMedia['probe']> = { [main.format]: main.probe };
    const alternateFormats: string[] = [];
    for (const alt of item.alternates) {
      try {
        const got = await fetchMedia(item, alt, staging, kept, where, c);
        if (media[got.format] || target.existing?.manifest.media?.[got.format]) {
          c.report.notImported.push({ where, message: `${alt.url}: a second ${got.format} file of the episode (one file per format)` });
          await fsp.rm(got.file, { force: true });
          continue;
        }
        media[got.format] = got.file;
        probes[got.format] = got.probe;
        alternateFormats.push(got.format);
      } catch (err) {
        if (c.signal?.aborted) throw err;
        kept.failedFetch = true;
        c.report.failed.push({ where, message: `the alternate ${alt.url}: ${(err as Error).message}` });
      }
    }
    if (main.durationNote) c.report.fixed.push({ where, message: main.durationNote });

    if (target.existing) {
      // One more format of an episode that is there: its files join the folder, then episode.yaml names them.
      const episodeDir = target.existing.dir;
      const added: Record<string, string> = {};
      for (const [format, file] of Object.entries(media)) {
        if (target.existing.manifest.media?.[format]) continue;
        let finalName = `${slug}.${format}`;
        for (let n = 2; fs.existsSync(path.join(episodeDir, finalName)); n++) finalName = `${slug}-${n}.${format}`;
        await fsp.rename(file, path.join(episodeDir, finalName));
        added[format] = finalName;
        handFacts(c, path.join(episodeDir, finalName), format, probes[format]);
      }
      const manifest = { ...target.existing.manifest, media: { ...target.existing.manifest.media, ...added } };
      const text = episodeYamlText(manifest);
      writeAtomic(path.join(episodeDir, EPISODE_FILE), text, true);
      handManifest(c, text, manifest);
      await kept.finish();
      await fsp.rm(staging, { recursive: true, force: true });
      c.report.merged.push(slug);
      return {
        slug,
        guid: target.existing.manifest.guid ?? item.guid,
        date: target.existing.manifest.date,
        enclosureFormat: main.format,
        alternateFormats,
      };
    }

    // Everything else an episode has.
    const extras = await fetchExtras(item, staging, where, c);
    const pageUrl = item.link ?? c.feed.link ?? (/^https?:/.test(c.feed.source) ? c.feed.source : undefined);
    const notes = item.notesHtml ? htmlToMarkdown(item.notesHtml, pageUrl) : '';
    if (notes) fs.writeFileSync(path.join(staging, 'notes.md'), `${notes}\n`);
    const summary = item.summary ?? (notes ? markdownToText(notes).slice(0, 4000) : undefined) ?? item.title;
    // Media named by what the probe found, one file per format.
    const names: Record<string, string> = {};
    for (const [format, file] of Object.entries(media)) {
      names[format] = `${slug}.${format}`;
      fs.renameSync(file, path.join(staging, names[format]));
    }
    const manifest: EpisodeManifest = {
      title: item.title,
      ...(item.date && { date: item.date.iso }),
      ...(item.number !== undefined && { number: item.number }),
      ...(item.season !== undefined && { season: item.season }),
      ...(item.episodeType && { type: item.episodeType }),
      ...(item.explicit !== undefined && { explicit: item.explicit }),
      ...(extras.image && { image: extras.image }),
      summary: summary || item.title,
      guid: item.guid,
      media: names,
      ...(extras.transcript &&
        extras.transcript !== 'transcript.vtt' &&
        extras.transcript !== 'transcript.srt' && { transcript: extras.transcript }),
    } as EpisodeManifest;
    const text = episodeYamlText(manifest);
    fs.writeFileSync(path.join(staging, EPISODE_FILE), text);
    // Whole or not at all: the state goes, then one rename puts the episode in the show.
    await kept.finish();
    for (const leftover of kept.leftovers() ?? (await fsp.readdir(staging))) {
      if (leftover === STATE_FILE || /\.(part|part\.json|download)$/.test(leftover) || leftover === '.guid')
        await fsp.unlink(path.join(staging, leftover)).catch(() => undefined);
    }
    fs.renameSync(staging, path.join(c.dir, slug));
    for (const [format, name] of Object.entries(names)) handFacts(c, path.join(c.dir, slug, name), format, probes[format]);
    handManifest(c, text, manifest);
    c.report.imported.push(slug);
    return { slug, guid: item.guid, date: item.date?.iso, enclosureFormat: main.format, alternateFormats };
  } catch (err) {
    // What a next run needs to continue, written before anything else happens.
    await kept.keep();
    await kept.finish();
    if (c.signal?.aborted) throw err;
    if (!(err instanceof HttpError) && !(err instanceof MediaError)) throw err;
    c.report.failed.push({
      where,
      message: `${err.message} (what was downloaded is kept in ${STAGING_DIR}/${slug}: run the import again to continue)`,
    });
    return undefined;
  }
}

class MediaError extends Error {}

/**
 * Downloads one media file into the staging folder as `<hash of its URL>.download` and probes it.
 * A file finished by an earlier run is there under that name and is only probed again.
 */
async function fetchMedia(
  item: SourceItem,
  enclosure: SourceEnclosure,
  staging: string,
  kept: Staging,
  where: string,
  c: EpisodeContext,
): Promise<FetchedMedia> {
  const key = createHash('sha256').update(enclosure.url).digest('hex').slice(0, 16);
  const { url: direct, stripped } = stripTracking(enclosure.url);
  if (stripped.length)
    c.report.fixed.push({
      where,
      message: `tracking prefix${stripped.length > 1 ? 'es' : ''} ${stripped.join(', ')} taken off for the download: ${direct}`,
    });
  const dest = path.join(staging, `${key}.download`);
  let declaredSize = enclosure.length;
  const fetchFrom = async (url: string) =>
    c.limiter.run(url, () =>
      download(url, dest, {
        http: c.http,
        signal: c.signal,
        media: true,
        resume: kept.part(path.basename(dest)),
        fresh: kept.made && !kept.fetched.has(dest),
        onMeta: (meta) => kept.setPart(path.basename(dest), meta),
        onBytes: (n) => {
          c.progress.done += n;
          c.tick();
        },
        onSize: (n) => {
          if (declaredSize === 0) c.progress.total += n;
          declaredSize ||= n;
        },
      }),
    );
  try {
    const got = await fetchFrom(direct);
    if (got.resumedFrom === got.bytes) {
      c.progress.done += got.bytes; // finished in an earlier run
      c.tick();
    }
  } catch (err) {
    if (c.signal?.aborted || direct === enclosure.url) throw err;
    // The tracker may be the only way to the file (a host that checks the referrer chain): try it.
    await fetchFrom(enclosure.url);
  }
  kept.fetched.add(dest);
  const probe = await probeMedia(dest);
  const facts: MediaFacts | undefined = probe.facts;
  const errors = probe.findings.filter((f) => f.level === 'error');
  if (!facts || errors.length) {
    await fsp.rm(dest, { force: true });
    throw new MediaError(
      `${enclosure.url}: not a media file a podcast app can play (${errors.map((e) => e.message).join('; ') || 'unknown format'})`,
    );
  }
  if (enclosure.length > 0 && facts.size !== enclosure.length) {
    c.report.fixed.push({
      where,
      message: `${enclosure.url}: the feed declared ${enclosure.length} bytes, the server sent a whole file of ${facts.size} (it probes as complete media): the new feed says ${facts.size}`,
    });
  }
  if (!mimeFits(facts, enclosure.type)) {
    c.report.fixed.push({
      where,
      message: `${enclosure.url}: the feed called it ${enclosure.type}, its bytes are ${facts.mime}: named and served as what it is`,
    });
  }
  const format = formatOfFacts(facts, enclosure.type);
  let durationNote: string | undefined;
  if (
    enclosure === item.enclosure &&
    item.duration !== undefined &&
    facts.duration !== undefined &&
    Math.abs(item.duration - facts.duration) > Math.max(5, facts.duration * 0.05)
  ) {
    durationNote = `itunes:duration said ${Math.round(item.duration)} s, the file plays ${Math.round(facts.duration)} s: the new feed gives the file's`;
  }
  return { format, file: dest, probe: { facts, findings: probe.findings }, durationNote };
}

interface FetchedMedia {
  format: string;
  /** In the staging folder. */
  file: string;
  /** What probeMedia said of it. */
  probe: ProbeResult & { facts: MediaFacts };
  durationNote?: string;
}

/**
 * Gives the check the facts of a media file now in the show (at `finalPath`), as probeMedia would
 * find them there: the probe here read it under its download name, and the file name's extension
 * picks among one container's MIME types (an MP4 is audio/x-m4a as .m4a, video/mp4 as .mp4).
 * A rename keeps size and mtime.
 */
function handFacts(c: EpisodeContext, finalPath: string, format: string, probe: FetchedMedia['probe']): void {
  // Keyed on the size and mtime the probe saw: a file changed since is probed again by the check.
  c.facts.set(finalPath, probe.facts, {
    ...probe,
    facts: { ...probe.facts, mime: mimeFor(probe.facts.container, probe.facts.hasVideo, format) },
  });
}

/** The episode's image, chapters and transcript, each optional: a failure is reported, the episode goes on. */
async function fetchExtras(
  item: SourceItem,
  staging: string,
  where: string,
  c: EpisodeContext,
): Promise<{ image?: string; transcript?: string }> {
  const out: { image?: string; transcript?: string } = {};
  if (item.imageUrl && item.imageUrl !== c.feed.imageUrl) {
    try {
      const bytes = await fetchSmall(item.imageUrl, MAX_IMAGE_BYTES, c);
      const ext = imageExtension(bytes);
      if (!ext || (ext !== 'jpg' && ext !== 'png'))
        throw new MediaError(`${item.imageUrl}: ${ext ? `a ${ext.toUpperCase()} image (Apple takes JPEG or PNG)` : 'not an image'}`);
      await fsp.writeFile(path.join(staging, `cover.${ext}`), bytes);
      out.image = `cover.${ext}`;
    } catch (err) {
      if (c.signal?.aborted) throw err;
      c.report.notImported.push({ where, message: `the episode image: ${(err as Error).message}` });
    }
  }
  if (item.chaptersUrl) {
    try {
      const bytes = await fetchSmall(item.chaptersUrl, MAX_TEXT_BYTES, c);
      const data = JSON.parse(bytes.toString('utf8')) as { chapters?: unknown };
      if (!Array.isArray(data?.chapters)) throw new MediaError(`${item.chaptersUrl}: not Podcast Index JSON chapters (no "chapters" list)`);
      await fsp.writeFile(path.join(staging, 'chapters.json'), bytes);
    } catch (err) {
      if (c.signal?.aborted) throw err;
      c.report.notImported.push({ where, message: `the chapters: ${(err as Error).message}` });
    }
  } else if (item.simpleChapters?.length) {
    // Podlove Simple Chapters -> JSON chapters (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md).
    const chapters: Chapter[] = item.simpleChapters;
    await fsp.writeFile(path.join(staging, 'chapters.json'), `${JSON.stringify({ version: '1.2.0', chapters }, null, 2)}\n`);
    c.report.fixed.push({ where, message: `${chapters.length} Podlove Simple Chapters converted to chapters.json` });
  }
  // Transcripts netcaster serves: WebVTT and SRT. The others are listed.
  const kinds: Record<string, string> = { 'text/vtt': 'vtt', 'application/x-subrip': 'srt', 'application/srt': 'srt', 'text/srt': 'srt' };
  const usable = item.transcripts
    .filter((t) => kinds[t.type])
    .sort((a, b) => (kinds[a.type] === 'vtt' ? -1 : 0) - (kinds[b.type] === 'vtt' ? -1 : 0));
  for (const t of item.transcripts) {
    if (t !== usable[0])
      c.report.notImported.push({
        where,
        message: `the transcript ${t.url} (${t.type || 'no type'}): netcaster publishes one WebVTT or SRT transcript`,
      });
  }
  if (usable[0]) {
    try {
      const bytes = await fetchSmall(usable[0].url, MAX_TEXT_BYTES, c);
      const name = `transcript.${kinds[usable[0].type]}`;
      await fsp.writeFile(path.join(staging, name), bytes);
      out.transcript = name;
    } catch (err) {
      if (c.signal?.aborted) throw err;
      c.report.notImported.push({ where, message: `the transcript: ${(err as Error).message}` });
    }
  }
  return out;
}

async function fetchSmall(
  url: string,
  limit: number,
  c: { http: HttpOptions; signal?: AbortSignal; limiter: HostLimiter },
): Promise<Buffer> {
  return c.limiter.run(url, () =>
    withRetries(
      async () => {
        const fetched = await get(url, { http: c.http, signal: c.signal });
        const failed = statusError(fetched);
        if (failed) {
          discard(fetched);
          throw failed;
        }
        return readBody(fetched, limit);
      },
      c.http,
      c.signal,
    ),
  );
}

// --- show.yaml ---------------------------------------------------------------------------------

async function newShowManifest(
  feed: SourceFeed,
  feedName: string,
  format: string,
  alternates: string[],
  options: ImportOptions,
  c: EpisodeContext,
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
  const baseUrl = options.baseUrl?.replace(/\/+$/, '') ?? baseUrlOfNetcasterFeed(feed.selfUrl);
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

/** The show's artwork, fetched into the staging folder, with what the check's probe of it will find. */
interface StagedArtwork {
  /** Its name in the show: artwork.jpg or artwork.png. */
  name: string;
  /** Where it waits, in the staging folder. */
  staged: string;
  probe: { facts?: ImageFacts; findings: Finding[] };
}

/** Fetches the show's artwork into the staging folder and probes it as the check would. Throws MediaError or HttpError. */
async function stageShowArtwork(url: string, c: EpisodeContext): Promise<StagedArtwork> {
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
function feedGuidToKeep(feed: SourceFeed, feedName: string, baseUrl: string | undefined, report: ImportReport): string | undefined {
  const oldGuid = feed.podcastGuid ?? podcastGuid(feed.selfUrl ?? feed.source);
  if (!/^[0-9a-fA-F-]{36}$/.test(oldGuid)) {
    report.notImported.push({ where: 'channel', message: `podcast:guid "${oldGuid}" is not a UUID` });
    return undefined;
  }
  const newFeedUrl = baseUrl ? `${baseUrl.replace(/\/+$/, '')}/feeds/${feedName}.xml` : undefined;
  return newFeedUrl && podcastGuid(newFeedUrl) === oldGuid ? undefined : oldGuid;
}

/** The feed's entry in show.yaml; its own description when the show's says something else. */
function feedDef(
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

function existingFormatOf(show: ShowManifest | undefined, name: string | undefined): string | undefined {
  return name && show?.feeds[name]?.enclosure;
}

const header = '# Written by `netcaster import`; yours to edit from now on.\n';

/**
 * Hands the check a manifest with the text it was written as (ImportOutcome.written), when that
 * text surely parses back to it: YAML gives back every string as it was, except characters it
 * treats as line breaks or byte order marks (NEL, LS, PS, BOM) and other controls, which a title
 * from a feed may hold; a manifest with one of those is left for the check to parse.
 */
function handManifest(c: EpisodeContext, text: string, manifest: object): void {
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/.test(text)) c.written.set(text, manifest);
}

function showYamlText(manifest: ShowManifest): string {
  return header + stringifyYaml(manifest);
}

function episodeYamlText(manifest: EpisodeManifest): string {
  return header + '# The guid is how podcast apps know this episode: never change it.\n' + stringifyYaml(manifest);
}

/** Write through a temp file and a rename: a crash never leaves half a file. */
function writeAtomic(file: string, data: string | Buffer, overwrite: boolean): void {
  if (!overwrite && fs.existsSync(file)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true }); // a full disk must not leave the half-written temp file in the show
    throw err;
  }
}

// --- netcaster.lock ----------------------------------------------------------------------------

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

// --- The report --------------------------------------------------------------------------------

function checklist(report: ImportReport, manifest: ShowManifest | undefined, feedName: string, oldUrl: string, feed: SourceFeed): string[] {
  const lines: string[] = [];
  const base = manifest?.baseUrl;
  const newUrl = base ? `${base.replace(/\/+$/, '')}/feeds/${feedName}.xml` : undefined;
  if (!base)
    lines.push(
      `Set baseUrl in show.yaml to the address where the show will live (or import with --base-url); the new feed is then <baseUrl>/feeds/${feedName}.xml.`,
    );
  else
    lines.push(
      `The new feed: ${newUrl}${newUrl === (feed.selfUrl ?? oldUrl) ? ' (the same URL as before: subscribers need nothing)' : ''}`,
    );
  if (newUrl !== (feed.selfUrl ?? oldUrl)) {
    lines.push(
      `On the old host, set <itunes:new-feed-url>${newUrl ?? '<the new feed URL>'}</itunes:new-feed-url> in ${feed.selfUrl ?? oldUrl}.`,
    );
    lines.push(
      `Answer the old feed URL ${feed.selfUrl ?? oldUrl} with a 301 redirect to the new one, and keep it until subscribers have moved (months, not days).`,
    );
    lines.push(
      'Publish the new site (netcaster build --out, or netcaster serve) before redirecting, and tell Apple Podcasts, Spotify and the Podcast Index if they do not pick up the move on their own.',
    );
  }
  if (report.failed.length)
    lines.push(`${report.failed.length} episode file(s) could not be fetched this time: run the same import again to continue.`);
  if (report.notImported.length) lines.push(`${report.notImported.length} thing(s) could not be imported: see "Not imported" above.`);
  return lines;
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
