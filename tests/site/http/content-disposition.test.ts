import test from 'node:test';
import assert from 'node:assert/strict';
import { attachment } from '../../../src/site/http/content-disposition.js';

test('ASCII names go in filename only', () => {
  assert.equal(attachment('virtzine-046.mp3'), 'attachment; filename="virtzine-046.mp3"');
});

test('quotes and backslashes cannot break out of the quoted string', () => {
  assert.equal(attachment('a"b\\c.mp3'), `attachment; filename="a_b_c.mp3"; filename*=UTF-8''a%22b%5Cc.mp3`);
});

test('non-ASCII names get an RFC 8187 filename* with UTF-8 percent-encoding', () => {
  assert.equal(attachment('Épisode ü 1.mp3'), `attachment; filename="_pisode _ 1.mp3"; filename*=UTF-8''%C3%89pisode%20%C3%BC%201.mp3`);
  const decoded = decodeURIComponent(attachment('日本語.webm').split("UTF-8''")[1]);
  assert.equal(decoded, '日本語.webm');
});
