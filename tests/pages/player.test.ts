// public/player.js in a real Chromium, over the real server and the sample show's routes table.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { needTool, sampleShowDir } from '../support/env.js';
import { hasChromium, siteInBrowser, type SiteInBrowser } from '../support/site-in-browser.js';
import { tempDir } from '../support/temp-dir.js';

const episodePath = '/episodes/046-the-mega-edition/';

type Site = SiteInBrowser;

let shared: Promise<Site> | undefined;

/** One site and one browser for the whole file: checking the show, its artwork and a browser launch take seconds each. */
function withSite(): Promise<Site> {
  shared ??= startSite();
  return shared;
}

async function startSite(): Promise<Site> {
  const cache = tempDir('player');
  const site = await siteInBrowser(sampleShowDir, cache);
  return {
    ...site,
    close: async () => {
      await site.close();
      fs.rmSync(cache, { recursive: true, force: true });
    },
  };
}

test.after(async () => {
  if (shared) await (await shared).close();
});

test('the player switch shows one player, remembers the choice, and chapters seek', async (t) => {
  if (!needTool(t, 'chromium', hasChromium)) return;
  const { base, browser } = await withSite();
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(base + episodePath);

  const audioOnly = page.getByRole('button', { name: 'Audio only' });
  assert.equal(await audioOnly.isVisible(), true, 'the switch is shown when the script runs');
  assert.equal(await page.locator('video').isVisible(), true);
  assert.equal(await page.locator('audio').isVisible(), false);

  await audioOnly.click();
  assert.equal(await audioOnly.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('video').isVisible(), false);
  assert.equal(await page.locator('audio').isVisible(), true);

  await page.reload();
  assert.equal(await page.locator('audio').isVisible(), true, 'the choice is remembered');
  assert.equal(await page.locator('video').isVisible(), false);

  // A chapter link seeks the audio player instead of leaving the page.
  const chapter = page.locator('[data-start]').nth(1);
  const start = Number(await chapter.getAttribute('data-start'));
  assert.ok(start > 0);
  await chapter.click();
  assert.equal(page.url(), base + episodePath);
  await page.waitForFunction((s) => Math.abs(document.querySelector('audio')!.currentTime - s) < 1, start, { timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test('without script both players are there and the switch stays hidden', async (t) => {
  if (!needTool(t, 'chromium', hasChromium)) return;
  const { base, browser } = await withSite();
  const context = await browser.newContext({ javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(base + episodePath);
  assert.equal(await page.locator('video').isVisible(), true);
  assert.equal(await page.locator('audio').isVisible(), true);
  assert.equal(await page.locator('[data-player-switch]').isVisible(), false);
  assert.equal(await page.locator('button.copy').count(), 0); // not on this page; and hidden without script on the show page:
  await page.goto(base + '/');
  assert.equal(await page.locator('button.copy').first().isVisible(), false);
  assert.equal(await page.locator('#feed-url-video').inputValue(), 'http://127.0.0.1/feeds/video.xml');
});

test('the copy buttons appear with the script', async (t) => {
  if (!needTool(t, 'chromium', hasChromium)) return;
  const { base, browser } = await withSite();
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(base + '/');
  const copy = page.locator('button.copy').first();
  assert.equal(await copy.isVisible(), true);
  await copy.click();
  await page.waitForFunction(() => document.querySelector('.copy-status')!.textContent !== '');
});
