// Show data on a terminal: what `check`, `status` and the serve log print is shown, never obeyed.
// The hostile text comes in as a podcaster's files bring it: YAML escapes in titles, and a title
// tag embedded in an MP3 by ffmpeg.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { visible } from '../../src/commands/terminal.js';
import { startServe } from '../e2e/serve-process.js';
import { ffmpeg, needTool, runCli } from '../support/env.js';
import { episodeYaml, makeShow, media, showYaml } from '../support/show-folder.js';

/** Any character a terminal would act on; tab and newline are the printers' own. */
const obeyed = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('visible shows escape sequences, controls and bidi overrides as escapes, and leaves text alone', () => {
  assert.equal(visible('Clear\u001b[2J'), 'Clear\\e[2J');
  assert.equal(visible('title\u001b]0;owned\u0007'), 'title\\e]0;owned\\u{07}');
  assert.equal(visible('one\r\ntwo\tthree\u0000'), 'one\\r\\ntwo\\tthree\\u{00}');
  assert.equal(visible('csi\u009b2J del\u007f'), 'csi\\u{9b}2J del\\u{7f}');
  assert.equal(visible('evil\u202egnp.exe'), 'evil\\u{202e}gnp.exe');
  assert.equal(visible('Q&A — ½ 🎙️ «ok»'), 'Q&A — ½ 🎙️ «ok»');
});

/** A show whose YAML titles carry escape sequences (YAML's own "\e", "\x9b" and "\u202e" escapes). */
async function hostileShow(): Promise<string> {
  return makeShow(
    {
      '001-a': {
        files: { 'a.mp3': 'good-cbr.mp3' },
        yaml: episodeYaml('001-a').replace('title: Fixture Episode', 'title: "Red\\e[31m alert\\x9b2J \\u202eevil"'),
      },
    },
    showYaml.replace('title: Fixture Show', 'title: "Show\\e]0;owned\\a"'),
  );
}

test('regression: escape sequences in a YAML title reach the terminal raw (check, status)', async () => {
  const dir = await hostileShow();
  const env = { NETCASTER_CACHE_DIR: path.join(dir, '.cache') };
  const check = runCli(['check', dir], { env });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.doesNotMatch(check.stdout + check.stderr, obeyed);
  assert.match(check.stdout, /^Show\\e\]0;owned\\u\{07\}: 1 episode/m);

  const status = runCli(['status', dir], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.doesNotMatch(status.stdout + status.stderr, obeyed);
  assert.match(status.stdout, /Red\\e\[31m alert\\u\{9b\}2J \\u\{202e\}evil {2}\(001-a\)/);

  // --json stays JSON: the escapes are JSON's own.
  const json = runCli(['check', dir, '--json'], { env });
  assert.equal(JSON.parse(json.stdout).episodes[0].title, 'Red\u001b[31m alert\u009b2J \u202eevil');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('regression: an escape sequence in an embedded tag reaches the terminal raw (check warnings)', async (t) => {
  if (!needTool(t, 'ffmpeg')) return;
  const dir = await makeShow({ '001-a': {} });
  ffmpeg([
    '-i',
    media('good-cbr.mp3'),
    '-c',
    'copy',
    '-metadata',
    'title=Tagged\u001b[2J\u001b]8;;https://evil.example\u0007link',
    path.join(dir, '001-a', 'a.mp3'),
  ]);
  const r = runCli(['check', dir], { env: { NETCASTER_CACHE_DIR: path.join(dir, '.cache') } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /warning\s+tags\.title: embedded title "Tagged\\e\[2J\\e\]8;;https:\/\/evil\.example\\u\{07\}link"/);
  assert.doesNotMatch(r.stdout + r.stderr, obeyed);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('regression: escape sequences in a title reach the serve log raw', async () => {
  const dir = await hostileShow();
  const serve = await startServe(dir, ['--base-url', 'http://127.0.0.1:9']);
  try {
    // The live loop logs "serving <title>: ..." once the show is up.
    const deadline = Date.now() + 30_000;
    while (!/serving Show/.test(serve.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve.output(), /serving Show\\e\]0;owned\\u\{07\}: 1 episode published/);
    const response = await fetch(`${serve.url}/episodes/001-a/%1B%5B2J`);
    assert.equal(response.status, 404);
    await response.arrayBuffer();
  } finally {
    assert.equal(await serve.stop(), 0);
  }
  assert.match(serve.output(), /Serving Show\\e\]0;owned\\u\{07\} \(/);
  assert.doesNotMatch(serve.output(), obeyed);
  fs.rmSync(dir, { recursive: true, force: true });
});
