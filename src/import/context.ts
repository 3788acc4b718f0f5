// What the parts of an import share (importer.ts runs it, episode.ts brings each episode over,
// show-manifest.ts writes show.yaml): where it writes, how it fetches, where it reports, and what it
// hands the check that ends it.
import type { JsonCache } from '../catalog/cache.js';
import type { ImageFacts } from '../contract/catalog.js';
import type { Finding } from '../contract/problems.js';
import type { ProbeResult } from '../media/probe.js';
import { READ_LIMITS } from '../show/show-file.js';
import type { SourceFeed } from './feed.js';
import { discard, get, readBody, statusError, withRetries, type HostLimiter, type HttpOptions } from './http.js';
import type { ImportReport } from './report.js';

/** Chapters and transcripts: no larger than check reads them (a larger file came over only to make the show fail check). */
export const MAX_CHAPTERS_BYTES = READ_LIMITS.chapters;
export const MAX_TRANSCRIPT_BYTES = READ_LIMITS.transcript;
/** An episode's summary, in characters: Apple's bound for itunes:summary and description. */
export const MAX_SUMMARY_CHARS = 4000;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** What an import's parts share: where it writes, how it fetches, where it reports, what it hands the check. */
export interface ImportContext {
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

/** The show's artwork, fetched into the staging folder, with what the check's probe of it will find. */
export interface StagedArtwork {
  /** Its name in the show: artwork.jpg or artwork.png. */
  name: string;
  /** Where it waits, in the staging folder. */
  staged: string;
  probe: { facts?: ImageFacts; findings: Finding[] };
}

/** A fetched file that is not what it must be (not an image, not JSON chapters, media that does not probe): the episode's problem, reported. */
export class MediaError extends Error {}

/** A small file (an image, chapters, a transcript) read whole, at most `limit` bytes, a few at a time per host, with retries. */
export async function fetchSmall(
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
        return readBody(fetched, limit, c.http);
      },
      c.http,
      c.signal,
    ),
  );
}
