// assembleCatalog is pure: what read-files.ts found (manifests, facts, side files) in, the catalog
// and its problems out. Every case here is built in memory, facts as data, no disk; the same rules
// seen through real show folders are in check-show.test.ts and check-show-rules.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import { uuidV5 } from '../../src/catalog/uuid-v5.js';
import type { Problem } from '../../src/contract/problems.js';
import { artwork, episode, media, show, showManifest } from '../support/assemble-files.js';

const brief = (problems: Problem[]) => problems.map((p) => `${p.level} ${p.file}${p.field ? ` ${p.field}` : ''}`);
const about = (problems: Problem[], file: string, field?: string) => problems.filter((p) => p.file === file && p.field === field);

test('good facts make a catalog with no problem: the show as written, episodes newest first with their facts', () => {
  const older = episode('001-first', { manifest: { number: 1, date: '2024-01-01 10:00:00+02:00' } });
  const newer = episode('002-second', {
    manifest: {
      number: 2,
      date: '2024-02-01T10:00:00Z',
      season: 1,
      type: 'bonus',
      explicit: true,
      links: [{ title: 'L', url: 'https://l.example' }],
    },
  });
  const { catalog, problems } = assembleCatalog(
    show(
      [older, newer],
      showManifest({
        categories: ['Technology', 'News/Tech News'],
        hub: 'https://hub.example/',
        owner: { name: 'O', email: 'o@show.example' },
      }),
    ),
  );
  assert.deepEqual(problems, []);
  assert.ok(catalog);
  assert.equal(catalog.show.baseUrl, 'https://show.example');
  assert.deepEqual(catalog.show.hubs, ['https://hub.example/']);
  assert.deepEqual(catalog.show.feeds, [{ name: 'audio', title: 'Audio', enclosure: 'mp3', alternates: [] }]);
  assert.equal(catalog.show.artwork, artwork);
  assert.deepEqual(
    catalog.episodes.map((e) => e.slug),
    ['002-second', '001-first'],
  );
  const [second, first] = catalog.episodes;
  assert.equal(first.date, '2024-01-01T08:00:00.000Z', 'the date in UTC, from a space-separated one with an offset');
  assert.deepEqual(
    { number: second.number, season: second.season, episodeType: second.episodeType, explicit: second.explicit, draft: second.draft },
    { number: 2, season: 1, episodeType: 'bonus', explicit: true, draft: false },
  );
  assert.equal(first.episodeType, 'full');
  assert.deepEqual(second.links, [{ title: 'L', url: 'https://l.example' }]);
  assert.deepEqual(first.media, older.media);
});

test('--base-url overrides show.yaml and loses its trailing slashes; no base URL anywhere is a warning', () => {
  assert.equal(assembleCatalog(show([episode('001-a')]), 'https://cdn.example/pod//').catalog?.show.baseUrl, 'https://cdn.example/pod');
  const { catalog, problems } = assembleCatalog(show([episode('001-a')], showManifest({ baseUrl: undefined })));
  assert.equal(catalog?.show.baseUrl, undefined);
  assert.deepEqual(brief(problems), ['warning show.yaml baseUrl']);
});

test('a baseUrl the schema let through but no URL parser reads is an error, and is not used', () => {
  const { catalog, problems } = assembleCatalog(show([episode('001-a')], showManifest({ baseUrl: 'https://exa mple.com' })));
  assert.deepEqual(brief(problems), ['error show.yaml baseUrl']);
  assert.equal(catalog?.show.baseUrl, undefined);
});

test('no show artwork (read-files said why) or no show.yaml: no catalog, the episodes are still checked', () => {
  const files = show([episode('001-a', { manifest: { guid: undefined } })]);
  const { catalog, problems } = assembleCatalog({ ...files, showArtwork: undefined });
  assert.equal(catalog, undefined);
  assert.deepEqual(brief(problems), ['warning 001-a/episode.yaml guid']);
  assert.equal(assembleCatalog({ ...files, loaded: { ...files.loaded, manifest: undefined } }).catalog, undefined);
});

test("regression: show.yaml's own problems are said when its artwork is unusable too (they were hidden until the artwork was fixed)", () => {
  const files = show([episode('001-a')], showManifest({ categories: ['Basket Weaving'], baseUrl: 'https://exa mple.com' }));
  const { catalog, problems } = assembleCatalog({ ...files, showArtwork: undefined });
  assert.equal(catalog, undefined);
  assert.deepEqual(brief(problems), ['error show.yaml categories.0', 'error show.yaml baseUrl']);
});

test('problems read-files found are passed on; an episode with an error, or a file that cannot be published, is left out and the others go on', () => {
  const unreadable = episode('001-unreadable', {
    media: [undefined],
    files: { problems: [{ level: 'error', file: '001-unreadable/missing-0', message: 'not found' }] },
  });
  const warned = episode('002-warned', {
    files: { problems: [{ level: 'warning', file: '002-warned/002-warned.mp3', message: 'no Xing header' }] },
  });
  const noDuration = episode('003-no-duration', { media: [media('003-no-duration', 'mp3', { duration: undefined })] });
  const files = show([unreadable, warned, noDuration]);
  files.problems.push({ level: 'warning', file: 'artwork.jpg', message: 'large' });
  const { catalog, problems } = assembleCatalog(files);
  assert.deepEqual(
    catalog?.episodes.map((e) => e.slug),
    ['002-warned'],
  );
  assert.deepEqual(brief(problems), [
    'error 001-unreadable/missing-0',
    'warning 002-warned/002-warned.mp3',
    'error 003-no-duration/003-no-duration.mp3',
    'warning artwork.jpg',
  ]);
  assert.match(about(problems, '003-no-duration/003-no-duration.mp3')[0].message, /duration could not be determined/);
});

test('two episodes with the same guid: an error on the second, naming the first', () => {
  const { problems } = assembleCatalog(
    show([episode('001-a', { manifest: { guid: 'same' } }), episode('002-b', { manifest: { guid: 'same' } })]),
  );
  assert.deepEqual(brief(problems), ['error 002-b/episode.yaml guid']);
  assert.match(problems[0].message, /same guid as 001-a/);
});

test('two full episodes with one number in one season: a warning naming both; other seasons, trailers and bonus episodes may share it', () => {
  const { catalog, problems } = assembleCatalog(
    show([
      episode('001-a', { manifest: { number: 5 } }),
      episode('002-b', { manifest: { number: 5 } }),
      episode('003-c', { manifest: { number: 5, season: 2 } }),
      episode('004-trailer', { manifest: { number: 5, type: 'trailer' } }),
      episode('005-bonus', { manifest: { number: 5, type: 'bonus' } }),
    ]),
  );
  assert.deepEqual(brief(problems), ['warning 002-b/episode.yaml number']);
  assert.match(problems[0].message, /same number 5 as 001-a\/episode\.yaml/);
  assert.equal(catalog?.episodes.length, 5, 'a warning holds nothing back');
});

test('formats whose durations disagree by more than a second: a warning naming both files; within a second, none', () => {
  const disagree = episode('001-a', {
    media: [media('001-a', 'mp3', { duration: 600 }), media('001-a', 'm4v', { duration: 540, mime: 'video/x-m4v', hasVideo: true })],
  });
  const agree = episode('002-b', {
    media: [media('002-b', 'mp3', { duration: 600 }), media('002-b', 'm4v', { duration: 600.9, mime: 'video/x-m4v', hasVideo: true })],
  });
  const { problems } = assembleCatalog(
    show([disagree, agree], showManifest({ feeds: { audio: { title: 'A', enclosure: 'mp3' }, video: { title: 'V', enclosure: 'm4v' } } })),
  );
  assert.deepEqual(brief(problems), ['warning 001-a/episode.yaml media']);
  assert.equal(
    problems[0].message,
    'formats disagree on duration: 001-a.m4v is 9:00.0, 001-a.mp3 is 10:00.0 (is one of them cut short or a different edit?)',
  );
});

test('embedded tags that contradict the manifest are warnings on the media file; a title that contains the other is no contradiction', () => {
  const { problems } = assembleCatalog(
    show([
      episode('001-a', {
        manifest: { title: 'The Mega Edition!', number: 46 },
        media: [media('001-a', 'mp3', { tags: { title: 'VirtZine #46: The Mega Edition!', track: 46 } })],
      }),
      episode('002-b', {
        manifest: { title: 'Clouds', number: 47 },
        media: [media('002-b', 'mp3', { tags: { title: 'Something Else', track: 12 } })],
      }),
    ]),
  );
  assert.deepEqual(brief(problems), ['warning 002-b/002-b.mp3 tags.title', 'warning 002-b/002-b.mp3 tags.track']);
});

test('a chapters file: parsed into the catalog; bad JSON or a bad chapter is an error that leaves the episode out', () => {
  const chaptersFile = (text: string) => ({ files: { chaptersFile: { name: 'chapters.json', text } } });
  const good = JSON.stringify({
    version: '1.2.0',
    chapters: [
      { startTime: 0, title: 'Intro' },
      { startTime: 30.5, endTime: 60, title: 'Main', url: 'https://x.example', img: 'https://x.example/i.jpg' },
    ],
  });
  const { catalog, problems } = assembleCatalog(
    show([
      episode('001-good', chaptersFile(good)),
      episode('002-not-json', chaptersFile('{ nope')),
      episode('003-not-a-list', chaptersFile('{"chapters": {}}')),
      episode('004-bad-start', chaptersFile('{"chapters": [{"startTime": -1, "title": "x"}]}')),
      episode('005-no-title', chaptersFile('{"chapters": [{"startTime": 1}]}')),
    ]),
  );
  assert.deepEqual(
    catalog?.episodes.map((e) => e.slug),
    ['001-good'],
  );
  assert.deepEqual(catalog?.episodes[0].chapters, {
    source: 'file',
    chapters: [
      { startTime: 0, title: 'Intro' },
      { startTime: 30.5, endTime: 60, title: 'Main', url: 'https://x.example', img: 'https://x.example/i.jpg' },
    ],
  });
  assert.deepEqual(brief(problems), [
    'error 002-not-json/chapters.json',
    'error 003-not-a-list/chapters.json chapters',
    'error 004-bad-start/chapters.json chapters.0.startTime',
    'error 005-no-title/chapters.json chapters.0.title',
  ]);
});

test('chapters: a url or img that is not http(s) is left out with a warning; out of order, or past the end of the media, a warning', () => {
  const text = JSON.stringify({
    chapters: [
      { startTime: 10, title: 'B', url: 'javascript:alert(1)' },
      { startTime: 5, title: 'A', img: 'data:image/png;base64,AAAA' },
      { startTime: 700, title: 'Late' },
    ],
  });
  const { catalog, problems } = assembleCatalog(show([episode('001-a', { files: { chaptersFile: { name: 'chapters.json', text } } })]));
  assert.deepEqual(brief(problems), [
    'warning 001-a/chapters.json chapters.0.url',
    'warning 001-a/chapters.json chapters.1.img',
    'warning 001-a/chapters.json chapters.1.startTime',
    'warning 001-a/chapters.json chapters.2.startTime',
  ]);
  assert.match(about(problems, '001-a/chapters.json', 'chapters.2.startTime')[0].message, /after the end of the media \(600 s\)/);
  assert.deepEqual(catalog?.episodes[0].chapters?.chapters, [
    { startTime: 10, title: 'B' },
    { startTime: 5, title: 'A' },
    { startTime: 700, title: 'Late' },
  ]);
});

test('without a chapters file, chapters embedded in a media file are used', () => {
  const embedded = [{ startTime: 0, title: 'Tagged' }];
  const { catalog } = assembleCatalog(show([episode('001-a', { media: [media('001-a', 'mp3', { chapters: embedded })] })]));
  assert.deepEqual(catalog?.episodes[0].chapters, { source: 'embedded', chapters: embedded });
});

test('master rules: the master is never one of the media; without media an episode waits on encode (an error, a warning for a draft)', () => {
  const masterAsMedia = episode('001-a', { manifest: { master: '001-a.mp3' } });
  const waiting = episode('002-b', { media: [], manifest: { master: 'master.wav', media: undefined } });
  const draft = episode('003-c', { media: [], manifest: { media: undefined, draft: true } });
  const neither = episode('004-d', { media: [], manifest: { media: undefined } });
  const { catalog, problems } = assembleCatalog(show([masterAsMedia, waiting, draft, neither]));
  assert.deepEqual(catalog?.episodes, []);
  assert.deepEqual(brief(problems), [
    'error 001-a/episode.yaml media.mp3',
    'error 002-b/episode.yaml media',
    'warning 003-c/episode.yaml media',
    'error 004-d/episode.yaml media',
  ]);
  assert.match(problems[0].message, /is the master \(001-a\.mp3\), which is never published/);
  assert.match(problems[1].message, /waiting on `netcaster encode` to make them from the master master\.wav/);
});

test('an episode without a guid gets one derived from its folder name, the same every time, with a warning saying what to write', () => {
  const derived = uuidV5('001-a', '0f5b9a4e-2c1d-5f55-9d55-6e6574636173');
  for (let i = 0; i < 2; i++) {
    const { catalog, problems } = assembleCatalog(show([episode('001-a', { manifest: { guid: undefined } })]));
    assert.equal(catalog?.episodes[0].guid, derived);
    assert.deepEqual(brief(problems), ['warning 001-a/episode.yaml guid']);
    assert.match(problems[0].message, new RegExp(`add \`guid: ${derived}\``));
  }
  assert.notEqual(assembleCatalog(show([episode('002-b', { manifest: { guid: undefined } })])).catalog?.episodes[0].guid, derived);
});

test("feed guids: a show-level guid is the one feed's; over two feeds it is an error; a feed's own guid wins; two feeds with one guid are an error", () => {
  const feeds = { audio: { title: 'A', enclosure: 'mp3' }, video: { title: 'V', enclosure: 'm4v' } };
  const both = episode('001-a', { media: [media('001-a', 'mp3'), media('001-a', 'm4v', { mime: 'video/x-m4v', hasVideo: true })] });
  const one = assembleCatalog(show([both], showManifest({ guid: 'show-guid' })));
  assert.deepEqual(
    one.catalog?.show.feeds.map((f) => f.guid),
    ['show-guid'],
  );
  assert.deepEqual(one.problems, []);

  const two = assembleCatalog(show([both], showManifest({ guid: 'show-guid', feeds })));
  assert.deepEqual(brief(two.problems), ['error show.yaml guid']);
  assert.deepEqual(
    two.catalog?.show.feeds.map((f) => f.guid),
    [undefined, undefined],
    'neither feed takes it',
  );

  const own = assembleCatalog(show([both], showManifest({ feeds: { audio: { ...feeds.audio, guid: 'Audio-Guid' }, video: feeds.video } })));
  assert.deepEqual(
    own.catalog?.show.feeds.map((f) => f.guid),
    ['Audio-Guid', undefined],
    'as written',
  );
  assert.deepEqual(own.problems, []);

  const same = assembleCatalog(
    show([both], showManifest({ feeds: { audio: { ...feeds.audio, guid: 'ABC' }, video: { ...feeds.video, guid: 'abc' } } })),
  );
  assert.deepEqual(brief(same.problems), ['error show.yaml feeds.video.guid']);
  assert.match(same.problems[0].message, /same guid as the feed "audio"/);
});

test('a feed no episode fills, and an alternate that is the enclosure again, are warnings; an unknown category and odd person roles too', () => {
  const { problems } = assembleCatalog(
    show(
      [episode('001-a')],
      showManifest({
        feeds: { audio: { title: 'A', enclosure: 'mp3', alternates: ['mp3'] }, video: { title: 'V', enclosure: 'm4v' } },
        categories: ['Technology', 'Basket Weaving'],
        persons: [{ name: 'P', role: 'wizard' }],
      }),
    ),
  );
  assert.deepEqual(brief(problems), [
    'error show.yaml categories.1',
    'warning show.yaml persons.0.role',
    'warning show.yaml feeds.audio.alternates',
    'warning show.yaml feeds.video.enclosure',
  ]);
});
