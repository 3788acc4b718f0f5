// `netcaster check` through the real CLI: exit codes, output, --json, --strict.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fixturesDir, runCli, sampleShowDir } from '../support/env.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';

const env = async () => ({ NETCASTER_CACHE_DIR: tempDir('cache') });

test('check passes on the sample show (exit 0) and says it is publishable', async () => {
  const r = runCli(['check', sampleShowDir], { env: await env() });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /✓ publishable/);
  assert.match(r.stdout, /VirtZine/);
});

test('check --json prints one JSON document with ok, problems and episodes with their facts', async () => {
  const r = runCli(['check', sampleShowDir, '--json'], { env: await env() });
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, true);
  assert.ok(Array.isArray(doc.problems));
  const mega = doc.episodes.find((e: { slug: string }) => e.slug === '046-the-mega-edition');
  assert.ok(mega, 'the Mega Edition is listed');
  assert.equal(mega.status, 'published');
  const mp3 = mega.media.find((m: { format: string }) => m.format === 'mp3');
  assert.equal(mp3.facts.mime, 'audio/mpeg');
  assert.equal(mp3.facts.size, (await fs.stat(path.join(sampleShowDir, '046-the-mega-edition', mp3.fileName))).size);
});

test('problems exit 1 and name file and field, with no stack trace', async () => {
  const dir = copyOfSample();
  const manifest = path.join(dir, '046-the-mega-edition', 'episode.yaml');
  await fs.writeFile(manifest, (await fs.readFile(manifest, 'utf8')).replace(/^title:.*$/m, 'titel: Typo'));
  await fs.copyFile(
    path.join(fixturesDir, 'media', 'truncated.m4v'),
    path.join(
      dir,
      '047-clouds-have-outages-too',
      (await fs.readdir(path.join(dir, '047-clouds-have-outages-too'))).find((f) => f.endsWith('.m4v'))!,
    ),
  );
  const r = runCli(['check', dir], { env: await env() });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /046-the-mega-edition\/episode\.yaml\n\s+error\s+title: is required/);
  assert.match(r.stdout, /error\s+titel: unknown key/);
  assert.match(r.stdout, /047-clouds-have-outages-too\/[^\n]+\.m4v\n\s+error/);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  const json = JSON.parse(runCli(['check', dir, '--json'], { env: await env() }).stdout);
  assert.equal(json.ok, false);
  assert.ok(
    json.problems.some(
      (p: { file: string; field?: string; level: string }) =>
        p.file === '046-the-mega-edition/episode.yaml' && p.field === 'titel' && p.level === 'error',
    ),
  );
});

test('--strict fails on warnings that a plain check allows', async () => {
  const dir = copyOfSample();
  const show = path.join(dir, 'show.yaml');
  await fs.writeFile(show, (await fs.readFile(show, 'utf8')).replace(/^baseUrl:.*\n/m, ''));
  const plain = runCli(['check', dir], { env: await env() });
  assert.equal(plain.code, 0, plain.stdout);
  assert.match(plain.stdout, /warning\s+baseUrl/);
  const strict = runCli(['check', dir, '--strict'], { env: await env() });
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /--strict fails on warnings/);
});

test('a broken show.yaml is reported with line and column', async () => {
  const dir = copyOfSample();
  await fs.appendFile(path.join(dir, 'show.yaml'), 'feeds: [\n');
  const r = runCli(['check', dir], { env: await env() });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /show\.yaml\n\s+error\s+line \d+, column \d+: YAML syntax/);
});

test('bad usage exits 2 with the usage line', async () => {
  const r = runCli(['check', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: netcaster check/);
  assert.equal(runCli(['frobnicate']).code, 2);
});

test('a missing show folder exits 1 naming it', async () => {
  const r = runCli(['check', '/nonexistent/show'], { env: await env() });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /\/nonexistent\/show\n\s+error\s+no such show folder/);
});
