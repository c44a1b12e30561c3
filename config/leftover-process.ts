/**
 * Servers that `npm start` runs as child processes (embedded Postgres, the Temporal dev server) outlive a
 * start that crashed. The next start finds them by the pid they left in their data folder and stops them,
 * so it never meets a confusing port clash, and never signals a process that merely reuses the pid.
 */
import { readFileSync, rmSync } from 'node:fs';

/** The command line of a live process, or undefined when it is gone (or there is no /proc: not Linux). */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
  } catch {
    return undefined;
  }
}

/** The pid on the first line of a pid file, when there is one. */
export function pidFromFile(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a zombie: dead, but not yet reaped by its parent (or by init, once orphaned). */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Whether `pid` still runs (a zombie has stopped: it only waits to be reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/** Polls `condition` every 100 ms while it holds, for at most `ms`. */
async function waitWhile(condition: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; condition() && waited < ms; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Stops the process named by `pidFile` when it is alive and `isOurs(argv)` says it is the server we
 * started: `signal` first (each server's own graceful stop), SIGKILL after `graceMs`. Returns its pid when
 * it stopped one.
 */
export async function stopLeftoverProcess(
  pidFile: string,
  isOurs: (argv: string[]) => boolean,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<number | undefined> {
  const pid = pidFromFile(pidFile);
  const argv = pid === undefined ? undefined : commandLine(pid);
  if (pid === undefined || argv === undefined || !isOurs(argv)) return undefined;
  process.kill(pid, signal);
  await waitWhile(() => alive(pid), graceMs);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  await waitWhile(() => alive(pid), 5_000);
  return pid;
}

/**
 * A server killed together with the process that started it (`kill -9` of the whole tree) is a zombie until
 * init reaps it: about 2 s on our machines, longer on a busy one. Its pid file then names a pid that
 * `kill(pid, 0)` still finds, and Postgres refuses to start ("lock file already exists"). Waits up to
 * `waitMs` for the zombie to be reaped, then removes the pid file: a zombie holds no port, memory or file.
 * Returns the zombie's pid when there was one.
 */
export async function clearZombiePidFile(pidFile: string, waitMs = 10_000): Promise<number | undefined> {
  const pid = pidFromFile(pidFile);
  if (pid === undefined || !isZombie(pid)) return undefined;
  await waitWhile(() => isZombie(pid), waitMs);
  if (isZombie(pid)) rmSync(pidFile, { force: true });
  return pid;
}
