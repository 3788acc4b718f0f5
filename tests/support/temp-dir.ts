// Temp folders for tests: one helper, so every test names and cleans its folders the same way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { sampleShowDir } from './env.js';

/** A new empty folder in the system's temp dir, named netcaster-<what>-XXXXXX; with `t`, removed after that test. */
export function tempDir(what: string, t?: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `netcaster-${what}-`));
  t?.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the sample show (episodes/) at `dir` (a new temp folder unless given), for a test to edit or break. */
export function copyOfSample(dir = tempDir('sample')): string {
  fs.cpSync(sampleShowDir, dir, { recursive: true });
  return dir;
}
