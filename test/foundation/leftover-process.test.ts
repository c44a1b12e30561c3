/**
 * Stopping a server left behind by a crashed start (`config/leftover-process.ts`). Once orphaned, a stopped
 * server is a zombie until init reaps it (seconds on a busy machine), and a zombie has stopped: the stop must
 * not wait out its grace period, nor take the zombie for a live server in the pid file.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clearZombiePidFile, isZombie, stopLeftoverProcess } from '../../config/leftover-process';
import { neglectedChild } from '../support/neglected-child';

const dir = mkdtempSync(path.join(tmpdir(), 'orquesta-leftover-'));
const pidFile = path.join(dir, 'server.pid');
const parents: ChildProcess[] = [];

/** A `sleep 120` "server" whose parent never reaps it: once stopped, it stays a zombie for this test. */
async function serverWithNeglectfulParent(): Promise<number> {
  const { pid, parent } = await neglectedChild(120);
  parents.push(parent);
  writeFileSync(pidFile, `${pid}\n`);
  return pid;
}

afterEach(() => {
  for (const parent of parents.splice(0)) parent.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a server left behind by a crashed start', () => {
  it('is stopped with its own signal, and a stop that leaves a zombie does not wait out the grace period', async () => {
    const pid = await serverWithNeglectfulParent();
    // A grace period longer than the test's timeout: waiting on the zombie would time the test out.
    const stopped = await stopLeftoverProcess(pidFile, (argv) => argv.includes('120'), 'SIGTERM', 60_000);
    expect(stopped).toBe(pid);
    expect(isZombie(pid)).toBe(true);
  }, 20_000);

  it('is not signalled when the pid file names another program', async () => {
    const pid = await serverWithNeglectfulParent();
    expect(await stopLeftoverProcess(pidFile, (argv) => argv.includes('postgres'))).toBeUndefined();
    expect(isZombie(pid)).toBe(false);
    process.kill(pid, 0); // still running
  });
});

describe('a pid file naming a zombie', () => {
  it('is removed once the zombie outlasts the wait, and left alone while its process runs', async () => {
    const pid = await serverWithNeglectfulParent();
    expect(await clearZombiePidFile(pidFile, 100)).toBeUndefined();
    expect(existsSync(pidFile)).toBe(true);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && !isZombie(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await clearZombiePidFile(pidFile, 100)).toBe(pid);
    expect(existsSync(pidFile)).toBe(false);
  });
});
