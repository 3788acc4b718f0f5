#!/usr/bin/env node
// netcaster <command> [SHOW_DIR] [options]: argv -> command -> exit code.
// Each command is imported only when it runs, so `check` never pays for express or sharp.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CommandSpec {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The command takes several positionals (a sub-command, files) and reads them itself. */
  manyPositionals?: boolean;
  load: () => Promise<{ run: (dir: string, options: Record<string, string | boolean | undefined>, positionals?: string[]) => Promise<number> }>;
}

const commands: Record<string, CommandSpec> = {
  check: {
    summary: 'read the show, probe every media file and image, print every problem',
    usage: 'check [DIR] [--json] [--strict]',
    options: { json: { type: 'boolean' }, strict: { type: 'boolean' } },
    load: () => import('./commands/check.js'),
  },
  build: {
    summary: 'write the whole site as static files',
    usage: 'build [DIR] --out OUT [--base-url URL] [--media-base-url URL]',
    options: { out: { type: 'string' }, 'base-url': { type: 'string' }, 'media-base-url': { type: 'string' } },
    load: () => import('./commands/build.js'),
  },
  serve: {
    summary: 'serve the site live, publishing scheduled episodes and edits',
    usage: 'serve [DIR] [--port 8080] [--host 127.0.0.1] [--base-url URL] [--trust-proxy VALUE]',
    options: { port: { type: 'string' }, host: { type: 'string' }, 'base-url': { type: 'string' }, 'trust-proxy': { type: 'string' } },
    load: () => import('./commands/serve.js'),
  },
  new: {
    summary: 'create the next episode folder with a filled-in episode.yaml',
    usage: 'new [DIR] --title TITLE',
    options: { title: { type: 'string' } },
    load: () => import('./commands/new.js'),
  },
  'publish-due': {
    summary: 'publish what is due now: rebuild --out when a scheduled episode has come due (for a system cron)',
    usage: 'publish-due [DIR] --out OUT [--base-url URL] [--media-base-url URL]',
    options: { out: { type: 'string' }, 'base-url': { type: 'string' }, 'media-base-url': { type: 'string' } },
    load: () => import('./commands/publish-due.js'),
  },
  status: {
    summary: 'say what is published, what is scheduled and when, and what waits on a problem',
    usage: 'status [DIR]',
    options: {},
    load: () => import('./commands/status.js'),
  },
  stats: {
    summary: 'downloads counted by the IAB rules; `stats import` reads web server or CDN access logs',
    usage: 'stats [DIR] [--since DATE] [--until DATE] [--json] [--csv] | stats import [DIR] FILE... --format nginx|cloudfront',
    options: { since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, format: { type: 'string' } },
    manyPositionals: true,
    load: () => import('./commands/stats.js'),
  },
};

function help(): string {
  const lines = ['usage: netcaster <command> [SHOW_DIR] [options]   (SHOW_DIR defaults to episodes)', ''];
  for (const [name, spec] of Object.entries(commands)) lines.push(`  ${spec.usage.padEnd(62)} ${spec.summary}`);
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
    parsed = parseArgs({ args: rest, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`netcaster ${name}: ${(err as Error).message}\nusage: netcaster ${spec.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(`usage: netcaster ${spec.usage}\n${spec.summary}`);
    return 0;
  }
  if (parsed.positionals.length > 1 && !spec.manyPositionals) {
    console.error(`netcaster ${name}: one show folder at most, got ${parsed.positionals.join(' ')}\nusage: netcaster ${spec.usage}`);
    return 2;
  }
  const command = await spec.load();
  return command.run(parsed.positionals[0] ?? 'episodes', parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
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
