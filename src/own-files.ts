// How netcaster writes a file of its own (netcaster.lock, a cache file, OUT's marker and record,
// a manifest that import or encode writes): whole or not at all, and never through a name that
// someone else put there.
//
// The text goes to a temporary file beside the target, renamed over it once written, so a reader
// or a crash never sees half a file. The temporary name is hidden (a check's walk of the show
// leaves names starting with "." out), random, and created exclusively ('wx'):
// a link planted at a guessable name (the target's name and a process id) in a folder others
// can write to would otherwise have been followed, and the file it points at overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `file` whole (see above); the temporary file is removed if anything fails, and the error thrown. */
export function writeWhole(file: string, data: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    // Not there when the create itself failed; never a file of someone else's (the name is fresh).
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
