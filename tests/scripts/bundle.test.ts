// The bundle that `bin` runs (scripts/bundle.mjs, run by bin/netcaster.cjs): the worker entries it
// starts by a path relative to itself (threads and child processes) must be beside it, or they never
// start; and the code cache made with it must be the one V8 takes, or every command compiles anew.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot, runCli } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

const bundleDir = path.join(repoRoot, 'dist', 'bundle');
const bundleFiles = () => fs.readdirSync(bundleDir).filter((n) => n.endsWith('.js') || n.endsWith('.cjs'));

test('regression: every worker or child the bundle starts by new URL("./x.js", its own URL) is a file beside it', () => {
  const started = new Set<string>();
  for (const name of bundleFiles()) {
    const code = fs.readFileSync(path.join(bundleDir, name), 'utf8');
    // In the CommonJS bundle of the CLI, import.meta.url is __netcasterUrl (given by bin/netcaster.cjs).
    for (const m of code.matchAll(
      /(?:new (?:[\w.]+\.)?Worker\(|fork\(\w+\(|spawn\)?\(process\.execPath, \[(?:\(0, )?[\w.]+\)?\()new URL\("\.\/([^"]+)", (?:import\.meta\.url|__netcasterUrl)\)/g,
    )) {
      started.add(m[1]);
      assert.ok(fs.existsSync(path.join(bundleDir, m[1])), `${name} starts ./${m[1]}, which is not in ${bundleDir}`);
    }
  }
  assert.deepEqual([...started].sort(), ['feed-worker.js', 'pool-worker.js']);
});

test("regression: a cold build spent 40 ms requiring sharp's 70 CommonJS files; its JavaScript is in the bundle, and its native binding resolves from the bundle folder", () => {
  const code = bundleFiles().map((name) => fs.readFileSync(path.join(bundleDir, name), 'utf8'));
  assert.ok(
    !code.some((c) => /(?:from |import\(|require\()["']sharp["']/.test(c)),
    'no file of the bundle loads the sharp package from node_modules',
  );
  const binding = `@img/sharp-${process.platform}-${process.arch}/sharp.node`;
  assert.ok(
    code.some((c) => c.includes(`"${binding}"`)),
    `the bundle requires ${binding}`,
  );
  // What the bundled sharp's require finds at run time.
  assert.ok(fs.existsSync(createRequire(path.join(bundleDir, 'netcaster.cjs')).resolve(binding)));
});

test('the CLI starts from the code caches that npm run build made for this Node, and still runs without them', () => {
  const used = runCli(['--help'], { env: { NETCASTER_CODE_CACHE: 'report' } });
  assert.equal(used.code, 0, used.stderr);
  assert.match(used.stderr, /netcaster: code cache used/);
  assert.match(used.stdout, /usage: netcaster <command>/);
  // import has a cache of its own, made by an import (scripts/bundle.mjs).
  assert.ok(fs.existsSync(path.join(bundleDir, 'netcaster.cjs.import.v8-cache')));
  const importing = runCli(['import'], { env: { NETCASTER_CODE_CACHE: 'report' } });
  assert.equal(importing.code, 2, importing.stderr);
  assert.match(importing.stderr, /netcaster: code cache used/);
  // A cache V8 will not take (another Node's, or a stale one) is passed over, never trusted: a copy
  // of the CLI whose cache is garbage.
  const copy = tempDir('bundle');
  fs.mkdirSync(path.join(copy, 'bin'));
  fs.mkdirSync(path.join(copy, 'dist', 'bundle'), { recursive: true });
  fs.copyFileSync(cliPath, path.join(copy, 'bin', 'netcaster.cjs'));
  fs.copyFileSync(path.join(bundleDir, 'netcaster.cjs'), path.join(copy, 'dist', 'bundle', 'netcaster.cjs'));
  fs.writeFileSync(path.join(copy, 'dist', 'bundle', 'netcaster.cjs.v8-cache'), Buffer.alloc(1 << 20, 7));
  fs.writeFileSync(path.join(copy, 'package.json'), '{}');
  const rejected = spawnSync(process.execPath, [path.join(copy, 'bin', 'netcaster.cjs'), '--help'], {
    env: { ...process.env, NETCASTER_CODE_CACHE: 'report' },
    encoding: 'utf8',
  });
  assert.equal(rejected.status, 0, rejected.stderr);
  assert.match(rejected.stderr, /netcaster: code cache rejected/);
  assert.match(rejected.stdout, /usage: netcaster <command>/);
});

test('the bundle is ASCII only, as bin/netcaster.cjs reads it (latin1)', () => {
  const bytes = fs.readFileSync(path.join(bundleDir, 'netcaster.cjs'));
  assert.equal(
    bytes.findIndex((b) => b > 0x7f),
    -1,
  );
});
