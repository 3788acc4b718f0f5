// `netcaster check` on a show where one problem repeats in every episode, through the real CLI:
// one line per kind of problem with its count and first files; --json still lists every one.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/env.js';
import { makeShow, showYaml, type EpisodeSpec } from '../support/show-folder.js';

/** `count` episodes with no guid (each gets a warning naming the guid derived from its folder). */
async function showWithoutGuids(count: number, show = showYaml): Promise<string> {
  const episodes: Record<string, EpisodeSpec> = {};
  for (let n = 1; n <= count; n++) {
    const slug = `ep-${String(n).padStart(4, '0')}`;
    episodes[slug] = {
      yaml: `title: Fixture Episode\ndate: 2020-01-${String(n).padStart(2, '0')}T10:00:00Z\nsummary: S.\nmedia:\n  mp3: a.mp3\n`,
      files: { 'a.mp3': 'good-cbr.mp3' },
    };
  }
  return makeShow(episodes, show);
}

const cli = (show: string, args: string[]) => runCli(args, { env: { NETCASTER_CACHE_DIR: path.join(show, '.cache') } });

test('regression: 12 episodes with the same warning print one line with its count and first three files, not 36 lines', async (t) => {
  const show = await showWithoutGuids(12, showYaml.replace(/^baseUrl:.*\n/m, ''));
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  const r = cli(show, ['check', show]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split('\n');
  const grouped = lines.filter((l) => l.startsWith('warning ×'));
  assert.deepEqual(grouped, [
    'warning ×12: guid: not set: using …, derived from the folder name; add `guid: …` so renaming the folder never changes it — in ep-0001/episode.yaml, ep-0002/episode.yaml, ep-0003/episode.yaml and 9 more',
  ]);
  // The one problem of its kind is printed as before, under its file.
  assert.match(r.stdout, /\nshow\.yaml\n\s+warning\s+baseUrl: /);
  assert.ok(lines.length < 12, `${lines.length} lines:\n${r.stdout}`);
  assert.match(r.stdout, /✓ publishable \(0 errors, 13 warnings\)/);

  const json = JSON.parse(cli(show, ['check', show, '--json']).stdout);
  const guids = json.problems.filter((p: { field?: string }) => p.field === 'guid');
  assert.equal(guids.length, 12);
  assert.deepEqual(
    guids.map((p: { file: string }) => p.file),
    Array.from({ length: 12 }, (_, i) => `ep-${String(i + 1).padStart(4, '0')}/episode.yaml`),
  );
  // Each still names its own guid.
  assert.equal(new Set(guids.map((p: { message: string }) => p.message)).size, 12);
});

test('two episodes with the same problem but different values are printed one by one (nothing to read is hidden)', async (t) => {
  const show = await showWithoutGuids(2);
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  const r = cli(show, ['check', show]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /×/);
  assert.match(r.stdout, /\nep-0001\/episode\.yaml\n\s+warning\s+guid: not set: using [0-9a-f-]{36}/);
  assert.match(r.stdout, /\nep-0002\/episode\.yaml\n\s+warning\s+guid: not set: using [0-9a-f-]{36}/);
});

test('repeated errors are grouped too, before repeated warnings, and still fail the check', async (t) => {
  const show = await showWithoutGuids(7);
  t.after(() => fs.rm(show, { recursive: true, force: true }));
  for (const slug of ['ep-0002', 'ep-0004', 'ep-0005']) await fs.rm(path.join(show, slug, 'a.mp3'));
  const r = cli(show, ['check', show]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const grouped = r.stdout.split('\n').filter((l) => / ×\d+: /.test(l));
  assert.deepEqual(grouped, [
    'error ×3: media.mp3: file not found: a.mp3 — in ep-0002/episode.yaml, ep-0004/episode.yaml and ep-0005/episode.yaml',
    'warning ×4: guid: not set: using …, derived from the folder name; add `guid: …` so renaming the folder never changes it — in ep-0001/episode.yaml, ep-0003/episode.yaml, ep-0006/episode.yaml and 1 more',
  ]);
  assert.match(r.stdout, /✗ not publishable: 3 errors, 4 warnings/);
});
