// What a request path names in a show: an episode's media file (with its one-minute byte offset)
// or a feed. The same for `serve` (/media/, /download/) and a `build` hosted elsewhere, where
// media may also sit at `--media-base-url`/<slug>/<file>.
import fs from 'node:fs';
import type { Catalog } from '../contract/catalog.js';
import type { Hit } from './engine.js';
import { oneMinuteBytes } from './one-minute.js';

export interface MediaTarget {
  episode: string;
  format: string;
  file: string;
  path: string;
  video: boolean;
}

export class ShowTargets {
  private readonly media = new Map<string, MediaTarget>();
  private readonly feedNames: Set<string>;
  private readonly thresholds = new Map<string, { size: number; mtimeMs: number; bytes: number; checkedAt: number }>();

  constructor(readonly catalog: Catalog) {
    for (const episode of catalog.episodes) {
      for (const m of episode.media) {
        this.media.set(`${episode.slug}/${m.fileName}`, {
          episode: episode.slug,
          format: m.format,
          file: m.fileName,
          path: m.path,
          video: m.facts.hasVideo,
        });
      }
    }
    this.feedNames = new Set(catalog.show.feeds.map((f) => f.name));
  }

  /** Paths already resolved: a log names the same few files a million times. */
  private readonly resolved = new Map<string, Hit['target'] & { media?: MediaTarget }>();

  /** The hit's target for a request path (percent-encoded or not); the same object for the same path. */
  resolve(pathname: string): Hit['target'] & { media?: MediaTarget } {
    let found = this.resolved.get(pathname);
    if (!found) {
      found = this.resolveNew(pathname);
      // Bounded: a scan of made-up paths must not grow it without end.
      if (this.resolved.size >= 10_000) this.resolved.clear();
      this.resolved.set(pathname, found);
    }
    return found;
  }

  private resolveNew(pathname: string): Hit['target'] & { media?: MediaTarget } {
    const segments = pathname.split('/').filter(Boolean).map(safeDecode);
    if (segments.length === 2 && segments[0] === 'feeds' && segments[1].endsWith('.xml')) {
      const feed = segments[1].slice(0, -4);
      if (this.feedNames.has(feed)) return { kind: 'feed', feed };
    }
    if (segments.length >= 2) {
      const media = this.media.get(`${segments[segments.length - 2]}/${segments[segments.length - 1]}`);
      if (media) return { kind: 'media', episode: media.episode, format: media.format, file: `${media.episode}/${media.file}`, media };
    }
    return { kind: 'other' };
  }

  /** The file's size and its one-minute byte offset, worked out once per version of the file. */
  threshold(media: MediaTarget): { size: number; bytes: number } | undefined {
    const known = this.thresholds.get(media.path);
    // A file is looked at again at most once a second (an import asks a million times).
    if (known && Date.now() - known.checkedAt < 1000) return known;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(media.path);
    } catch {
      return undefined;
    }
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
      known.checkedAt = Date.now();
      return known;
    }
    try {
      const found = { size: stat.size, mtimeMs: stat.mtimeMs, bytes: oneMinuteBytes(media.path).bytes, checkedAt: Date.now() };
      this.thresholds.set(media.path, found);
      return found;
    } catch {
      return undefined;
    }
  }

  isVideoFormat(format: string): boolean {
    for (const m of this.media.values()) if (m.format === format) return m.video;
    return false;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
