// Behind a proxy that writes the client's port into X-Forwarded-For (`1.2.3.4:51234`, as Azure
// Application Gateway does), the port was read as an IPv6 group: each new connection of one
// listener was a new listener (counted again), and two addresses sharing a port were one.
import assert from 'node:assert/strict';
import test from 'node:test';
import { listenerAddress } from '../../src/audience/engine.js';

test('an IPv4 address with a port is the address', () => {
  assert.equal(listenerAddress('203.0.113.5:50001'), '203.0.113.5');
  assert.equal(listenerAddress('203.0.113.5:50002'), '203.0.113.5');
  assert.notEqual(listenerAddress('203.99.1.1:50001'), listenerAddress('203.0.113.5:50001'));
});

test('a bracketed IPv6 address, with or without a port, is its /64', () => {
  assert.equal(listenerAddress('[2001:db8:1:2::1]:443'), '2001:db8:1:2::/64');
  assert.equal(listenerAddress('[2001:db8:1:2::9]'), '2001:db8:1:2::/64');
  assert.equal(listenerAddress('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(listenerAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(listenerAddress('[::ffff:192.0.2.1]:8080'), '192.0.2.1');
});
