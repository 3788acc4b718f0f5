// The V8 flags commands set at run time: gc exposed to the command that asks, and nothing set in
// the run that makes a code cache (V8 would turn the cache down at every plain start).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { exposedGc } from '../../src/commands/v8-flags.js';

test('exposedGc gives a gc that collects what nothing holds', () => {
  const gc = exposedGc();
  assert.equal(typeof gc, 'function');
  let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
  const held = v8.getHeapStatistics().used_heap_size;
  garbage = undefined;
  gc?.();
  assert.equal(garbage, undefined);
  assert.ok(v8.getHeapStatistics().used_heap_size < held - 4 * 1024 * 1024, 'the heap shrank by the garbage');
});

test('in the run that makes a code cache, no flag is set and no gc is given', () => {
  const module = new URL('../../src/commands/v8-flags.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(module)}); m.keepYoungGenerationSmall(); console.log(typeof m.exposedGc(), typeof globalThis.gc);`;
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const making = run({ NETCASTER_CODE_CACHE_OUT: '/nonexistent/cache' });
  assert.equal(making.status, 0, making.stderr);
  assert.equal(making.stdout.trim(), 'undefined undefined');
  const plain = run({ NETCASTER_CODE_CACHE_OUT: undefined });
  assert.equal(plain.stdout.trim(), 'function undefined');
});
