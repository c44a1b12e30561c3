/**
 * What bench:lifecycle and bench:api share: the system wired as `npm start`
 * wires it (a throw-away embedded Postgres, Temporal, a worker with the real activities) with one customer
 * under a preset. Temporal is the in-process emulator, or with `--temporal dev-server` the real Temporal
 * dev server persisted to SQLite as `npm start` runs it (the CLI from `npm run temporal:cli`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities/index';
import { seedPresetPolicies } from '../activities/policies';
import { connectDatabase, migrateToLatestOrThrow } from '../db/index';
import { startEmbeddedPostgres } from '../db/embedded';
import type { Database } from '../db/schema';
import { startEmulator } from '../emulator/index';
import { freePort } from '../test/support/free-port';
import { resolveTemporalCli } from '../worker/temporal-cli';
import { startDevServer } from '../worker/temporal-dev-server';
import { temporalFlag, type TemporalKind } from './cli';
import { ensureSearchAttributes } from '../worker/search-attributes';
import { bundleWorkflows } from '../worker/worker';

const DAY = 86_400_000;

/** The customer the bench works for: id `bench`, contract `bench-c` under `policy`@1 and `plan`. */
export interface BenchCustomer {
  policy: string;
  plan: string;
  requesters?: { name: string; email: string }[];
}

/** A running bench system on task queue `bench`. */
export interface BenchStack {
  db: Kysely<Database>;
  /** The Postgres connection URL (for `--hold`: look at the loaded database from another process). */
  databaseUrl: string;
  client: Client;
  worker: Worker;
  stop: () => Promise<void>;
}

/**
 * Starts the system and stores the customer; `stop()` tears everything down. With `databaseUrl` (a database an
 * earlier `--hold` run keeps up) it uses that database, migrated to the latest schema, and leaves it running.
 */
export async function startBenchStack(customer: BenchCustomer, databaseUrl?: string): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = await mkdtemp(path.join(tmpdir(), 'orquesta-bench-'));
  const pg =
    databaseUrl === undefined
      ? await startEmbeddedPostgres({
          dataDir: path.join(dir, 'pg'),
          port: await freePort(),
          database: 'bench',
          persistent: false,
        })
      : { url: databaseUrl, stop: () => Promise.resolve() };
  const db = connectDatabase(pg.url, { max: 20 });
  const temporal = await startTemporal(temporalFlag(), dir);
  const stop = async () => {
    await db.destroy();
    await temporal.stop();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await migrateToLatestOrThrow(db);
    await seedPresetPolicies(db);
    const now = Date.now();
    await db
      .insertInto('customers')
      .values({ id: 'bench', name: 'Bench S.A.' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db
      .insertInto('contracts')
      .values({
        id: 'bench-c',
        customer_id: 'bench',
        policy_id: customer.policy,
        policy_version: 1,
        plan: customer.plan,
        period: 'yearly',
        starts_at: new Date(now - DAY),
        ends_at: new Date(now + 300 * DAY),
        requesters: JSON.stringify(customer.requesters ?? []),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const connection = await Connection.connect({ address: temporal.address });
    await ensureSearchAttributes(connection, 'default');
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: temporal.address }),
      taskQueue: 'bench',
      workflowBundle: await bundleWorkflows(undefined, new DefaultLogger('ERROR')),
      activities: createActivities({ db }),
    });
    return { db, databaseUrl: pg.url, client: new Client({ connection }), worker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The emulator, or the real dev server persisted under `dir` (headless, on a free port). */
async function startTemporal(
  kind: TemporalKind,
  dir: string,
): Promise<{ address: string; stop: () => Promise<void> }> {
  if (kind === 'emulator') {
    const emulator = await startEmulator({
      log: { info: () => undefined, debug: () => undefined, warn: () => undefined },
    });
    return { address: emulator.address, stop: () => emulator.shutdown() };
  }
  const cli = await resolveTemporalCli({ install: false });
  const server = await startDevServer({
    cliPath: cli.path,
    stateDir: path.join(dir, 'temporal'),
    persist: true,
    ip: '127.0.0.1',
    port: await freePort(),
    namespace: 'default',
  });
  return { address: server.address, stop: () => server.stop() };
}
