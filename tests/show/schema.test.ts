// show/schema.ts: the manifests' schema, and what a podcaster reads when a manifest fails it
// (schemaErrors: one message per field, naming the field). How load.ts turns these into Problems
// is in load.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { minimalShowManifest } from '../support/show-folder.js';
import { compiledCheckCode, EpisodeManifest, jsonSchemas, schemaErrors, ShowManifest } from '../../src/show/schema.js';

const show = minimalShowManifest;
const episode = { title: 'One', date: '2020-01-01T10:00:00Z', summary: 'S.' };

test('a valid manifest has no errors', () => {
  assert.deepEqual(schemaErrors('ShowManifest', show), []);
  assert.deepEqual(schemaErrors('EpisodeManifest', episode), []);
});

test('a missing key is "is required", named by its field', () => {
  const { summary: _, ...noSummary } = episode;
  assert.deepEqual(schemaErrors('EpisodeManifest', noSummary), [{ field: 'summary', message: 'is required' }]);
});

test('a key the schema does not know is called a possible typo, by its field', () => {
  assert.deepEqual(schemaErrors('EpisodeManifest', { ...episode, sumary: 'S.' }), [{ field: 'sumary', message: 'unknown key (a typo?)' }]);
  assert.deepEqual(schemaErrors('ShowManifest', { ...show, feeds: { audio: { title: 'Audio', enclosure: 'mp3', limt: 5 } } }), [
    { field: 'feeds.audio.limt', message: 'unknown key (a typo?)' },
  ]);
});

test('a value with a described rule says the rule in words and what was given', () => {
  assert.deepEqual(schemaErrors('ShowManifest', { ...show, language: 'en_US' }), [
    { field: 'language', message: 'must be a BCP 47 language tag, e.g. en or en-US, got "en_US"' },
  ]);
  assert.deepEqual(schemaErrors('EpisodeManifest', { ...episode, date: '2020-01-01' }), [
    { field: 'date', message: 'must be a publication time with a time zone, e.g. 2014-09-01T18:00:00-04:00, got "2020-01-01"' },
  ]);
  assert.deepEqual(schemaErrors('ShowManifest', { ...show, encode: { loudness: -3 } }), [
    { field: 'encode.loudness', message: 'must be a loudness target in LUFS, e.g. -16 (a mono output gets 3 LU less), got -3' },
  ]);
});

test('a choice among literals lists the choices', () => {
  assert.deepEqual(schemaErrors('EpisodeManifest', { ...episode, type: 'special' }), [
    { field: 'type', message: 'must be one of full, trailer, bonus, got "special"' },
  ]);
  assert.deepEqual(schemaErrors('ShowManifest', { ...show, type: 'weekly' }), [
    { field: 'type', message: 'must be one of episodic, serial, got "weekly"' },
  ]);
});

test("a rule with no description falls back on TypeBox's message, starting in lower case (read after the field)", () => {
  const [error] = schemaErrors('EpisodeManifest', { ...episode, number: 1.5 });
  assert.equal(error.field, 'number');
  assert.match(error.message, /^expected integer, got 1\.5$/);
});

test('a manifest that is not a mapping at all is one error of the whole file, with no field', () => {
  assert.deepEqual(schemaErrors('EpisodeManifest', 'just text'), [{ field: undefined, message: 'expected object, got "just text"' }]);
  assert.deepEqual(schemaErrors('ShowManifest', []), [{ field: undefined, message: 'expected object, got []' }]);
});

test('one message per field, however many rules it breaks; nested fields are dotted paths', () => {
  const errors = schemaErrors('ShowManifest', {
    ...show,
    title: 5,
    owner: { name: '', email: 'nobody' },
    persons: [{ name: 'A', img: 'x' }],
  });
  const fields = errors.map((e) => e.field);
  assert.equal(new Set(fields).size, fields.length, `a field twice: ${fields}`);
  assert.deepEqual(fields.sort(), ['owner.email', 'owner.name', 'persons.0.img', 'title']);
});

test('the schemas an editor uses are the ones load checks: show.schema.json and episode.schema.json', () => {
  assert.equal(jsonSchemas['show.schema.json'], ShowManifest);
  assert.equal(jsonSchemas['episode.schema.json'], EpisodeManifest);
});

test('compiledCheckCode is plain JavaScript that says what TypeBox says', () => {
  const check = (0, eval)(compiledCheckCode(EpisodeManifest)) as (value: unknown) => boolean;
  for (const value of [episode, { ...episode, date: 'soon' }, { ...episode, extra: 1 }, null, 'x', { ...episode, season: 2 }]) {
    assert.equal(check(value), Value.Check(EpisodeManifest, value), JSON.stringify(value));
  }
});

test('a media key that is not a format name is named as an unknown key', () => {
  assert.deepEqual(schemaErrors('EpisodeManifest', { ...episode, media: { MP3: 'one.mp3' } }), [
    { field: 'media.MP3', message: 'unknown key (a typo?)' },
  ]);
});
