// The site: every URL of a show, as the pure builders produce it. The Express server serves
// exactly this map (plus /download/ twins of /media/ entries); the static export writes it out.
// URL layout: docs/show-folder.md.

/** A resized or re-encoded image, named by its content so a rebuild writes identical files. */
export interface ImageVariant {
  /** What the pages or feeds use it for: 'feed' is the original file (1400-3000 px) for itunes:image. */
  purpose: 'feed' | 'page' | 'thumbnail' | 'og';
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp' | 'avif';
  /** Content-hashed name; the URL is /artwork/<fileName>. */
  fileName: string;
  /** Absolute path of the bytes (the original image for 'feed', a generated file otherwise). */
  path: string;
  size: number;
  /** Modification time of a generated file (absent for 'feed', the original image: its ImageFacts have it). */
  mtimeMs?: number;
}

/** Source image path (absolute) -> its variants. Made by src/artwork/variants.ts (the only I/O before the pure builders). */
export type ArtworkSet = Map<string, ImageVariant[]>;

export type SiteEntry =
  /**
   * Generated in memory: pages, feeds, chapters JSON. `body` may be rendered when first read
   * (src/site/map.ts); `prepare`, when there, renders it off the main thread first, and a server
   * awaits it before reading `body`.
   */
  | { kind: 'content'; contentType: string; body: string; prepare?: () => Promise<void> }
  /** A file on disk served as is: media, transcripts, artwork. */
  | {
      kind: 'file';
      contentType: string;
      path: string;
      /** The size and modification time the catalog saw: the server sends these bytes or none (src/site/http/published-files.ts). */
      size: number;
      mtimeMs: number;
      /** The folder whose real path must contain the file's (the show folder); by default the folder that holds it, so a link elsewhere is refused. */
      root?: string;
    };

/** URL path ('/', '/episodes/<slug>/', '/feeds/audio.xml', '/media/<slug>/<file>', '/artwork/<name>') -> entry. */
export type SiteMap = Map<string, SiteEntry>;

export interface SiteOptions {
  /** Public URL of the site, no trailing slash. */
  baseUrl: string;
  /** Where enclosures point instead of <baseUrl>/media: M/<slug>/<file>. */
  mediaBaseUrl?: string;
  /** The clock, passed in: what is published depends on it. */
  now: Date;
}
