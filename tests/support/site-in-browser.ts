// A show checked and served on 127.0.0.1 through the real app and routes table (no CLI, so a test
// can reach inside), with a headless Debian Chromium beside it: for the tests of what pages do in
// a browser. A test calls needTool(t, 'chromium', hasChromium) first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { makeVariants } from '../../src/artwork/variants.js';
import { checkShow } from '../../src/catalog/check-show.js';
import { createApp } from '../../src/site/app.js';
import { readPublicFiles } from '../../src/site/export.js';
import { buildRoutes } from '../../src/site/routes.js';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = () => fs.existsSync(chromiumPath);

export interface SiteInBrowser {
  base: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** `showDir` served at `base`, its facts and artwork in `cache` (which this process's NETCASTER_CACHE_DIR becomes). */
export async function siteInBrowser(showDir: string, cache: string): Promise<SiteInBrowser> {
  process.env.NETCASTER_CACHE_DIR = cache;
  const { catalog, problems } = await checkShow(showDir, { baseUrl: 'http://127.0.0.1' });
  assert.ok(catalog, JSON.stringify(problems));
  const artwork = await makeVariants(
    [catalog.show.artwork, ...catalog.episodes.flatMap((e) => (e.image ? [e.image] : []))],
    path.join(cache, 'artwork'),
  );
  const site = buildRoutes(catalog, {
    baseUrl: 'http://127.0.0.1',
    now: new Date(),
    artwork,
    downloadLinks: 'route',
    publicFiles: await readPublicFiles(),
  });
  const server = createApp(() => site).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    browser,
    close: async () => {
      // The browser first: its media requests keep connections open, which server.close() would wait out.
      await browser.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
