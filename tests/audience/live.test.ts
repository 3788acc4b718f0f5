// Live recording in a real `serve`: who a download is counted for (--trust-proxy), what a stop
// or a crash loses, a database that cannot be used, and that no address reaches the disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliPath, runCli } from '../support/env.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { startServe } from '../e2e/serve-process.js';
import { LiveRecorder } from '../../src/audience/live.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.js';

const UA = 'AntennaPod/3.2.0';

describe('serve records downloads', () => {
  let show = '';
  let root = '';
  before(async () => {
    show = await makeShow({ ep: { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('ep') } });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-live-'));
  });
  after(() => {
    for (const d of [show, root]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const total = (data: string) => {
    const r = runCli(['stats', show, '--json'], { env: { NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: '' } });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).downloads.total as number;
  };
  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers: { 'User-Agent': UA, ...headers } }).then(async (r) => [r.status, (await r.arrayBuffer()).byteLength]);

  it('without --trust-proxy, X-Forwarded-For names no one: the socket address does', async () => {
    const data = path.join(root, 'no-proxy');
    const serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: data } });
    await get(`${serve.url}/media/ep/a.mp3`, { 'X-Forwarded-For': '198.51.100.1' });
    await get(`${serve.url}/media/ep/a.mp3`, { 'X-Forwarded-For': '198.51.100.2' });
    assert.equal(await serve.stop(), 0);
    assert.equal(total(data), 1);
  });

  it('with --trust-proxy loopback, the proxy says who listened', async () => {
    const data = path.join(root, 'proxy');
    const serve = await startServe(show, ['--trust-proxy', 'loopback'], { env: { NETCASTER_DATA_DIR: data } });
    await get(`${serve.url}/media/ep/a.mp3`, { 'X-Forwarded-For': '198.51.100.77' });
    await get(`${serve.url}/media/ep/a.mp3`, { 'X-Forwarded-For': '2001:db8:77::1' });
    await get(`${serve.url}/media/ep/a.mp3`, { 'X-Forwarded-For': '2001:db8:77::2' }); // same /64
    assert.equal(await serve.stop(), 0);
    assert.equal(total(data), 2);
    // Privacy: no address, whole or cut, in any file the database wrote.
    for (const file of fs.readdirSync(data)) {
      const bytes = fs.readFileSync(path.join(data, file)).toString('latin1');
      for (const address of ['198.51.100.77', '2001:db8:77', '127.0.0.1']) assert.ok(!bytes.includes(address), `${address} in ${file}`);
    }
  });

  it('--trust-proxy true is refused (it would let anyone choose)', () => {
    assert.equal(runCli(['serve', show, '--trust-proxy', 'true']).code, 2);
  });

  it('kill -9 loses at most the last second', async () => {
    const data = path.join(root, 'kill');
    const serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: data } });
    assert.deepEqual((await get(`${serve.url}/media/ep/a.mp3`))[0], 200);
    await new Promise((r) => setTimeout(r, 2000));
    await serve.stop('SIGKILL');
    assert.equal(total(data), 1);
  });

  it('a graceful stop right after a download loses nothing', async () => {
    const data = path.join(root, 'graceful');
    const serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: data } });
    await get(`${serve.url}/media/ep/a.mp3`);
    assert.equal(await serve.stop('SIGTERM'), 0);
    assert.equal(total(data), 1);
  });

  it('under steady traffic the server holds the database, and lets `stats` have it when asked', async () => {
    const data = path.join(root, 'busy');
    const serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: data } });
    let traffic = true;
    const requests = (async () => {
      // A request every 20 ms, so every one of the server's flushes has something to write.
      while (traffic) {
        await get(`${serve.url}/media/ep/a.mp3`, { Range: 'bytes=100-2000' });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await get(`${serve.url}/media/ep/a.mp3`);
      await new Promise((r) => setTimeout(r, 2500)); // counted and written, the database held
      const started = Date.now();
      const stats = spawn(process.execPath, [cliPath, 'stats', show, '--json'], {
        env: { ...process.env, NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      stats.stdout.on('data', (c) => (out += c));
      stats.stderr.on('data', (c) => (err += c));
      const code = await new Promise((resolve) => stats.once('exit', resolve));
      assert.equal(code, 0, err);
      assert.equal(JSON.parse(out).downloads.total, 1);
      assert.ok(Date.now() - started < 4500, `stats waited ${Date.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 1500)); // the server takes the database back
    } finally {
      traffic = false;
      await requests;
      assert.equal(await serve.stop(), 0);
    }
    assert.doesNotMatch(serve.output(), /cannot write counts/);
    assert.ok(!fs.existsSync(path.join(data, 'audience.duckdb.wanted')), 'no request left behind');
  });

  it('a database that cannot be used never stops media being served', async () => {
    const blocked = path.join(root, 'a-file');
    fs.writeFileSync(blocked, 'not a folder');
    const serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: blocked } });
    try {
      const [status, bytes] = await get(`${serve.url}/media/ep/a.mp3`);
      assert.equal(status, 200);
      assert.equal(bytes, fs.statSync(path.join(show, 'ep', 'a.mp3')).size);
      await new Promise((r) => setTimeout(r, 1500));
      assert.match(serve.output(), /download counting: cannot write counts \(cannot create the data folder/);
      assert.equal((await get(`${serve.url}/media/ep/a.mp3`))[0], 200);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });
});

const pgSkip = hasPostgres() ? false : process.env.CI === 'true' ? false : 'PostgreSQL is not installed';
describe('serve records downloads into PostgreSQL', { skip: pgSkip }, () => {
  let server: TestPostgres | undefined;
  let show = '';
  before(async () => {
    server = await startPostgres();
    show = await makeShow({ ep: { files: { 'a.mp3': 'good-cbr.mp3' }, yaml: episodeYaml('ep') } });
  });
  after(() => {
    server?.stop();
    if (show) fs.rmSync(show, { recursive: true, force: true });
  });

  it('with NETCASTER_DATABASE_URL, counts go to the server, and stats reads them there', async () => {
    const env = { NETCASTER_DATABASE_URL: server!.url };
    const serve = await startServe(show, [], { env });
    for (const ua of [UA, UA, 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)', 'Googlebot/2.1']) {
      await fetch(`${serve.url}/media/ep/a.mp3`, { headers: { 'User-Agent': ua } }).then((r) => r.arrayBuffer());
    }
    assert.equal(await serve.stop(), 0);
    const r = runCli(['stats', show, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).downloads.byApp, { AntennaPod: 1, Overcast: 1 });
  });
});

describe('LiveRecorder, started by serve once its site is live', () => {
  it('opens no store before start(), and none at a start() after stop(); start() opens it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-recorder-'));
    try {
      const recorder = (data: string) =>
        new LiveRecorder({ getCatalog: () => undefined, log: () => {}, env: { NETCASTER_DATA_DIR: path.join(root, data) } });
      const stoppedFirst = recorder('stopped-first');
      await stoppedFirst.stop(); // a show that could not be served: never started, nothing recorded
      await stoppedFirst.start(); // too late: the server is gone
      assert.equal(fs.existsSync(path.join(root, 'stopped-first', 'audience.duckdb')), false);

      const started = recorder('started');
      await started.start();
      await started.stop();
      assert.equal(fs.existsSync(path.join(root, 'started', 'audience.duckdb')), true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
