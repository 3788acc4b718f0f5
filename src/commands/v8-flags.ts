// The V8 flags a command sets once it runs, in one place. V8 reads these at each use, so a flag
// set now takes effect (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
// None is set in the run that makes a code cache (scripts/bundle.mjs names the file in
// NETCASTER_CODE_CACHE_OUT): V8 stamps a cache with its flags, and would turn that cache down at
// every plain start.
import { createRequire } from 'node:module';
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
 * Node's built-in modules that a burst of work loads (the media pool's threads, the probes' child
 * processes, the export's and the artwork's asynchronous files), loaded before the budget is raised:
 * Node compiles its own modules from a code cache of its own, stamped with V8's flags like ours, and
 * once a flag is set at run time V8 turns that cache down and each Node module loaded afterwards is
 * compiled from its source. Those of a cold build (these, and the parts of util and fs they bring)
 * took 23-31 ms to load after the flag, 12-16 before it.
 */
const BURST_MODULES = ['worker_threads', 'child_process', 'fs/promises'];
let bursting = false;

/**
 * For a short command (check, build, publish-due, status) that finds a burst of work ahead: a
 * check that reads the show afresh, a build that writes OUT. Such a command is over in a moment (a
 * cold `build` of 300 MP3s takes under half a second), and spent some 130 ms of CPU in V8's
 * optimizing compiler, on the same two cores as its own work, for functions whose optimized code
 * then ran for a few milliseconds (issue 12). Four times V8's interrupt budget (how long a function
 * runs before V8 considers optimizing it; 67584 by default in Node 20's V8) leaves most of them to
 * the baseline tiers: alternated with the default, 110 ms less CPU in all and 60-110 ms less wall
 * time on that build. Only then, not from the start (as the loader did): a warm command runs for
 * a moment on V8's defaults, and a warm build loads none of the modules above. Alternated against
 * the budget raised at every start: a warm check of 300 MP3 episodes 211 against 223 ms, a warm
 * build 226 against 236 (medians of 40 pairs, a busy machine), a cold build 925 against 939 (16
 * pairs, the same within the noise). Not for import: its main
 * thread is what it waits on, and on a quiet machine an import of 300 episodes took 996 ms against
 * 955 with it. The long-running commands (serve, import, stats, encode) keep V8's default.
 */
export function beforeBurst(): void {
  if (makingCodeCache || bursting) return;
  bursting = true;
  const require = createRequire(import.meta.url);
  for (const name of BURST_MODULES) require(`node:${name}`);
  v8.setFlagsFromString('--interrupt-budget=270336');
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
