import {
  WithStartWorkflowOperation,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowNotFoundError,
  type Workflow,
} from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestEnv, workflowBundle, type TestEnv } from '../support/temporal-env';
import { createActivities } from './activities';
import { cacheModes, eventsOf, eventTypes, eventually, uniqueId, workflowsPath } from './helpers';
import * as wf from './workflows';

let env: TestEnv;
const attempts = new Map<string, number>();
const finished: WorkflowHandle[] = [];

beforeAll(async () => {
  env = await createTestEnv({ timeSkipping: true });
});

afterAll(async () => {
  await env?.teardown();
});

describe.each(cacheModes)('workflows with $name', ({ maxCachedWorkflows }) => {
  const taskQueue = uniqueId('contract');
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    const started = await env.startWorker({
      taskQueue,
      workflowsPath,
      activities: createActivities(attempts),
      maxCachedWorkflows,
    });
    stopWorker = () => started.stop();
  });

  afterAll(async () => {
    await stopWorker?.();
  });

  const start = async <T extends Workflow>(
    workflow: T,
    args: Parameters<T>,
    extra: { workflowTaskTimeout?: string; workflowRunTimeout?: string; memo?: Record<string, unknown> } = {},
  ) => {
    const options = {
      taskQueue,
      workflowId: uniqueId(workflow.name),
      args,
      ...extra,
    } as unknown as WorkflowStartOptions<T>;
    const handle = await env.client.workflow.start(workflow, options);
    finished.push(handle);
    return handle;
  };

  test('an activity runs and its result completes the workflow', async () => {
    const handle = await start(wf.greet, ['bob']);
    expect(await handle.result()).toBe('hello bob');
    const types = await eventTypes(handle);
    expect(types).toEqual(
      expect.arrayContaining(['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED']),
    );
    expect(types.at(0)).toBe('WORKFLOW_EXECUTION_STARTED');
    expect(types.at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  });

  test('signals, updates and queries reach a running workflow', async () => {
    const handle = await start(wf.counter, [1]);
    await handle.signal(wf.addSignal, 2);
    expect(await handle.executeUpdate(wf.addUpdate, { args: [3] })).toBe(6);
    expect(await handle.query(wf.countQuery)).toBe(6);
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe(6);
  });

  test('an update rejected by its validator fails the call and leaves no trace in history', async () => {
    const handle = await start(wf.counter, [0]);
    await handle.signal(wf.addSignal, 1);
    expect(await handle.query(wf.countQuery)).toBe(1);
    const before = await eventTypes(handle);
    await expect(handle.executeUpdate(wf.addUpdate, { args: [-5] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    const after = await eventTypes(handle);
    expect(after).toEqual(before);
    expect(await handle.executeUpdate(wf.addUpdate, { args: [2] })).toBe(3);
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe(3);
  });

  test('an update whose handler throws fails with the handler failure, recorded in history', async () => {
    const handle = await start(wf.counter, [0]);
    const error = await handle.executeUpdate(wf.failUpdate, { args: ['nope'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((error as WorkflowUpdateFailedError).cause as ApplicationFailure).message).toBe('nope');
    expect(await eventTypes(handle)).toEqual(
      expect.arrayContaining(['WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'WORKFLOW_EXECUTION_UPDATE_COMPLETED']),
    );
    await handle.terminate('done');
  });

  test('an update id sent twice is applied once and both calls get its result', async () => {
    const handle = await start(wf.counter, [10]);
    const [a, b] = await Promise.all([
      handle.executeUpdate(wf.addUpdate, { args: [5], updateId: 'same-update' }),
      handle.executeUpdate(wf.addUpdate, { args: [5], updateId: 'same-update' }),
    ]);
    expect([a, b]).toEqual([15, 15]);
    expect(await handle.executeUpdate(wf.addUpdate, { args: [5], updateId: 'same-update' })).toBe(15);
    expect(await handle.query(wf.countQuery)).toBe(15);
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe(15);
  });

  test('update-with-start starts the workflow, then reuses it', async () => {
    const workflowId = uniqueId('uws');
    const op = () =>
      new WithStartWorkflowOperation(wf.counter, {
        workflowId,
        taskQueue,
        args: [100],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    const first = op();
    expect(
      await env.client.workflow.executeUpdateWithStart(wf.addUpdate, {
        args: [1],
        startWorkflowOperation: first,
      }),
    ).toBe(101);
    const second = op();
    expect(
      await env.client.workflow.executeUpdateWithStart(wf.addUpdate, {
        args: [1],
        startWorkflowOperation: second,
      }),
    ).toBe(102);
    const h1 = await first.workflowHandle();
    const h2 = await second.workflowHandle();
    expect((await h2.describe()).runId).toBe((await h1.describe()).runId);
    await h1.signal(wf.finishSignal);
    expect(await h1.result()).toBe(102);
    finished.push(h1);
  });

  test('queries are answered after the workflow closed', async () => {
    const handle = await start(wf.counter, [7]);
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe(7);
    expect(await handle.query(wf.countQuery)).toBe(7);
  });

  test('signal-with-start starts a workflow with the signal, then signals the running one', async () => {
    const workflowId = uniqueId('sws');
    const h1 = await env.client.workflow.signalWithStart(wf.counter, {
      workflowId,
      taskQueue,
      args: [0],
      signal: wf.addSignal,
      signalArgs: [4],
    });
    const h2 = await env.client.workflow.signalWithStart(wf.counter, {
      workflowId,
      taskQueue,
      args: [0],
      signal: wf.addSignal,
      signalArgs: [6],
    });
    expect(h2.signaledRunId).toBe(h1.signaledRunId);
    await h1.signal(wf.finishSignal);
    expect(await env.client.workflow.getHandle(workflowId).result()).toBe(10);
    finished.push(env.client.workflow.getHandle(workflowId));
  });

  test('no accepted signal is lost when it races the workflow completing', async () => {
    const handle = await start(wf.collector, []);
    await handle.signal(wf.addSignal, 0);
    const sends = [Promise.resolve(0), handle.signal(wf.finishSignal).then(() => -1)];
    for (let i = 1; i <= 20; i++)
      sends.push(
        handle.signal(wf.addSignal, i).then(
          () => i,
          () => undefined as unknown as number,
        ),
      );
    const accepted = (await Promise.all(sends)).filter((n) => n !== undefined && n >= 0);
    const result = await handle.result();
    expect([...result].sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
  });

  test('a timer fires and workflow time advances by its duration', async () => {
    const ms = env.timeSkipping ? 3_600_000 : 1_000;
    const handle = await start(wf.sleeper, [ms]);
    expect(await handle.result()).toBeGreaterThanOrEqual(ms);
    expect(await eventTypes(handle)).toEqual(expect.arrayContaining(['TIMER_STARTED', 'TIMER_FIRED']));
  });

  test('a timer is canceled when a signal satisfies the condition first', async () => {
    const handle = await start(wf.deadline, [3_600_000]);
    // A signal that arrives with the first workflow task satisfies the condition before any timer starts.
    await eventually(async () => (await eventTypes(handle)).includes('TIMER_STARTED'));
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe('signalled');
    expect(await eventTypes(handle)).toContain('TIMER_CANCELED');
  });

  test('a condition deadline fires when no signal comes', async () => {
    const handle = await start(wf.deadline, [env.timeSkipping ? 3_600_000 : 500]);
    expect(await handle.result()).toBe('timed out');
  });

  test('cancel makes the workflow end canceled', async () => {
    const handle = await start(wf.forever, []);
    await handle.cancel();
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  test('terminate ends the workflow at once with the reason', async () => {
    const handle = await start(wf.forever, []);
    await handle.terminate('enough');
    const error = await handle.result().catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect((error as WorkflowFailedError).message).toBe('enough');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  test('a run timeout ends the workflow timed out', async () => {
    const handle = await start(wf.forever, [], { workflowRunTimeout: env.timeSkipping ? '1 day' : '2s' });
    const error = await handle.result().catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  test('a workflow failure reaches the caller with its message and type', async () => {
    const handle = await start(wf.failing, ['boom']);
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.message).toBe('boom');
    expect(cause.type).toBe('Deliberate');
  });

  test('a failing activity is retried with backoff until it succeeds', async () => {
    const key = uniqueId('flaky');
    const handle = await start(wf.retried, [key, 2]);
    expect(await handle.result()).toBe(3);
    expect(attempts.get(key)).toBe(3);
  });

  test('a non-retryable activity failure is not retried', async () => {
    const key = uniqueId('nonretry');
    const handle = await start(wf.nonRetryable, [key]);
    expect(await handle.result()).toBe('PermanentError');
    expect(attempts.get(key)).toBe(1);
  });

  test('an activity that stops heartbeating times out on its heartbeat timeout', async () => {
    const handle = await start(wf.heartbeatTimeout, []);
    expect(await handle.result()).toBe(
      'TimeoutFailure:HEARTBEAT/MAXIMUM_ATTEMPTS_REACHED/activity Heartbeat timeout',
    );
  });

  test('an activity running past start-to-close times out', async () => {
    const handle = await start(wf.startToCloseTimeout, []);
    expect(await handle.result()).toBe(
      'TimeoutFailure:START_TO_CLOSE/MAXIMUM_ATTEMPTS_REACHED/activity StartToClose timeout',
    );
  });

  test('retries stop with retry state TIMEOUT when the next one would pass schedule-to-close', async () => {
    const key = uniqueId('s2c');
    const handle = await start(wf.scheduleToCloseTimeout, [key]);
    expect(await handle.result()).toBe('ApplicationFailure:-/TIMEOUT/attempt 2 fails');
    expect(attempts.get(key)).toBe(2);
  });

  test('an attempt still running at the schedule-to-close deadline times out, not retryable', async () => {
    const handle = await start(wf.scheduleToCloseWhileRunning, []);
    expect(await handle.result()).toBe(
      'TimeoutFailure:SCHEDULE_TO_CLOSE/NON_RETRYABLE_FAILURE/activity ScheduleToClose timeout',
    );
    const events = await eventTypes(handle);
    expect(events).toEqual(expect.arrayContaining(['ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_TIMED_OUT']));
  });

  test('a start-to-close timeout whose retry would pass schedule-to-close reports a schedule-to-close timeout', async () => {
    const handle = await start(wf.startToCloseRetryPastDeadline, []);
    expect(await handle.result()).toBe(
      'TimeoutFailure:SCHEDULE_TO_CLOSE/TIMEOUT/activity ScheduleToClose timeout',
    );
  });

  test('a running activity is canceled through its heartbeat', async () => {
    const handle = await start(wf.cancelActivity, []);
    await eventually(
      async () => (await handle.describe()).raw.pendingActivities?.[0]?.lastStartedTime != null,
    );
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe('cancelled');
    expect(await eventTypes(handle)).toEqual(
      expect.arrayContaining(['ACTIVITY_TASK_CANCEL_REQUESTED', 'ACTIVITY_TASK_CANCELED']),
    );
  });

  test('continue-as-new starts a new run with the same id and handles follow the chain', async () => {
    const handle = await start(wf.chain, [3, 0]);
    expect(await handle.result()).toBe('total=6 run=continued');
    const first = await env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const latest = await env.client.workflow.getHandle(handle.workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    expect(latest.status.name).toBe('COMPLETED');
    finished.push(env.client.workflow.getHandle(handle.workflowId));
  });

  test('a child workflow result returns to the parent', async () => {
    const handle = await start(wf.parent, [false]);
    expect(await handle.result()).toBe('child said hello child');
    expect(await eventTypes(handle)).toEqual(
      expect.arrayContaining([
        'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
        'CHILD_WORKFLOW_EXECUTION_STARTED',
        'CHILD_WORKFLOW_EXECUTION_COMPLETED',
      ]),
    );
    const child = await env.client.workflow.getHandle(`${handle.workflowId}-child`).describe();
    expect(child.parentExecution?.workflowId).toBe(handle.workflowId);
  });

  test('a child workflow failure returns to the parent as a ChildWorkflowFailure', async () => {
    const handle = await start(wf.parent, [true]);
    expect(await handle.result()).toBe('child failed: child refused');
  });

  test('a child whose workflow id is already running fails to start in the parent', async () => {
    const existing = await start(wf.counter, [0]);
    const handle = await start(wf.parentOfExisting, [existing.workflowId]);
    expect(await handle.result()).toBe('WorkflowExecutionAlreadyStartedError');
    expect(await eventTypes(handle)).toContain('START_CHILD_WORKFLOW_EXECUTION_FAILED');
    await existing.signal(wf.finishSignal);
    await existing.result();
  });

  test('a workflow signals another through an external handle', async () => {
    const target = await start(wf.counter, [0]);
    const handle = await start(wf.signaler, [target.workflowId, 5]);
    expect(await handle.result()).toBe('signaled');
    expect(await target.result()).toBe(5);
    const sender = await eventsOf(handle);
    const initiated = sender.filter((e) => e.type === 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    const signaled = sender.filter((e) => e.type === 'EXTERNAL_WORKFLOW_EXECUTION_SIGNALED');
    expect(initiated).toHaveLength(2);
    expect(signaled.map((e) => e.attributes.initiatedEventId)).toEqual(initiated.map((e) => e.id));
    expect(signaled[0]?.attributes.workflowExecution?.workflowId).toBe(target.workflowId);
    const received = (await eventsOf(target)).filter((e) => e.type === 'WORKFLOW_EXECUTION_SIGNALED');
    expect(received.map((e) => e.attributes.signalName)).toEqual(['add', 'finish']);
  });

  test('signaling a workflow that does not exist fails in the sender', async () => {
    const handle = await start(wf.signaler, [uniqueId('missing'), 1]);
    expect(await handle.result()).toBe(
      'ApplicationFailure: Unable to signal external workflow because it was not found',
    );
    const events = await eventsOf(handle);
    const initiated = events.find((e) => e.type === 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    const failed = events.find((e) => e.type === 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED');
    expect(failed?.attributes.initiatedEventId).toBe(initiated?.id);
    expect(failed?.attributes.cause).toBe(
      'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
    );
  });

  test('a workflow cancels another through an external handle', async () => {
    const target = await start(wf.forever, []);
    const handle = await start(wf.canceller, [target.workflowId]);
    expect(await handle.result()).toBe('cancel requested');
    const error = await target.result().catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const sender = await eventsOf(handle);
    const initiated = sender.find((e) => e.type === 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    const requested = sender.find((e) => e.type === 'EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    expect(requested?.attributes.initiatedEventId).toBe(initiated?.id);
    expect(requested?.attributes.workflowExecution?.workflowId).toBe(target.workflowId);
    const received = (await eventsOf(target)).find((e) => e.type === 'WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    expect(received?.attributes.externalInitiatedEventId).toBe(initiated?.id);
    expect(received?.attributes.externalWorkflowExecution?.workflowId).toBe(handle.workflowId);
  });

  test('cancelling a workflow that does not exist fails in the sender', async () => {
    const handle = await start(wf.canceller, [uniqueId('missing')]);
    expect(await handle.result()).toBe(
      'ApplicationFailure: Unable to cancel external workflow because not found',
    );
    const events = await eventsOf(handle);
    const initiated = events.find((e) => e.type === 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    const failed = events.find((e) => e.type === 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED');
    expect(failed?.attributes.initiatedEventId).toBe(initiated?.id);
    expect(failed?.attributes.cause).toBe(
      'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
    );
  });

  test('local activities run and are recorded as markers', async () => {
    const handle = await start(wf.localActivities, ['x']);
    expect(await handle.result()).toBe('hello hello x');
    expect((await eventTypes(handle)).filter((t) => t === 'MARKER_RECORDED')).toHaveLength(2);
  });

  test('a workflow task that keeps failing is retried after its timeout and recovers', async () => {
    const handle = await start(wf.brittle, [], { workflowTaskTimeout: '1s' });
    await handle.signal(wf.addSignal, -1);
    await eventually(async () => (await eventTypes(handle)).includes('WORKFLOW_TASK_FAILED'));
    await handle.signal(wf.finishSignal);
    expect(await handle.result()).toBe('recovered');
  });

  test('describe reports type, status, memo and task queue', async () => {
    const handle = await start(wf.counter, [0], { memo: { owner: 'ops' } });
    const running = await handle.describe();
    expect(running.type).toBe('counter');
    expect(running.status.name).toBe('RUNNING');
    expect(running.taskQueue).toBe(taskQueue);
    expect(running.memo).toEqual({ owner: 'ops' });
    await handle.signal(wf.finishSignal);
    await handle.result();
    const closed = await handle.describe();
    expect(closed.status.name).toBe('COMPLETED');
    expect(closed.closeTime).toBeInstanceOf(Date);
    expect(closed.historyLength).toBeGreaterThan(3);
  });

  test('signals to a closed workflow fail with WorkflowNotFoundError', async () => {
    const handle = await start(wf.counter, [0]);
    await handle.signal(wf.finishSignal);
    await handle.result();
    await expect(handle.signal(wf.addSignal, 1)).rejects.toThrow(WorkflowNotFoundError);
  });
});

test('the histories of every workflow above replay without nondeterminism', async () => {
  const histories = await Promise.all(
    finished.map(async (handle) => ({
      workflowId: handle.workflowId,
      history: await handle.fetchHistory(),
    })),
  );
  expect(histories.length).toBeGreaterThan(40);
  const results = Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(workflowsPath) },
    histories,
  );
  let replayed = 0;
  for await (const result of results) {
    expect(result.error, `${result.workflowId}: ${String(result.error)}`).toBeUndefined();
    replayed++;
  }
  expect(replayed).toBe(histories.length);
});
