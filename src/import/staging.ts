// The staging folder of an import (.netcaster-import/<slug>/ in the show): each episode is
// fetched there whole, then moved into the show with one rename, so the show folder only ever gains
// complete episodes. What a later run needs to continue an interrupted one (whose episode a staged
// folder is, the validators to resume its .part files with) is written to the folder's state file
// once the episode has taken a moment (STATE_DELAY_MS), and at once when it fails or is
// interrupted: most episodes are done sooner, and on a feed of hundreds, creating and deleting a
// small file for each was much of the time (bench/import.ts). A staged folder without one (killed
// in its first moment) is taken up by the episode whose folder name it has.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { PartMeta } from './download.js';

export const STAGING_DIR = '.netcaster-import';

/** A staged episode's state file: whose episode it is, and how to resume its .part files (by their name). */
export const STATE_FILE = '.import-state.json';
/** An episode still staged after this long writes its state file (most are done sooner). */
const STATE_DELAY_MS = 1000;

export interface StagedState {
  guid: string;
  parts: Record<string, PartMeta>;
}

export function readStagedState(stagingDir: string): StagedState | undefined {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(stagingDir, STATE_FILE), 'utf8')) as Partial<StagedState>;
    if (typeof state?.guid !== 'string') return undefined;
    const parts: Record<string, PartMeta> = {};
    for (const [name, meta] of Object.entries(state.parts ?? {})) if (typeof meta?.url === 'string') parts[name] = meta;
    return { guid: state.guid, parts };
  } catch {
    return undefined; // none, or cut short by a kill: the folder is taken up by its name
  }
}

/** The state of one staged episode, kept in memory and written to its folder only when it is worth it (see the top). */
export class Staging {
  private readonly state: StagedState;
  private written = false;
  private finished = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  /** Files fetched into the folder by this run. */
  readonly fetched = new Set<string>();
  /** A download into the folder failed (its `.part` may be there). */
  failedFetch = false;

  /** `made`: the folder is new, so no earlier run left anything in it. */
  constructor(
    private readonly dir: string,
    guid: string,
    parts: Record<string, PartMeta> | undefined,
    readonly made: boolean,
  ) {
    this.state = { guid, parts: { ...parts } };
    this.timer = setTimeout(() => void this.keep(), STATE_DELAY_MS);
    this.timer.unref();
  }

  /** What a `.part` file in the folder needs to be resumed. */
  part(name: string): PartMeta | undefined {
    return this.state.parts[name];
  }

  setPart(name: string, meta: PartMeta): void {
    this.state.parts[name] = meta;
    if (this.written) void this.write();
  }

  /** Writes the state now (and again on each change until `finish`). */
  keep(): Promise<void> {
    if (this.finished) return this.writing;
    this.written = true;
    return this.write();
  }

  /**
   * What may be left in the folder besides the episode's own files: known without listing it when
   * this run made the folder and every download into it succeeded (a listing per episode was a
   * cost of its own on a feed of hundreds); undefined when the folder must be listed.
   */
  leftovers(): string[] | undefined {
    if (!this.made || this.failedFetch) return undefined;
    return this.written ? [STATE_FILE] : [];
  }

  /** No more writes; resolves when the last one is done. */
  finish(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    return this.writing;
  }

  private write(): Promise<void> {
    const text = JSON.stringify(this.state);
    // One write at a time, in order. A failure costs only the resume (the download itself reports a full disk).
    this.writing = this.writing.then(() => fsp.writeFile(path.join(this.dir, STATE_FILE), text)).catch(() => undefined);
    return this.writing;
  }
}
