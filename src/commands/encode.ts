// netcaster encode [DIR] [EPISODE...] [--force]
// Makes every format the show's feeds need from each episode's `master:` (src/encode/).
// Exit 0: every episode encoded or already up to date, media: written; 1: problems; 2: bad usage.
import os from 'node:os';
import { Interrupted } from '../encode/ffmpeg.js';
import { encodeShow } from '../encode/show.js';
import { printProblems } from './problem-groups.js';
import type { CommandContext } from './context.js';

export async function run({ dir, options, positionals }: CommandContext): Promise<number> {
  const episodes = positionals.slice(1); // after the show folder
  const controller = new AbortController();
  // Ctrl-C: ffmpeg is stopped and every partial file removed before netcaster exits.
  const onSignal = () => controller.abort(new Interrupted());
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await encodeShow(dir, {
      episodes,
      force: !!options.force,
      signal: controller.signal,
      concurrency: os.availableParallelism(),
    });
    if (result.usage) {
      console.error(`netcaster encode: ${result.usage}\nusage: netcaster encode [DIR] [EPISODE...] [--force]`);
      return 2;
    }
    for (const line of result.summary) process.stdout.write(`${line}\n`);
    printProblems(result.problems, process.stdout);
    const errors = result.problems.filter((p) => p.level === 'error').length;
    return errors > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof Interrupted || controller.signal.aborted) {
      process.stderr.write('\nnetcaster encode: interrupted; no partial file was left behind\n');
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
