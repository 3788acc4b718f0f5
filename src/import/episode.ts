// One item of the feed -> one episode of the show: its media downloaded (resumable, verified) and
// probed, its notes, image, chapters and transcript, and its episode.yaml, all in its staging
// folder (staging.ts) until the episode is whole.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Chapter, MediaFacts } from '../contract/catalog.js';
import { mimeFor } from '../media/mime.js';
import { probeMedia, type ProbeResult } from '../media/probe.js';
import { EPISODE_FILE, type LoadedEpisode } from '../show/load.js';
import type { EpisodeManifest } from '../show/schema.js';
import {
  fetchSmall,
  MAX_CHAPTERS_BYTES,
  MAX_IMAGE_BYTES,
  MAX_SUMMARY_CHARS,
  MAX_TRANSCRIPT_BYTES,
  MediaError,
  type ImportContext,
} from './context.js';
import { download, mediaByteLimit, type PartMeta } from './download.js';
import type { ItemSummary, SourceEnclosure, SourceItem } from './feed.js';
import { formatOfFacts, imageExtension, mimeFits } from './formats.js';
import { htmlToMarkdown, markdownToText, notesTooLarge } from './html-markdown.js';
import { HttpError } from './http.js';
import { episodeYamlText, handManifest, writeAtomic } from './manifest-files.js';
import { STAGING_DIR, STATE_FILE, Staging } from './staging.js';
import { stripTracking } from './values.js';

/** What an item becomes: a new episode folder, or one more format of an episode there. */
export interface Target {
  /** Its summary (the guid as it is kept); the item itself is read again when its turn comes. */
  item: ItemSummary;
  slug: string;
  existing?: LoadedEpisode;
  /** What an interrupted run left in the staging folder to resume its downloads with. */
  parts?: Record<string, PartMeta>;
}

/** A target whose item has been read again in full, to be imported now. */
export type ReadyTarget = Omit<Target, 'item'> & { item: SourceItem };

/** What an episode brought over, for show.yaml's format, netcaster.lock and the report. */
export interface EpisodeResult {
  slug: string;
  guid: string;
  date?: string;
  enclosureFormat: string;
  alternateFormats: string[];
}

/**
 * Brings one item over: a new episode folder, staged whole and moved into the show with one rename,
 * or one more format of an episode there. Undefined (and a line in the report) when it cannot come
 * this time; throws only for what ends the whole import (an abort, a full disk, a fault).
 */
export async function importEpisode(target: ReadyTarget, c: ImportContext): Promise<EpisodeResult | undefined> {
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
      handManifest(c.written, text, manifest);
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
    let notes = '';
    const tooLarge = item.notesHtml ? notesTooLarge(item.notesHtml) : undefined;
    if (tooLarge) {
      c.report.notImported.push({ where, message: `the show notes (${tooLarge}): write the episode's notes.md yourself` });
    } else if (item.notesHtml) notes = htmlToMarkdown(item.notesHtml, pageUrl);
    if (notes) fs.writeFileSync(path.join(staging, 'notes.md'), `${notes}\n`);
    if (item.summary && item.summary.length > MAX_SUMMARY_CHARS)
      c.report.fixed.push({
        where,
        message: `its summary of ${item.summary.length} characters was cut to the ${MAX_SUMMARY_CHARS} Apple Podcasts shows`,
      });
    const summary = cutAt(item.summary ?? (notes ? markdownToText(notes) : undefined) ?? item.title, MAX_SUMMARY_CHARS);
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
    handManifest(c.written, text, manifest);
    c.report.imported.push(slug);
    return { slug, guid: item.guid, date: item.date?.iso, enclosureFormat: main.format, alternateFormats };
  } catch (err) {
    // What a next run needs to continue, written before anything else happens.
    await kept.keep();
    await kept.finish();
    if (c.signal?.aborted) throw err;
    if (!(err instanceof HttpError) && !(err instanceof MediaError)) throw err;
    if (!(err instanceof HttpError && err.retryable)) {
      // What a next run would meet again (a 404, a redirect loop, a web page or a file past its
      // limit where the media should be): not an interruption to continue, and nothing kept.
      c.report.notImported.push({ where, message: err.message });
      await fsp.rm(staging, { recursive: true, force: true });
      return undefined;
    }
    c.report.failed.push({
      where,
      message: `${err.message} (what was downloaded is kept in ${STAGING_DIR}/${slug}: run the import again to continue)`,
    });
    return undefined;
  }
}

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
  c: ImportContext,
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
        maxBytes: mediaByteLimit(enclosure.length),
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

/** The first `max` characters of `text`, never half a surrogate pair. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max);
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
function handFacts(c: ImportContext, finalPath: string, format: string, probe: FetchedMedia['probe']): void {
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
  c: ImportContext,
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
      const bytes = await fetchSmall(item.chaptersUrl, MAX_CHAPTERS_BYTES, c);
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
      const bytes = await fetchSmall(usable[0].url, MAX_TRANSCRIPT_BYTES, c);
      const kind = kinds[usable[0].type];
      // What the server sent must be the transcript: a login or error page under its URL is not.
      const head = bytes.subarray(0, 4096).toString('utf8');
      if (
        kind === 'vtt'
          ? !/^\ufeff?WEBVTT(?:[ \t\r\n]|$)/.test(head)
          : /^\ufeff?\s*[<{]/.test(head) || !/\d:\d{2}[,.]\d{1,3}[ \t]*-->/.test(head)
      )
        throw new MediaError(
          `${usable[0].url}: not a ${kind === 'vtt' ? 'WebVTT' : 'SubRip'} file (the server sent ${JSON.stringify(head.trimStart().slice(0, 40))}...)`,
        );
      const name = `transcript.${kind}`;
      await fsp.writeFile(path.join(staging, name), bytes);
      out.transcript = name;
    } catch (err) {
      if (c.signal?.aborted) throw err;
      c.report.notImported.push({ where, message: `the transcript: ${(err as Error).message}` });
    }
  }
  return out;
}
