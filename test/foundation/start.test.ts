import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
