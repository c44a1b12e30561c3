/**
 * Starting the embedded Postgres after a crash. A `kill -9` of `npm start`'s whole process tree leaves the
 * killed postmaster a zombie until init reaps it, and Postgres takes the zombie's pid in `postmaster.pid` for a
 * live server: the next start must wait for it or clear the stale pid file, not fail. When Postgres does not
 * start, the error carries its own log, so the cause is in the message.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZombie } from '../../config/leftover-process';
import { startEmbeddedPostgres } from '../../db/embedded';
import { freePort } from '../support/free-port';
import { neglectedChild } from '../support/neglected-child';

/** A zombie owned by the user Postgres runs as (a `sleep 0` whose parent never reaps it). */
async function zombieOfPostgresUser(): Promise<{ pid: number; parent: ChildProcess }> {
  const ids =
    process.getuid?.() === 0
      ? {
          uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout),
          gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout),
        }
      : {};
  const { pid, parent } = await neglectedChild(0, ids);
  for (let i = 0; i < 100 && !isZombie(pid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(isZombie(pid), `pid ${pid} is a zombie`).toBe(true);
  return { pid, parent };
}

describe('starting the embedded Postgres', () => {
  let parent: string;
  let dataDir: string;
  let port: number;
  let pidFileOfRunningServer: string;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'orquesta-pg-start-'));
    dataDir = path.join(parent, 'data');
    port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, database: 'orquesta' });
    pidFileOfRunningServer = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
    await first.stop();
  }, 120_000);

  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('after a kill -9 left the postmaster a zombie, the next start clears its pid file and starts', async () => {
    const zombie = await zombieOfPostgresUser();
    try {
      const lines = pidFileOfRunningServer.split('\n');
      writeFileSync(path.join(dataDir, 'postmaster.pid'), [String(zombie.pid), ...lines.slice(1)].join('\n'));
      const log: string[] = [];
      const server = await startEmbeddedPostgres({
        dataDir,
        port,
        database: 'orquesta',
        zombieWaitMs: 300,
        onLog: (message) => log.push(message),
      });
      try {
        expect(log.join('')).toContain(`waited for a killed Postgres (pid ${zombie.pid}) to be reaped`);
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await client.end();
      } finally {
        await server.stop();
      }
    } finally {
      zombie.parent.kill('SIGKILL');
    }
  }, 120_000);

  it('when Postgres cannot start, the error quotes its log (here: the port is taken)', async () => {
    rmSync(path.join(dataDir, 'postmaster.pid'), { force: true }); // whatever the test before left
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir, port, database: 'orquesta' })).rejects.toThrow(
        /did not start on port \d+[^]*Its log:[^]*could not bind IPv4 address "127\.0\.0\.1": Address already in use/,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 120_000);
});
