// The V8 flags a command sets once it runs, in one place. V8 reads these at each use, so a flag
// set now takes effect (https://nodejs.org/api/v8.html#v8setflagsfromstringflags); the loader,
// bin/netcaster.cjs, sets the short commands' interrupt budget the same way.
// None is set in the run that makes a code cache (scripts/bundle.mjs names the file in
// NETCASTER_CODE_CACHE_OUT): V8 stamps a cache with its flags, and would turn that cache down at
// every plain start.
import v8 from 'node:v8';
import vm from 'node:vm';

const makingCodeCache = process.env.NETCASTER_CODE_CACHE_OUT !== undefined;

/**
 * V8 doubles its young generation (two semi-spaces, 1-2 MB each at start) up to 16 MB each while
 * many new objects survive, and never gives it back: all of it resident, since every page of it is
 * written on between scavenges. Growth factor 1 keeps it at its starting size: what survives goes
 * to the old generation a little sooner instead (serve.ts and import.ts say what it saved them).
 * --max-semi-space-size would be the flag for it, but V8 reads that one only when the process
 * starts; the growth factor is read at each growth (and V8 only raises a value below 2 when it
 * starts, not later). https://v8.dev/blog/orinoco-parallel-scavenger
 * A flag set at run time has V8 turn down Node's code cache of the built-in modules loaded after it
 * (child_process, worker_threads, ...): ~5 ms more, to compile them.
 */
export function keepYoungGenerationSmall(): void {
  if (!makingCodeCache) v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * V8's `gc`, for a command that knows better than V8 when a full collection pays (import.ts).
 * --expose-gc set at run time gives `gc` to the contexts made after it, hence the one made here.
 * Undefined in the run that makes a code cache.
 */
export function exposedGc(): (() => void) | undefined {
  if (makingCodeCache) return undefined;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
