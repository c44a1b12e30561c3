import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Run by a detached process: once the test run's process is gone without its teardown (a worker that
 * segfaulted under Stryker, a `kill -9`), it stops the Postgres servers whose data directories are in the run's
 * directory (their `postmaster.pid`) and removes the directory. Plain JavaScript, so it needs no loader.
 */
const WATCHDOG = `
const { readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const [owner, dir] = [Number(process.argv[1]), process.argv[2]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const postmasters = () => {
  const pids = [];
  const walk = (d, depth) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isFile() && e.name === 'postmaster.pid') pids.push(Number(readFileSync(path.join(d, e.name), 'utf8').split('\\n')[0]));
      else if (e.isDirectory() && depth < 3) walk(path.join(d, e.name), depth + 1);
    }
  };
  try { walk(dir, 0); } catch {}
  return pids.filter((pid) => pid > 0);
};
const timer = setInterval(() => {
  if (alive(owner)) return;
  clearInterval(timer);
  const pids = postmasters();
  for (const pid of pids) { try { process.kill(pid, 'SIGQUIT'); } catch {} }
  const waitThenRemove = (tries) => {
    if (tries > 0 && pids.some(alive)) return setTimeout(() => waitThenRemove(tries - 1), 200);
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  waitThenRemove(50);
}, 1000);
`;

/**
 * A temporary directory of the test run's own, made the run's `TMPDIR`: every worker and child process
 * started after this call inherits it, so what they leave in `os.tmpdir()` goes with `remove()`. Vitest ends
 * its worker threads without an `exit` event, so a process's own exit handlers are not enough there. Should
 * this process die before `remove()`, a watchdog process stops the Postgres servers under the directory and
 * removes it.
 */
export async function useRunTemporaryDirectory(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const previous = process.env.TMPDIR;
  const dir = await mkdtemp(path.join(tmpdir(), 'orquesta-test-run-'));
  process.env.TMPDIR = dir;
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return {
    dir,
    remove: async () => {
      watchdog.kill();
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
