// netcaster's own User-Agent rules, read through the classifier as `serve` and `stats import` use them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ownRules } from '../../src/audience/ua-rules.js';
import { classifyUserAgent, compileRules } from '../../src/audience/user-agents.js';

const rules = compileRules(ownRules, 'own');
const classify = (ua: string) => classifyUserAgent(ua, rules);

test('podcast apps are named, with their device where the app says it or the UA shows it', () => {
  const cases: [string, string, string | undefined][] = [
    ['AntennaPod/3.2.0', 'AntennaPod', 'phone'],
    ['gPodder/3.11.1 (+https://gpodder.github.io/) Linux', 'gPodder', 'computer'],
    ['AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)', 'Apple Podcasts', 'phone'],
    ['Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0', 'Apple Podcasts', undefined],
    ['Overcast/3.0 (+http://overcast.fm/; iOS podcast app)', 'Overcast', 'phone'],
    ['PocketCasts/1.0 (Pocket Casts Android; +https://pocketcasts.com/)', 'Pocket Casts', 'phone'],
    ['Spotify/8.9.0 iOS/17.0 (iPhone15,2)', 'Spotify', 'phone'],
    ['Mozilla/5.0 (Linux; Android 14) PodcastAddict/v5 - Dalvik/2.1.0', 'Podcast Addict', 'phone'],
    ['Kodi/20.2 (X11; Linux x86_64)', 'Kodi', 'tv'],
    ['Lavf/60.16.100', 'FFmpeg', undefined],
    ['Wget/1.21.4', 'Wget', undefined],
  ];
  for (const [ua, app, device] of cases) assert.deepEqual(classify(ua), { app, device }, ua);
});

test("apps' own feed crawlers are bots, not listeners of the app", () => {
  for (const ua of [
    'Pocket Casts Feed Parser',
    'Overcast/1.0 Podcast Sync (123 subscribers; feed-id=456; +http://overcast.fm/)',
    'Podcasts/1.0 (+https://podcasts.apple.com/)',
    'iTMS',
    'Spotify/1.0 (+https://www.spotify.com/)',
    'PodcastAddict/v2 - FeedChecker',
    'Podchaser-Parser',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
  ]) {
    assert.deepEqual(classify(ua), { bot: true }, ua);
  }
});

test('browsers are told apart though their UAs name each other (Edge and Opera say Chrome, Chrome says Safari)', () => {
  const cases: [string, string, string][] = [
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      'Microsoft Edge',
      'computer',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/105.0.0.0',
      'Opera',
      'computer',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      'Google Chrome',
      'phone',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1',
      'Google Chrome',
      'phone',
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Safari',
      'tablet',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
      'Safari',
      'computer',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Mozilla Firefox', 'computer'],
  ];
  for (const [ua, app, device] of cases) assert.deepEqual(classify(ua), { app, device }, ua);
});

test('devices use OPAWG names only, and every pattern compiles', () => {
  const opawg = new Set(['phone', 'tablet', 'computer', 'watch', 'smart_speaker', 'tv']);
  for (const list of Object.values(ownRules)) {
    for (const entry of list) {
      if (entry.device) assert.ok(opawg.has(entry.device), entry.device);
      for (const p of entry.user_agents) assert.doesNotThrow(() => new RegExp(p), p);
    }
  }
  assert.equal(classify('Sonos/80.1-12345 (ZPS1)').device, 'smart_speaker');
});
