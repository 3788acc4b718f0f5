// The one adapter around sharp: reads image facts, checks podcast artwork rules, and renders
// resized copies for variants.ts. Nothing else in netcaster imports sharp.
//
// Artwork rules are Apple's (https://podcasters.apple.com/support/896-artwork-requirements):
// square, 1400 x 1400 to 3000 x 3000 px, JPEG or PNG, RGB colour space, no transparency.
import fs from 'node:fs';
import path from 'node:path';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import type { ImageFacts } from '../contract/catalog.js';
import type { Finding } from '../contract/problems.js';

// sharp (native libvips) loads on first use, so callers that only need checkArtwork, or a
// check whose image facts are all cached, never pay for it.
let loaded: Promise<(input?: Buffer | string, options?: SharpOptions) => Sharp> | undefined;
const sharp = (input: Buffer | string, options: SharpOptions = DECODE_LIMITS) =>
  (loaded ??= import('sharp').then((m) => m.default)).then((make) => make(input, options));
/** For metadata() only, which reads the header and no pixel: sharp's pixel limit would refuse the header of a huge image, which we want to read and name. */
const HEADER_ONLY: SharpOptions = { limitInputPixels: false };

/** Apple's limits for show and episode artwork. */
export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;

// What sharp may decode (https://sharp.pixelplumbing.com/api-constructor):
const DECODE_LIMITS: SharpOptions = {
  // No artwork we accept has more pixels, so nothing bigger is ever decoded: a 10000 x 10000 PNG
  // of 2 MB would take 6 s and 556 MB. probeImage judges the size from the header before this.
  limitInputPixels: ARTWORK_MAX_PX * ARTWORK_MAX_PX,
  // A cut-off file fails instead of decoding to a grey lower half.
  failOn: 'truncated',
};

/**
 * Larger files are refused unread. A 3000 x 3000 PNG with 16-bit RGBA channels, stored without
 * compression, is 72 MB; real artwork is a few hundred KB (Apple asks for well under 1 MB).
 */
export const MAX_IMAGE_BYTES = 80 * 1024 * 1024;

/** What each file name extension promises about the bytes. */
const extensionFormats: Record<string, string> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.gif': 'gif',
  '.avif': 'heif',
  '.heic': 'heif',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

const formatNames: Record<string, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  heif: 'HEIF/AVIF',
  tiff: 'TIFF',
  svg: 'SVG',
};

/** What probeImage finds: the image's facts when it could read them, and what is wrong with it. */
export interface ImageProbe {
  facts?: ImageFacts;
  findings: Finding[];
}

/** Probes started by probeImageAhead and not yet taken, by path and name. */
const probedAhead = new Map<string, Promise<ImageProbe>>();

/**
 * Starts probing an image before the check asks for it: `build` starts the show artwork's as soon
 * as show.yaml is read, ahead of its copies (variants.ts). The check's probeImage of the same file
 * then takes this result. Asked for later, its sharp calls waited in libuv's thread pool behind the
 * six copies' (each tens of milliseconds), and the whole check with them: 100-140 ms of a cold
 * build of 300 episodes (issue 12).
 */
export function probeImageAhead(absPath: string, file: string): Promise<ImageProbe> {
  const probe = probeImageNow(absPath, file);
  probedAhead.set(`${absPath}\0${file}`, probe);
  return probe;
}

/**
 * Reads an image's facts from its bytes. Never throws for a bad file: an unreadable file, bytes
 * that are not an image, or an image whose name promises another format come back as findings.
 * `file` is the path relative to the show folder, used in messages. A probe started ahead of the
 * same file is taken if the file still has the size and time that probe read.
 */
export async function probeImage(absPath: string, file: string): Promise<ImageProbe> {
  const key = `${absPath}\0${file}`;
  const ahead = probedAhead.get(key);
  if (ahead) {
    probedAhead.delete(key);
    const probe = await ahead;
    const now = fs.statSync(absPath, { throwIfNoEntry: false });
    if (probe.facts && now?.size === probe.facts.size && now.mtimeMs === probe.facts.mtimeMs) return probe;
  }
  return probeImageNow(absPath, file);
}

async function probeImageNow(absPath: string, file: string): Promise<ImageProbe> {
  const read = readBounded(absPath, file);
  if ('finding' in read) return { findings: [read.finding] };
  const { bytes, stat } = read;

  // The header first: it tells the format and the size without decoding a pixel.
  let meta: Metadata;
  try {
    meta = await (await sharp(bytes, HEADER_ONLY)).metadata();
  } catch {
    return { findings: [{ level: 'error', message: `${file} is not an image: its bytes look like ${describeBytes(bytes)}` }] };
  }
  if (!meta.format || !meta.width || !meta.height) {
    return { findings: [{ level: 'error', message: `${file} is not an image sharp can read (format ${meta.format ?? 'unknown'})` }] };
  }

  // Then the pixels, only for a format and size we could accept (checkArtwork reports any other):
  // a header can be whole while the rest of the file is cut off or damaged, and such an image
  // would pass here and break every step that renders it.
  let opaque: boolean | undefined;
  if ((meta.format === 'jpeg' || meta.format === 'png') && meta.width <= ARTWORK_MAX_PX && meta.height <= ARTWORK_MAX_PX) {
    try {
      // Only pixels can tell transparency from an alpha channel that is opaque everywhere; stats
      // decodes them all. Without alpha, a decode to a thumbnail reads every byte too, and costs
      // a tenth (JPEG decodes at 1/8 scale).
      if (meta.hasAlpha) opaque = (await (await sharp(bytes)).stats()).isOpaque;
      else await (await sharp(bytes)).resize(8, 8, { fit: 'fill' }).raw().toBuffer();
    } catch (err) {
      return {
        findings: [
          {
            level: 'error',
            message: `${file} is damaged: its header is readable but its pixels are not (${(err as Error).message.trim()}); was it cut short? Export it again`,
          },
        ],
      };
    }
  }

  const facts: ImageFacts = {
    path: absPath,
    file,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    format: meta.format,
    width: meta.width,
    height: meta.height,
    space: meta.space ?? 'unknown',
    hasAlpha: meta.hasAlpha ?? false,
  };
  if (opaque !== undefined) facts.transparentPixels = !opaque;

  const findings: Finding[] = [];
  const promised = extensionFormats[path.extname(file).toLowerCase()];
  if (promised && promised !== meta.format) {
    // Servers pick Content-Type from the name, so a PNG called .jpg is sent as image/jpeg.
    findings.push({
      level: 'error',
      message: `${file} is named ${path.extname(file)} but its bytes are a ${formatName(meta.format)} image; rename it or re-save it as ${formatName(promised)}`,
    });
  }
  return { facts, findings };
}

/**
 * The file's bytes and stat, read only if it is a regular file of at most MAX_IMAGE_BYTES. With
 * synchronous calls, as every small file of a show is read (show-file.ts): through libuv's thread
 * pool, each of them waited behind whatever sharp was doing there.
 */
function readBounded(absPath: string, file: string): { bytes: Buffer; stat: { size: number; mtimeMs: number } } | { finding: Finding } {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO named artwork.jpg must not hang us on open.
    fd = fs.openSync(absPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { finding: { level: 'error', message: `${file} is not a regular file` } };
    if (stat.size > MAX_IMAGE_BYTES) {
      return {
        finding: {
          level: 'error',
          message: `${file} is ${Math.round(stat.size / 1024 / 1024)} MB, too large to be artwork (at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB)`,
        },
      };
    }
    const bytes = Buffer.alloc(stat.size);
    let filled = 0;
    for (let n = -1; n !== 0 && filled < bytes.length; filled += n) n = fs.readSync(fd, bytes, filled, bytes.length - filled, filled);
    return { bytes: bytes.subarray(0, filled), stat };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { finding: { level: 'error', message: code === 'ENOENT' ? `${file} is missing` : `${file} cannot be read (${code})` } };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Apple's artwork rules, checked on facts already read (so cached facts can be re-checked). */
export function checkArtwork(facts: ImageFacts, fileName: string): Finding[] {
  const findings: Finding[] = [];
  const error = (message: string) => findings.push({ level: 'error', message: `${fileName} ${message}` });
  const { width, height } = facts;

  if (facts.format !== 'jpeg' && facts.format !== 'png') {
    error(`must be JPEG or PNG, got ${formatName(facts.format)}`);
  }
  if (width !== height) {
    error(`must be square, got ${width} x ${height} px`);
  }
  const side = Math.min(width, height);
  const longest = Math.max(width, height);
  if (side < ARTWORK_MIN_PX) {
    error(`is too small: ${width} x ${height} px, Apple needs at least ${ARTWORK_MIN_PX} x ${ARTWORK_MIN_PX}`);
  } else if (longest > ARTWORK_MAX_PX) {
    error(`is too large: ${width} x ${height} px, Apple takes at most ${ARTWORK_MAX_PX} x ${ARTWORK_MAX_PX}`);
  }
  if (!RGB_SPACES.has(facts.space)) {
    error(`must be in the RGB colour space, got ${SPACE_NAMES[facts.space] ?? facts.space}`);
  }
  if (facts.transparentPixels) {
    error('has transparent pixels; Apple rejects artwork with transparency: flatten it onto a background');
  } else if (facts.hasAlpha && facts.transparentPixels === false) {
    // Only when its pixels were read (JPEG and PNG): of any other image, nothing is known of them.
    findings.push({
      level: 'warning',
      message: `${fileName} has an alpha channel (every pixel is opaque); save it without alpha to be safe, Apple rejects transparency`,
    });
  }
  return findings;
}

// sharp's names (libvips interpretations) for RGB images, 8 and 16 bits per channel.
const RGB_SPACES = new Set(['srgb', 'rgb', 'rgb16']);
const SPACE_NAMES: Record<string, string> = { cmyk: 'CMYK', 'b-w': 'greyscale', grey16: 'greyscale (16 bit)', lab: 'Lab' };

/** Options that change the pixels of a rendered copy; variants.ts hashes them into the name. */
export interface RenderOptions {
  /** Target width in px; never enlarges a smaller source. */
  width: number;
  format: 'jpeg' | 'webp' | 'avif' | 'png';
  quality: number;
}

/** A resized, re-encoded copy of an image, as bytes plus its real size. */
export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Several copies of one image, decoded once: upright (EXIF orientation honoured, so the copies
 * need no metadata), in sRGB, at the widest copy's width, and every copy resized from those
 * pixels. Decoding and resizing a 1400 px JPEG was some 13 ms of CPU for each of the six copies a
 * show's artwork gets; once, the copies took 20-25% less CPU in all (83 ms against 102 for the
 * bench's artwork, 141 against 175 for the sample show's), on the two cores a cold build shares
 * with probing (issue 12).
 * Each copy settles on its own; if the image cannot be decoded, every one is rejected with why.
 */
export async function renderCopies(source: Buffer, copies: RenderOptions[]): Promise<PromiseSettledResult<RenderedImage>[]> {
  let decoded: { data: Buffer; info: { width: number; height: number; channels: 1 | 2 | 3 | 4 } };
  try {
    decoded = await (await sharp(source))
      .rotate()
      .resize({ width: Math.max(...copies.map((c) => c.width)), withoutEnlargement: true })
      // Copies are for browsers: sRGB, 8 bits a channel.
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    return copies.map(() => ({ status: 'rejected', reason: err }));
  }
  const { width, height, channels } = decoded.info;
  return Promise.allSettled(
    copies.map(async (options) => {
      let pipeline = (await sharp(decoded.data, { raw: { width, height, channels } })).resize({
        width: options.width,
        withoutEnlargement: true,
      });
      if (options.format === 'jpeg') {
        // libjpeg-turbo's own encoder, not mozjpeg's: mozjpeg's trellis search took 3-4x the CPU (a
        // 1400 px photo to 1200 px: 76 ms against 20) for files 18-23% smaller, and these JPEGs are the
        // fallbacks of browsers without WebP or AVIF and the link-preview image crawlers fetch once.
        // A cold build makes them beside everything else on two cores (issue 12). JPEG has no
        // transparency: flattened onto white.
        pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: options.quality });
      } else if (options.format === 'webp') {
        pipeline = pipeline.webp({ quality: options.quality });
      } else if (options.format === 'avif') {
        // Chroma at half resolution, as in the JPEG and WebP copies (sharp's AVIF keeps it whole by
        // default): the 600 px copy of the sample show's artwork took 58 ms of CPU instead of 67, its
        // file 4% smaller (the bench's artwork 26 instead of 31); a cold build of 300 MP3s 7-17 ms
        // less (12 alternated runs, twice).
        pipeline = pipeline.avif({ quality: options.quality, effort: 2, chromaSubsampling: '4:2:0' });
      } else {
        pipeline = pipeline.png({ compressionLevel: 9 });
      }
      const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    }),
  );
}

/** Width and height from an image's header (for variants already on disk). */
export async function imageSize(absPath: string): Promise<{ width: number; height: number }> {
  const meta = await (await sharp(absPath)).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0 };
}

function formatName(format: string): string {
  return formatNames[format] ?? format.toUpperCase();
}

/** What bytes that sharp cannot decode appear to be, for a message a person can act on. */
function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) return 'nothing (the file is empty)';
  const head = bytes.subarray(0, 16);
  const ascii = head.toString('latin1');
  if (head[0] === 0xff && head[1] === 0xd8) return 'a damaged JPEG image';
  if (ascii.startsWith('\x89PNG')) return 'a damaged PNG image';
  if (ascii.startsWith('%PDF')) return 'a PDF document';
  if (ascii.startsWith('PK\x03\x04')) return 'a ZIP archive';
  if (ascii.startsWith('ID3') || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'MP3 audio';
  if (ascii.slice(4, 8) === 'ftyp') return 'an MP4 / QuickTime file';
  if (/^\s*<(\?xml|svg|!doctype|html)/i.test(bytes.subarray(0, 64).toString('utf8'))) return 'an HTML/XML/SVG document';
  const sample = bytes.subarray(0, 512);
  const printable = [...sample].every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127));
  if (printable || isUtf8Text(sample)) return 'text';
  return `unknown binary data (starting ${head.subarray(0, 8).toString('hex')})`;
}

function isUtf8Text(bytes: Buffer): boolean {
  try {
    // stream: a sample cut inside a multi-byte character is still text.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return !bytes.includes(0);
  } catch {
    return false;
  }
}
