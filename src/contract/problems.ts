// Problems in the user's data are data: every stage collects them in a list and goes on, so a
// podcaster sees all of them at once; only faults of the program or the machine are thrown.

/** A problem in the user's data: collected, never thrown. */
export interface Problem {
  level: 'error' | 'warning';
  /** Path of the file, relative to the show folder (e.g. `046-the-mega-edition/episode.yaml`). */
  file: string;
  /** Dotted field path inside that file (`media.mp3`, `owner.email`), when there is one. */
  field?: string;
  message: string;
  /** 1-based position, for syntax errors. */
  line?: number;
  column?: number;
}

/**
 * A problem a reader finds in one file (a media file, an image) before it knows where the file is
 * named: the caller files it under the file and the manifest field that point at it.
 */
export type Finding = Pick<Problem, 'level' | 'message'>;
