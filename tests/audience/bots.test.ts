import test from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeBot } from '../../src/audience/bots.js';

test('crawlers, monitors and HTTP libraries look like bots', () => {
  for (const ua of [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'curl/8.4.0',
    'python-requests/2.31.0',
    'UptimeRobot/2.0; http://www.uptimerobot.com/',
  ]) {
    assert.equal(looksLikeBot(ua), true, ua);
  }
});

test('a browser does not look like a bot', () => {
  for (const ua of [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  ]) {
    assert.equal(looksLikeBot(ua), false, ua);
  }
});
