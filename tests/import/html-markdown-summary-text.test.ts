// The summary an import makes from show notes (markdownToText of the converted notes) goes into
// episode.yaml and from there into the feed's itunes:summary and the episode page: it dropped
// every "#", ">", "*" and "_" of the text and left the converter's backslashes in their place
// ("C# and F#, my_var, 5 > 3, 2*3" -> "C and F, my\var, 5 3, 2\3").
import test from 'node:test';
import assert from 'node:assert/strict';
import { htmlToMarkdown, markdownToText } from '../../src/import/html-markdown.js';

const summaryOf = (html: string) => markdownToText(htmlToMarkdown(html, 'https://x.example/'));

test("the text's own characters stay in the summary, with no escapes", () => {
  assert.equal(
    summaryOf('<p>We talk C# and F#, my_var_name, 5 > 3, 2*3*4 = 24, a[0] (b), 1. x, `tick`, ~tilde~ and a \\ backslash.</p>'),
    'We talk C# and F#, my_var_name, 5 > 3, 2*3*4 = 24, a[0] (b), 1. x, `tick`, ~tilde~ and a \\ backslash.',
  );
  assert.equal(summaryOf('<p># not a heading</p><p>> not a quote</p><p>- not a list</p>'), '# not a heading > not a quote - not a list');
});

test('the markup the converter wrote goes, its text stays', () => {
  assert.equal(
    summaryOf(
      '<h2>Head</h2><blockquote>quoted</blockquote><ul><li>one</li><li>two</li></ul><pre><code>x = a_b * c</code></pre>' +
        '<p><code>snake_case</code> <em>it</em> <strong>b</strong> <del>d</del> <a href="/a_(b)">link [x]</a> <img alt="pic_1" src="/p.png"></p>',
    ),
    'Head quoted one two x = a_b * c snake_case it b d link [x] pic_1',
  );
});
