#!/usr/bin/env node
// netcaster <command> [SHOW_DIR] [options]: argv -> command -> exit code.
// Each command is imported only when it runs, so `check` never pays for express or sharp.
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CommandContext } from './commands/context.js';
import { printProblems } from './commands/problem-groups.js';
import { visible } from './commands/terminal.js';
import { baseUrlProblem } from './show/urls.js';

export interface CommandSpec {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments the command takes at most (default 1: the show folder). */
  positionals?: number;
  /** The show folder must exist: checked here, before the command loads. */
  showFolder?: boolean;
  load: () => Promise<{ run: (context: CommandContext) => Promise<number> }>;
}

const commands: Record<string, CommandSpec> = {
  check: {
    summary: 'read the show, probe every media file and image, print every problem',
    usage: 'check [DIR] [--json] [--strict] [--loudness]',
    options: { json: { type: 'boolean' }, strict: { type: 'boolean' }, loudness: { type: 'boolean' } },
    showFolder: true,
    load: () => import('./commands/check.js'),
  },
  build: {
    summary: 'write the whole site as static files',
    usage: 'build [DIR] --out OUT [--base-url URL] [--media-base-url URL]',
    options: { out: { type: 'string' }, 'base-url': { type: 'string' }, 'media-base-url': { type: 'string' } },
    showFolder: true,
    load: () => import('./commands/build.js'),
  },
  serve: {
    summary: 'serve the site live, publishing scheduled episodes and edits',
    usage: 'serve [DIR] [--port 8080] [--host 127.0.0.1] [--base-url URL] [--trust-proxy VALUE]',
    options: { port: { type: 'string' }, host: { type: 'string' }, 'base-url': { type: 'string' }, 'trust-proxy': { type: 'string' } },
    showFolder: true,
    load: () => import('./commands/serve.js'),
  },
  new: {
    summary: 'create the next episode folder with a filled-in episode.yaml',
    usage: 'new [DIR] --title TITLE',
    options: { title: { type: 'string' } },
    showFolder: true,
    load: () => import('./commands/new.js'),
  },
  'publish-due': {
    summary: 'publish what is due now: rebuild --out when a scheduled episode has come due (for a system cron)',
    usage: 'publish-due [DIR] --out OUT [--base-url URL] [--media-base-url URL]',
    options: { out: { type: 'string' }, 'base-url': { type: 'string' }, 'media-base-url': { type: 'string' } },
    showFolder: true,
    load: () => import('./commands/publish-due.js'),
  },
  status: {
    summary: 'say what is published, what is scheduled and when, and what waits on a problem',
    usage: 'status [DIR]',
    options: {},
    showFolder: true,
    load: () => import('./commands/status.js'),
  },
  import: {
    summary: 'bring a show over from its feed (URL or file): episodes, media, notes, GUIDs kept',
    usage: 'import SOURCE [DIR] [--unlock] [--base-url URL]',
    options: { unlock: { type: 'boolean' }, 'base-url': { type: 'string' } },
    positionals: 2,
    load: () => import('./commands/import.js'),
  },
  encode: {
    summary: "make every format the feeds need from each episode's master:, loudness-normalised and tagged",
    usage: 'encode [DIR] [EPISODE...] [--force]',
    options: { force: { type: 'boolean' } },
    positionals: Infinity,
    showFolder: true,
    load: () => import('./commands/encode.js'),
  },
  stats: {
    summary: 'downloads counted by the IAB rules; `stats import` reads web server or CDN access logs',
    usage: 'stats [DIR] [--since DATE] [--until DATE] [--json] [--csv] | stats import [DIR] FILE... --format nginx|cloudfront',
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      format: { type: 'string' },
    },
    positionals: Infinity,
    load: () => import('./commands/stats.js'),
  },
};

function help(): string {
  const lines = ['usage: netcaster <command> [SHOW_DIR] [options]   (SHOW_DIR defaults to episodes)', ''];
  for (const spec of Object.values(commands)) lines.push(`  ${spec.usage.padEnd(62)} ${spec.summary}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const spec = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!spec) {
    console.error(`netcaster: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`netcaster ${name}: ${(err as Error).message}\nusage: netcaster ${spec.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(`usage: netcaster ${spec.usage}\n${spec.summary}`);
    return 0;
  }
  // Every URL of the site is made from these: judged once here, for every command, like show.yaml's baseUrl.
  for (const flag of ['base-url', 'media-base-url']) {
    const value = (parsed.values as Record<string, string | boolean | undefined>)[flag];
    if (typeof value !== 'string') continue;
    const problem = baseUrlProblem(value);
    if (problem) {
      console.error(`netcaster ${name}: --${flag} ${problem}, got ${visible(JSON.stringify(value))}\nusage: netcaster ${spec.usage}`);
      return 2;
    }
  }
  if (parsed.positionals.length > (spec.positionals ?? 1)) {
    const what = spec.positionals === undefined ? 'one show folder at most' : 'too many arguments';
    console.error(`netcaster ${name}: ${what}, got ${parsed.positionals.join(' ')}\nusage: netcaster ${spec.usage}`);
    return 2;
  }
  const dir = parsed.positionals[0] ?? 'episodes';
  const options = parsed.values as Record<string, string | boolean | undefined>;
  if (spec.showFolder && !isFolder(dir)) return noShowFolder(name, dir, options);
  const command = await spec.load();
  return command.run({ dir, options, positionals: parsed.positionals, now: new Date() });
}

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Told as the command tells its problems: `check`'s report (stdout, or its JSON), everyone else's on stderr. */
function noShowFolder(name: string, dir: string, options: Record<string, unknown>): number {
  const problems = [{ level: 'error' as const, file: dir, message: 'no such show folder' }];
  if (name === 'check' && options.json) process.stdout.write(`${JSON.stringify({ ok: false, problems, episodes: [] }, null, 2)}\n`);
  else printProblems(problems, name === 'check' ? process.stdout : process.stderr);
  return 1;
}

// A reader that goes away (`netcaster status | head`) is no fault: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only faults of the program or the machine reach here; problems in the show are reported as data.
    console.error(`netcaster: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.NETCASTER_DEBUG) console.error(err);
    process.exitCode = 70;
  },
);
