// withRetries waited for each retry with an abort listener on the import's signal that it never
// took off: an import whose hosts answered 503 gathered them, and past ten Node printed a
// MaxListenersExceededWarning ("Possible EventTarget memory leak detected") on stderr.
import test from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { defaultHttpOptions, HttpError, withRetries } from '../../src/import/http.js';

test('a retry leaves no abort listener on the signal once its wait is over', async () => {
  const controller = new AbortController();
  let calls = 0;
  const result = await withRetries(
    async () => {
      if (++calls <= 12) throw new HttpError('busy', true, 503);
      return 'done';
    },
    { ...defaultHttpOptions, retries: 12, backoffMs: 0 },
    controller.signal,
  );
  assert.equal(result, 'done');
  assert.equal(calls, 13);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});

test('an abort still ends the wait at once', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(
    withRetries(
      async () => {
        throw new HttpError('busy', true, 503);
      },
      { ...defaultHttpOptions, retries: 1, backoffMs: 60_000 },
      controller.signal,
    ),
    /busy/,
  );
  assert.ok(Date.now() - started < 5_000);
});
