// serve's start-up bookkeeping waits for the requests in flight (src/commands/serve.ts,
// whenAnswered): at once when there are none, when the last one ends, and never much longer than a
// second, however long a download runs.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenAnswered } from '../../src/commands/serve.js';

test('whenAnswered settles at once with no request in flight, when the last one ends, and after about a second at most', async (t) => {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => void held.push(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const answered = whenAnswered(server);
  const port = (server.address() as AddressInfo).port;
  const ask = () =>
    new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve)).on('error', () => resolve());
    });
  const waitForHeld = async (n: number) => {
    while (held.length < n) await sleep(5);
  };

  await answered(); // nothing in flight

  const first = ask();
  const second = ask();
  await waitForHeld(2);
  let settled = false;
  const waiting = answered().then(() => (settled = true));
  held[0].end('one');
  await first;
  await sleep(50);
  assert.equal(settled, false, 'one request still in flight');
  held[1].end('two');
  await second;
  await waiting;

  // A download that goes on: the bookkeeping waits no longer than about a second.
  void ask();
  await waitForHeld(3);
  const started = Date.now();
  await answered();
  const waited = Date.now() - started;
  assert.ok(waited >= 900 && waited < 5000, `waited ${waited} ms`);
  held[2].end('three');
});
