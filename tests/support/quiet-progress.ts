// encode's progress display writing nowhere: the encode tests read results, not the terminal.
import { Writable } from 'node:stream';
import { ProgressDisplay } from '../../src/encode/progress.js';

export const quietProgress = () => new ProgressDisplay(new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream);
