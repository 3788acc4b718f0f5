// bin/netcaster, what the `netcaster` command runs: a shell script that starts Node with the CLI's
// loader (bin/netcaster.cjs), under MALLOC_TRIM_THRESHOLD_ (glibc kept the memory a long import
// freed: a 3,000-item feed took 1.31-1.35x the memory of a 300-item one; see the script).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { cliPath, launcherPath, sampleShowDir } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';
import { startServe } from '../e2e/serve-process.js';

test('the launcher runs from the links npm makes to it (node_modules/.bin, a global bin folder)', (t) => {
  const dir = tempDir('launcher-links', t);
  // npm's own: a relative link, node_modules/.bin/netcaster -> ../netcaster/bin/netcaster.
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(path.dirname(path.dirname(launcherPath)), path.join(dir, 'node_modules', 'netcaster'));
  fs.symlinkSync('../netcaster/bin/netcaster', path.join(dir, 'node_modules', '.bin', 'netcaster'));
  // A link to that link, absolute, as a global bin folder may hold.
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.symlinkSync(path.join(dir, 'node_modules', '.bin', 'netcaster'), path.join(dir, 'bin', 'netcaster'));
  for (const command of [path.join(dir, 'node_modules', '.bin', 'netcaster'), path.join(dir, 'bin', 'netcaster')]) {
    const r = spawnSync(command, ['--help'], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, /^usage: netcaster <command>/);
  }
  // Run by sh from its own folder, as `sh netcaster`.
  const own = spawnSync('sh', ['netcaster', '--help'], { encoding: 'utf8', cwd: path.dirname(launcherPath) });
  assert.equal(own.status, 0, own.stderr);
});

test('the launcher starts Node with the loader, arguments as given, and the trim threshold set unless the user set it', async () => {
  const environ = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const serve = await startServe(sampleShowDir);
  try {
    const pid = serve.child.pid!;
    // exec: the process the shell started is Node itself (signals reach it, its exit code is ours).
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.equal(path.basename(cmdline[0]), 'node');
    assert.equal(fs.realpathSync(cmdline[1]), fs.realpathSync(cliPath));
    assert.deepEqual(cmdline.slice(2, 5), ['serve', sampleShowDir, '--host']);
    assert.ok(environ(pid).includes('MALLOC_TRIM_THRESHOLD_=131072'));
  } finally {
    // At once after "Serving": the stop signals were taken only after that line, and a SIGTERM in
    // between (a loaded machine, a quick service manager) killed serve outright (exit null).
    assert.equal(await serve.stop('SIGTERM'), 0, serve.output());
  }
  const own = await startServe(sampleShowDir, [], { env: { MALLOC_TRIM_THRESHOLD_: '262144' } });
  try {
    assert.ok(environ(own.child.pid!).includes('MALLOC_TRIM_THRESHOLD_=262144'));
  } finally {
    await own.stop('SIGTERM');
  }
});

test('the commands that open no connection start without NODE_EXTRA_CA_CERTS, which Node 20 reads at start-up; the others keep it', (t) => {
  // Node warns at start-up when the file it names cannot be read: the warning says whether this
  // Node process was started with the variable.
  const missing = path.join(tempDir('launcher-ca', t), 'missing.pem');
  const warned = (command: string) => {
    const r = spawnSync(launcherPath, [command, '--help'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: missing } });
    return r.stderr.includes('Ignoring extra certs');
  };
  for (const command of ['check', 'build', 'publish-due', 'status', 'new']) assert.equal(warned(command), false, command);
  for (const command of ['import', 'serve', 'stats']) assert.equal(warned(command), true, command);
});
