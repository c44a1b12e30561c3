import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunTemporaryDirectory } from '../support/run-temp-dir';

describe("the test run's temporary directory", () => {
  it('is where this test worker writes its temporary files (the global setup made it TMPDIR)', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^orquesta-test-run-/);
  });

  it('becomes TMPDIR, then goes with everything in it, and TMPDIR is given back', async () => {
    const before = process.env.TMPDIR;
    const run = await useRunTemporaryDirectory();
    try {
      expect(os.tmpdir()).toBe(run.dir);
      await mkdir(path.join(run.dir, 'orquesta-attachments-x', 'tmp'), { recursive: true });
      await writeFile(path.join(run.dir, 'orquesta-attachments-x', 'tmp', 'upload.part'), 'bytes');
    } finally {
      await run.remove();
    }
    expect(existsSync(run.dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
  });
});

describe('when the test run dies without its teardown', () => {
  it("stops the Postgres servers in the run's directory and removes it (a watchdog process)", async () => {
    // A run that makes its directory, a server (`sleep`, its pid in a postmaster.pid) and a file, then is killed.
    const script = `
      import { spawn } from 'node:child_process';
      import { mkdirSync, writeFileSync } from 'node:fs';
      import path from 'node:path';
      import { useRunTemporaryDirectory } from './test/support/run-temp-dir.ts';
      const run = await useRunTemporaryDirectory();
      const server = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
      server.unref();
      mkdirSync(path.join(run.dir, 'orquesta-test-pg', 'data'), { recursive: true });
      writeFileSync(path.join(run.dir, 'orquesta-test-pg', 'data', 'postmaster.pid'), server.pid + '\\n/data\\n');
      writeFileSync(path.join(run.dir, 'upload.part'), 'bytes');
      console.log(JSON.stringify({ dir: run.dir, server: server.pid }));
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const { dir, server } = JSON.parse(child.stdout) as { dir: string; server: number };
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect
      .poll(() => ({ dir: existsSync(dir), server: alive(server) }), { timeout: 15_000, interval: 200 })
      .toEqual({ dir: false, server: false });
  });
});
