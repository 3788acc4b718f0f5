// Which format name (show.yaml's `enclosure: mp3`, episode.yaml's `media:` keys) a file is, from
// what the probe found in its bytes; the feed's MIME type only picks among the names of one
// container (an MP4 is m4a, m4v, mp4 or mov as the feed offered it).
import type { MediaFacts } from '../contract/catalog.js';

/** MIME types podcast feeds use -> our format names. */
const byMime: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/x-mp3': 'mp3',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/mp4': 'm4a',
  'audio/x-m4b': 'm4b',
  'audio/aac': 'aac',
  'video/x-m4v': 'm4v',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'video/ogg': 'ogv',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'video/x-matroska': 'mkv',
};

const videoFormats = new Set(['m4v', 'mp4', 'mov', 'webm', 'ogv', 'mkv']);

/** The format a MIME type names, if it is one podcasts use. */
export function formatOfMime(mime: string | undefined): string | undefined {
  return mime ? byMime[mime.split(';')[0].trim().toLowerCase()] : undefined;
}

/** The format a URL's file name says (`…/ep12.mp3?x=1` is mp3), if it is one of the names above. */
export function formatOfExtension(url: string | undefined): string | undefined {
  const ext = url && /\.([a-z0-9]{2,4})(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return ext && (knownFormats.has(ext) ? ext : undefined);
}

const knownFormats = new Set([...Object.values(byMime), 'm4b']);

export const isVideoFormat = (format: string) => videoFormats.has(format);

/** The format name of a probed file; `declared` is the feed's MIME type for it. */
export function formatOfFacts(facts: MediaFacts, declared: string | undefined): string {
  const offered = formatOfMime(declared);
  switch (facts.container) {
    case 'MPEG':
      return 'mp3';
    case 'MP4':
      if (offered && ['m4a', 'm4b', 'm4v', 'mp4', 'mov'].includes(offered) && (offered === 'm4a' || offered === 'm4b') !== facts.hasVideo)
        return offered;
      return facts.hasVideo ? 'mp4' : 'm4a';
    case 'WebM':
      return 'webm';
    case 'Matroska':
      return facts.hasVideo ? 'mkv' : 'mka';
    case 'Ogg':
      return facts.audioCodec?.toLowerCase().includes('opus') ? 'opus' : facts.hasVideo ? 'ogv' : 'ogg';
    case 'FLAC':
      return 'flac';
    case 'WAV':
      return 'wav';
    case 'ADTS':
      return 'aac';
    default:
      return facts.container.toLowerCase();
  }
}

/** Does the declared MIME type describe the container found? (A mismatch is reported, not fatal.) */
export function mimeFits(facts: MediaFacts, declared: string | undefined): boolean {
  const offered = formatOfMime(declared);
  if (!offered) return true; // unknown or absent: nothing to compare
  return formatOfFacts(facts, declared) === offered || (facts.container === 'MP4' && ['m4a', 'm4b', 'm4v', 'mp4', 'mov'].includes(offered));
}

/** The image type from its first bytes (JPEG, PNG, WebP, GIF), or undefined. */
export function imageExtension(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  if (head.subarray(0, 3).toString('latin1') === 'GIF') return 'gif';
  return undefined;
}
