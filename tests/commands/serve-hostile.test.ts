// `netcaster serve` (a child process on 127.0.0.1) while its show folder turns hostile (issue 11):
// it keeps answering, keeps taking good edits, and stops on SIGTERM.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServe, type ServeProcess } from '../e2e/serve-process.js';
import { copyOfSample } from '../support/temp-dir.js';

// A scan a second, so that an edit goes live in seconds.
process.env.NETCASTER_SCAN_SECONDS = '1';

const MEGA = '046-the-mega-edition';
const CLOUDS = '047-clouds-have-outages-too';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET with a deadline: a server that stopped answering fails here instead of hanging the test. */
async function get(url: string, ms = 3000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: res.status, text: await res.text() };
}

async function waitFor(what: string, seconds: number, probe: () => Promise<boolean>): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    if (await probe()) return;
    await sleep(500);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/** SIGTERM, and the exit within `ms` (a frozen event loop never gets to it). */
async function stopsOnSigterm(serve: ServeProcess, ms = 10_000): Promise<void> {
  const timer = new Promise<'frozen'>((r) => setTimeout(() => r('frozen'), ms).unref());
  const code = await Promise.race([serve.stop('SIGTERM'), timer]);
  if (code === 'frozen') {
    serve.child.kill('SIGKILL');
    assert.fail('serve ignored SIGTERM');
  }
}

const retitle = (dir: string, slug: string, title: string) => {
  const file = path.join(dir, slug, 'episode.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title:.*$/m, `title: ${title}`));
};

test('regression: a FIFO as notes.md does not freeze serve: it answers, takes other edits, and stops on SIGTERM', {
  timeout: 120_000,
}, async () => {
  const dir = copyOfSample();
  const serve = await startServe(dir);
  try {
    fs.rmSync(path.join(dir, MEGA, 'notes.md'));
    execFileSync('mkfifo', [path.join(dir, MEGA, 'notes.md')]);
    await sleep(3500); // three scans
    const page = await get(`${serve.url}/episodes/${MEGA}/`);
    assert.equal(page.status, 200, 'the last good version of the episode stays up');
    retitle(dir, CLOUDS, 'Clouds, Revised');
    await waitFor('the edit of the other episode', 30, async () =>
      (await get(`${serve.url}/feeds/audio.xml`)).text.includes('Clouds, Revised'),
    );
  } finally {
    await stopsOnSigterm(serve);
  }
  assert.match(serve.output(), /notes\.md is not a regular file/);
});

test('regression: an alias bomb and a folder name that is not UTF-8 do not stop serve taking later edits', {
  timeout: 120_000,
}, async () => {
  const dir = copyOfSample();
  const serve = await startServe(dir);
  try {
    const bomb = ['lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 8; i++)
      bomb.push(
        `lol${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    fs.appendFileSync(path.join(dir, MEGA, 'episode.yaml'), `${bomb.join('\n')}\n`);
    const latin1 = Buffer.concat([Buffer.from(`${dir}/048-caf`), Buffer.from([0xe9])]);
    fs.mkdirSync(latin1);
    fs.writeFileSync(Buffer.concat([latin1, Buffer.from('/episode.yaml')]), fs.readFileSync(path.join(dir, CLOUDS, 'episode.yaml')));
    await sleep(3500);
    retitle(dir, CLOUDS, 'Clouds, Revised');
    await waitFor('the edit going live', 30, async () => (await get(`${serve.url}/feeds/audio.xml`)).text.includes('Clouds, Revised'));
    assert.match((await get(`${serve.url}/feeds/audio.xml`)).text, /The Mega Edition!/, 'the bombed episode keeps its last good version');
  } finally {
    await stopsOnSigterm(serve);
  }
});
