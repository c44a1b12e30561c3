/**
 * The API with the ticket workflow behind it, as the write-path suites need it: a Temporal environment (the
 * emulator, or the real server under TEMPORAL_ADDRESS) with the ticket search attributes, the test API with the
 * ticket routes wired to it, and a worker running the real workflows and activities on the API's database.
 */
import { expect } from 'vitest';
import { createActivities } from '../../activities/index';
import { ticketActionRoutes } from '../../api/routes/ticket-actions';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { eventually } from '../lifecycle/fixtures';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { createTestApi, type TestApi } from './helpers';

type TestApiOptions = NonNullable<Parameters<typeof createTestApi>[0]>;

export interface TicketStackOptions {
  taskQueue: string;
  /** The time-skipping form of the environment (see `createTestEnv`). Default true. */
  timeSkipping?: boolean;
  /** The API's Temporal settings besides the client and the task queue (`callTimeoutMs`). */
  temporal?: Record<string, unknown>;
  /** The API's other dependencies (the ticket routes unless `routes` is given), or a function of the environment. */
  app?: Omit<TestApiOptions, 'temporal'> | ((env: TestEnv) => Omit<TestApiOptions, 'temporal'>);
}

export interface TicketStack {
  env: TestEnv;
  api: TestApi;
  /** Starts the worker again after {@link stopWorker}. */
  startWorker(): Promise<void>;
  /** Stops the worker (the API and Temporal keep running): updates then wait for their deadline. */
  stopWorker(): Promise<void>;
  /** Stops the worker, the Temporal environment and the API, in that order. */
  teardown(): Promise<void>;
}

export async function startTicketStack(options: TicketStackOptions): Promise<TicketStack> {
  const { taskQueue } = options;
  const env = await createTestEnv({
    timeSkipping: options.timeSkipping ?? true,
    searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
  });
  let api: TestApi | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  const stopWorker = async () => {
    await worker?.stop();
    worker = undefined;
  };
  const teardown = async () => {
    await stopWorker();
    await env.teardown();
    await api?.destroy();
  };
  try {
    const app = typeof options.app === 'function' ? options.app(env) : options.app;
    const started = await createTestApi({
      routes: ticketActionRoutes(),
      ...app,
      temporal: { client: env.client, taskQueue, ...options.temporal },
    });
    api = started;
    const startWorker = async () => {
      worker = await env.startWorker({
        taskQueue,
        workflowsPath,
        activities: createActivities({ db: started.db }),
      });
    };
    await startWorker();
    return { env, api: started, startWorker, stopWorker, teardown };
  } catch (error) {
    // A suite whose set-up failed has nothing to tear down in its afterAll: what was started stops here.
    await teardown();
    throw error;
  }
}

/** A new ticket through `POST /v1/tickets` (answered 201), once the projection shows its workflow has it open. */
export async function openTicketThroughApi(api: TestApi, customerId: string, draft: object): Promise<number> {
  const created = await api.call('post', '/v1/tickets').send({ customerId, draft });
  expect(created.status, created.text).toBe(201);
  const number = created.body.number as number;
  await eventually(
    () =>
      api.db.selectFrom('tickets').select('status').where('number', '=', number).executeTakeFirstOrThrow(),
    (r) => r.status === 'open',
  );
  return number;
}
