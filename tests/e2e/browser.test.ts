// A real browser (Debian's Chromium) on a served episode page: the video plays and seeks, the
// audio-only switch plays the MP3, Download saves the file under its name, and nothing logs an
// error (a CSP that blocked the site's own script or style would show up here).
// Debian's Chromium has no H.264/AAC, so it plays the WebM source: that is why pages offer both.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { needTool, sampleShowDir } from '../support/env.js';
import { startServe, type ServeProcess } from './serve-process.js';

const chromiumPath = '/usr/bin/chromium';
let serve: ServeProcess | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!fs.existsSync(path.join(sampleShowDir, 'show.yaml')) || !fs.existsSync(chromiumPath)) return;
  serve = await startServe(sampleShowDir);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});
after(async () => {
  await browser?.close();
  await serve?.stop();
});

/** The first published episode's page, found the way a visitor does: from the home page. */
async function openEpisode(page: Page, errors: string[]): Promise<string> {
  page.on('pageerror', (e) => errors.push(e.message));
  // Chromium asks for /favicon.ico by itself; the site has none, which is not the page's fault.
  const ours = (url: string) => !url.endsWith('/favicon.ico');
  page.on('console', (m) =>
    m.type() === 'error' && ours(m.location().url)
      ? errors.push(`${m.text()} at ${m.location().url}:${m.location().lineNumber}`)
      : undefined,
  );
  page.on('response', (r) => (r.status() >= 400 && ours(r.url()) ? errors.push(`${r.status()} ${r.url()}`) : undefined));
  await page.goto(serve!.url + '/');
  // Links are relative (so a static export works under any path): resolve them as the browser does.
  const href = await page.locator('a[href*="episodes/"]').first().getAttribute('href');
  assert.ok(href, 'the home page links an episode');
  const episodeUrl = new URL(href, page.url());
  await page.goto(episodeUrl.href);
  return episodeUrl.pathname;
}

async function playsAndAdvances(page: Page, selector: 'video' | 'audio'): Promise<{ duration: number; currentTime: number }> {
  return page.evaluate(async (sel) => {
    const media = document.querySelector(sel) as HTMLMediaElement;
    media.muted = true;
    await media.play();
    const started = media.currentTime;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${sel} did not advance`)), 10_000);
      const tick = () => (media.currentTime > started + 0.3 ? (clearTimeout(timer), resolve()) : setTimeout(tick, 50));
      tick();
    });
    return { duration: media.duration, currentTime: media.currentTime };
  }, selector);
}

test('the episode video plays, seeks near the end, and the audio switch plays the MP3', async (t) => {
  if (!needTool(t, 'chromium', () => fs.existsSync(chromiumPath))) return;
  assert.ok(serve && browser, 'the sample show exists');
  const page = await browser.newPage();
  const errors: string[] = [];
  await openEpisode(page, errors);

  const video = await playsAndAdvances(page, 'video');
  assert.ok(video.duration > 1, `video duration ${video.duration}`);
  // Whichever source this Chromium can decode (WebM always; M4V when it has H.264).
  assert.match(await page.evaluate(() => (document.querySelector('video') as HTMLVideoElement).currentSrc), /\/media\/.+\.(webm|m4v)$/);

  // Seeking near the end needs byte ranges: the browser jumps to the bytes of that time.
  const seeked = await page.evaluate(async () => {
    const v = document.querySelector('video') as HTMLVideoElement;
    const target = Math.max(0, v.duration - 1);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('seek did not finish')), 10_000);
      v.addEventListener('seeked', () => (clearTimeout(timer), resolve()), { once: true });
      v.currentTime = target;
    });
    return { target, currentTime: v.currentTime };
  });
  assert.ok(Math.abs(seeked.currentTime - seeked.target) < 0.6, JSON.stringify(seeked));

  // The audio-only switch (player.js) shows the <audio> with the MP3.
  await page.locator('[data-player-switch] [data-mode="audio"]').click();
  const audio = await playsAndAdvances(page, 'audio');
  assert.ok(audio.duration > 1);
  assert.match(await page.evaluate(() => (document.querySelector('audio') as HTMLAudioElement).currentSrc), /\.mp3$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Download saves the file under its own name with the same bytes', async (t) => {
  if (!needTool(t, 'chromium', () => fs.existsSync(chromiumPath))) return;
  assert.ok(serve && browser, 'the sample show exists');
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const episodePath = await openEpisode(page, errors);
  const link = page.locator('a[href*="download/"]').first();
  const href = new URL((await link.getAttribute('href'))!, page.url()).pathname;
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const fileName = decodeURIComponent(href.slice(href.lastIndexOf('/') + 1));
  assert.equal(download.suggestedFilename(), fileName);
  const saved = await download.path();
  const slug = decodeURIComponent(episodePath.split('/').filter(Boolean).pop()!);
  assert.ok(
    fs.readFileSync(saved).equals(fs.readFileSync(path.join(sampleShowDir, slug, fileName))),
    'downloaded bytes equal the original',
  );
  assert.deepEqual(errors, []);
  await context.close();
});
