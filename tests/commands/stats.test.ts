// `netcaster stats` and `stats import` as a user runs them: the built CLI on a real show folder,
// real log files (plain and gzipped), the embedded database in a temporary NETCASTER_DATA_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/env.js';
import { episodeYaml, makeShow, showYaml } from '../support/show-folder.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDir } from '../support/temp-dir.js';

const GPODDER = 'gPodder/3.11.1 (+http://gpodder.org/) Linux';
const IPHONE = 'AppleCoreMedia/1.0.0.19E258 (iPhone; U; CPU OS 15_4_1 like Mac OS X; en_us)';

/** The suite, against the embedded database (databaseUrl undefined) or a PostgreSQL database. */
function statsSuite(name: string, databaseUrl: () => string | undefined, embedded: boolean) {
  describe(`netcaster stats (${name})`, () => {
    let show = '';
    let data = '';
    let logs = '';
    let mp3Size = 0;
    let m4vSize = 0;
    const env = () => ({ NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: databaseUrl() ?? '' });
    const nginx = (ip: string, time: string, request: string, status: number, bytes: number, ua: string, range?: string) =>
      `${ip} - - [${time} +0000] "${request} HTTP/1.1" ${status} ${bytes} "-" "${ua}"${range === undefined ? '' : ` "${range}"`}`;

    before(async () => {
      show = await makeShow(
        {
          'ep-one': {
            files: { 'a.mp3': 'good-cbr.mp3', 'a.m4v': 'good-faststart.m4v' },
            yaml: episodeYaml('ep-one', '', '  mp3: a.mp3\n  m4v: a.m4v\n'),
          },
          'ep-two': {
            files: { 'b.mp3': 'good-cbr.mp3' },
            yaml: episodeYaml('ep-two', '', '  mp3: b.mp3\n').replace('2020-01-01', '2026-11-01'),
          },
        },
        showYaml.replace(
          '  audio: { title: Audio, enclosure: mp3 }',
          '  audio: { title: Audio, enclosure: mp3 }\n  video: { title: Video, enclosure: m4v }',
        ),
      );
      data = tempDir('data');
      logs = tempDir('logs');
      mp3Size = fs.statSync(path.join(show, 'ep-one', 'a.mp3')).size;
      m4vSize = fs.statSync(path.join(show, 'ep-one', 'a.m4v')).size;
    });
    after(() => {
      for (const d of [show, data, logs]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it('imports an nginx log: combined lines and lines with the Range field, plain and gzipped; bad lines by number', () => {
      const day1 = [
        nginx('203.0.113.7', '01/Nov/2026:10:00:00', 'GET /media/ep-one/a.mp3', 200, mp3Size, GPODDER), // counts
        nginx('203.0.113.7', '01/Nov/2026:11:00:00', 'GET /media/ep-one/a.mp3', 200, mp3Size, GPODDER), // same listener, same day
        nginx('203.0.113.8', '01/Nov/2026:11:00:00', 'HEAD /media/ep-one/a.mp3', 200, 0, 'curl/8.5.0'), // HEAD
        nginx('203.0.113.9', '01/Nov/2026:11:00:00', 'GET /media/ep-one/a.mp3', 304, 0, GPODDER), // 304
        nginx(
          '203.0.113.10',
          '01/Nov/2026:12:00:00',
          'GET /media/ep-one/a.mp3',
          200,
          mp3Size,
          'Googlebot/2.1 (+http://www.google.com/bot.html)',
        ), // bot
        'this is not a log line',
        nginx('2001:db8:1:2::1', '01/Nov/2026:12:00:00', 'GET /media/ep-one/a.m4v', 206, 2, IPHONE, 'bytes=0-1'), // probe
        nginx('2001:db8:1:2::1', '01/Nov/2026:12:00:01', 'GET /media/ep-one/a.m4v', 206, 1000, IPHONE, 'bytes=0-999'),
        nginx('2001:db8:1:2::ffff', '01/Nov/2026:12:00:02', 'GET /media/ep-one/a.m4v', 206, m4vSize - 1000, IPHONE, 'bytes=1000-'), // same /64: completes the file
        nginx('198.51.100.1', '01/Nov/2026:13:00:00', 'GET /feeds/audio.xml?x=1', 200, 3000, GPODDER),
        nginx('198.51.100.1', '01/Nov/2026:14:00:00', 'GET /feeds/audio.xml', 200, 3000, GPODDER),
        nginx('198.51.100.2', '01/Nov/2026:14:00:00', 'GET /feeds/audio.xml', 200, 3000, 'AntennaPod/3.2.0'),
        nginx('198.51.100.3', '01/Nov/2026:14:00:00', 'GET /index.html', 200, 3000, 'AntennaPod/3.2.0'),
      ];
      const day2 = [
        nginx('203.0.113.7', '02/Nov/2026:09:00:00', 'GET /media/ep-one/a.mp3', 200, mp3Size, GPODDER), // a new day: counts again
        nginx('203.0.113.7', '02/Nov/2026:09:00:00', 'GET /media/ep-two/b.mp3', 200, mp3Size - 100, GPODDER), // not the whole of a short file
        nginx('203.0.113.7', '02/Nov/2026:09:00:00', 'GET /media/ep-two/b.mp3 HTTP/1.1" 200 [broken', 200, 1, GPODDER).replace(
          /"-" "gPodder.*$/,
          '',
        ),
      ];
      fs.writeFileSync(path.join(logs, 'access.log.1'), day1.join('\n') + '\n');
      fs.writeFileSync(path.join(logs, 'access.log.2.gz'), zlib.gzipSync(day2.join('\n') + '\n'));
      const r = runCli(
        ['stats', 'import', show, path.join(logs, 'access.log.1'), path.join(logs, 'access.log.2.gz'), '--format', 'nginx'],
        { env: env() },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /access\.log\.1:6: not an nginx combined log line/);
      assert.match(r.stderr, /access\.log\.2\.gz:3: not an nginx combined log line/);
      assert.match(
        r.stdout,
        /Read 16 lines from 2 files .*: 3 downloads and 2 feed listeners counted, 0 lines already imported, 2 unreadable/,
      );
    });

    it('the same lines imported again, in another file and compressed otherwise, count nothing', () => {
      const again = path.join(logs, 'again.log.gz');
      fs.writeFileSync(again, zlib.gzipSync(fs.readFileSync(path.join(logs, 'access.log.1'))));
      const r = runCli(['stats', 'import', show, again, '--format', 'nginx'], { env: env() });
      assert.match(r.stdout, /: 0 downloads and 0 feed listeners counted, 12 lines already imported, 1 unreadable/);
    });

    it('--json prints the contract shape; every map sums to the total', () => {
      const r = runCli(['stats', show, '--json'], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.deepEqual(json, {
        window: 'calendar-utc',
        since: '2026-11-01',
        until: '2026-11-02',
        downloads: {
          total: 3,
          byEpisode: { 'ep-one': 3 },
          byFormat: { mp3: 2, m4v: 1 },
          byDay: { '2026-11-01': 2, '2026-11-02': 1 },
          byApp: { gPodder: 2, 'Apple Podcasts': 1 },
        },
      });
    });

    it('--since/--until narrow it; --csv gives one row per aggregate', () => {
      const json = JSON.parse(runCli(['stats', show, '--json', '--since', '2026-11-02', '--until', '2026-11-30'], { env: env() }).stdout);
      assert.equal(json.since, '2026-11-02');
      assert.equal(json.until, '2026-11-30');
      assert.equal(json.downloads.total, 1);
      const csv = runCli(['stats', show, '--csv', '--until', '2026-11-01'], { env: env() });
      assert.equal(
        csv.stdout,
        'day,episode,format,app,device,downloads\n2026-11-01,ep-one,m4v,Apple Podcasts,phone,1\n2026-11-01,ep-one,mp3,gPodder,computer,1\n',
      );
    });

    it('tables: episodes with their first 7 and 30 days, days, apps, devices, audio against video, feeds', () => {
      const r = runCli(['stats', show], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Downloads from 2026-11-01 to 2026-11-02 \(window: calendar-utc\): 3/);
      assert.match(r.stdout, /ep-two\s+2026-11-01\s+0\s+0\s+0/);
      assert.match(r.stdout, /ep-one\s+2020-01-01\s+3\s+0\s+0/);
      assert.match(r.stdout, /audio\s+2\s+66\.7%/);
      assert.match(r.stdout, /video\s+1\s+33\.3%/);
      assert.match(r.stdout, /phone\s+1/);
      assert.match(r.stdout, /audio\s+1\s+2\s+2/); // feed: one day fetched, two listeners
    });

    it('imports a CloudFront log', () => {
      const fields =
        '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query sc-range-start sc-range-end';
      const line = (time: string, ip: string, bytes: number, uri: string, status: number, ua: string, start = '-') =>
        [
          '2026-11-03',
          time,
          'FRA56-C1',
          bytes,
          ip,
          'GET',
          'd1.cloudfront.net',
          uri,
          status,
          '-',
          encodeURIComponent(ua).replace(/%20/g, '%2520'),
          '-',
          start,
          '-',
        ].join('\t');
      fs.writeFileSync(
        path.join(logs, 'cf.log'),
        [
          '#Version: 1.0',
          fields,
          line('08:00:00', '192.0.2.1', mp3Size + 300, '/ep-two/b.mp3', 200, 'AntennaPod/3.2.0'),
          line('08:00:01', '192.0.2.1', mp3Size, '/ep-two/b.mp3', 200, 'AntennaPod/3.2.0'),
        ].join('\n') + '\n',
      );
      const r = runCli(['stats', 'import', show, path.join(logs, 'cf.log'), '--format', 'cloudfront'], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(runCli(['stats', show, '--json', '--since', '2026-11-03'], { env: env() }).stdout);
      assert.deepEqual(json.downloads.byApp, { AntennaPod: 1 });
    });

    it('bad usage exits 2', () => {
      assert.equal(runCli(['stats', show, '--since', '2026-13-01'], { env: env() }).code, 2);
      assert.equal(runCli(['stats', show, '--json', '--csv'], { env: env() }).code, 2);
      assert.equal(runCli(['stats', 'import', show, path.join(logs, 'access.log.1')], { env: env() }).code, 2);
      assert.equal(runCli(['stats', 'import', show, '--format', 'apache'], { env: env() }).code, 2);
      assert.equal(runCli(['stats', 'import', show, '--format', 'nginx'], { env: env() }).code, 2);
    });

    it('late logs: more lines of yesterday, imported in a second run, count each listener once', () => {
      const lateData = tempDir('data-late');
      try {
        const lateEnv = { NETCASTER_DATA_DIR: lateData, NETCASTER_DATABASE_URL: databaseUrl() ?? '' };
        const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
        const day = yesterday.toISOString().slice(0, 10);
        const stamp = (hour: string) =>
          `${String(yesterday.getUTCDate()).padStart(2, '0')}/${yesterday.toLocaleString('en', { month: 'short', timeZone: 'UTC' })}/${yesterday.getUTCFullYear()}:${hour}`;
        const half = Math.floor(mp3Size / 2);
        // Two listeners told apart by their apps: AntennaPod fetches half the file in each piece of
        // the log, gPodder the whole file in both.
        const get = (ip: string, hour: string, from: number, to: number) =>
          nginx(
            ip,
            stamp(hour),
            'GET /media/ep-two/b.mp3',
            206,
            to - from + 1,
            ip === '192.0.2.71' ? 'AntennaPod/3.2.0' : GPODDER,
            `bytes=${from}-${to}`,
          );
        // Two pieces of yesterday's log, as a CDN delivers them: each listener's lines in both.
        fs.writeFileSync(
          path.join(logs, 'late-1.log'),
          [get('192.0.2.71', '10:00:00', 0, half - 1), get('192.0.2.72', '10:00:00', 0, mp3Size - 1)].join('\n') + '\n',
        );
        fs.writeFileSync(
          path.join(logs, 'late-2.log'),
          [get('192.0.2.71', '10:05:00', half, mp3Size - 1), get('192.0.2.72', '11:00:00', 0, mp3Size - 1)].join('\n') + '\n',
        );
        for (const file of ['late-1.log', 'late-2.log']) {
          const r = runCli(['stats', 'import', show, path.join(logs, file), '--format', 'nginx'], { env: lateEnv });
          assert.equal(r.code, 0, r.stderr);
        }
        const json = JSON.parse(runCli(['stats', show, '--json', '--since', day, '--until', day], { env: lateEnv }).stdout);
        assert.deepEqual(
          json.downloads.byApp,
          { AntennaPod: 1, gPodder: 1 },
          'one download each: the halves joined, the repeat not counted again',
        );
        assert.deepEqual(json.downloads.byDay, { [day]: 2 });
      } finally {
        fs.rmSync(lateData, { recursive: true, force: true });
      }
    });

    it('an unusable database exits 2 with a clear message, not 1 nor a stack trace (the contract lists 0 and 2 for stats)', () => {
      // Embedded: a data folder that is a file. PostgreSQL: a server that is not there.
      const blocked = path.join(data, 'not-a-folder');
      fs.writeFileSync(blocked, 'x');
      const badEnv = embedded
        ? { NETCASTER_DATA_DIR: blocked, NETCASTER_DATABASE_URL: '' }
        : { NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      const expected = embedded
        ? /^netcaster stats: cannot create the data folder/
        : /^netcaster stats: cannot use the PostgreSQL database in NETCASTER_DATABASE_URL/;
      fs.writeFileSync(
        path.join(logs, 'one.log'),
        nginx('192.0.2.9', '03/Nov/2026:08:00:00', 'GET /media/ep-two/b.mp3', 200, mp3Size, GPODDER) + '\n',
      );
      for (const args of [
        ['stats', show],
        ['stats', show, '--json'],
        ['stats', 'import', show, path.join(logs, 'one.log'), '--format', 'nginx'],
      ]) {
        const r = runCli(args, { env: badEnv });
        // stats import's 1 means "lines it could not read"; a database it cannot use is not that.
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, expected);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    });
  });
}

statsSuite('embedded DuckDB', () => undefined, true);

const pgSkip = hasPostgres() ? false : process.env.CI === 'true' ? false : 'PostgreSQL is not installed';
describe('with PostgreSQL', { skip: pgSkip }, () => {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  statsSuite('PostgreSQL', () => server?.url, false);
});
