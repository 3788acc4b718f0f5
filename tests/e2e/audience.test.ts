// Download counting end to end: real clients against a real `serve`, and the same traffic against
// a `build` output served by a real nginx whose access log `stats import` reads. Both must agree.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { hasTool, runCli } from '../support/env.js';
import { episodeYaml, makeShow } from '../support/show-folder.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { tempDir } from '../support/temp-dir.js';

const chromiumPath = '/usr/bin/chromium';
const tools = ['gpo', 'nginx', 'curl'].filter((t) => !hasTool(t));
if (!fs.existsSync(chromiumPath)) tools.push('chromium');
const skip = tools.length === 0 ? false : process.env.CI === 'true' ? false : `${tools.join(', ')} not installed`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const SLUG = '001-first';

/** The same traffic for both servers: gPodder twice the same day, curl -I, a bot, Chromium on the episode page. */
async function traffic(base: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const home = tempDir('gpo-home');
    const downloads = tempDir('gpo-dl');
    try {
      const env = { ...process.env, GPODDER_HOME: home, GPODDER_DOWNLOAD_DIR: downloads };
      const gpo = (...args: string[]) => execFileSync('gpo', args, { env, encoding: 'utf8', timeout: 60_000 });
      gpo('subscribe', `${base}/feeds/audio.xml`);
      gpo('update');
      gpo('download');
      const files = fs.readdirSync(downloads, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      assert.equal(files.length, 1, 'gpo downloaded the episode');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(downloads, { recursive: true, force: true });
    }
  }
  const media = `${base}/media/${SLUG}/a.mp3`;
  execFileSync('curl', ['-sSf', '-I', '-o', '/dev/null', media]);
  execFileSync('curl', [
    '-sSf',
    '-o',
    '/dev/null',
    '-A',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    media,
  ]);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const mediaRequests: string[] = [];
    page.on('request', (r) =>
      r.url().includes('/media/') && !/\.(vtt|jpe?g|png)$/.test(r.url()) ? mediaRequests.push(r.url()) : undefined,
    );
    await page.goto(`${base}/episodes/${SLUG}/`, { waitUntil: 'networkidle' });
    await page.waitForTimeout(500);
    assert.deepEqual(mediaRequests, [], 'opening the page fetches no media');
  } finally {
    await browser.close();
  }
}

const expected = { total: 1, byEpisode: { [SLUG]: 1 }, byFormat: { mp3: 1 }, byApp: { gPodder: 1 } };

describe('download counting end to end', { skip }, () => {
  let show = '';
  let serve: ServeProcess | undefined;
  let serveData = '';
  before(async () => {
    if (tools.length) throw new Error(`${tools.join(', ')} required in CI (scripts/install-test-tools.sh)`);
    show = await makeShow({
      [SLUG]: {
        files: { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' },
        yaml: episodeYaml(SLUG, '', '  mp3: a.mp3\n  m4v: a.m4v\n'),
      },
    });
    serveData = tempDir('e2e-data');
  });
  after(async () => {
    await serve?.stop();
    for (const d of [show, serveData]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  let served: { downloads: Record<string, unknown> } | undefined;

  it('on serve: gpo counts 1, again the same day still 1; curl -I, a bot and a page view count 0', async () => {
    const port = await freePort();
    serve = await startServe(show, ['--port', String(port), '--base-url', `http://127.0.0.1:${port}`], {
      env: { NETCASTER_DATA_DIR: serveData },
    });
    await traffic(serve.url);
    assert.equal((await fetch(`${serve.url}/stats/`)).status, 404, 'no /stats/ without NETCASTER_STATS_TOKEN');
    // A graceful stop writes what is still queued.
    assert.equal(await serve.stop(), 0);
    serve = undefined;
    const r = runCli(['stats', show, '--json'], { env: { NETCASTER_DATA_DIR: serveData, NETCASTER_DATABASE_URL: '' } });
    assert.equal(r.code, 0, r.stderr);
    served = JSON.parse(r.stdout);
    const { byDay, ...downloads } = served!.downloads as Record<string, unknown>;
    assert.deepEqual(downloads, expected);
    assert.deepEqual(Object.values(byDay as object), [1]);
  });

  it('/stats/ in Chromium: 401 without the token, the plots with it, in light and dark', async () => {
    const token = 'e2e-token-' + Math.random().toString(36).slice(2);
    serve = await startServe(show, [], { env: { NETCASTER_DATA_DIR: serveData, NETCASTER_STATS_TOKEN: token } });
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const anonymous = await browser.newPage();
      // Headless Chromium cannot ask for a password: the 401 ends the navigation, seen as the response.
      const statuses: number[] = [];
      anonymous.on('response', (r) => statuses.push(r.status()));
      await anonymous.goto(`${serve.url}/stats/`).catch((err: Error) => assert.match(err.message, /ERR_INVALID_AUTH_CREDENTIALS/));
      assert.deepEqual(statuses, [401]);
      const colours: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ httpCredentials: { username: 'podcaster', password: token }, colorScheme });
        const page = await context.newPage();
        const response: Awaited<ReturnType<typeof page.goto>> = await page.goto(`${serve.url}/stats/`).catch((err: Error) => {
          throw new Error(`${err.message}\n${serve!.output()}`);
        });
        assert.equal(response?.status(), 200);
        assert.equal(await page.locator('svg.plot').count(), 4);
        for (const name of ['Downloads per day', "Each episode's first 30 days", 'Downloads by app', 'Downloads by format']) {
          const box = await page.getByRole('img', { name }).boundingBox();
          assert.ok(box && box.width > 200 && box.height > 30, `${name} is drawn`);
        }
        assert.match(await page.locator('main').innerText(), /1 downloads from/);
        colours.push(
          await page
            .locator('svg.plot')
            .first()
            .evaluate((el) => getComputedStyle(el).color),
        );
        await context.close();
      }
      assert.notEqual(colours[0], colours[1], 'the plots follow the colour scheme');
    } finally {
      await browser.close();
      await serve.stop();
      serve = undefined;
    }
  });

  it('on a build served by nginx, its log imported: the same numbers', async () => {
    const port = await freePort();
    const work = tempDir('nginx');
    let nginx: ChildProcess | undefined;
    try {
      const out = path.join(work, 'site');
      const built = runCli(['build', show, '--out', out, '--base-url', `http://127.0.0.1:${port}`]);
      assert.equal(built.code, 0, built.stderr);
      const log = path.join(work, 'access.log');
      fs.writeFileSync(
        path.join(work, 'nginx.conf'),
        `daemon off;
user root;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  types { audio/mpeg mp3; video/x-m4v m4v; }
  log_format netcaster '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_range"';
  access_log ${log} netcaster;
  client_body_temp_path ${work}/tmp; proxy_temp_path ${work}/tmp; fastcgi_temp_path ${work}/tmp; uwsgi_temp_path ${work}/tmp; scgi_temp_path ${work}/tmp;
  server { listen 127.0.0.1:${port}; root ${out}; index index.html; }
}
`,
      );
      fs.mkdirSync(path.join(work, 'tmp'));
      nginx = spawn('nginx', ['-p', work, '-c', path.join(work, 'nginx.conf')], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`http://127.0.0.1:${port}/`).then(
            () => true,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await traffic(`http://127.0.0.1:${port}`);
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx!.once('exit', r));
      nginx = undefined;
      const data = path.join(work, 'data');
      const env = { NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: '' };
      const imported = runCli(['stats', 'import', show, log, '--format', 'nginx'], { env });
      assert.equal(imported.code, 0, imported.stderr + imported.stdout);
      const r = runCli(['stats', show, '--json'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).downloads, served?.downloads ?? 'the serve test ran first');
    } finally {
      nginx?.kill('SIGKILL');
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
