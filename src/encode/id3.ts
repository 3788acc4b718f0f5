// The ID3v2.3 tag of an encoded MP3, written by us rather than by ffmpeg: ffmpeg's MP3 muxer
// writes the comment as a TXXX frame instead of COMM, and the cover with picture type 0 ("Other")
// unless told; apps look for COMM and for APIC type 3 ("Cover (front)"). ffmpeg writes the audio
// and its Info/Xing header (`-id3v2_version 0`), and this tag goes in front of it.
//
// ID3v2.3: https://id3.org/id3v2.3.0 ; chapters (CHAP, CTOC): https://id3.org/id3v2-chapters-1.0
import type { Chapter } from '../contract/catalog.js';
import type { EpisodeTags } from './tags.js';

/** Text in UTF-16 with a byte-order mark (encoding 1), the one Unicode encoding v2.3 knows. */
function utf16(text: string, terminated = false): Buffer {
  return Buffer.from(`\ufeff${text}${terminated ? '\0' : ''}`, 'utf16le');
}

function latin1(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'latin1');
}

/** One frame: ID, size (plain 32-bit in v2.3, unlike v2.4's synchsafe), two flag bytes, body. */
function frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function textFrame(id: string, text: string): Buffer {
  return frame(id, Buffer.concat([Buffer.from([1]), utf16(text)]));
}

/** COMM: encoding, language, a short description (empty), the text. */
function commentFrame(text: string, language = 'eng'): Buffer {
  return frame(
    'COMM',
    Buffer.concat([Buffer.from([1]), Buffer.from(language.slice(0, 3).padEnd(3, ' '), 'latin1'), utf16('', true), utf16(text)]),
  );
}

/** APIC: encoding, MIME type, picture type 3 (front cover), description, picture bytes. */
function pictureFrame(mime: string, bytes: Buffer): Buffer {
  return frame('APIC', Buffer.concat([Buffer.from([0]), latin1(mime), Buffer.from([3]), latin1(''), bytes]));
}

/** CHAP: element ID, start and end in ms, byte offsets unused (0xFFFFFFFF), a TIT2 inside. */
function chapterFrame(id: string, startMs: number, endMs: number, title: string): Buffer {
  const times = Buffer.alloc(16);
  times.writeUInt32BE(startMs, 0);
  times.writeUInt32BE(endMs, 4);
  times.writeUInt32BE(0xffffffff, 8);
  times.writeUInt32BE(0xffffffff, 12);
  return frame('CHAP', Buffer.concat([latin1(id), times, textFrame('TIT2', title)]));
}

/** CTOC: the top-level, ordered table of contents listing every CHAP. */
function tableOfContents(ids: string[]): Buffer {
  return frame('CTOC', Buffer.concat([latin1('toc'), Buffer.from([0x03, ids.length]), ...ids.map(latin1)]));
}

/** 28 bits in four bytes of seven (the tag header's size is synchsafe in every version). */
function synchsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

export interface Cover {
  mime: string;
  bytes: Buffer;
}

/** The whole tag, header included, to put in front of the MPEG frames. */
export function id3v23Tag(tags: EpisodeTags, chapters: Chapter[], duration: number, cover: Cover | undefined, language?: string): Buffer {
  const frames: Buffer[] = [textFrame('TIT2', tags.title), textFrame('TPE1', tags.artist), textFrame('TALB', tags.album)];
  if (tags.track !== undefined) frames.push(textFrame('TRCK', String(tags.track)));
  frames.push(textFrame('TYER', String(tags.year)));
  if (tags.comment) frames.push(commentFrame(tags.comment, iso639(language)));
  const ordered = chapters.filter((c) => c.startTime < duration).sort((a, b) => a.startTime - b.startTime);
  if (ordered.length > 0) {
    const ids = ordered.map((_, i) => `chp${i}`);
    frames.push(tableOfContents(ids));
    ordered.forEach((c, i) => {
      const next = ordered[i + 1]?.startTime ?? duration;
      const end = Math.min(c.endTime !== undefined && c.endTime > c.startTime ? c.endTime : next, next);
      frames.push(chapterFrame(ids[i], Math.round(c.startTime * 1000), Math.round(end * 1000), c.title));
    });
  }
  if (cover) frames.push(pictureFrame(cover.mime, cover.bytes));
  const body = Buffer.concat(frames);
  // "ID3", version 3.0, no flags (no unsynchronisation: every player since 2000 copes), size.
  return Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), synchsafe(body.length), body]);
}

/** COMM wants an ISO 639-2 code, the show has BCP 47 ("en-US"): the common ones, else "XXX" (ID3's "unknown"). */
function iso639(language: string | undefined): string {
  const primary = (language ?? '').toLowerCase().split('-')[0];
  const known: Record<string, string> = {
    en: 'eng',
    de: 'deu',
    fr: 'fra',
    es: 'spa',
    it: 'ita',
    nl: 'nld',
    pt: 'por',
    sv: 'swe',
    da: 'dan',
    no: 'nor',
    nb: 'nob',
    fi: 'fin',
    pl: 'pol',
    ja: 'jpn',
    zh: 'zho',
    ru: 'rus',
  };
  return known[primary] ?? (primary.length === 3 ? primary : 'XXX');
}
