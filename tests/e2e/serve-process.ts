// `netcaster serve` as a user runs it: the built CLI in a child process on 127.0.0.1, port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath, repoRoot } from '../support/env.js';

export interface ServeProcess {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** `env` is added to the test's own; download counts go to a fresh NETCASTER_DATA_DIR unless it names one. */
export async function startServe(showDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'netcaster-serve-cache-'));
  const data = path.join(cache, 'data');
  const child = spawn(process.execPath, [cliPath, 'serve', showDir, '--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, NETCASTER_CACHE_DIR: cache, NETCASTER_DATA_DIR: data, NETCASTER_DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /Serving .* at (http:\/\/\S+?)\/?\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before serving:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      fs.rmSync(cache, { recursive: true, force: true });
      return code;
    },
  };
}
