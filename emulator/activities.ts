import { randomUUID } from 'node:crypto';
import type { CompletionContext } from './commands';
import type { Engine } from './engine';
import { invalidArgument, notFound } from './errors';
import { appendEvent } from './history';
import { msToSeconds, secondsToMs, type Msg, type Seconds, str } from './proto';
import { isRunning, type Activity } from './state';
import { addExternalEvent } from './workflow-tasks';

/** The server's default activity retry policy: 1 s initial, backoff 2.0, 100 x initial maximum, unlimited attempts. */
function retryPolicy(raw: Msg | undefined): Activity['retry'] {
  const initialMs = secondsToMs(raw?.initialInterval as Seconds) || 1000;
  return {
    initialMs,
    backoff: Number(raw?.backoffCoefficient ?? 0) || 2,
    maximumMs: secondsToMs(raw?.maximumInterval as Seconds) || 100 * initialMs,
    maximumAttempts: Number(raw?.maximumAttempts ?? 0),
    nonRetryableErrorTypes: (raw?.nonRetryableErrorTypes as string[] | undefined) ?? [],
  };
}

function retryPolicyMsg(retry: Activity['retry']): Msg {
  return {
    initialInterval: msToSeconds(retry.initialMs),
    backoffCoefficient: retry.backoff,
    maximumInterval: msToSeconds(retry.maximumMs),
    maximumAttempts: retry.maximumAttempts,
    nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
  };
}

/** ScheduleActivityTask: fills in the server's timeout and retry defaults, writes ActivityTaskScheduled, queues the task. */
export function scheduleActivity(ctx: CompletionContext, attrs: Msg): void {
  const { engine, run } = ctx;
  let scheduleToCloseMs = secondsToMs(attrs.scheduleToCloseTimeout as Seconds);
  let startToCloseMs = secondsToMs(attrs.startToCloseTimeout as Seconds);
  if (scheduleToCloseMs === 0 && startToCloseMs === 0) {
    throw invalidArgument(
      'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
    );
  }
  if (scheduleToCloseMs === 0) scheduleToCloseMs = run.runTimeoutMs;
  if (startToCloseMs === 0) startToCloseMs = scheduleToCloseMs;
  if (scheduleToCloseMs > 0) startToCloseMs = Math.min(startToCloseMs, scheduleToCloseMs);
  let scheduleToStartMs = secondsToMs(attrs.scheduleToStartTimeout as Seconds) || scheduleToCloseMs;
  if (scheduleToCloseMs > 0) scheduleToStartMs = Math.min(scheduleToStartMs, scheduleToCloseMs);
  const heartbeatMs = Math.min(secondsToMs(attrs.heartbeatTimeout as Seconds), startToCloseMs);
  const retry = retryPolicy(attrs.retryPolicy as Msg | undefined);
  const taskQueue = str((attrs.taskQueue as Msg | undefined)?.name || run.taskQueue);
  const scheduled: Msg = {
    activityId: attrs.activityId,
    activityType: attrs.activityType,
    taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    header: attrs.header,
    input: attrs.input,
    scheduleToCloseTimeout: msToSeconds(scheduleToCloseMs),
    scheduleToStartTimeout: msToSeconds(scheduleToStartMs),
    startToCloseTimeout: msToSeconds(startToCloseMs),
    heartbeatTimeout: msToSeconds(heartbeatMs),
    workflowTaskCompletedEventId: ctx.completedEventId,
    retryPolicy: retryPolicyMsg(retry),
    priority: attrs.priority,
  };
  const event = appendEvent(run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', scheduled);
  const activity: Activity = {
    run,
    scheduledEventId: event.eventId,
    activityId: str(attrs.activityId),
    activityType: str((attrs.activityType as Msg | undefined)?.name ?? ''),
    taskQueue,
    scheduled,
    scheduleToCloseMs,
    scheduleToStartMs,
    startToCloseMs,
    heartbeatMs,
    retry,
    attempt: 1,
    state: 'queued',
    seq: 0,
    scheduledTime: engine.now(),
    attemptScheduledTime: 0,
    startedTime: 0,
    lastHeartbeatTime: 0,
    lastWorkerIdentity: '',
    cancelRequested: false,
    cancelRequestedEventId: 0,
    timers: [],
  };
  run.activities.set(activity.scheduledEventId, activity);
  if (scheduleToCloseMs > 0) {
    activity.scheduleToCloseTimer = engine.clock.scheduleIn(scheduleToCloseMs, () => {
      // As the server: a schedule-to-close timeout is not a retryable failure (whether the attempt is running or
      // waiting for its retry), so the retry state is NON_RETRYABLE_FAILURE, not TIMEOUT.
      if (run.activities.get(activity.scheduledEventId) === activity)
        closeTimedOut(
          engine,
          activity,
          'TIMEOUT_TYPE_SCHEDULE_TO_CLOSE',
          'RETRY_STATE_NON_RETRYABLE_FAILURE',
        );
    });
  }
  enqueue(engine, activity);
}

function clearAttemptTimers(activity: Activity): void {
  for (const timer of activity.timers.splice(0)) timer.cancel();
}

function clearAllTimers(activity: Activity): void {
  clearAttemptTimers(activity);
  activity.scheduleToCloseTimer?.cancel();
}

function enqueue(engine: Engine, activity: Activity): void {
  activity.state = 'queued';
  activity.seq = engine.nextSeq();
  activity.attemptScheduledTime = engine.now();
  const seq = activity.seq;
  engine.activityQueues.offer(
    activity.run.ns.name,
    activity.taskQueue,
    (identity) => dispatch(engine, activity, seq, identity),
    () =>
      !isRunning(activity.run) ||
      activity.run.activities.get(activity.scheduledEventId) !== activity ||
      activity.state !== 'queued' ||
      activity.seq !== seq,
  );
  if (
    activity.scheduleToStartMs > 0 &&
    (activity.scheduleToCloseMs === 0 || activity.scheduleToStartMs < activity.scheduleToCloseMs)
  ) {
    // Schedule-to-start is not retried: no worker took the task in time.
    activity.timers.push(
      engine.clock.scheduleIn(activity.scheduleToStartMs, () => {
        if (
          activity.state === 'queued' &&
          activity.seq === seq &&
          activity.run.activities.get(activity.scheduledEventId) === activity
        ) {
          closeTimedOut(
            engine,
            activity,
            'TIMEOUT_TYPE_SCHEDULE_TO_START',
            'RETRY_STATE_NON_RETRYABLE_FAILURE',
          );
        }
      }),
    );
  }
  engine.clock.poke();
}

function dispatch(engine: Engine, activity: Activity, seq: number, identity: string): Msg | undefined {
  const { run } = activity;
  if (
    !isRunning(run) ||
    run.activities.get(activity.scheduledEventId) !== activity ||
    activity.state !== 'queued' ||
    activity.seq !== seq
  ) {
    return undefined;
  }
  const now = engine.now();
  clearAttemptTimers(activity);
  activity.state = 'started';
  activity.startedTime = now;
  activity.lastHeartbeatTime = now;
  activity.lastWorkerIdentity = identity;
  activity.timers.push(
    engine.clock.scheduleIn(activity.startToCloseMs, () =>
      attemptTimedOut(engine, activity, seq, 'TIMEOUT_TYPE_START_TO_CLOSE'),
    ),
  );
  armHeartbeatTimer(engine, activity);
  engine.stats.activityTasksDispatched++;
  return {
    taskToken: engine.token({
      k: 'act',
      ns: run.ns.name,
      rid: run.runId,
      sched: activity.scheduledEventId,
      seq,
    }),
    workflowNamespace: run.ns.name,
    workflowType: { name: run.workflowType },
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    activityType: activity.scheduled.activityType,
    activityId: activity.activityId,
    header: activity.scheduled.header,
    input: activity.scheduled.input,
    heartbeatDetails: activity.heartbeatDetails,
    scheduledTime: msToSeconds(activity.scheduledTime),
    currentAttemptScheduledTime: msToSeconds(activity.attemptScheduledTime),
    startedTime: msToSeconds(now),
    attempt: activity.attempt,
    scheduleToCloseTimeout: activity.scheduled.scheduleToCloseTimeout,
    startToCloseTimeout: activity.scheduled.startToCloseTimeout,
    heartbeatTimeout: activity.scheduled.heartbeatTimeout,
    retryPolicy: activity.scheduled.retryPolicy,
    priority: activity.scheduled.priority,
  };
}

function armHeartbeatTimer(engine: Engine, activity: Activity): void {
  if (activity.heartbeatMs <= 0) return;
  const seq = activity.seq;
  activity.timers.push(
    engine.clock.scheduleIn(activity.heartbeatMs, () =>
      attemptTimedOut(engine, activity, seq, 'TIMEOUT_TYPE_HEARTBEAT'),
    ),
  );
}

/** Removes the activity from the run and writes its closing events (after ActivityTaskStarted when it started). */
function close(engine: Engine, activity: Activity, write: (startedEventId: number) => void): void {
  const { run } = activity;
  clearAllTimers(activity);
  run.activities.delete(activity.scheduledEventId);
  const wasStarted = activity.state === 'started';
  addExternalEvent(engine, run, () => {
    let startedEventId = 0;
    if (wasStarted) {
      startedEventId = appendEvent(run, activity.startedTime, 'EVENT_TYPE_ACTIVITY_TASK_STARTED', {
        scheduledEventId: activity.scheduledEventId,
        identity: activity.lastWorkerIdentity,
        requestId: randomUUID(),
        attempt: activity.attempt,
        lastFailure: activity.lastFailure,
      }).eventId;
    }
    write(startedEventId);
  });
}

/** The server's message for an activity timeout: `activity StartToClose timeout` and so on. */
function timeoutMessage(timeoutType: string): string {
  const words = timeoutType.replace('TIMEOUT_TYPE_', '').toLowerCase().split('_');
  return `activity ${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')} timeout`;
}

function closeTimedOut(engine: Engine, activity: Activity, timeoutType: string, retryState: string): void {
  // When the retries ran out of time (retry state TIMEOUT), the server reports the schedule-to-close timeout
  // whatever timer fired last.
  const type = retryState === 'RETRY_STATE_TIMEOUT' ? 'TIMEOUT_TYPE_SCHEDULE_TO_CLOSE' : timeoutType;
  const failure: Msg = {
    message: timeoutMessage(type),
    source: 'Server',
    cause: activity.lastFailure,
    timeoutFailureInfo: { timeoutType: type, lastHeartbeatDetails: activity.heartbeatDetails },
  };
  close(engine, activity, (startedEventId) =>
    appendEvent(activity.run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT', {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      retryState,
    }),
  );
}

/** Decides whether a failed attempt is retried: the delay, or the retry state that ends it. */
function retryDecision(
  engine: Engine,
  activity: Activity,
  failure: Msg,
): { delayMs: number } | { retryState: string } {
  const info = failure.applicationFailureInfo as Msg | undefined;
  if (info?.nonRetryable) return { retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE' };
  if (info && activity.retry.nonRetryableErrorTypes.includes(str(info.type)))
    return { retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE' };
  if (activity.retry.maximumAttempts > 0 && activity.attempt >= activity.retry.maximumAttempts) {
    return { retryState: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED' };
  }
  const explicit = secondsToMs(info?.nextRetryDelay as Seconds);
  const delayMs =
    explicit ||
    Math.min(
      activity.retry.initialMs * activity.retry.backoff ** (activity.attempt - 1),
      activity.retry.maximumMs,
    );
  if (
    activity.scheduleToCloseMs > 0 &&
    engine.now() + delayMs > activity.scheduledTime + activity.scheduleToCloseMs
  ) {
    return { retryState: 'RETRY_STATE_TIMEOUT' };
  }
  return { delayMs };
}

function retryLater(engine: Engine, activity: Activity, failure: Msg, delayMs: number): void {
  clearAttemptTimers(activity);
  activity.lastFailure = failure;
  activity.state = 'backoff';
  activity.attempt++;
  activity.timers.push(engine.clock.scheduleIn(delayMs, () => enqueue(engine, activity)));
  engine.clock.poke();
}

function attemptTimedOut(engine: Engine, activity: Activity, seq: number, timeoutType: string): void {
  if (
    activity.run.activities.get(activity.scheduledEventId) !== activity ||
    activity.state !== 'started' ||
    activity.seq !== seq
  )
    return;
  const failure: Msg = {
    message: timeoutMessage(timeoutType),
    source: 'Server',
    timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: activity.heartbeatDetails },
  };
  const decision = retryDecision(engine, activity, failure);
  if ('delayMs' in decision) retryLater(engine, activity, failure, decision.delayMs);
  else closeTimedOut(engine, activity, timeoutType, decision.retryState);
}

/** Finds the started activity a task token (or a workflow id + activity id) names, or NOT_FOUND. */
export function startedActivity(engine: Engine, req: Msg): Activity {
  let activity: Activity | undefined;
  if (req.taskToken) {
    const token = engine.parseToken(req.taskToken);
    activity = engine.namespaces
      .get(str(token.ns))
      ?.runs.get(str(token.rid))
      ?.activities.get(Number(token.sched));
    if (activity && activity.seq !== token.seq) activity = undefined;
  } else {
    const ns = engine.namespace(req.namespace);
    const run = engine.run(ns, { workflowId: req.workflowId as string, runId: req.runId as string });
    activity = [...run.activities.values()].find((a) => a.activityId === req.activityId);
  }
  if (!activity || activity.state !== 'started' || !isRunning(activity.run))
    throw notFound('Activity task not found.');
  return activity;
}

/** RespondActivityTaskCompleted (and ById). */
export function completeActivity(engine: Engine, req: Msg): Msg {
  const activity = startedActivity(engine, req);
  close(engine, activity, (startedEventId) =>
    appendEvent(activity.run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED', {
      result: req.result,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    }),
  );
  return {};
}

/** RespondActivityTaskFailed (and ById): retried with backoff unless non-retryable or out of attempts/time. */
export function failActivity(engine: Engine, req: Msg): Msg {
  const activity = startedActivity(engine, req);
  const failure = (req.failure ?? { message: 'activity failed' }) as Msg;
  if (req.lastHeartbeatDetails) activity.heartbeatDetails = req.lastHeartbeatDetails as Msg;
  const decision = retryDecision(engine, activity, failure);
  if ('delayMs' in decision) {
    retryLater(engine, activity, failure, decision.delayMs);
    return {};
  }
  close(engine, activity, (startedEventId) =>
    appendEvent(activity.run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_FAILED', {
      failure,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
      retryState: decision.retryState,
    }),
  );
  return {};
}

/** RespondActivityTaskCanceled (and ById). */
export function cancelActivityResponse(engine: Engine, req: Msg): Msg {
  const activity = startedActivity(engine, req);
  close(engine, activity, (startedEventId) =>
    appendEvent(activity.run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_CANCELED', {
      details: req.details,
      latestCancelRequestedEventId: activity.cancelRequestedEventId,
      scheduledEventId: activity.scheduledEventId,
      startedEventId,
      identity: req.identity,
    }),
  );
  return {};
}

/** RecordActivityTaskHeartbeat (and ById): keeps details, resets the heartbeat timeout, reports cancellation. */
export function heartbeatActivity(engine: Engine, req: Msg): Msg {
  const activity = startedActivity(engine, req);
  if (req.details) activity.heartbeatDetails = req.details as Msg;
  activity.lastHeartbeatTime = engine.now();
  const [startToClose] = activity.timers.splice(0, 1);
  for (const timer of activity.timers.splice(0)) timer.cancel();
  if (startToClose) activity.timers.push(startToClose);
  armHeartbeatTimer(engine, activity);
  return { cancelRequested: activity.cancelRequested };
}

/** RequestCancelActivityTask: ActivityTaskCancelRequested, and ActivityTaskCanceled at once when it has not started. */
export function requestCancelActivity(ctx: CompletionContext, scheduledEventId: number): void {
  const { engine, run } = ctx;
  const requested = appendEvent(run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED', {
    scheduledEventId,
    workflowTaskCompletedEventId: ctx.completedEventId,
  });
  const activity = run.activities.get(scheduledEventId);
  if (!activity) return;
  activity.cancelRequestedEventId = requested.eventId;
  if (activity.state === 'started') {
    activity.cancelRequested = true;
    return;
  }
  clearAllTimers(activity);
  run.activities.delete(scheduledEventId);
  appendEvent(run, engine.now(), 'EVENT_TYPE_ACTIVITY_TASK_CANCELED', {
    latestCancelRequestedEventId: requested.eventId,
    scheduledEventId,
    startedEventId: 0,
    identity: ctx.identity,
  });
  ctx.newTaskNeeded = true;
}

/** Drops all pending activities of a closed run. */
export function abandonActivities(activities: Iterable<Activity>): void {
  for (const activity of activities) clearAllTimers(activity);
}
