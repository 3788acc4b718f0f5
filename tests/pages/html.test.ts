// The pages' text path (esc, scriptJson, the notes): characters HTML forbids never reach a page.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../../src/contract/catalog.js';
import { renderEpisodePage } from '../../src/pages/episode-page.js';
import { esc, longDate, rel, scriptJson, type PageOptions } from '../../src/pages/html.js';
import { renderShowPage } from '../../src/pages/show-page.js';
import { needTool } from '../support/env.js';
import { fixedNow, fixtureArtwork, fixtureCatalog } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

/** What HTML forbids in a document: C0 controls but tab, LF, FF, CR; DEL; C1; noncharacters. */
const forbidden = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/;

/** A catalog whose YAML carried "\0", "\e", "\x7f" and "\x9b" escapes into every text field a page shows. */
function hostileCatalog(): Catalog {
  const catalog = fixtureCatalog();
  const dirty = (s: string) => `${s}\u0000NUL\u001b[31mESC\u007fDEL\u009bCSI\ufffe`;
  catalog.show = {
    ...catalog.show,
    title: dirty(catalog.show.title),
    description: dirty(catalog.show.description),
    author: dirty(catalog.show.author),
  };
  catalog.episodes = catalog.episodes.map((e) => ({
    ...e,
    title: dirty(e.title),
    summary: dirty(e.summary),
    notesMarkdown: e.notesMarkdown === undefined ? undefined : dirty(e.notesMarkdown),
    chapters: e.chapters && { ...e.chapters, chapters: e.chapters.chapters.map((c) => ({ ...c, title: dirty(c.title) })) },
    links: e.links.map((l) => ({ ...l, title: dirty(l.title) })),
  }));
  return catalog;
}

test('esc drops what HTML forbids and escapes the rest', () => {
  assert.equal(esc('a\u0000b\u001bc\u009bd\u007fe "<&>"'), 'abcde &quot;&lt;&amp;&gt;&quot;');
  assert.equal(esc('tab\tline\nff\fcr\r'), 'tab\tline\nff\fcr\r', 'HTML whitespace stays');
  assert.equal(esc('🎙️ ½ — «»'), '🎙️ ½ — «»');
  assert.equal(scriptJson({ t: 'a\u0000\u009b\u007f\ufffe</script>', n: 1 }), '{"t":"a\\u003c/script\\u003e","n":1}');
  // Every C0 control HTML forbids, alone (JSON writes 0x08 as \b, the others as \u00XX); what HTML allows stays.
  for (let code = 0; code < 0x20; code++) {
    const c = String.fromCharCode(code);
    const kept = c === '\t' || c === '\n' || c === '\f' || c === '\r';
    assert.equal(scriptJson({ t: `a${c}b` }), kept ? JSON.stringify({ t: `a${c}b` }) : '{"t":"ab"}', `U+${code.toString(16)}`);
  }
  // Text that only looks like an escaped control character is kept as it is.
  assert.equal(
    scriptJson({ t: 'C:\\back\\u0001 & <b> \u2028\u2029' }),
    '{"t":"C:\\\\back\\\\u0001 \\u0026 \\u003cb\\u003e \\u2028\\u2029"}',
  );
});

test('rel links one site path to another, relative to the folder of the page', () => {
  const cases: [string, string, string][] = [
    ['/episodes/a/', '/static/style.css', '../../static/style.css'],
    ['/episodes/a/', '/episodes/a/', './'],
    ['/episodes/a/', '/episodes/ab/', '../ab/'],
    ['/episodes/ab/', '/episodes/a/', '../a/'],
    ['/episodes/a/', '/episodes/b/', '../b/'],
    ['/episodes/a/', '/media/a/x.mp3', '../../media/a/x.mp3'],
    ['/', '/', './'],
    ['/', '/static/style.css', 'static/style.css'],
    ['/page/2/', '/', '../../'],
    ['/a/b/', '/a/b', '../b'],
    ['/a/b/', '/a/bc', '../bc'],
    ['/feeds/audio.xml', '/artwork/x.jpg', '../artwork/x.jpg'],
    ['/feeds/audio.xml', '/feeds/video.xml', 'video.xml'],
  ];
  for (const [from, to, expected] of cases) assert.equal(rel(from, to), expected, `${from} -> ${to}`);
});

test('regression: NUL and other control characters from YAML reach the HTML pages raw', (t) => {
  const catalog = hostileCatalog();
  const options: PageOptions = {
    baseUrl: 'https://virtzine.example',
    now: fixedNow,
    artwork: fixtureArtwork(catalog),
    downloadLinks: 'attribute',
  };
  const pages = [
    renderShowPage(catalog, options),
    renderEpisodePage(catalog, catalog.episodes.find((e) => e.slug === '046-the-mega-edition')!, options),
  ];
  for (const html of pages) {
    assert.doesNotMatch(html, forbidden);
    assert.match(html, /NUL\[31mESCDELCSI/, 'the text around them stays');
  }
  if (!needTool(t, 'xmllint')) return;
  for (const html of pages) assert.deepEqual(htmlErrors(html), []);
});

test('longDate writes English dates as Intl does, and every other language through Intl', () => {
  const intl = (language: string, date: Date) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  // Every day of a leap year and of the years around it, at both ends of the UTC day, plus the edges of four-digit years.
  const days = Array.from({ length: 3 * 366 }, (_, i) => Date.UTC(2023, 0, 1 + i));
  const instants = [
    ...days,
    ...days.map((t) => t + 86_399_999),
    Date.UTC(1000, 0, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59),
    Date.UTC(999, 11, 31),
    Date.UTC(10000, 0, 1),
  ];
  for (const language of ['en', 'en-US']) {
    for (const t of instants) {
      const iso = new Date(t).toISOString();
      assert.equal(longDate(iso, language), intl(language, new Date(t)), `${iso} in ${language}`);
    }
  }
  assert.equal(longDate('2026-11-30T23:30:00-05:00', 'en'), 'December 1, 2026', 'the day in UTC, whatever the offset written');
  for (const language of ['en-GB', 'de', 'fr-CA', 'ja'])
    assert.equal(longDate('2024-02-29', language), intl(language, new Date('2024-02-29')));
  assert.throws(() => longDate('not a date', 'en'), RangeError);
});
