// src/paths.ts: where netcaster's own files are, from wherever it runs (here dist/src, as installed).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot, publicDir } from '../src/paths.js';
import { repoRoot } from './support/env.js';

test("packageRoot is the folder of netcaster's package.json, found from the compiled module", () => {
  assert.equal(packageRoot, repoRoot);
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string };
  assert.equal(pkg.name, 'netcaster');
});

test('publicDir holds the files every page links to', () => {
  assert.equal(publicDir, path.join(packageRoot, 'public'));
  for (const name of ['style.css', 'player.js']) assert.ok(fs.statSync(path.join(publicDir, name)).isFile(), name);
});
