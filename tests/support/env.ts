// Shared test support: where things are, and the rule for outside tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** Repository root (this file is compiled to dist/tests/support/env.js). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixturesDir = path.join(repoRoot, 'tests', 'fixtures');
export const sampleShowDir = path.join(repoRoot, 'episodes');
/** What `netcaster` runs (package.json's bin): a shell script that starts Node with cliPath. */
export const launcherPath = path.join(repoRoot, 'bin', 'netcaster');
/** The CLI's loader, bin/netcaster.cjs, which runs the bundle made by `npm run build` (scripts/bundle.mjs). */
export const cliPath = path.join(repoRoot, 'bin', 'netcaster.cjs');
const bundlePath = path.join(repoRoot, 'dist', 'bundle', 'netcaster.cjs');

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * A test that needs an outside tool (chromium, gpo, ffmpeg, xmllint, python3 modules...).
 * In CI (CI=true) a missing tool fails the test; elsewhere it is skipped with a reason.
 * Returns false when the caller should return early.
 */
export function needTool(t: TestContext, name: string, check: () => boolean = () => hasTool(name)): boolean {
  if (check()) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI but is not installed (see .ci/run)`);
  t.skip(`${name} is not installed`);
  return false;
}

/** Debian's Python, which has Debian's python3-* packages (a pyenv python3 on PATH does not). */
export const debianPython = '/usr/bin/python3';

export function hasPythonModule(module: string): boolean {
  return spawnSync(debianPython, ['-c', `import ${module}`]).status === 0;
}

let bundleChecked = false;

/**
 * `npx tsc -p .` alone leaves the bundle as it was: a CLI test would then run yesterday's code.
 * tsc writes every file it compiles, so a bundle older than dist/src/cli.js is stale.
 */
function assertBundleFresh(): void {
  if (bundleChecked) return;
  const bundled = fs.statSync(bundlePath, { throwIfNoEntry: false });
  const compiled = fs.statSync(path.join(repoRoot, 'dist', 'src', 'cli.js'), { throwIfNoEntry: false });
  if (!bundled || (compiled && bundled.mtimeMs < compiled.mtimeMs)) {
    throw new Error(`${bundlePath} is missing or older than dist/src: run \`npm run build\` (tsc, then the bundle) before the CLI tests`);
  }
  bundleChecked = true;
}

/** Runs the built CLI as a user does (launcherPath); never throws on a non-zero exit. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  assertBundleFresh();
  const r = spawnSync(launcherPath, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
}
