// A real, small file system for tests: a tmpfs mounted on a folder, for an OUT that is a mount
// point (a Docker volume, a web root) and for a disk that fills up. Mounting needs root (CI runs
// as root); elsewhere the test is skipped with a reason.
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { hasTool, needTool } from './env.js';

/**
 * Mounts a tmpfs of `size` (mount's syntax: 1500k, 2m) on `dir`, runs fn, and unmounts whatever
 * fn did. Returns false, having run nothing, when the test cannot mount here.
 */
export async function withTmpfs(t: TestContext, dir: string, size: string, fn: () => Promise<void>): Promise<boolean> {
  if (!needTool(t, 'root, to mount a tmpfs', () => process.getuid?.() === 0 && hasTool('mount') && hasTool('umount'))) return false;
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'netcaster-test', dir]);
  try {
    await fn();
  } finally {
    execFileSync('umount', [dir]);
  }
  return true;
}
