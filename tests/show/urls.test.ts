// src/show/urls.ts: the one judgement of a URL from a show or from the command line.
import test from 'node:test';
import assert from 'node:assert/strict';
import { baseUrlProblem, httpUrlProblem } from '../../src/show/urls.js';

test('good http(s) URLs pass, with a path, a port or an international domain', () => {
  for (const good of [
    'https://virtzine.example',
    'http://127.0.0.1:8080',
    'https://virtzine.example/podcast/',
    'https://bücher.example/pod',
    'https://[::1]:8080/',
  ]) {
    assert.equal(baseUrlProblem(good), undefined, good);
    assert.equal(httpUrlProblem(good), undefined, good);
  }
  assert.equal(httpUrlProblem('https://example.com/chapter?t=12#note'), undefined, 'a link may have a query and a fragment');
});

test('a base URL with a query, a fragment, credentials, a control character or another scheme is refused, each with its reason', () => {
  const cases: [string, RegExp][] = [
    ['https://virtzine.example/?utm=rss', /query/],
    ['https://virtzine.example?', /query/],
    ['https://virtzine.example/#top', /fragment/],
    ['https://user:secret@virtzine.example', /user name or password/],
    ['https://user@virtzine.example', /user name or password/],
    ['https://virtzine.example/\u0001', /control character .*U\+0001/],
    ['https://virtzine.example/\u009b2J', /control character .*U\+009B/],
    ['https://virtzine.example/a b', /control character or space .*U\+0020/],
    ['https://virtzine.example/\t', /control character/],
    ['ftp://virtzine.example', /http\(s\)/],
    ['javascript:alert(1)', /http\(s\)/],
    ['https:virtzine.example', /absolute/],
    ['virtzine.example', /not a URL/],
    ['https://exa%mple.com', /not a URL/],
  ];
  for (const [value, reason] of cases) assert.match(baseUrlProblem(value) ?? 'passed', reason, JSON.stringify(value));
});

test('links (chapters) must be http(s): javascript:, data: and a scheme hidden by a tab are refused', () => {
  for (const bad of [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>1</script>',
    'java\tscript:alert(1)',
    'file:///etc/passwd',
    '/relative/path',
  ]) {
    assert.ok(httpUrlProblem(bad), JSON.stringify(bad));
  }
});

test('a base URL with a character RFC 3986 has no place for is refused, not written into every feed as is', () => {
  for (const value of [
    'https://x.example/"><script>',
    'https://x.example\\pod',
    'https://x.example/{a}',
    'https://x.example/a|b',
    'https://x.example/a^b',
    'https://x.example/`',
  ]) {
    assert.match(baseUrlProblem(value) ?? 'passed', /which a URL cannot hold/, JSON.stringify(value));
  }
  assert.equal(baseUrlProblem('https://x.example/%22pod%7C'), undefined);
});
