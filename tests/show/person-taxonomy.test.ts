// podcast:person roles and groups against the Podcast Index taxonomy (case-insensitive).
import test from 'node:test';
import assert from 'node:assert/strict';
import { personTaxonomyProblems } from '../../src/show/person-taxonomy.js';

const fields = (person: { role?: string; group?: string }) => personTaxonomyProblems(person).map((p) => p.field);

test("taxonomy roles and groups pass, in any case, and the spec's defaults need nothing", () => {
  assert.deepEqual(fields({}), []);
  assert.deepEqual(fields({ role: 'host' }), []);
  assert.deepEqual(fields({ role: 'GUEST', group: 'cast' }), []);
  assert.deepEqual(fields({ role: 'Executive Producer', group: 'Creative Direction' }), []);
  assert.deepEqual(fields({ role: 'producer', group: 'creative direction' }), [], 'the taxonomy writes "Producer " with a space');
  assert.deepEqual(fields({ role: 'Editor', group: 'Video Post-Production' }), []);
  assert.deepEqual(fields({ role: 'Translator', group: 'Writing' }), []);
  assert.deepEqual(fields({ group: 'Misc.' }), []);
});

test('roles and groups outside the taxonomy, or a role outside its group, are named', () => {
  assert.deepEqual(fields({ role: 'Hosting' }), ['role']);
  assert.deepEqual(fields({ role: 'Host', group: 'Hosts' }), ['group']);
  assert.deepEqual(fields({ role: 'Overlord', group: 'Cabal' }), ['group', 'role']);
  const [wrongGroup] = personTaxonomyProblems({ role: 'Composer', group: 'Cast' });
  assert.equal(wrongGroup.field, 'role');
  assert.match(wrongGroup.message, /group to "Audio Post-Production"/);
  assert.match(personTaxonomyProblems({ role: 'editor' })[0].message, /default group "cast".*"Writing" or "Video Post-Production"/);
});
