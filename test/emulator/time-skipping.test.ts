import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  createTestEnv,
  NEEDS_SKIPPED_TIME,
  realTemporalAddress,
  type TestEnv,
} from '../support/temporal-env';
import { createActivities } from './activities';
import { eventually, uniqueId, workflowsPath } from './helpers';
import * as wf from './workflows';

const day = 24 * 3600 * 1000;
let env: TestEnv;
const taskQueue = uniqueId('skipping');
let stopWorker: () => Promise<void>;
/** This file tests the time-skipping server itself (the TestService, a server-side dynamic config). */
const onRealServer = realTemporalAddress() !== undefined;

beforeAll(async () => {
  if (onRealServer) return;
  // A low continue-as-new threshold for the rollover test; the other workflows here ignore the suggestion.
  // Also a namespace other than `default`: createTestEnv registers it (the test-server form only has `default`).
  env = await createTestEnv({
    timeSkipping: true,
    namespace: 'orquesta-test',
    suggestContinueAsNewAfterEvents: 20,
  });
  const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities() });
  stopWorker = () => worker.stop();
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

describe('time skipping (TestService over a virtual clock)', () => {
  beforeEach((ctx) => ctx.skip(onRealServer, NEEDS_SKIPPED_TIME));
  test('the environment runs in its own registered namespace', async () => {
    expect(env.namespace).toBe('orquesta-test');
    const { namespaceInfo } = await env.connection.workflowService.describeNamespace({
      namespace: 'orquesta-test',
    });
    expect(namespaceInfo?.name).toBe('orquesta-test');
  });

  test('env.sleep() advances the server clock by the duration', async () => {
    const before = await env.env.currentTimeMs();
    await env.env.sleep(day);
    const after = await env.env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(day);
  });

  test('awaiting result() skips to the next timer: a 30-day sleep completes', async () => {
    const before = await env.env.currentTimeMs();
    const slept = await env.client.workflow.execute(wf.sleeper, {
      taskQueue,
      workflowId: uniqueId('month'),
      args: [30 * day],
    });
    expect(slept).toBeGreaterThanOrEqual(30 * day);
    expect((await env.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * day);
  });

  test('concurrent result() calls each skip to their own timers', async () => {
    const [a, b] = await Promise.all([
      env.client.workflow.execute(wf.sleeper, { taskQueue, workflowId: uniqueId('a'), args: [2 * day] }),
      env.client.workflow.execute(wf.sleeper, { taskQueue, workflowId: uniqueId('b'), args: [5 * day] }),
    ]);
    expect(a).toBeGreaterThanOrEqual(2 * day);
    expect(b).toBeGreaterThanOrEqual(5 * day);
  });

  test('time does not skip while locked: a signal sent before result() beats a one-hour timer', async () => {
    const handle = await env.client.workflow.start(wf.deadline, {
      taskQueue,
      workflowId: uniqueId('locked'),
      args: [3_600_000],
    });
    // The workflow is blocked on its one-hour timer before the signal is sent.
    await eventually(async () =>
      ((await handle.fetchHistory()).events ?? []).some((e) => e.timerStartedEventAttributes),
    );
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe('signalled');
  });

  test('env.sleep() fires the workflow timers it passes', async () => {
    const handle = await env.client.workflow.start(wf.deadline, {
      taskQueue,
      workflowId: uniqueId('slept'),
      args: [3_600_000],
    });
    await env.env.sleep(2 * 3_600_000);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await handle.result()).toBe('timed out');
  });

  test('a workflow run timeout is reached by skipping', async () => {
    const handle = await env.client.workflow.start(wf.forever, {
      taskQueue,
      workflowId: uniqueId('expire'),
      workflowRunTimeout: '7 days',
    });
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });
});

describe('continue-as-new suggested by history length', () => {
  beforeEach((ctx) =>
    ctx.skip(
      onRealServer,
      'sets the server-wide limit.historyCount.suggestContinueAsNew: emulator only (a shared real server keeps its own)',
    ),
  );
  test('a workflow that continues as new when suggested keeps every signal across runs', async () => {
    const handle = await env.client.workflow.start(wf.rollover, {
      taskQueue,
      workflowId: uniqueId('rollover'),
      args: [0, 1],
    });
    let expected = 0;
    for (let i = 1; i <= 15; i++) {
      await handle.signal(wf.addSignal, i);
      expected += i;
    }
    const latest = env.client.workflow.getHandle<typeof wf.rollover>(handle.workflowId);
    await eventually(async () => (await latest.describe()).runId !== handle.firstExecutionRunId);
    await latest.signal(wf.finishSignal);
    const result = await latest.result();
    expect(result).toMatch(new RegExp(`^sum=${expected} runs=\\d+$`));
    expect(Number(result.split('runs=')[1])).toBeGreaterThan(1);
    expect(
      (await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status
        .name,
    ).toBe('CONTINUED_AS_NEW');
  });
});
