import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../support/database';
import { freePort } from '../support/free-port';
import { adminKeyOf, startOrquesta } from '../support/orquesta-process';

const root = fileURLToPath(new URL('../..', import.meta.url));

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    timeout: 50_000, // tsx compiles the whole start-up graph first: tens of seconds on a busy machine
  });
}

describe('npm start with bad configuration', () => {
  it.each([
    [
      { PORT: 'abc' },
      'orquesta: Invalid configuration: PORT: expected an integer between 0 (any free port) and 65535 (got "abc")',
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

describe('npm start with a migration that fails', () => {
  it('exits 1 naming the migration and the cause, before Temporal, the worker or the API start', async () => {
    const database = await createTestDatabase({ migrate: false });
    // The portal migration creates this table: finding it already there, it fails.
    await sql`CREATE TABLE portal_sign_in_tokens (id int)`.execute(database.db);
    const orquesta = startOrquesta({
      DATABASE_URL: database.url,
      PORT: '0',
      TEMPORAL_CLI_PATH: '/nonexistent/temporal',
      ORQUESTA_DEMO: 'false',
      LOG_LEVEL: 'warn',
    });
    // A start-up that hangs instead of exiting is killed (and fails below, with what it printed).
    const hung = setTimeout(() => void orquesta.killTree(), 100_000);
    const code = await orquesta.exited;
    clearTimeout(hung);
    const migrated = await sql<{ name: string }>`SELECT name FROM kysely_migration`
      .execute(database.db)
      .then((r) => r.rows.map((row) => row.name))
      .catch(() => []);
    await database.destroy();
    const output = orquesta.output();
    expect(code, output).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'orquesta: migration 20261127_0014_portal failed: relation "portal_sign_in_tokens" already exists',
    );
    // Nothing went on after the failed migration: no Temporal, no worker, no API, no banner.
    expect(output).not.toMatch(/Orquesta is up|Orquesta console|worker polling|Temporal/);
    expect(migrated).not.toContain('20261127_0014_portal');
  }, 120_000);
});

describe('npm start on embedded defaults', () => {
  it('without a Temporal CLI, falls back to the emulator loudly, serves /readyz 200 with embedded Postgres, limits requests per key as configured, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orquesta-start-'));
    // The API listens on port 0 and the banner names the port. Postgres needs its port up front (initdb and
    // postgres take no port 0) and so does the Temporal CLI `auto` tries first: those ports are probed.
    const [pgPort, emulatorPort] = [await freePort(), await freePort()];
    const orquesta = startOrquesta({
      PORT: '0',
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
      const port = await orquesta.waitReady();
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
