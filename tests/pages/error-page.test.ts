import test from 'node:test';
import assert from 'node:assert/strict';
import { renderErrorPage } from '../../src/pages/error-page.js';
import { needTool } from '../support/env.js';
import { fixtureCatalog } from '../support/catalog-fixture.js';
import { htmlErrors } from '../support/html-check.js';

test('an error page escapes its message and works without a catalog', () => {
  const html = renderErrorPage(404, 'No <script>alert(1)</script> here & there');
  assert.ok(html.includes('No &lt;script&gt;alert(1)&lt;/script&gt; here &amp; there'));
  assert.ok(html.includes('<h1 id="error-title">Not found <span class="status">(404)</span></h1>'));
  assert.ok(html.includes('<link rel="stylesheet" href="/static/style.css">'));
});

test('an error page links root-relative, under the base URL path when it has one', () => {
  const catalog = fixtureCatalog();
  const html = renderErrorPage(500, 'Broken.', catalog, { baseUrl: 'https://example.org/podcast/' });
  assert.ok(html.includes('<link rel="stylesheet" href="/podcast/static/style.css">'));
  assert.ok(html.includes('<a class="button" href="/podcast/">Back to VirtZine &amp; Friends &lt;Show&gt;</a>'));
  assert.ok(html.includes('<title>Server error · VirtZine &amp; Friends &lt;Show&gt;</title>'));
});

test('error pages are well-formed HTML (xmllint)', (t) => {
  if (!needTool(t, 'xmllint')) return;
  assert.deepEqual(htmlErrors(renderErrorPage(404, 'Gone', fixtureCatalog())), []);
  assert.deepEqual(htmlErrors(renderErrorPage(416, 'Range')), []);
});
