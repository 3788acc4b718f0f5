// Does a media file match the format it is offered as? episode.yaml says `mp3: x.mp3`; the
// probe says what x.mp3 really is. A feed that promises audio/mpeg and delivers AAC in MP4 plays
// in some apps and fails in others, so every mismatch is an error, named as expected vs found.
import path from 'node:path';
import type { MediaFacts } from '../contract/catalog.js';
import type { Finding } from '../contract/problems.js';

interface FormatRule {
  /** Containers (as MediaFacts.container names them) this format may be. */
  containers: string[];
  /** When set, the audio codec must be one of these. */
  audioCodecs?: string[];
  /** A video format: without a video track the file is mislabelled. */
  video?: boolean;
}

/** Format names as used in episode.yaml (the usual file-type names). */
export const FORMATS: Readonly<Record<string, FormatRule>> = {
  mp3: { containers: ['MPEG'], audioCodecs: ['MP3'] },
  m4a: { containers: ['MP4'] },
  m4b: { containers: ['MP4'] },
  aac: { containers: ['ADTS'], audioCodecs: ['AAC'] },
  m4v: { containers: ['MP4'], video: true },
  mp4: { containers: ['MP4'], video: true },
  mov: { containers: ['MP4'], video: true },
  webm: { containers: ['WebM'] },
  mkv: { containers: ['Matroska', 'WebM'] },
  ogg: { containers: ['Ogg'] },
  oga: { containers: ['Ogg'] },
  opus: { containers: ['Ogg'], audioCodecs: ['Opus'] },
  flac: { containers: ['FLAC'] },
  wav: { containers: ['WAV'] },
};

export function checkDeclaredFormat(format: string, fileName: string, facts: MediaFacts): Finding[] {
  const findings: Finding[] = [];
  const declared = format.toLowerCase();
  const extension = path.extname(fileName).slice(1).toLowerCase();
  const found = describe(facts);
  // Own keys only: a format named `constructor` or `__proto__` is no rule of ours.
  const rule = Object.hasOwn(FORMATS, declared) ? FORMATS[declared] : undefined;

  if (!rule) {
    findings.push({
      level: 'warning',
      message: `unknown format name "${format}" (known: ${Object.keys(FORMATS).join(', ')}); the file cannot be checked against it`,
    });
  } else if (!rule.containers.includes(facts.container)) {
    const named = extension === declared ? `, although its name ends in .${extension}` : '';
    findings.push({ level: 'error', message: `declared as ${declared} but the file is ${found}${named}${suggestion(facts)}` });
  } else if (rule.audioCodecs && !(facts.audioCodec && rule.audioCodecs.includes(facts.audioCodec))) {
    findings.push({ level: 'error', message: `declared as ${declared} (${rule.audioCodecs.join(' or ')} audio) but the file is ${found}` });
  } else if (rule.video && !facts.hasVideo) {
    findings.push({
      level: 'error',
      message: `declared as ${declared}, a video format, but the file has no video track, only ${facts.audioCodec ?? 'unknown'} audio; offer it as m4a, or add the video`,
    });
  }

  // A name that lies about the container misleads players and browsers, which go by it.
  const byName = Object.hasOwn(FORMATS, extension) ? FORMATS[extension] : undefined;
  if (byName && extension !== declared && !byName.containers.includes(facts.container)) {
    findings.push({ level: 'error', message: `the file name ends in .${extension} but the file is ${found}${suggestion(facts)}` });
  }
  return findings;
}

/** "AAC audio in an MP4 container", "H.264 video with AAC audio in an MP4 container", ... */
export function describe(facts: MediaFacts): string {
  if (facts.container === 'MPEG') {
    const layer = { MP1: 'I', MP2: 'II', MP3: 'III' }[facts.audioCodec ?? ''];
    return layer ? `MPEG audio layer ${layer} (${facts.audioCodec})` : 'MPEG audio';
  }
  const video = facts.hasVideo ? `${facts.videoCodec ?? 'unknown'} video` : undefined;
  const audio = facts.hasAudio ? `${facts.audioCodec ?? 'unknown'} audio` : undefined;
  const content = video && audio ? `${video} with ${audio}` : (video ?? audio ?? 'no audio or video track');
  const article = ['MP4', 'MPEG', 'Ogg', 'ADTS'].includes(facts.container) ? 'an' : 'a';
  return `${content} in ${article} ${facts.container} container`;
}

/** The usual extension for what the file really is. */
function suggestion(facts: MediaFacts): string {
  const extension: Record<string, string> = {
    MPEG: 'mp3',
    MP4: facts.hasVideo ? 'm4v' : 'm4a',
    WebM: 'webm',
    Matroska: 'mkv',
    Ogg: facts.audioCodec === 'Opus' ? 'opus' : 'ogg',
    FLAC: 'flac',
    WAV: 'wav',
    ADTS: 'aac',
  };
  const name = extension[facts.container];
  return name ? `; name it .${name} and declare it as ${name}, or convert it` : '';
}
