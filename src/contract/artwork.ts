// Artwork as the pages and feeds see it: each image of the show in the sizes and formats made
// for it (src/artwork/variants.ts makes them; the pure builders only name them).

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
