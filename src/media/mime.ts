// MIME type of a media file, from what it really is (container, tracks) and, where one container
// has several names (MP4 as m4a/m4v/mp4, Ogg as ogg/opus), from the format it is offered as.
// The type goes into <enclosure type> and Content-Type, so it must match the bytes:
// Apple's podcast requirements list audio/mpeg, audio/x-m4a, video/mp4, video/quicktime,
// video/x-m4v (https://podcasters.apple.com/support/823-podcast-requirements).

export interface MimeRule {
  container: string;
  /** The row applies only when the file has (true) / has no (false) video track. */
  video?: boolean;
  /** The row applies only to this declared format (file-type name, e.g. 'm4v'). */
  format?: string;
  mime: string;
}

/** First matching row wins, so specific rows come before general ones. */
export const MIME_TABLE: readonly MimeRule[] = [
  { container: 'MPEG', mime: 'audio/mpeg' },
  { container: 'MP4', format: 'm4a', mime: 'audio/x-m4a' },
  { container: 'MP4', format: 'm4b', mime: 'audio/x-m4b' },
  { container: 'MP4', format: 'm4v', mime: 'video/x-m4v' },
  { container: 'MP4', format: 'mov', mime: 'video/quicktime' },
  { container: 'MP4', video: true, mime: 'video/mp4' },
  { container: 'MP4', video: false, mime: 'audio/mp4' },
  { container: 'WebM', video: true, mime: 'video/webm' },
  { container: 'WebM', video: false, mime: 'audio/webm' },
  { container: 'Matroska', video: true, mime: 'video/x-matroska' },
  { container: 'Matroska', video: false, mime: 'audio/x-matroska' },
  { container: 'Ogg', video: true, mime: 'video/ogg' },
  // RFC 7845 section 9: Ogg Opus files are audio/ogg; audio/opus is the name podcast apps know for .opus.
  { container: 'Ogg', format: 'opus', mime: 'audio/opus' },
  { container: 'Ogg', mime: 'audio/ogg' },
  { container: 'FLAC', mime: 'audio/flac' },
  { container: 'WAV', mime: 'audio/wav' },
  { container: 'ADTS', mime: 'audio/aac' },
];

/**
 * `format` is the declared format name (or the file's extension); it picks among the names of
 * one container and is ignored when it does not fit the container.
 */
export function mimeFor(container: string, hasVideo: boolean, format?: string): string {
  const f = format?.toLowerCase();
  const row = MIME_TABLE.find(
    (r) => r.container === container && (r.video === undefined || r.video === hasVideo) && (r.format === undefined || r.format === f),
  );
  return row?.mime ?? 'application/octet-stream';
}
