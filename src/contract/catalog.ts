// The catalog: the one contract between the stages of netcaster.
//
//   show folder -> manifest -> probed facts -> CATALOG -> feeds / pages -> server | static export
//
// Everything downstream (feeds, pages, the routes table, the server, the exporter) reads only
// these types. They are plain data (JSON-serialisable) so a catalog can be cached whole.

/** A chapter, in seconds (Podcast Index JSON chapters: https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md). */
export interface Chapter {
  startTime: number;
  title: string;
  endTime?: number;
  url?: string;
  img?: string;
}

/** Facts read from a media file itself. Cached by (path, size, mtime). */
export interface MediaFacts {
  size: number;
  mtimeMs: number;
  /** Container as found in the bytes: 'MPEG' (MP3), 'MP4', 'WebM', 'Matroska', 'Ogg', 'FLAC', 'WAV', ... */
  container: string;
  /** MIME type derived from the container and tracks: audio/mpeg, video/x-m4v, video/mp4, audio/x-m4a, video/webm, audio/webm, audio/ogg ... */
  mime: string;
  audioCodec?: string;
  videoCodec?: string;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Seconds; absent only when it could not be determined (that is reported as a problem). */
  duration?: number;
  /** Average bits per second. */
  bitrate?: number;
  width?: number;
  height?: number;
  /** Embedded tags (ID3, MP4 ilst, Matroska tags). */
  tags: { title?: string; artist?: string; album?: string; year?: number; comment?: string; track?: number };
  /** Embedded chapters (ID3 CHAP, MP4 chapter track / Nero chpl). */
  chapters: Chapter[];
  coverArt?: { mime: string; bytes: number };
  /** MP4 only: the moov box comes before mdat, so playback can start before the whole file arrives. */
  fastStart?: boolean;
  /** MP3 only. */
  vbr?: boolean;
  xingHeader?: boolean;
  /** SRI form `sha256-<base64>`, computed only when first needed (podcast:integrity), then cached. */
  sha256?: string;
}

/** Facts read from an image file itself (via sharp). */
export interface ImageFacts {
  /** Absolute path. */
  path: string;
  /** Relative to the show folder. */
  file: string;
  size: number;
  mtimeMs: number;
  format: string; // 'jpeg' | 'png' | 'webp' | ...
  width: number;
  height: number;
  /** sharp's colour space: 'srgb', 'cmyk', 'b-w', ... */
  space: string;
  hasAlpha: boolean;
  /** Only read when hasAlpha: some pixel is not fully opaque (Apple rejects transparent artwork). Added by src/artwork. */
  transparentPixels?: boolean;
}

export interface EpisodeMedia {
  /** Format name from episode.yaml: 'mp3', 'm4v', 'webm', ... */
  format: string;
  /** File name inside the episode folder. */
  fileName: string;
  /** Absolute path. */
  path: string;
  facts: MediaFacts;
}

export type EpisodeType = 'full' | 'trailer' | 'bonus';

export interface Episode {
  /** Folder name; the episode's URL is /episodes/<slug>/. */
  slug: string;
  /** Absolute path of the episode folder. */
  dir: string;
  title: string;
  /** Publication time, ISO 8601 in UTC (`2014-09-01T22:00:00.000Z`). */
  date: string;
  summary: string;
  guid: string;
  number?: number;
  season?: number;
  episodeType: EpisodeType;
  explicit?: boolean;
  draft: boolean;
  image?: ImageFacts;
  /** Show notes as written (Markdown); rendering is the pages' and feeds' job. */
  notesMarkdown?: string;
  /** In the order episode.yaml lists them. */
  media: EpisodeMedia[];
  chapters?: { source: 'file' | 'embedded'; chapters: Chapter[] };
  transcript?: {
    path: string;
    fileName: string;
    mime: 'text/vtt' | 'application/x-subrip';
    /** For the routes table's file entry, as media have in their facts. */
    size: number;
    mtimeMs: number;
  };
  /** Where else the episode lives ("Also available on YouTube"). */
  links: { title: string; url: string }[];
}

export interface Person {
  name: string;
  role?: string;
  group?: string;
  img?: string;
  href?: string;
}

export interface FeedDef {
  /** Key under `feeds:`; the feed's URL is /feeds/<name>.xml. */
  name: string;
  title: string;
  description?: string;
  /** Format name whose file is the item's <enclosure>. */
  enclosure: string;
  /** Other formats offered as podcast:alternateEnclosure. */
  alternates: string[];
  /**
   * This feed's podcast:guid, when show.yaml sets it or netcaster.lock recorded it as published;
   * else the feed builder derives it from the feed URL. Each feed is its own podcast to Podcast
   * Index, so no two feeds share one (https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/tags/guid.md).
   */
  guid?: string;
  /** Only the newest `limit` published episodes are listed (show.yaml `limit:`); absent: all of them. */
  limit?: number;
}

export interface Show {
  /** Absolute path of the show folder. */
  dir: string;
  title: string;
  description: string;
  author: string;
  language: string;
  /** Public URL of the site, without a trailing slash. */
  baseUrl?: string;
  artwork: ImageFacts;
  owner?: { name: string; email: string };
  /** Apple category names, sub-category as "News/Tech News". */
  categories: string[];
  explicit: boolean;
  type: 'episodic' | 'serial';
  copyright?: string;
  locked?: boolean;
  funding: { url: string; text: string }[];
  persons: Person[];
  /** WebSub hubs to announce in feeds and to notify. */
  hubs: string[];
  feeds: FeedDef[];
}

export interface Catalog {
  show: Show;
  /** Every episode that passed its checks, newest first, whatever its status (see status.ts). */
  episodes: Episode[];
}

/**
 * What is read of a catalog to count, date and name its episodes: a warm `check`'s report, the
 * lock's promises, a build that finds OUT up to date. A Catalog is one; so is the brief a check
 * keeps beside its snapshot (src/catalog/snapshot.ts), some 100 bytes an episode against the
 * catalog's 700: a warm check of 10,000 episodes read and parsed 7 MB for a summary (issue 12).
 */
export interface CatalogBrief {
  show: Show;
  /** As Catalog's: newest first, whatever their status. */
  episodes: readonly EpisodeBrief[];
}

export type EpisodeBrief = Pick<Episode, 'slug' | 'guid' | 'date' | 'draft'>;
