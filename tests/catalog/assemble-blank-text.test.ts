// A title, summary, author or description of only spaces or control characters passes the schema
// (minLength 1), but XML 1.0 cannot carry control characters: the feed dropped them and published
// an item titled "No title" (the RSS library's stand-in) and an empty <itunes:author>. Refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assembleCatalog } from '../../src/catalog/assemble.js';
import type { EpisodeFiles, ShowFiles } from '../../src/catalog/read-files.js';
import type { ShowManifest } from '../../src/show/schema.js';
import { episode as episodeFiles, show as showFiles, showManifest } from '../support/assemble-files.js';

const episode = (slug: string, title: string, summary = 'S.') => episodeFiles(slug, { manifest: { title, summary } });
const show = (episodes: EpisodeFiles[], over: Partial<ShowManifest> = {}) => showFiles(episodes, showManifest(over));

const errors = (files: ShowFiles) =>
  assembleCatalog(files)
    .problems.filter((p) => p.level === 'error')
    .map((p) => `${p.file} ${p.field}`);

test('an episode title or summary of control characters or spaces is an error', () => {
  assert.deepEqual(errors(show([episode('001-a', '\u0001\u0002'), episode('002-b', '   ', '\u007f'), episode('003-c', 'Fine 🙂')])), [
    '001-a/episode.yaml title',
    '002-b/episode.yaml title',
    '002-b/episode.yaml summary',
  ]);
});

test('a show title, author, description or feed title with no visible text is an error', () => {
  assert.deepEqual(
    errors(
      show([episode('001-a', 'A')], {
        title: '\u007f',
        author: '\u0001',
        description: ' \u200b ',
        feeds: { audio: { title: '\u0085', enclosure: 'mp3' } },
      }),
    ).sort(),
    ['show.yaml author', 'show.yaml description', 'show.yaml feeds.audio.title', 'show.yaml title'],
  );
});
