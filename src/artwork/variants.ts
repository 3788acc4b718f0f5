// The artwork sizes the pages and feeds use, named by purpose (as Castopod does) and by content
// (as eleventy-img does): a generated file's name is a hash of the source bytes plus the options
// that change its pixels, so a rebuild writes identical files and a URL changes only when the
// picture does. Files already in the cache are never rewritten.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImageFacts } from '../contract/catalog.js';
import type { Problem } from '../contract/problems.js';
import type { ArtworkSet, ImageVariant } from '../contract/artwork.js';
import { imageSize, probeImageAhead, renderCopies, type RenderedImage, type RenderOptions } from './image.js';
import { READ_LIMITS, readRegularFile } from '../show/show-file.js';
import { readVariantSize } from './variant-size.js';

interface VariantSpec extends RenderOptions {
  purpose: Exclude<ImageVariant['purpose'], 'feed'>;
}

// One line per default, with its reason.
const specs: VariantSpec[] = [
  // Episode and show pages: 600 px covers a 300 px box on 2x screens.
  { purpose: 'page', width: 600, format: 'avif', quality: 55 }, // smallest, for browsers that take it
  { purpose: 'page', width: 600, format: 'webp', quality: 80 }, // every current browser
  { purpose: 'page', width: 600, format: 'jpeg', quality: 82 }, // the <img> fallback
  // Episode lists: 160 px covers an 80 px thumbnail on 2x screens.
  { purpose: 'thumbnail', width: 160, format: 'webp', quality: 80 },
  { purpose: 'thumbnail', width: 160, format: 'jpeg', quality: 82 },
  // Open Graph / link previews: 1200 px wide is what the large cards ask for; JPEG is read everywhere.
  { purpose: 'og', width: 1200, format: 'jpeg', quality: 85 },
];

const extensions: Record<RenderOptions['format'], string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif', png: 'png' };

/** Where a problem with one image goes when the caller names no other place: stderr, one line. */
function reportToStderr(problem: Problem): void {
  process.stderr.write(`${problem.level}: ${problem.file}: ${problem.message}\n`);
}

/**
 * For each image: the original as the `feed` variant (itunes:image wants the 1400-3000 px file
 * itself), plus page, thumbnail and og copies written into cacheDir if not there yet.
 *
 * One bad image never stops the others: an image that cannot be read or rendered (changed or
 * damaged since it was checked) is reported to `report` and keeps only what could be made, at
 * least its feed variant, so every feed and page can still be built; pages show no picture for it.
 */
export async function makeVariants(
  images: ImageFacts[],
  cacheDir: string,
  report: (problem: Problem) => void = reportToStderr,
): Promise<ArtworkSet> {
  await fs.mkdir(cacheDir, { recursive: true });
  const unique = [...new Map(images.map((image) => [image.path, image])).values()];
  const set: ArtworkSet = new Map();
  await Promise.all(
    unique.map(async (image) => {
      set.set(image.path, await variantsOf(image, cacheDir, report));
    }),
  );
  return set;
}

/**
 * Makes the page, thumbnail and link-preview copies of an image file into cacheDir ahead of
 * makeVariants, which then finds them made. `build` starts this for the show's artwork as soon as
 * show.yaml is read, so sharp encodes on its own threads (the AVIF copy alone is some hundred
 * milliseconds of CPU) while the media files are probed, instead of after. When there are copies to
 * make, the check's probe of the image (`name`, as the manifest names it) is started first
 * (probeImageAhead): behind the copies in libuv's thread pool, it held up the whole check. Reports
 * nothing and never rejects: whatever fails here, makeVariants meets again and reports.
 */
export async function prepareVariants(file: string, cacheDir: string, name: string): Promise<void> {
  try {
    const source = readRegularFile(file, READ_LIMITS.artwork);
    if (!source) return;
    await fs.mkdir(cacheDir, { recursive: true });
    const sourceHash = sha256(source);
    await generate(source, sourceHash, cacheDir, () => probeImageAhead(file, name));
  } catch {
    // makeVariants says what is wrong.
  }
}

async function variantsOf(image: ImageFacts, cacheDir: string, report: (problem: Problem) => void): Promise<ImageVariant[]> {
  const feed: ImageVariant = {
    purpose: 'feed',
    width: image.width,
    height: image.height,
    format: image.format as ImageVariant['format'],
    fileName: '',
    path: image.path,
    size: image.size,
  };
  // Through the show-file guard's read: a regular file only (never a FIFO or a device), bounded,
  // and the very bytes the check judged (same size), or none at all.
  const source = readRegularFile(image.path, READ_LIMITS.artwork);
  if (!source || source.length !== image.size) {
    // Gone, replaced or unreadable since it was checked: named by what the check saw of it.
    report({
      level: 'error',
      file: image.file,
      message: `changed or became unreadable since it was checked; the artwork copies were not made (check again)`,
    });
    const seen = sha256(Buffer.from(`${image.path}\n${image.size}\n${image.mtimeMs}`));
    return [{ ...feed, fileName: `${seen.slice(0, 12)}-${path.basename(image.path)}` }];
  }
  const sourceHash = sha256(source);
  feed.fileName = `${sourceHash.slice(0, 12)}-${path.basename(image.path)}`;
  feed.size = source.length;
  const settled = await generate(source, sourceHash, cacheDir);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // Writing into the cache failing is the machine's fault (disk full...), not the image's.
  const machine = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof RenderError));
  if (machine) throw machine.reason;
  if (failed) {
    const reason = failed.reason instanceof Error ? failed.reason.message.trim() : String(failed.reason);
    report({
      level: 'error',
      file: image.file,
      message: `the page, thumbnail and link-preview copies cannot be made (${reason}); is the image damaged? Export it again`,
    });
  }
  return [feed, ...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))];
}

/** A copy of specs for one source: what it is and the file in the cache it is kept in. */
interface PlannedCopy {
  purpose: VariantSpec['purpose'];
  options: RenderOptions;
  fileName: string;
  file: string;
}

/**
 * Every copy of specs: those already in cacheDir as they are, the others rendered from one decoding
 * of the source, `beforeRendering` started just before when there is any to render.
 */
async function generate(
  source: Buffer,
  sourceHash: string,
  cacheDir: string,
  beforeRendering?: () => Promise<unknown>,
): Promise<PromiseSettledResult<ImageVariant>[]> {
  const planned = specs.map(({ purpose, ...options }): PlannedCopy => {
    const key = sha256(Buffer.from(`${sourceHash}\n${JSON.stringify(options)}`)).slice(0, 16);
    const fileName = `${key}-${options.width}.${extensions[options.format]}`;
    return { purpose, options, fileName, file: path.join(cacheDir, fileName) };
  });
  const made = await Promise.allSettled(planned.map(madeBefore));
  const missing = planned.filter((_, i) => {
    const before = made[i];
    return before.status === 'fulfilled' && before.value === undefined;
  });
  // Started first, so its sharp calls go into libuv's thread pool ahead of the copies', and not
  // awaited: on another of its threads it runs beside the decoding (it never rejects for a bad
  // file; whatever else fails, probeImage meets again when it takes the result).
  if (missing.length) beforeRendering?.().catch(() => undefined);
  const rendered = missing.length
    ? await renderCopies(
        source,
        missing.map((copy) => copy.options),
      )
    : [];
  return Promise.allSettled(
    planned.map(async (copy, i) => {
      const before = made[i];
      if (before.status === 'rejected') throw before.reason;
      if (before.value) return before.value;
      const result = rendered[missing.indexOf(copy)];
      if (result.status === 'rejected') throw new RenderError((result.reason as Error).message, { cause: result.reason });
      return write(copy, result.value);
    }),
  );
}

/** A copy already in the cache (a file there is only ever complete: see write), else undefined. */
async function madeBefore({ purpose, options, fileName, file }: PlannedCopy): Promise<ImageVariant | undefined> {
  const existing = await fs.stat(file).catch(() => undefined);
  if (!existing?.isFile()) return undefined;
  // From the header when it is one of ours: no libvips in a server that only finds its copies made.
  const { width, height } = (await readVariantSize(file)) ?? (await imageSize(file));
  return { purpose, width, height, format: options.format, fileName, path: file, size: existing.size, mtimeMs: existing.mtimeMs };
}

async function write({ purpose, options, fileName, file }: PlannedCopy, rendered: RenderedImage): Promise<ImageVariant> {
  // Write aside, then rename: a reader (or a second build) never sees half a file.
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(temp, rendered.data);
  await fs.rename(temp, file);
  // The time of the file as written: the server sends a file entry only while it is unchanged.
  const { mtimeMs } = await fs.stat(file);
  return {
    purpose,
    width: rendered.width,
    height: rendered.height,
    format: options.format,
    fileName,
    path: file,
    size: rendered.data.length,
    mtimeMs,
  };
}

/** sharp could not decode or encode the source: the image's fault, reported as a problem. */
class RenderError extends Error {}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
