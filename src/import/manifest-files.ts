// The files an import writes into the show besides the media: show.yaml and episode.yaml (with a
// header that gives them to the podcaster), each through a temp file and a rename.
import fs from 'node:fs';
import type { EpisodeManifest, ShowManifest } from '../show/schema.js';
import { writeWhole } from '../own-files.js';
import { stringifyYaml } from '../show/yaml.js';

const header = '# Written by `netcaster import`; yours to edit from now on.\n';

/**
 * Hands the check a manifest with the text it was written as (importer.ts, ImportOutcome.written), when that
 * text surely parses back to it: YAML gives back every string as it was, except characters it
 * treats as line breaks or byte order marks (NEL, LS, PS, BOM) and other controls, which a title
 * from a feed may hold; a manifest with one of those is left for the check to parse.
 */
export function handManifest(written: Map<string, object>, text: string, manifest: object): void {
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/.test(text)) written.set(text, manifest);
}

export function showYamlText(manifest: ShowManifest): string {
  return header + stringifyYaml(manifest);
}

export function episodeYamlText(manifest: EpisodeManifest): string {
  return header + '# The guid is how podcast apps know this episode: never change it.\n' + stringifyYaml(manifest);
}

/** Write through a temp file and a rename: a crash never leaves half a file. */
export function writeAtomic(file: string, data: string | Buffer, overwrite: boolean): void {
  if (!overwrite && fs.existsSync(file)) return;
  writeWhole(file, data); // on a full disk, no half-written temp file is left in the show
}
