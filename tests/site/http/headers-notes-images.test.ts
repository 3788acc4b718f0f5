// The pages' Content-Security-Policy lets through what the pages themselves link: an image in the
// show notes from another site (markdown.ts keeps http(s) images; an imported feed's notes are full
// of them). It was "img-src 'self' data:", so Chromium blocked every such image on a served page.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { needTool, sampleShowDir } from '../../support/env.js';
import { hasChromium, siteInBrowser } from '../../support/site-in-browser.js';
import { copyOfSample, tempDir } from '../../support/temp-dir.js';

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

test('an image in the show notes from another site is shown on the served page, not blocked by the CSP', async (t) => {
  if (!needTool(t, 'chromium', hasChromium)) return;
  // Another origin (another port) serving a JPEG, as an image host would.
  const jpeg = fs.readFileSync(path.join(sampleShowDir, 'artwork.jpg'));
  const imageHost = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(jpeg));
  const imageBase = await listen(imageHost);
  t.after(() => new Promise((resolve) => imageHost.close(resolve)));

  const show = copyOfSample(tempDir('csp-notes', t));
  fs.appendFileSync(path.join(show, '046-the-mega-edition', 'notes.md'), `\n![The diagram](${imageBase}/diagram.jpg)\n`);
  const { base, browser, close } = await siteInBrowser(show, tempDir('csp-notes-cache', t));
  t.after(close);

  const page = await browser.newPage();
  const blocked: string[] = [];
  page.on('console', (m) => (/Content Security Policy/.test(m.text()) ? blocked.push(m.text()) : undefined));
  const response = await page.goto(base + '/episodes/046-the-mega-edition/');
  assert.ok(response?.headers()['content-security-policy'], 'the page is sent with a CSP');
  const image = page.locator('.notes-body img');
  assert.equal(await image.getAttribute('src'), `${imageBase}/diagram.jpg`);
  await page.waitForFunction(() => (document.querySelector('.notes-body img') as HTMLImageElement).complete);
  assert.deepEqual(blocked, []);
  assert.ok((await image.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the image loaded');
});
