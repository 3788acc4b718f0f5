// The shared option parsing of src/cli.ts: a base URL given on the command line is judged like
// show.yaml's baseUrl, before any command runs (bad usage: exit 2, nothing written).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cliPath, runCli, sampleShowDir } from './support/env.js';
import { tempDir } from './support/temp-dir.js';

test('regression: --base-url and --media-base-url with a query, fragment, credentials or control character are bad usage (exit 2)', () => {
  const dir = tempDir('cli');
  const out = path.join(dir, 'out');
  const env = { NETCASTER_CACHE_DIR: path.join(dir, 'cache') };
  const cases: [string[], RegExp][] = [
    [['build', sampleShowDir, '--out', out, '--base-url', 'https://virtzine.example/?utm=rss'], /--base-url must not have a query/],
    [['build', sampleShowDir, '--out', out, '--media-base-url', 'https://cdn.example/#x'], /--media-base-url must not have a fragment/],
    [
      ['build', sampleShowDir, '--out', out, '--base-url', 'https://user:secret@virtzine.example'],
      /--base-url must not carry a user name or password/,
    ],
    [['publish-due', sampleShowDir, '--out', out, '--base-url', 'https://virtzine.example/\u0001'], /--base-url has a control character/],
    [['serve', sampleShowDir, '--port', '0', '--base-url', 'javascript:alert(1)'], /--base-url must be an http\(s\) URL/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args, { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, new RegExp(`usage: netcaster ${args[0]}`));
  }
  assert.equal(fs.existsSync(out), false, 'nothing was built');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a --base-url with an escape sequence is named visibly, not obeyed by the terminal', () => {
  const dir = tempDir('cli');
  const r = runCli(['build', sampleShowDir, '--out', path.join(dir, 'out'), '--base-url', 'https://x.example/\u001b]0;owned\u0007'], {
    env: { NETCASTER_CACHE_DIR: path.join(dir, 'cache') },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(r.stderr, /\\u001b\]0;owned\\u0007/);
});

test('a good base URL with a path passes the shared check', () => {
  const dir = tempDir('cli');
  const r = runCli(
    ['publish-due', path.join(dir, 'no-show'), '--out', path.join(dir, 'out'), '--base-url', 'https://virtzine.example/podcast/'],
    {
      env: { NETCASTER_CACHE_DIR: path.join(dir, 'cache') },
    },
  );
  assert.equal(r.code, 1, 'past the usage check, to the missing show folder');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('regression: a reader that closes the pipe early (`status | head -1`) ends netcaster quietly, without a stack trace', () => {
  const dir = tempDir('cli');
  // `head -c 1` exits after one byte: every later write of netcaster's meets a closed pipe.
  const r = spawnSync(
    'bash',
    ['-c', `set -o pipefail; node ${JSON.stringify(cliPath)} status ${JSON.stringify(sampleShowDir)} | head -c 1 >/dev/null`],
    {
      env: { ...process.env, NETCASTER_CACHE_DIR: path.join(dir, 'cache') },
      encoding: 'utf8',
    },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  assert.doesNotMatch(r.stderr, /EPIPE|internal error|at .*\.js:\d+/);
  assert.ok(r.status === 0 || r.status === 141, `exit ${r.status}: ${r.stderr}`);
});

test('a FIFO, a file or nothing given as the show folder: every command that needs one says so (exit 1), never waits, never writes --out', () => {
  const dir = tempDir('cli-folder');
  const fifo = path.join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const file = path.join(dir, 'file.txt');
  fs.writeFileSync(file, 'not a show\n');
  const out = path.join(dir, 'out');
  const env = { NETCASTER_CACHE_DIR: path.join(dir, 'cache') };
  for (const show of [fifo, file, path.join(dir, 'missing')]) {
    for (const args of [
      ['check', show],
      ['status', show],
      ['build', show, '--out', out],
      ['publish-due', show, '--out', out],
      ['new', show, '--title', 'X'],
    ]) {
      const r = runCli(args, { env });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout + r.stderr, /no such show folder/, args.join(' '));
    }
    const json = runCli(['check', show, '--json'], { env });
    assert.deepEqual(JSON.parse(json.stdout), {
      ok: false,
      problems: [{ level: 'error', file: show, message: 'no such show folder' }],
      episodes: [],
    });
  }
  assert.equal(fs.existsSync(out), false, 'nothing written');
});
