import { defineSearchAttributeKey } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

const acts = proxyActivities<Activities>({ startToCloseTimeout: '10s' });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s' });

/**
 * How an activity call failed, as the server reported it: `<cause name>:<timeout type>/<retry state>/<cause message>`
 * (for example `TimeoutFailure:START_TO_CLOSE/MAXIMUM_ATTEMPTS_REACHED/activity StartToClose timeout`).
 */
function outcome(error: unknown): string {
  const { retryState, cause } = error as {
    retryState?: string;
    cause?: { name?: string; timeoutType?: string; message?: string };
  };
  return `${cause?.name}:${cause?.timeoutType ?? '-'}/${retryState}/${cause?.message}`;
}

export const addSignal = defineSignal<[number]>('add');
export const finishSignal = defineSignal('finish');
export const countQuery = defineQuery<number>('count');
export const addUpdate = defineUpdate<number, [number]>('addAndGet');
export const failUpdate = defineUpdate<number, [string]>('failWith');

/** Calls one activity. */
export async function greet(name: string): Promise<string> {
  return await acts.greet(name);
}

/** A counter driven by signals and updates, queryable; completes on `finish`. */
export async function counter(start = 0): Promise<number> {
  let count = start;
  let finished = false;
  setHandler(addSignal, (n) => {
    count += n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(countQuery, () => count);
  setHandler(
    addUpdate,
    (n) => {
      count += n;
      return count;
    },
    {
      validator: (n) => {
        if (n < 0) throw new Error('negative amounts are rejected');
      },
    },
  );
  setHandler(failUpdate, (message) => {
    throw ApplicationFailure.nonRetryable(message, 'UpdateFailed');
  });
  await condition(() => finished);
  return count;
}

/** Collects `add` signals until `finish`; returns them all (the signal-during-completion race). */
export async function collector(): Promise<number[]> {
  const items: number[] = [];
  let finished = false;
  setHandler(addSignal, (n) => {
    items.push(n);
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return items;
}

/** Sleeps, then returns how long it slept according to workflow time. */
export async function sleeper(ms: number): Promise<number> {
  const start = Date.now();
  await sleep(ms);
  return Date.now() - start;
}

/** Waits for `finish` up to a deadline: 'signalled' or 'timed out' (timer started and canceled, or fired). */
export async function deadline(ms: number): Promise<string> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  return (await condition(() => finished, ms)) ? 'signalled' : 'timed out';
}

/** Waits forever (for cancel, terminate and timeout tests). */
export async function forever(): Promise<void> {
  await condition(() => false);
}

/** Runs an activity that fails `failures` times before succeeding; returns the attempt that succeeded. */
export async function retried(key: string, failures: number): Promise<number> {
  const p = proxyActivities<Activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '50ms', backoffCoefficient: 2 },
  });
  return await p.flaky(key, failures);
}

/** Runs an activity that throws a non-retryable failure; returns the failure's type and attempt count. */
export async function nonRetryable(key: string): Promise<string> {
  try {
    await acts.failNonRetryable(key);
    return 'unexpected success';
  } catch (error) {
    const cause = (error as { cause?: ApplicationFailure }).cause;
    return `${cause?.type ?? 'none'}`;
  }
}

/** An activity that stops heartbeating times out on its heartbeat timeout; returns the {@link outcome}. */
export async function heartbeatTimeout(): Promise<string> {
  const p = proxyActivities<Activities>({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '1s',
    retry: { maximumAttempts: 1 },
  });
  try {
    await p.stall(3000);
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/** An activity exceeding its start-to-close timeout with no retries left; returns the {@link outcome}. */
export async function startToCloseTimeout(): Promise<string> {
  const p = proxyActivities<Activities>({ startToCloseTimeout: '1s', retry: { maximumAttempts: 1 } });
  try {
    await p.stall(3000);
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/**
 * A failing activity whose next retry (10 s after the second attempt) would start after its schedule-to-close
 * deadline (5 s): retries stop there; returns the {@link outcome}.
 */
export async function scheduleToCloseTimeout(key: string): Promise<string> {
  const p = proxyActivities<Activities>({
    scheduleToCloseTimeout: '5s',
    retry: { initialInterval: '1s', backoffCoefficient: 10 },
  });
  try {
    await p.flaky(key, 1000);
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/** An attempt still running when the schedule-to-close deadline passes; returns the {@link outcome}. */
export async function scheduleToCloseWhileRunning(): Promise<string> {
  const p = proxyActivities<Activities>({ scheduleToCloseTimeout: '1s' });
  try {
    await p.stall(3000);
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/**
 * An attempt that times out on start-to-close (retryable) when the retry would start after the schedule-to-close
 * deadline; returns the {@link outcome}.
 */
export async function startToCloseRetryPastDeadline(): Promise<string> {
  const p = proxyActivities<Activities>({
    scheduleToCloseTimeout: '3s',
    startToCloseTimeout: '1s',
    retry: { initialInterval: '5s' },
  });
  try {
    await p.stall(3000);
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/** Starts a heartbeating activity and cancels it on `finish`; returns what the activity call threw. */
export async function cancelActivity(): Promise<string> {
  const p = proxyActivities<Activities>({
    startToCloseTimeout: '60s',
    heartbeatTimeout: '1s',
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  const scope = new CancellationScope();
  const call = scope.run(() => p.heartbeatUntilCancelled());
  await condition(() => finished);
  scope.cancel();
  try {
    await call;
    return 'not cancelled';
  } catch (error) {
    return isCancellation(error) ? 'cancelled' : `other: ${String(error)}`;
  }
}

/** Continues as new `times` times, carrying a total; returns the total and the run count. */
export async function chain(times: number, total = 0): Promise<string> {
  if (times > 0) await continueAsNew<typeof chain>(times - 1, total + times);
  return `total=${total} run=${workflowInfo().continuedFromExecutionRunId ? 'continued' : 'first'}`;
}

/** Runs a child workflow and returns its result; `fail` makes the child fail. */
export async function parent(fail: boolean): Promise<string> {
  try {
    const result = await executeChild(child, {
      args: [fail],
      workflowId: `${workflowInfo().workflowId}-child`,
    });
    return `child said ${result}`;
  } catch (error) {
    return `child failed: ${(error as { cause?: Error }).cause?.message ?? String(error)}`;
  }
}

/** A child workflow. */
export async function child(fail: boolean): Promise<string> {
  if (fail) throw ApplicationFailure.nonRetryable('child refused', 'ChildError');
  return await acts.greet('child');
}

/** Uses local activities (recorded as markers). */
export async function localActivities(name: string): Promise<string> {
  const a = await local.greet(name);
  const b = await local.greet(a);
  return b;
}

/** Search attribute keys the visibility tests register. */
export const ticketStatusKey = defineSearchAttributeKey('TicketStatus', 'KEYWORD');
export const ticketPriorityKey = defineSearchAttributeKey('TicketPriority', 'INT');

/** Upserts search attributes, then waits for `finish`. */
export async function tagged(status: string, priority: number): Promise<void> {
  upsertSearchAttributes([
    { key: ticketStatusKey, value: status },
    { key: ticketPriorityKey, value: priority },
  ]);
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}

/** Throws (failing the workflow task, not the workflow) once `add(-1)` arrived, until `finish` arrives. */
export async function brittle(): Promise<string> {
  let broken = false;
  let fixed = false;
  setHandler(addSignal, (n) => {
    if (n < 0) broken = true;
  });
  setHandler(finishSignal, () => {
    fixed = true;
  });
  await condition(() => broken);
  if (!fixed) throw new Error('workflow task failure on purpose');
  return 'recovered';
}

/** Fails the workflow with an application failure. */
export async function failing(message: string): Promise<void> {
  await sleep(1);
  throw ApplicationFailure.nonRetryable(message, 'Deliberate');
}

/** Upserts a search attribute nobody registered: the server fails the workflow task. */
export async function badUpsert(): Promise<void> {
  upsertSearchAttributes([{ key: defineSearchAttributeKey('NeverRegistered', 'KEYWORD'), value: 'x' }]);
  await condition(() => false);
}

/** Schedules an activity on a task queue nobody polls, with a schedule-to-start timeout. */
export async function unpolledActivity(): Promise<string> {
  const p = proxyActivities<Activities>({
    taskQueue: 'nobody-polls-here',
    scheduleToStartTimeout: '1s',
    startToCloseTimeout: '10s',
  });
  try {
    await p.greet('nobody');
    return 'unexpected success';
  } catch (error) {
    return outcome(error);
  }
}

/** Starts a child with an id that is already running; returns the error's name. */
export async function parentOfExisting(childId: string): Promise<string> {
  try {
    await executeChild(counter, { args: [0], workflowId: childId });
    return 'started';
  } catch (error) {
    return (error as Error).name;
  }
}

/** Sums `add` signals; continues as new whenever the server suggests it; returns the sum and run count on `finish`. */
export async function rollover(total = 0, runs = 1): Promise<string> {
  let sum = total;
  let finished = false;
  setHandler(addSignal, (n) => {
    sum += n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished || workflowInfo().continueAsNewSuggested);
  if (!finished) {
    await condition(allHandlersFinished);
    await continueAsNew<typeof rollover>(sum, runs + 1);
  }
  return `sum=${sum} runs=${runs}`;
}

/** Sends `add(n)` and `finish` to another workflow by id; returns 'signaled' or the error. */
export async function signaler(targetId: string, n: number): Promise<string> {
  const target = getExternalWorkflowHandle(targetId);
  try {
    await target.signal(addSignal, n);
    await target.signal(finishSignal);
    return 'signaled';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** Asks another workflow, by id, to cancel; returns 'cancel requested' or the error. */
export async function canceller(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel requested';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}
