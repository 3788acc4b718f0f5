// The compact set of line digests an import keeps: what goes in comes out, a repeat is told apart.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DigestSet } from '../../src/audience/digest-set.js';

describe('DigestSet', () => {
  it('keeps 100,000 HMAC digests through its growth, says which were there, and gives them back as they came', () => {
    const key = randomBytes(32);
    const digests = Array.from({ length: 100_000 }, (_, i) =>
      createHmac('sha256', key).update(`line ${i}`).digest('base64url').slice(0, 16),
    );
    const set = new DigestSet();
    for (const d of digests) assert.equal(set.add(d), true);
    for (const d of digests.slice(0, 1000)) assert.equal(set.add(d), false);
    assert.equal(set.size, 100_000);
    assert.deepEqual([...set.strings()].sort(), [...digests].sort());
  });

  it('tells apart digests that differ only in their last character', () => {
    const set = new DigestSet();
    assert.equal(set.add('AAAAAAAAAAAAAAAA'), true);
    assert.equal(set.add('AAAAAAAAAAAAAAA_'), true);
    assert.equal(set.add('_AAAAAAAAAAAAAAA'), true);
    assert.equal(set.add('AAAAAAAAAAAAAAA_'), false);
    assert.deepEqual([...set.strings()].sort(), ['AAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAA_', '_AAAAAAAAAAAAAAA'].sort());
  });
});
