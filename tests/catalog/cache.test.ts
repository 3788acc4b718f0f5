import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonCache, cacheDir, readCacheJson, writableCacheDir } from '../../src/catalog/cache.js';
import { tempDir } from '../support/temp-dir.js';

/** Sets environment variables for one test, restoring them after it. */
function withEnv(t: TestContext, vars: Record<string, string | undefined>): void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  t.after(() => set(before));
}

const stat = { size: 100, mtimeMs: 1_700_000_000_000 };

test('cacheDir: NETCASTER_CACHE_DIR, else $XDG_CACHE_HOME/netcaster, else ~/.cache/netcaster; an empty variable counts as unset', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: '/c/own', XDG_CACHE_HOME: '/c/xdg' });
  assert.equal(cacheDir(), '/c/own');
  process.env.NETCASTER_CACHE_DIR = '';
  assert.equal(cacheDir(), path.join('/c/xdg', 'netcaster'));
  process.env.XDG_CACHE_HOME = '';
  assert.equal(cacheDir(), path.join(os.homedir(), '.cache', 'netcaster'));
});

test('facts saved by one JsonCache are found by the next only for the same size and mtime', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: tempDir('cache', t) });
  const first = new JsonCache<{ duration: number }>('media', '/shows/a');
  first.set('ep/a.mp3', stat, { duration: 61 });
  first.save();

  const second = new JsonCache<{ duration: number }>('media', '/shows/a');
  assert.deepEqual(second.get('ep/a.mp3', stat), { duration: 61 });
  assert.equal(second.get('ep/a.mp3', { ...stat, size: 101 }), undefined, 'another size is another file');
  assert.equal(second.get('ep/a.mp3', { ...stat, mtimeMs: stat.mtimeMs + 1 }), undefined, 'another mtime is another file');
  assert.equal(second.get('ep/b.mp3', stat), undefined);
  // Another show folder has a cache of its own.
  assert.equal(new JsonCache('media', '/shows/b').get('ep/a.mp3', stat), undefined);
});

test('retain drops the entries of files no longer named, and the drop is saved', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: tempDir('cache', t) });
  const cache = new JsonCache<number>('media', '/shows/a');
  cache.set('keep', stat, 1);
  cache.set('gone', stat, 2);
  cache.save();
  const again = new JsonCache<number>('media', '/shows/a');
  again.retain(new Set(['keep']));
  again.save();
  const third = new JsonCache<number>('media', '/shows/a');
  assert.equal(third.get('keep', stat), 1);
  assert.equal(third.get('gone', stat), undefined);
});

test('a file path such as __proto__ is a plain key, kept across a save', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: tempDir('cache', t) });
  const cache = new JsonCache<number>('media', '/shows/a');
  assert.equal(cache.get('__proto__', stat), undefined);
  cache.set('__proto__', stat, 7);
  cache.save();
  assert.equal(new JsonCache<number>('media', '/shows/a').get('__proto__', stat), 7);
});

test('a corrupt cache file, or one of another version, is ignored and then replaced by a good one', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: tempDir('cache', t) });
  const file = new JsonCache('media', '/shows/a').file;
  for (const bad of [
    '{"version": 5, "entries": {"x": {"size": 100, "mtimeMs"',
    JSON.stringify({ version: 1, entries: { x: { ...stat, value: 1 } } }),
    '[1,2]',
  ]) {
    fs.writeFileSync(file, bad);
    const cache = new JsonCache<number>('media', '/shows/a');
    assert.equal(cache.get('x', stat), undefined, bad);
    cache.set('y', stat, 2);
    cache.save();
    assert.equal(new JsonCache<number>('media', '/shows/a').get('y', stat), 2);
  }
  assert.deepEqual(
    fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});

test('save writes nothing when nothing changed', (t) => {
  withEnv(t, { NETCASTER_CACHE_DIR: path.join(tempDir('cache', t), 'not-yet') });
  const cache = new JsonCache<number>('media', '/shows/a');
  cache.save();
  assert.equal(fs.existsSync(cache.file), false);
  cache.get('x', stat);
  cache.save();
  assert.equal(fs.existsSync(cache.file), false);
});

test('a cache folder that cannot be written costs only speed: save does not throw and the facts stay usable', (t) => {
  const blocker = path.join(tempDir('cache', t), 'a-file');
  fs.writeFileSync(blocker, 'not a folder');
  withEnv(t, { NETCASTER_CACHE_DIR: blocker });
  const cache = new JsonCache<number>('media', '/shows/a');
  cache.set('x', stat, 3);
  assert.doesNotThrow(() => cache.save());
  assert.equal(cache.get('x', stat), 3);
  assert.equal(fs.readFileSync(blocker, 'utf8'), 'not a folder');
});

test('writableCacheDir: the folder under the cache folder, or one private temp folder per use when that cannot be written', (t) => {
  const root = tempDir('cache', t);
  withEnv(t, { NETCASTER_CACHE_DIR: root });
  assert.equal(writableCacheDir('artwork'), path.join(root, 'artwork'));
  assert.ok(fs.statSync(path.join(root, 'artwork')).isDirectory());

  const blocker = path.join(root, 'a-file');
  fs.writeFileSync(blocker, 'x');
  process.env.NETCASTER_CACHE_DIR = blocker;
  const fallback = writableCacheDir('variants-test');
  assert.ok(!fallback.startsWith(blocker));
  assert.ok(fs.statSync(fallback).isDirectory());
  fs.accessSync(fallback, fs.constants.W_OK);
  assert.equal(writableCacheDir('variants-test'), fallback, 'the same stand-in for the same use');
});

test('readCacheJson: undefined for an absent file, a folder, a FIFO and text that is not JSON', (t) => {
  const dir = tempDir('cache', t);
  fs.writeFileSync(path.join(dir, 'good.json'), '{"a":1}');
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"a":');
  execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
  assert.deepEqual(readCacheJson(path.join(dir, 'good.json')), { a: 1 });
  for (const name of ['absent.json', 'bad.json', 'fifo.json', '.']) assert.equal(readCacheJson(path.join(dir, name)), undefined, name);
});

test('a save that cannot replace the cache file leaves no temporary file behind', (t) => {
  const root = tempDir('cache', t);
  withEnv(t, { NETCASTER_CACHE_DIR: root });
  const cache = new JsonCache<number>('media', '/shows/a');
  // A folder (not empty) where the cache file should be: the rename over it fails.
  fs.mkdirSync(path.join(cache.file, 'inside'), { recursive: true });
  cache.set('x', stat, 1);
  assert.doesNotThrow(() => cache.save());
  assert.deepEqual(
    fs.readdirSync(root).filter((f) => f.endsWith('.tmp')),
    [],
  );
});
