// The pixel size of an artwork copy netcaster made (JPEG, WebP or AVIF), read from its header
// without sharp. `serve` meets its copies already made at every start; asking sharp for their size
// loaded libvips into the server for nothing (measured on the 10,000-episode bench show: some
// 20 MB of resident memory for as long as it runs). Whatever this does not recognise is left to
// sharp (undefined), so a copy from an older netcaster, or an odd one, is still measured right.
// Formats: JPEG (ITU T.81, B.1.1.3 markers and B.2.2 the frame header), WebP
// (https://developers.google.com/speed/webp/docs/riff_container), AVIF's `ispe` property
// (ISO/IEC 23008-12, 6.5.3).
import fs from 'node:fs/promises';

/** Header bytes read: every header sharp writes fits well within (AVIF's meta box is a few hundred bytes). */
const HEADER_BYTES = 64 * 1024;

export interface PixelSize {
  width: number;
  height: number;
}

/** The size in a file's first bytes, or undefined when they are not a header this reads. */
export async function readVariantSize(file: string): Promise<PixelSize | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const bytes = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, HEADER_BYTES, 0);
    return variantSize(bytes.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export function variantSize(bytes: Buffer): PixelSize | undefined {
  const size = jpegSize(bytes) ?? webpSize(bytes) ?? avifSize(bytes);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

function jpegSize(b: Buffer): PixelSize | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // a fill byte
      continue;
    }
    // SOF0-SOF15 hold the frame's size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // the end, or the scan, before any frame header
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

function webpSize(b: Buffer): PixelSize | undefined {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return undefined;
}

function avifSize(b: Buffer): PixelSize | undefined {
  if (b.length < 12 || b.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  const brands = b.toString('latin1', 8, Math.min(b.length, b.readUInt32BE(0)));
  if (!brands.includes('avif')) return undefined;
  // Every image item has its own `ispe` (an alpha plane, the tiles of a grid): trusted only when
  // they all say the same, the plain case of one picture; anything else is left to sharp.
  let size: PixelSize | undefined;
  for (let i = b.indexOf('ispe', 0, 'latin1'); i >= 4 && i + 16 <= b.length; i = b.indexOf('ispe', i + 4, 'latin1')) {
    const found = { width: b.readUInt32BE(i + 8), height: b.readUInt32BE(i + 12) };
    if (size && (size.width !== found.width || size.height !== found.height)) return undefined;
    size = found;
  }
  // A rotation or crop (irot, clap) would make the displayed size differ from the coded one.
  if (b.indexOf('irot', 0, 'latin1') >= 0 || b.indexOf('clap', 0, 'latin1') >= 0) return undefined;
  return size;
}
