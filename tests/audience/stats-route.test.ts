// The /stats/ route: who may see it, and what it answers. Moved here from stats-page.test.ts: the
// three "stats access" tests below.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { presentedToken, statsRoute, tokenMatches } from '../../src/audience/stats-route.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { episode, show } from '../support/catalog-data.js';
import { tempDir } from '../support/temp-dir.js';

describe('stats access', () => {
  it('reads Basic (any user name) and Bearer credentials', () => {
    assert.equal(presentedToken(`Basic ${Buffer.from('anyone:s3cret:x').toString('base64')}`), 's3cret:x');
    assert.equal(presentedToken('Bearer s3cret'), 's3cret');
    assert.equal(presentedToken('Digest x'), undefined);
    assert.equal(presentedToken(undefined), undefined);
  });
  it('compares tokens whatever their length', () => {
    assert.equal(tokenMatches('s3cret', 's3cret'), true);
    assert.equal(tokenMatches('s3cre', 's3cret'), false);
    assert.equal(tokenMatches('s3cret-and-more', 's3cret'), false);
    assert.equal(tokenMatches(undefined, 's3cret'), false);
  });
  it('nothing there without NETCASTER_STATS_TOKEN; 401 without the token; other paths are not its business', async () => {
    assert.equal(await statsRoute(() => undefined, {})('/stats/', 'GET', {}), undefined);
    const route = statsRoute(() => undefined, { NETCASTER_STATS_TOKEN: 's3cret' });
    assert.equal((await route('/stats/', 'GET', {}))?.status, 401);
    assert.equal((await route('/stats/', 'GET', { authorization: 'Bearer wrong' }))?.status, 401);
    assert.match((await route('/stats/', 'GET', {}))!.headers['WWW-Authenticate'], /^Basic realm=/);
    assert.equal(await route('/episodes/', 'GET', {}), undefined);
    assert.equal((await route('/stats', 'GET', { authorization: 'Bearer s3cret' }))?.status, 301);
  });
});

describe('stats route', () => {
  const token = { authorization: 'Bearer s3cret' };

  it('answers GET and HEAD only; a Basic password is as good as a Bearer token; a repeated header counts by its first', async () => {
    const route = statsRoute(() => undefined, { NETCASTER_STATS_TOKEN: 's3cret' });
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) assert.equal(await route('/stats', method, token), undefined, method);
    assert.equal((await route('/stats', 'HEAD', token))?.status, 301);
    const basic = `Basic ${Buffer.from('me:s3cret').toString('base64')}`;
    assert.equal((await route('/stats', 'GET', { authorization: basic }))?.status, 301);
    assert.equal((await route('/stats', 'GET', { authorization: [basic, 'Bearer wrong'] }))?.status, 301);
    assert.equal((await route('/stats', 'GET', { authorization: ['Bearer wrong', basic] }))?.status, 401);
    assert.equal((await route('/stats/x', 'GET', token)) ?? 'none', 'none', 'only /stats and /stats/');
  });

  it('a store that cannot be opened is a 503 with Retry-After and the reason, never a crash', async (t) => {
    const blocker = path.join(tempDir('stats-route', t), 'a-file');
    fs.writeFileSync(blocker, 'x');
    const route = statsRoute(() => undefined, { NETCASTER_STATS_TOKEN: 's3cret', NETCASTER_DATA_DIR: path.join(blocker, 'data') });
    const r = await route('/stats/', 'GET', token);
    assert.equal(r?.status, 503);
    assert.equal(r.headers['Retry-After'], '5');
    assert.equal(r.headers['Cache-Control'], 'no-store');
    assert.match(r.body, /cannot be read: .*data folder/);
  });

  it('with the token, the page lists published episodes only: no draft and no scheduled title leaks', async (t) => {
    const catalog = {
      show: show(),
      episodes: [
        { ...episode('future', '2999-01-01T00:00:00Z'), title: 'Scheduled Secret' },
        { ...episode('draft', '2020-01-01T00:00:00Z'), title: 'Draft Secret', draft: true },
        { ...episode('out', '2020-01-02T00:00:00Z'), title: 'Out Already' },
      ],
    } as Catalog;
    const route = statsRoute(() => catalog, { NETCASTER_STATS_TOKEN: 's3cret', NETCASTER_DATA_DIR: tempDir('stats-route', t) });
    const r = await route('/stats/', 'GET', token);
    assert.equal(r?.status, 200);
    assert.equal(r.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['Cache-Control'], 'no-store');
    assert.ok(r.body.includes('Out Already'));
    assert.ok(!r.body.includes('Scheduled Secret'));
    assert.ok(!r.body.includes('Draft Secret'));
  });
});
