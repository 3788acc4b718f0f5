// `netcaster serve` as a user runs it: the built CLI (bin/netcaster) in a child process on 127.0.0.1.
// Like `npm start`, it previews: links and feeds point at this server (--base-url
// http://127.0.0.1:PORT), unless the test passes its own --base-url or asks for the show's own.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { launcherPath, repoRoot } from '../support/env.js';
import { tempDir } from '../support/temp-dir.js';

export interface ServeProcess {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface StartOptions {
  /** False: no --base-url of the test's own, so the show's baseUrl (or the listening address) is used, as in production. */
  preview?: boolean;
  /** Added to the test's own environment; download counts go to a fresh NETCASTER_DATA_DIR unless it names one. */
  env?: NodeJS.ProcessEnv;
}

/** A port free on 127.0.0.1 a moment ago (the preview's --base-url must name it before serve binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export async function startServe(showDir: string, extraArgs: string[] = [], options: StartOptions = {}): Promise<ServeProcess> {
  const preview = (options.preview ?? true) && !extraArgs.includes('--base-url');
  // Another process may take the free port before serve binds it: try again with another.
  for (let attempt = 1; ; attempt++) {
    const port = preview ? await freePort() : 0;
    const args = preview ? ['--port', String(port), '--base-url', `http://127.0.0.1:${port}`] : ['--port', '0'];
    try {
      return await startOnce(showDir, [...args, ...extraArgs], options.env ?? {});
    } catch (error) {
      if (attempt >= 3 || !/cannot listen/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(showDir: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const cache = tempDir('serve-cache');
  const data = path.join(cache, 'data');
  const child = spawn(launcherPath, ['serve', showDir, '--host', '127.0.0.1', ...args], {
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
