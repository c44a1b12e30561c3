/**
 * The stack most workflow tests share: the Temporal emulator with skipped time and the ticket search
 * attributes, a fresh Postgres database seeded by the test, and a worker running the real ticket workflow
 * and activities on the test's task queue. Registers its own beforeAll/afterAll.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { createActivities } from '../../activities/index';
import type { Database } from '../../db/schema';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { createTestDatabase } from '../support/database';
import { createTestEnv, type TestEnv } from '../support/temporal-env';

export interface WorkerStack {
  env: TestEnv;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  taskQueue: string;
}

export function ticketWorkerStack(options: {
  taskQueue: string;
  /** Seeds customers and contracts; `now` is the emulator's clock. */
  seed: (db: Kysely<Database>, now: number) => Promise<void>;
  maxCachedWorkflows?: number;
}): WorkerStack {
  const stack = { taskQueue: options.taskQueue } as WorkerStack;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    stack.env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    stack.database = await createTestDatabase();
    await options.seed(stack.database.db, await stack.env.env.currentTimeMs());
    const worker = await stack.env.startWorker({
      taskQueue: options.taskQueue,
      workflowsPath,
      activities: createActivities({ db: stack.database.db }),
      ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    });
    stopWorker = () => worker.stop();
  });
  afterAll(async () => {
    await stopWorker?.();
    await stack.env?.teardown();
    await stack.database?.destroy();
  });
  return stack;
}
