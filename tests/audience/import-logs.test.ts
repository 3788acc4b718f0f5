// importLogs and countRecord directly: a real embedded store, real log files, a real MP3.
import test, { after, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { importLogs, countRecord } from '../../src/audience/import-logs.js';
import { CountingSession } from '../../src/audience/session.js';
import { DuckDbStore } from '../../src/audience/store-duckdb.js';
import { ShowTargets } from '../../src/audience/targets.js';
import { loadRules } from '../../src/audience/user-agents.js';
import type { Catalog } from '../../src/contract/catalog.js';
import { episode, show } from '../support/catalog-data.js';
import { tempDir } from '../support/temp-dir.js';
import { fixtureMp3 } from '../support/show-folder.js';

const GPODDER = 'gPodder/3.11.1 (+http://gpodder.org/) Linux';
const size = fs.statSync(fixtureMp3).size;
/** One store for the file (opening DuckDB is the slow part): each test's lines are its own (another day), so none is a repeat of another's. */
let store: DuckDbStore;
let storeDir: string;
before(async () => {
  storeDir = tempDir('import-logs-store');
  store = await DuckDbStore.open(path.join(storeDir, 'audience.duckdb'));
});
after(async () => {
  await store.close();
  fs.rmSync(storeDir, { recursive: true, force: true });
});

let nextDay = 1;

/** A counting session and the targets of a show whose ep1 has a real MP3; `line` makes this test's log lines. */
async function setUp(t: TestContext) {
  const dir = tempDir('import-logs', t);
  const mp3 = path.join(dir, 'ep1.mp3');
  fs.copyFileSync(fixtureMp3, mp3);
  const ep1 = episode('ep1', '2026-10-01T00:00:00Z');
  const catalog = { show: show(), episodes: [{ ...ep1, media: [{ ...ep1.media[0], path: mp3 }] }] } as Catalog;
  const targets = new ShowTargets(catalog);
  const day = String(nextDay++).padStart(2, '0');
  /** A whole download of ep1's MP3 by listener `n`, on this test's own day of November 2026. */
  const line = (n: number) =>
    `203.0.113.${n} - - [${day}/Nov/2026:10:00:00 +0000] "GET /media/ep1/ep1.mp3 HTTP/1.1" 200 ${size} "-" "${GPODDER}"`;
  const counted = async () => (await store.downloads({ since: `2026-11-${day}`, until: `2026-11-${day}` }))[0]?.downloads ?? 0;
  const run = async (files: string[], options: Partial<Parameters<typeof importLogs>[4]> = {}) =>
    importLogs(files, store, await CountingSession.open(store, loadRules('')), targets, { format: 'nginx', ...options });
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  return { targets, run, write, dir, line, day, counted };
}

test('gzip is told by its bytes, not its name; CRLF endings and a last line without a newline are read', async (t) => {
  const { run, write, line, counted } = await setUp(t);
  const gz = write('plain-name.log', zlib.gzipSync(`${line(1)}\n`));
  const plain = write('looks-gzipped.gz', `${line(2)}\r\n${line(3)}`);
  const r = await run([gz, plain]);
  assert.deepEqual({ lines: r.lines, downloads: r.downloads, unreadable: r.unreadable }, { lines: 3, downloads: 3, unreadable: [] });
  assert.equal(await counted(), 3);
});

test('a line met twice counts once, in the same import or a later one; an unreadable line is reported each time', async (t) => {
  const { run, write, line, counted } = await setUp(t);
  const a = write('a.log', `${line(1)}\nnot a log line\n${line(1)}\n${line(2)}\n`);
  const first = await run([a]);
  assert.equal(first.downloads, 2);
  assert.equal(first.repeated, 1);
  assert.deepEqual(first.unreadable, [{ file: a, line: 2, message: 'not an nginx combined log line' }]);
  const b = write('b.log', `${line(2)}\nnot a log line\n${line(3)}\n`);
  const second = await run([b]);
  assert.equal(second.downloads, 1);
  assert.equal(second.repeated, 1);
  assert.equal(second.unreadableCount, 1);
  assert.equal(await counted(), 3);
});

test('blank lines are skipped; unreadable lines are all counted but only maxReported are listed', async (t) => {
  const { run, write } = await setUp(t);
  const file = write('bad.log', `\n   \n${Array.from({ length: 5 }, (_, i) => `garbage ${i}`).join('\n')}\n`);
  const r = await run([file], { maxReported: 2 });
  assert.equal(r.lines, 7);
  assert.equal(r.unreadableCount, 5);
  assert.deepEqual(
    r.unreadable.map((u) => u.line),
    [3, 4],
  );
});

test('a truncated gzip: the lines before the break count, and the break is reported with the next line number', async (t) => {
  const { run, write, line } = await setUp(t);
  const whole = zlib.gzipSync(Array.from({ length: 50 }, (_, i) => line(i + 1)).join('\n') + '\n', { level: 0 });
  const file = write('cut.log.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));
  const r = await run([file]);
  assert.ok(r.downloads > 0 && r.downloads < 50, String(r.downloads));
  assert.equal(r.unreadableCount, 1);
  assert.equal(r.unreadable[0].file, file);
  assert.equal(r.unreadable[0].line, r.lines + 1);
  assert.match(r.unreadable[0].message, /^cannot read on: /);
});

test('a line longer than 1 MiB is reported and skipped; the lines after it, and the next file, are still read', async (t) => {
  const { run, write, line } = await setUp(t);
  const huge = write('huge.log', `${line(1)}\n${'x'.repeat(3 << 20)}\n${line(2)}\n`);
  const next = write('next.log', `${line(3)}\n`);
  const r = await run([huge, next]);
  assert.equal(r.downloads, 3, 'lines 1 and 3 of huge.log, and next.log');
  assert.equal(r.lines, 4);
  assert.equal(r.unreadableCount, 1);
  assert.equal(r.unreadable[0].file, huge);
  assert.equal(r.unreadable[0].line, 2);
  assert.match(r.unreadable[0].message, /longer than 1048576 characters/);
});

test('CloudFront: comment lines are skipped and a #Fields line sets the columns of the lines after it', async (t) => {
  const { run, write, day } = await setUp(t);
  const fields = ['date', 'time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status', 'sc-bytes', 'cs(User-Agent)'];
  const cf = (n: number) =>
    [`2026-11-${day}`, '10:00:00', `203.0.113.${n}`, 'GET', '/ep1/ep1.mp3', '200', String(size), encodeURIComponent(GPODDER)].join('\t');
  const file = write('cf.log', `#Version: 1.0\n#Fields: ${fields.join(' ')}\n${cf(1)}\n${cf(2)}\n`);
  const r = await run([file], { format: 'cloudfront' });
  assert.equal(r.unreadableCount, 0, JSON.stringify(r.unreadable));
  assert.equal(r.downloads, 2);
});

test('countRecord: a path the show does not publish, or a file gone from disk, counts nothing', async (t) => {
  const { targets, dir, day } = await setUp(t);
  const session = await CountingSession.open(store, loadRules(''));
  const record = {
    time: Date.parse(`2026-11-${day}T10:00:00Z`),
    ip: '203.0.113.1',
    method: 'GET',
    status: 200,
    bytes: size,
    userAgent: GPODDER,
  };
  assert.equal(countRecord({ ...record, path: '/index.html' }, session, targets), undefined);
  assert.equal(countRecord({ ...record, path: '/feeds/audio.xml' }, session, targets), 'feed');
  assert.equal(countRecord({ ...record, path: '/media/ep1/ep1.mp3' }, session, targets), 'download');
  fs.rmSync(path.join(dir, 'ep1.mp3'));
  const gone = new ShowTargets(targets.catalog);
  assert.equal(countRecord({ ...record, ip: '203.0.113.2', path: '/media/ep1/ep1.mp3' }, session, gone), undefined);
});

test('regression: logs given newest first (as access.log* globs them), or a line dated years ahead, count a download split by 20,000 lines once', async (t) => {
  const { run, write, day, counted } = await setUp(t);
  const half = Math.floor(size / 2);
  const at = (hour: string) => `[${day}/Nov/2026:${hour}:00:00 +0000]`;
  const part = (hour: string, range: string, bytes: number) =>
    `203.0.113.7 - - ${at(hour)} "GET /media/ep1/ep1.mp3 HTTP/1.1" 206 ${bytes} "-" "${GPODDER}" "${range}"`;
  const filler = Array.from(
    { length: 20_000 },
    (_, i) => `198.51.100.${i % 250} - - ${at('11')} "GET /nothing/${i} HTTP/1.1" 404 10 "-" "curl/8"`,
  );
  const older = write(
    'access.log.1',
    [part('10', `bytes=0-${half - 1}`, half), ...filler, part('20', `bytes=${half}-`, size - half)].join('\n'),
  );
  // The newer log first, its only line (a HEAD of the episode: no download, but a line of it) years after the older log's.
  const newer = write('access.log', `203.0.113.8 - - [01/Jan/2030:10:00:00 +0000] "HEAD /media/ep1/ep1.mp3 HTTP/1.1" 200 0 "-" "curl/8"\n`);
  const r = await run([newer, older]);
  assert.deepEqual(r.unreadable, []);
  assert.equal(r.downloads, 1);
  assert.equal(await counted(), 1);
});

test('a log that cannot be opened is reported by its name, and the other logs are counted', async (t) => {
  const { run, write, dir, line, counted } = await setUp(t);
  const ok = write('ok.log', `${line(1)}\n`);
  const folder = path.join(dir, 'a-folder.log');
  fs.mkdirSync(folder);
  const r = await run([folder, ok]);
  assert.equal(r.downloads, 1);
  assert.equal(await counted(), 1);
  assert.equal(r.unreadable.length, 1);
  assert.deepEqual({ file: r.unreadable[0].file, line: r.unreadable[0].line }, { file: folder, line: 0 });
  assert.match(r.unreadable[0].message, /cannot read it \(EISDIR\)/);
});

test('regression: lines that fetched media files the show does not publish are said, and not remembered: imported again once the show is put right, they count', async (t) => {
  const { run, write, dir, line, counted } = await setUp(t);
  // The file as it was named when the log was written (before a re-encode renamed it).
  const log = write('renamed.log', `${line(1).replace('/media/ep1/ep1.mp3', '/media/ep1/old-name.mp3')}\n${line(2)}\n`);
  const first = await run([log]);
  assert.equal(first.downloads, 1);
  assert.equal(first.unpublished, 1);
  assert.equal(first.firstUnpublished, '/media/ep1/old-name.mp3');
  // Put right (the show publishes that name again): the same log counts the line it could not before.
  fs.copyFileSync(fixtureMp3, path.join(dir, 'old-name.mp3'));
  const ep1 = episode('ep1', '2026-10-01T00:00:00Z');
  const fixed = new ShowTargets({
    show: show(),
    episodes: [{ ...ep1, media: [{ ...ep1.media[0], fileName: 'old-name.mp3', path: path.join(dir, 'old-name.mp3') }] }],
  } as Catalog);
  const second = await importLogs([log], store, await CountingSession.open(store, loadRules('')), fixed, { format: 'nginx' });
  assert.deepEqual(
    { downloads: second.downloads, repeated: second.repeated, unpublished: second.unpublished },
    { downloads: 1, repeated: 1, unpublished: 0 },
  );
  assert.equal(await counted(), 2);
});
