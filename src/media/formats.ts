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

  if (rule && facts.container === 'MP4' && rule.containers.includes('MP4')) findings.push(...mp4Codecs(declared, rule, facts));

  // A name that lies about the container misleads players and browsers, which go by it.
  const byName = Object.hasOwn(FORMATS, extension) ? FORMATS[extension] : undefined;
  if (byName && extension !== declared && !byName.containers.includes(facts.container)) {
    findings.push({ level: 'error', message: `the file name ends in .${extension} but the file is ${found}${suggestion(facts)}` });
  }
  return findings;
}

/**
 * What Apple's players play from an MP4 (https://podcasters.apple.com/support/893-audio-requirements,
 * and the video formats its players take): others play in few apps. Their names as probe.ts gives them.
 */
const MP4_AUDIO_PLAYED = new Set(['AAC', 'MP3', 'ALAC', 'AC-3', 'E-AC-3']);
const MP4_VIDEO_PLAYED = new Set(['H.264', 'HEVC', 'MPEG-4 Visual']);
/** Codecs probe.ts knows by name that Apple's players do not play from an MP4. */
const MP4_AUDIO_KNOWN = new Set(['Opus', 'FLAC']);
const MP4_VIDEO_KNOWN = new Set(['VP9', 'AV1']);
/** Still images on a video track: an enhanced podcast's chapter pictures, not a video. */
const STILL_IMAGES = new Set(['jpeg', 'png ', 'png']);

/** An MP4's tracks against what it is offered as: a video offered as audio, codecs podcast apps do not play, no track at all. */
function mp4Codecs(declared: string, rule: FormatRule, facts: MediaFacts): Finding[] {
  const findings: Finding[] = [];
  const motion = facts.hasVideo && !STILL_IMAGES.has(facts.videoCodec ?? '');
  if (!rule.video && !facts.hasAudio && !motion) {
    findings.push({ level: 'error', message: 'the file has no audio or video track: nothing in it plays' });
  }
  if (!rule.video && motion) {
    findings.push({
      level: 'error',
      message: `declared as ${declared}, an audio format, but the file has ${facts.videoCodec ?? 'unknown'} video; offer it as m4v, or take the video out`,
    });
  }
  const codec = (kind: string, name: string | undefined, played: Set<string>, known: Set<string>, instead: string): Finding[] => {
    if (name !== undefined && played.has(name)) return [];
    if (name !== undefined && known.has(name))
      return [
        {
          level: 'warning',
          message: `${name} ${kind} in an MP4 plays in few podcast apps (Apple's players do not play it): encode ${instead}`,
        },
      ];
    return [
      {
        level: 'error',
        message: `${kind} of a codec netcaster does not know (${name ?? 'none named'}): no podcast app can be expected to play it; encode ${instead}`,
      },
    ];
  };
  if (facts.hasAudio) findings.push(...codec('audio', facts.audioCodec, MP4_AUDIO_PLAYED, MP4_AUDIO_KNOWN, 'AAC'));
  if (rule.video && motion) findings.push(...codec('video', facts.videoCodec, MP4_VIDEO_PLAYED, MP4_VIDEO_KNOWN, 'H.264'));
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
