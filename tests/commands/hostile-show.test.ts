// `check` and `build` through the real CLI on copies of the sample show made hostile (issue 11):
// FIFOs and devices where files belong, files linked out of the show, alias bombs, odd folder
// names, unusable cache folders. Each run has a time limit: a hang fails the test, it does not
// block the suite.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cliPath, repoRoot, sampleShowDir } from '../support/env.js';
import { copyOfSample, tempDir } from '../support/temp-dir.js';

const MEGA = '046-the-mega-edition';
const CLOUDS = '047-clouds-have-outages-too';

const freshCache = () => tempDir('hostile-cache');

/** The CLI with a time limit; `timedOut` says whether it had to be killed. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NETCASTER_CACHE_DIR: freshCache(), ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined || r.signal === 'SIGKILL' };
}

/** A problem as `check --json` lists it. */
interface JsonProblem {
  level: string;
  file: string;
  field?: string;
  message: string;
}

function checkJson(dir: string, env: NodeJS.ProcessEnv = {}) {
  const r = run(['check', dir, '--json'], env);
  assert.equal(r.timedOut, false, `check did not finish: ${r.stderr}`);
  assert.notEqual(r.code, 70, `internal error: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { ok: boolean; problems: JsonProblem[]; episodes: { slug: string }[] };
  return { ...r, doc };
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);
const replaceWith = (file: string, make: (file: string) => void) => {
  fs.rmSync(file, { force: true });
  make(file);
};

for (const [what, file, expectedFile] of [
  ['notes.md', `${MEGA}/notes.md`, `${MEGA}/notes.md`],
  ['episode.yaml', `${MEGA}/episode.yaml`, `${MEGA}/episode.yaml`],
  ['show.yaml', 'show.yaml', 'show.yaml'],
  ['netcaster.lock', 'netcaster.lock', 'netcaster.lock'],
] as const) {
  test(`regression: a FIFO as ${what} is refused at once by check and build (it hung them)`, { timeout: 60_000 }, () => {
    const dir = copyOfSample();
    replaceWith(path.join(dir, file), mkfifo);
    const started = Date.now();
    const { code, doc } = checkJson(dir);
    assert.ok(Date.now() - started < 15_000);
    assert.equal(code, 1);
    const p = doc.problems.find((x) => x.file === expectedFile);
    assert.ok(p, JSON.stringify(doc.problems));
    assert.match(p.message, /is not a regular file/);
    // One episode's problem never holds back the other.
    if (file.startsWith(MEGA))
      assert.deepEqual(
        doc.episodes.map((e) => e.slug),
        [CLOUDS],
      );

    const out = path.join(tempDir('hostile-out'), 'site');
    const built = run(['build', dir, '--out', out]);
    assert.equal(built.timedOut, false, 'build did not finish');
    assert.equal(built.code, 1, built.stderr);
    assert.match(built.stdout + built.stderr, /is not a regular file/);
  });
}

test('regression: notes.md linked to /dev/zero is refused at once, without growing memory', { timeout: 60_000 }, () => {
  const dir = copyOfSample();
  replaceWith(path.join(dir, MEGA, 'notes.md'), (f) => fs.symlinkSync('/dev/zero', f));
  const started = Date.now();
  const { code, doc } = checkJson(dir);
  assert.ok(Date.now() - started < 15_000);
  assert.equal(code, 1);
  assert.deepEqual(
    doc.problems.map((p) => p.file),
    [`${MEGA}/notes.md`],
  );
  assert.deepEqual(
    doc.episodes.map((e) => e.slug),
    [CLOUDS],
  );
});

test('regression: notes.md linked to /etc/passwd never reaches the built pages or feeds', { timeout: 60_000 }, () => {
  const dir = copyOfSample();
  replaceWith(path.join(dir, MEGA, 'notes.md'), (f) => fs.symlinkSync('/etc/passwd', f));
  const { code, doc } = checkJson(dir);
  assert.equal(code, 1);
  assert.deepEqual(
    doc.problems.map((p) => [p.file, p.message]),
    [[`${MEGA}/notes.md`, 'notes.md is a link to a file outside the show folder']],
  );
  const out = path.join(tempDir('hostile-out'), 'site');
  const built = run(['build', dir, '--out', out]);
  assert.equal(built.code, 1);
  assert.equal(fs.existsSync(out), false, 'nothing was published');
});

test('regression: a YAML alias bomb is refused within seconds by check, naming the file', { timeout: 60_000 }, () => {
  const dir = copyOfSample();
  const lines = ['lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `lol${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  fs.appendFileSync(path.join(dir, CLOUDS, 'episode.yaml'), `${lines.join('\n')}\n`);
  const started = Date.now();
  const { code, doc } = checkJson(dir);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.equal(code, 1);
  assert.deepEqual(
    doc.problems.map((p) => p.file),
    [`${CLOUDS}/episode.yaml`],
  );
  assert.match(doc.problems[0].message, /expand to more than/);
  assert.deepEqual(
    doc.episodes.map((e) => e.slug),
    [MEGA],
  );
});

test('regression: an episode folder whose name is not UTF-8 is a problem in check, not an internal error', { timeout: 60_000 }, () => {
  const dir = copyOfSample();
  const latin1 = Buffer.concat([Buffer.from(`${dir}/048-caf`), Buffer.from([0xe9])]);
  fs.mkdirSync(latin1);
  fs.writeFileSync(Buffer.concat([latin1, Buffer.from('/episode.yaml')]), fs.readFileSync(path.join(dir, MEGA, 'episode.yaml')));
  const { code, doc } = checkJson(dir);
  assert.equal(code, 1);
  assert.deepEqual(
    doc.problems.map((p) => p.file),
    ['048-caf\uFFFD/episode.yaml'],
  );
  assert.deepEqual(doc.episodes.map((e) => e.slug).sort(), [MEGA, CLOUDS]);
});

test('regression: a backslash in an episode folder name fails check, so build refuses cleanly instead of crashing', {
  timeout: 60_000,
}, () => {
  const dir = copyOfSample();
  fs.cpSync(path.join(dir, MEGA), path.join(dir, '048-a\\b'), { recursive: true });
  // Its own guid, so that the folder name is its only fault.
  const manifest = path.join(dir, '048-a\\b', 'episode.yaml');
  fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(/^guid:.*$/m, 'guid: 3c1f4a52-8d1e-4f0a-9b7e-048048048048'));
  const { code, doc } = checkJson(dir);
  assert.equal(code, 1);
  assert.deepEqual(
    doc.problems.map((p) => [p.file, p.level]),
    [['048-a\\b/episode.yaml', 'error']],
  );
  assert.match(doc.problems[0].message, /backslash/);
  const out = path.join(tempDir('hostile-out'), 'site');
  const built = run(['build', dir, '--out', out]);
  assert.equal(built.code, 1, built.stderr);
  assert.doesNotMatch(built.stderr, /internal error/);
});

test('regression: a cache folder that is a file costs speed, not the build', { timeout: 90_000 }, () => {
  const cacheFile = path.join(freshCache(), 'not-a-folder');
  fs.writeFileSync(cacheFile, 'x');
  const out = path.join(tempDir('hostile-out'), 'site');
  const built = run(['build', sampleShowDir, '--out', out], { NETCASTER_CACHE_DIR: cacheFile });
  assert.equal(built.code, 0, built.stderr);
  assert.ok(fs.readdirSync(path.join(out, 'artwork')).length > 1, 'artwork variants were made all the same');
  assert.equal(fs.readFileSync(cacheFile, 'utf8'), 'x', 'the file is left as it was');
});

test('regression: a read-only cache folder costs speed, not the build', { timeout: 90_000 }, () => {
  // chmod does not stop root; /sys refuses new folders to everyone.
  let cache = '/sys/netcaster-cache';
  if (process.getuid?.() !== 0) {
    cache = freshCache();
    fs.chmodSync(cache, 0o555);
  }
  const out = path.join(tempDir('hostile-out'), 'site');
  const built = run(['build', sampleShowDir, '--out', out], { NETCASTER_CACHE_DIR: cache });
  assert.equal(built.code, 0, built.stderr);
  const checked = run(['check', sampleShowDir], { NETCASTER_CACHE_DIR: cache });
  assert.equal(checked.code, 0, checked.stderr);
});

test('a FIFO where the check snapshot is kept does not hang check (the cache is read like a show file)', { timeout: 60_000 }, () => {
  const cache = freshCache();
  const first = run(['check', sampleShowDir], { NETCASTER_CACHE_DIR: cache });
  assert.equal(first.code, 0);
  const snapshot = fs.readdirSync(cache).find((n) => n.startsWith('check-'))!;
  replaceWith(path.join(cache, snapshot), mkfifo);
  const again = run(['check', sampleShowDir], { NETCASTER_CACHE_DIR: cache });
  assert.equal(again.timedOut, false, 'check hung on the FIFO');
  assert.equal(again.code, 0, again.stderr);
});
