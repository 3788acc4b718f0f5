// The site: every URL of a show, as the pure builders produce it. The Express server serves
// exactly this map (plus /download/ twins of /media/ entries); the static export writes it out.
// URL layout: docs/show-folder.md.

export type SiteEntry =
  /**
   * Generated in memory: pages, feeds, chapters JSON. `body` may be rendered when first read
   * (src/site/routes.ts); `prepare`, when there, renders it off the main thread first, and a server
   * awaits it before reading `body`, or `bytes` when there: the body's UTF-8 bytes as prepare()
   * kept them (undefined if they were let go since), so a big feed is not copied for each request.
   */
  | { kind: 'content'; contentType: string; body: string; prepare?: () => Promise<void>; bytes?: () => Buffer | undefined }
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
export type SiteRoutes = Map<string, SiteEntry>;
