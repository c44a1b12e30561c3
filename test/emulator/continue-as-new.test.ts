import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { createActivities } from './activities';
import { eventually, uniqueId, workflowsPath } from './helpers';
import * as wf from './workflows';

let env: TestEnv;
const taskQueue = uniqueId('rollover');
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  env = await createTestEnv({ timeSkipping: true, suggestContinueAsNewAfterEvents: 20 });
  const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities() });
  stopWorker = () => worker.stop();
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

describe.skipIf(Boolean(process.env.TEMPORAL_ADDRESS))('continue-as-new suggested by history length', () => {
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
