// The OPAWG user-agents-v2 lists (https://github.com/opawg/user-agents-v2/tree/master/src), as the
// docs tell podcasters to clone them, write each entry as { "name", "pattern" } (and "category" in
// devices.json). netcaster read only { "user_agents": [...] }: with the real lists, `serve` never
// wrote a count ("cannot write counts", retried forever) and `stats import` died with exit 70.
// Entries below are copied from the lists as published.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { classifyUserAgent, loadRules } from '../../src/audience/user-agents.js';
import { tempDir } from '../support/temp-dir.js';

const schema = 'https://raw.githubusercontent.com/opawg/user-agents-v2/master/schemas/patterns.schema.json';
const lists = {
  apps: {
    entries: [
      { name: 'AntennaPod', pattern: '(^AntennaPod/|^de\\.danoeh\\.antennapod/|antenna/.*CFNetwork)' },
      { name: 'Apple Podcasts', pattern: '^Podcasts/|^Balados/|^Podcasti/|^Podcast/|^Podcasts‐Podcasts/' },
    ],
  },
  bots: { entries: [{ name: '7Siters Crawler', pattern: '^7Siters' }] },
  browsers: { entries: [{ name: 'Google Chrome', pattern: 'Chrome/|CriOS/' }] },
  libraries: { entries: [{ name: 'okhttp', pattern: '^okhttp/' }] },
  devices: {
    entries: [
      { name: 'Apple iPad', pattern: 'ipad|iPad|IPAD', category: 'mobile' },
      { name: 'Apple iPhone', pattern: 'iphone|iOS|iPhone|CFNetwork| ios |phone;ios', category: 'mobile' },
      { name: 'Apple TV', pattern: 'Apple TV|AppleTV|apple;apple_tv', category: 'smart_tv' },
      { name: 'Android Phone', pattern: 'ServeStream|Android|android|HTC|ExoPlayer|^AntennaPod/', category: 'mobile' },
      { name: 'Windows Computer', pattern: 'Windows|windows', category: 'computer' },
    ],
  },
};

test('the OPAWG user-agents-v2 files, as published, are read: apps, bots, browsers, libraries and devices', (t) => {
  const dir = tempDir('opawg-v2', t);
  for (const [name, json] of Object.entries(lists))
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ $schema: schema, comments: ['...'], ...json }));
  const rules = loadRules(dir);
  assert.deepEqual(classifyUserAgent('AntennaPod/3.4.0', rules), { app: 'AntennaPod', device: 'phone' });
  assert.deepEqual(classifyUserAgent('Podcasts/1555.2.1 CFNetwork/1335.0.3 Darwin/21.6.0', rules), {
    app: 'Apple Podcasts',
    device: 'phone',
  });
  assert.deepEqual(classifyUserAgent('7Siters/1.1 (+https://7ooo.ru/siters/)', rules), { bot: true });
  assert.equal(classifyUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36', rules).app, 'Google Chrome');
  assert.equal(classifyUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36', rules).device, 'computer');
  assert.deepEqual(classifyUserAgent('okhttp/4.9.0', rules), { app: 'okhttp', device: undefined });
  assert.equal(classifyUserAgent('Podcasts/1.0 (iPad; iPadOS 17)', rules).device, 'tablet');
  assert.equal(classifyUserAgent('Podcasts/1.0 AppleTV/17', rules).device, 'tv');
});
