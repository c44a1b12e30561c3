import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port';
import { adminKeyOf, startOrquesta } from '../support/orquesta-process';

const root = fileURLToPath(new URL('../..', import.meta.url));

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('npm start with bad configuration', () => {
  it.each([
    [
      { PORT: 'abc' },
      'orquesta: Invalid configuration: PORT: expected an integer between 1 and 65535 (got "abc")',
    ],
    [{ ORQUESTA_PGPORT: '5432' }, 'orquesta: Invalid configuration: unknown variable ORQUESTA_PGPORT'],
  ])('exits 1 with one clear line and no stack trace (%o)', (env, line) => {
    const result = start(env);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm start on embedded defaults', () => {
  it('without a Temporal CLI, falls back to the emulator loudly, serves /readyz 200 with embedded Postgres, limits requests per key as configured, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orquesta-start-'));
    const [port, pgPort, emulatorPort] = [await freePort(), await freePort(), await freePort()];
    const orquesta = startOrquesta({
      PORT: String(port),
      ORQUESTA_DATA_DIR: dataDir,
      ORQUESTA_PG_PORT: String(pgPort),
      ORQUESTA_TEMPORAL_PORT: String(emulatorPort),
      // No usable Temporal CLI: `auto` falls back to the in-memory emulator, loudly.
      TEMPORAL_CLI_PATH: '/nonexistent/temporal',
      ORQUESTA_DEMO: 'false',
      ORQUESTA_RATE_LIMIT_BURST: '3',
      ORQUESTA_RATE_LIMIT_PER_SECOND: '0.01',
      LOG_LEVEL: 'warn',
    });
    try {
      await orquesta.waitReady(port);
      const output = orquesta.output();
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (res) => ({
        status: res.status,
        body: await res.json(),
      }));
      expect(ready, output).toEqual({
        status: 200,
        body: { status: 'ready', checks: { postgres: { ok: true }, temporal: { ok: true } } },
      });
      expect(output).toMatch(/IN MEMORY/);
      expect(output).toMatch(/the real Temporal dev server cannot run here; falling back/);

      const key = await adminKeyOf(orquesta);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/customers`, {
          headers: { authorization: `Bearer ${key}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      expect(await orquesta.interrupt(), orquesta.output()).toBe(0);
    }
    const leftover = spawnSync('pgrep', ['-f', `postgres -D ${dataDir}`], { encoding: 'utf8' });
    expect(leftover.stdout.trim(), 'postgres still running').toBe('');
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
