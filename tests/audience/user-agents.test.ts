import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { classifyUserAgent, compileRules, loadRules } from '../../src/audience/user-agents.js';
import { tempDir } from '../support/temp-dir.js';

const writeLists = (dir: string, files: Record<string, unknown>) => {
  for (const [name, json] of Object.entries(files))
    fs.writeFileSync(path.join(dir, `${name}.json`), typeof json === 'string' ? json : JSON.stringify(json));
};

test('without a folder of lists, the built-in rules', () => {
  for (const rules of [loadRules(''), loadRules(undefined)]) {
    assert.equal(rules.source, 'netcaster built-in rules');
    assert.equal(classifyUserAgent('AntennaPod/3.2.0', rules).app, 'AntennaPod');
  }
});

test('OPAWG lists in a folder replace the built-in rules whole; a missing file is an empty list; bare arrays are read too', (t) => {
  const dir = tempDir('ua-lists', t);
  writeLists(dir, {
    apps: { entries: [{ user_agents: ['^MyCaster/'], app: 'MyCaster', device: 'phone' }] },
    browsers: [{ user_agents: ['Firefox/'], browser: 'Firefox (OPAWG)' }],
  });
  const rules = loadRules(dir);
  assert.equal(rules.source, `OPAWG user-agents-v2 lists in ${dir}`);
  assert.deepEqual(classifyUserAgent('MyCaster/1.0', rules), { app: 'MyCaster', device: 'phone' });
  assert.deepEqual(classifyUserAgent('Mozilla/5.0 Firefox/121.0', rules), { app: 'Firefox (OPAWG)', device: undefined });
  // Not in these lists: the built-in rules are not mixed in.
  assert.equal(classifyUserAgent('AntennaPod/3.2.0', rules).app, undefined);
  assert.deepEqual(
    classifyUserAgent('Mozilla/5.0 (X11; Linux x86_64) SomePlayer/2.0', rules),
    { device: undefined },
    'no device list: no device',
  );
});

test('a list that is not JSON, or not in the OPAWG shape, is refused with its file name', (t) => {
  const dir = tempDir('ua-lists', t);
  writeLists(dir, { bots: '{"entries": [' });
  assert.throws(
    () => loadRules(dir),
    (err: Error) => err.message.startsWith(path.join(dir, 'bots.json') + ': '),
  );
  writeLists(dir, { bots: { entries: [] }, devices: { entries: [{ name: 'x' }] } });
  assert.throws(
    () => loadRules(dir),
    (err: Error) =>
      err.message === `${path.join(dir, 'devices.json')}: expected { "entries": [{ "pattern": "..." }] } (or "user_agents": [...])`,
  );
  writeLists(dir, { devices: { entries: [{ name: 'x', pattern: '(' }] } });
  assert.throws(
    () => loadRules(dir),
    (err: Error) => err.message.startsWith(path.join(dir, 'devices.json') + ': '),
  );
  writeLists(dir, { devices: { list: [] } });
  assert.throws(() => loadRules(dir), /devices\.json/);
});

test('order of the checks: empty, Apple Watch, bots, named apps (never bots), then a self-declared bot, else Other', () => {
  const rules = compileRules(
    {
      bots: [{ user_agents: ['Sync'] }],
      apps: [
        { user_agents: ['^Caster/'], app: 'Caster', device: 'phone' },
        { user_agents: ['Nimbus'], app: 'Nimbus', bot: true },
      ],
      devices: [{ user_agents: ['Linux'], device: 'computer' }],
    },
    'test',
  );
  const c = (ua: string) => classifyUserAgent(ua, rules);
  assert.deepEqual(c(''), { empty: true });
  assert.deepEqual(c('  '), { empty: true });
  assert.deepEqual(c('-'), { empty: true });
  assert.deepEqual(c('Caster/1.0 (Watch; watchOS/10.1)'), { appleWatch: true }, 'a watch before anything else');
  assert.deepEqual(c('Caster/1.0 Sync'), { bot: true }, 'bots.json before apps');
  assert.deepEqual(c('Mozilla/5.0 (Linux) Nimbus'), { bot: true }, 'an app entry marked bot is a bot');
  assert.deepEqual(
    c('Caster/1.0 (+https://caster.example/bot) Linux'),
    { app: 'Caster', device: 'phone' },
    "an app, though it looks like a bot; the app's device first",
  );
  assert.deepEqual(c('curl/8.4.0'), { bot: true }, 'no rule names it, and it declares itself a bot');
  assert.deepEqual(c('Mozilla/5.0 (X11; Linux x86_64) SomePlayer/2.0'), { device: 'computer' }, 'unnamed: Other, with its device');
});

test('classifications are remembered per set of rules, never across sets', () => {
  const a = compileRules({ apps: [{ user_agents: ['^X/'], app: 'X' }] }, 'a');
  const b = compileRules({}, 'b');
  assert.equal(classifyUserAgent('X/1', a).app, 'X');
  assert.equal(classifyUserAgent('X/1', b).app, undefined);
  assert.equal(classifyUserAgent('X/1', a), classifyUserAgent('X/1', a), 'the same answer object for the same UA');
});
