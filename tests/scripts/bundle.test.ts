// The bundle that `bin` runs (scripts/bundle.mjs): code split into chunks must still find the
// worker entries it starts by a path relative to itself (threads and child processes), or they never start.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { cliPath } from '../support/env.js';

test('regression: every worker or child a bundled chunk starts by new URL("./x.js", import.meta.url) is a file beside it', () => {
  const dir = path.dirname(cliPath);
  const started = new Set<string>();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const m of code.matchAll(
      /(?:new Worker\(|fork\(\w+\(|spawn\(process\.execPath, \[\w+\()new URL\("\.\/([^"]+)", import\.meta\.url\)/g,
    )) {
      started.add(m[1]);
      assert.ok(fs.existsSync(path.join(dir, m[1])), `${name} starts ./${m[1]}, which is not in ${dir}`);
    }
  }
  assert.deepEqual([...started].sort(), ['feed-worker.js', 'pool-worker.js']);
});

test("regression: a cold build spent 40 ms requiring sharp's 70 CommonJS files; its JavaScript is in the bundle, and its native binding resolves from the bundle folder", () => {
  const dir = path.dirname(cliPath);
  const code = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.js'))
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'));
  assert.ok(!code.some((c) => /(?:from |import\(|require\()["']sharp["']/.test(c)), 'no chunk loads the sharp package from node_modules');
  const binding = `@img/sharp-${process.platform}-${process.arch}/sharp.node`;
  assert.ok(
    code.some((c) => c.includes(`"${binding}"`)),
    `a chunk requires ${binding}`,
  );
  // What the bundled sharp's createRequire(import.meta.url) finds at run time.
  assert.ok(fs.existsSync(createRequire(cliPath).resolve(binding)));
});
