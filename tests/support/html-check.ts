// Well-formedness of page HTML with libxml2's HTML parser (xmllint --html). That parser predates
// HTML5, so it calls the HTML5 elements "invalid"; those messages alone are ignored, every other
// error (mismatched or stray end tags, bad entities, broken attributes) is returned.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/temp-dir.js';

const html5Elements = new Set([
  'article',
  'aside',
  'audio',
  'figure',
  'figcaption',
  'footer',
  'header',
  'main',
  'nav',
  'picture',
  'section',
  'source',
  'time',
  'track',
  'video',
]);

export function htmlErrors(html: string): string[] {
  const dir = tempDir('html');
  const file = path.join(dir, 'page.html');
  try {
    fs.writeFileSync(file, html);
    const r = spawnSync('xmllint', ['--html', '--noout', file], { encoding: 'utf8' });
    const errors: string[] = [];
    for (const line of r.stderr.split('\n')) {
      const m = /^.*?:(\d+): HTML parser (?:error|warning) : (.*)$/.exec(line);
      if (!m) continue;
      const tag = /^Tag (\w+) invalid$/.exec(m[2].trim());
      if (tag && html5Elements.has(tag[1])) continue;
      errors.push(`line ${m[1]}: ${m[2]}`);
    }
    return errors;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
