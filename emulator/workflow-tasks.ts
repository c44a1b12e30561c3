import { randomUUID } from 'node:crypto';
import { handleCommand, type CompletionContext } from './commands';
import type { Engine } from './engine';
import { invalidArgument, notFound } from './errors';
import { appendEvent, buildEvent, historySizeBytes } from './history';
import { msToSeconds, secondsToMs, type Msg, type Payload, type Seconds, str } from './proto';
import { validateSearchAttributes } from './search-attributes';
import { dispatchQueries } from './queries';
import { isRunning, type Run, type WorkflowTask } from './state';
import { handleMessage, pendingUpdateMessages, rejectUnanswered } from './updates';

const closeCommands = new Set([
  'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION',
]);

function scheduledAttributes(run: Run, attempt: number): Msg {
  return {
    taskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    startToCloseTimeout: msToSeconds(run.workflowTaskTimeoutMs),
    attempt,
  };
}

/**
 * Schedules a workflow task unless one is outstanding. Attempt 1 writes WorkflowTaskScheduled; retries
 * (attempt > 1) and speculative update tasks stay out of history until they complete, like the server's
 * transient and speculative tasks.
 */
export function scheduleWorkflowTask(
  engine: Engine,
  run: Run,
  options: { attempt?: number; speculative?: boolean } = {},
): void {
  if (!isRunning(run) || run.wft) return;
  const attempt = options.attempt ?? 1;
  const speculative = options.speculative ?? false;
  const wft: WorkflowTask = {
    seq: engine.nextSeq(),
    attempt,
    persisted: false,
    speculative,
    scheduledEventId: 0,
    startedEventId: 0,
    scheduledTime: engine.now(),
    started: false,
    startedTime: 0,
    identity: '',
    deliveredUpdates: [],
  };
  run.wft = wft;
  if (attempt === 1 && !speculative) persistScheduled(engine, run, wft);
  offerWorkflowTask(engine, run, wft);
  engine.clock.poke();
}

/** The name a sticky queue is matched under (kept apart from normal queues of the same name). */
export function stickyQueueKey(name: string): string {
  return `sticky:${name}`;
}

/**
 * Queues a scheduled task: on the sticky queue of the worker that ran the previous task when there is one
 * (still with full history, so a worker that evicted the run just replays), falling back to the normal queue
 * after the sticky schedule-to-start timeout, as the server does.
 */
function offerWorkflowTask(engine: Engine, run: Run, wft: WorkflowTask): void {
  const thunk = (identity: string) => dispatchWorkflowTask(engine, run, wft, identity);
  const isStale = () => run.wft !== wft || wft.started || !isRunning(run);
  const sticky = wft.attempt === 1 ? run.sticky : undefined;
  if (!sticky) {
    engine.workflowQueues.offer(run.ns.name, run.taskQueue, thunk, isStale);
    return;
  }
  engine.workflowQueues.offer(
    run.ns.name,
    stickyQueueKey(sticky.queue),
    (identity) => dispatchWorkflowTask(engine, run, wft, identity, true),
    isStale,
  );
  setTimeout(() => {
    if (run.wft !== wft || wft.started || !isRunning(run)) return;
    if (run.sticky === sticky) run.sticky = undefined;
    engine.workflowQueues.offer(run.ns.name, run.taskQueue, thunk, isStale);
  }, sticky.scheduleToStartMs).unref();
}

/** The worker owning a sticky queue is going away: its runs' tasks go to the normal queue again. */
export function clearStickyQueue(engine: Engine, queue: string): void {
  for (const run of engine.openRuns) {
    if (run.sticky?.queue !== queue) continue;
    run.sticky = undefined;
    const wft = run.wft;
    if (wft && !wft.started)
      engine.workflowQueues.offer(
        run.ns.name,
        run.taskQueue,
        (identity) => dispatchWorkflowTask(engine, run, wft, identity),
        () => run.wft !== wft || wft.started || !isRunning(run),
      );
  }
}

function persistScheduled(engine: Engine, run: Run, wft: WorkflowTask): void {
  wft.scheduledEventId = appendEvent(
    run,
    engine.now(),
    'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
    scheduledAttributes(run, wft.attempt),
  ).eventId;
  wft.persisted = true;
  wft.speculative = false;
}

function startedAttributes(engine: Engine, run: Run, wft: WorkflowTask): Msg {
  return {
    scheduledEventId: wft.scheduledEventId,
    identity: wft.identity,
    requestId: randomUUID(),
    historySizeBytes: historySizeBytes(run),
    // Like the server's limit.historyCount.suggestContinueAsNew: workflowInfo().continueAsNewSuggested.
    suggestContinueAsNew: run.history.length + 1 >= engine.options.suggestContinueAsNewAfterEvents,
  };
}

/** Writes the scheduled and started events of a transient or speculative task that is being kept. */
function persistStarted(engine: Engine, run: Run, wft: WorkflowTask): void {
  if (wft.persisted) return;
  persistScheduled(engine, run, wft);
  wft.startedEventId = appendEvent(
    run,
    wft.startedTime,
    'EVENT_TYPE_WORKFLOW_TASK_STARTED',
    startedAttributes(engine, run, wft),
  ).eventId;
}

function dispatchWorkflowTask(
  engine: Engine,
  run: Run,
  wft: WorkflowTask,
  identity: string,
  sticky = false,
): Msg | undefined {
  if (run.wft !== wft || wft.started || !isRunning(run)) return undefined;
  const now = engine.now();
  wft.started = true;
  wft.startedTime = now;
  wft.identity = identity;
  let events = run.history.slice();
  if (wft.persisted) {
    wft.startedEventId = appendEvent(
      run,
      now,
      'EVENT_TYPE_WORKFLOW_TASK_STARTED',
      startedAttributes(engine, run, wft),
    ).eventId;
    // A sticky task carries only the events after the last task the worker completed, as on the server;
    // a worker that no longer caches the run fetches the rest with GetWorkflowExecutionHistory.
    events = run.history.slice(sticky ? run.previousStartedEventId : 0);
  } else {
    wft.scheduledEventId = run.history.length + 1;
    wft.startedEventId = run.history.length + 2;
    events.push(
      buildEvent(
        run,
        wft.scheduledEventId,
        wft.scheduledTime,
        'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        scheduledAttributes(run, wft.attempt),
      ),
    );
    events.push(
      buildEvent(
        run,
        wft.startedEventId,
        now,
        'EVENT_TYPE_WORKFLOW_TASK_STARTED',
        startedAttributes(engine, run, wft),
      ),
    );
  }
  wft.timeout = setTimeout(() => timeoutWorkflowTask(engine, run, wft), run.workflowTaskTimeoutMs);
  const messages = pendingUpdateMessages(run, wft);
  engine.stats.workflowTasksDispatched++;
  return {
    taskToken: engine.token({ k: 'wft', ns: run.ns.name, rid: run.runId, seq: wft.seq }),
    workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    workflowType: { name: run.workflowType },
    previousStartedEventId: run.previousStartedEventId,
    startedEventId: wft.startedEventId,
    attempt: wft.attempt,
    history: { events },
    workflowExecutionTaskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    scheduledTime: msToSeconds(wft.scheduledTime),
    startedTime: msToSeconds(now),
    messages,
  };
}

/**
 * Records an event that does not come from the run's own commands (signal, timer fire, activity result,
 * child result, cancel request). While a workflow task is started the event is held back and written
 * after that task's completion; otherwise it is written now and a workflow task scheduled.
 */
export function addExternalEvent(engine: Engine, run: Run, write: () => void): void {
  if (!isRunning(run)) return;
  if (run.wft?.started) {
    run.buffered.push(write);
    return;
  }
  if (run.wft && !run.wft.persisted) persistScheduled(engine, run, run.wft);
  write();
  scheduleWorkflowTask(engine, run);
}

function flushBuffered(run: Run): boolean {
  const buffered = run.buffered.splice(0);
  for (const write of buffered) write();
  return buffered.length > 0;
}

/** Finds the started workflow task a token names, or NOT_FOUND as the server answers. */
function startedTask(engine: Engine, token: unknown): { run: Run; wft: WorkflowTask } {
  const parsed = engine.parseToken(token);
  const run = engine.namespaces.get(str(parsed.ns))?.runs.get(str(parsed.rid));
  const wft = run?.wft;
  if (!run || !isRunning(run) || !wft || !wft.started || wft.seq !== parsed.seq || parsed.k !== 'wft') {
    throw notFound('Workflow task not found.');
  }
  return { run, wft };
}

function afterTask(engine: Engine, run: Run): void {
  dispatchQueries(engine, run);
  engine.clock.poke();
}

/** Fails the task in history (when it is recorded there) and schedules the next attempt. */
function failTask(engine: Engine, run: Run, wft: WorkflowTask, attrs: Msg, nextAttempt: number): void {
  clearTimeout(wft.timeout);
  run.sticky = undefined;
  if (wft.persisted || nextAttempt === 1 || wft.attempt === 1) {
    persistStarted(engine, run, wft);
    appendEvent(run, engine.now(), 'EVENT_TYPE_WORKFLOW_TASK_FAILED', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      ...attrs,
    });
  }
  run.wft = undefined;
  flushBuffered(run);
  scheduleWorkflowTask(engine, run, { attempt: nextAttempt });
  afterTask(engine, run);
}

function timeoutWorkflowTask(engine: Engine, run: Run, wft: WorkflowTask): void {
  if (run.wft !== wft || !isRunning(run)) return;
  engine.log.warn(
    { workflowId: run.workflowId, runId: run.runId, attempt: wft.attempt },
    'workflow task timed out',
  );
  if (wft.persisted || wft.speculative) {
    persistStarted(engine, run, wft);
    appendEvent(run, engine.now(), 'EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      timeoutType: 'TIMEOUT_TYPE_START_TO_CLOSE',
    });
  }
  run.wft = undefined;
  run.sticky = undefined;
  flushBuffered(run);
  scheduleWorkflowTask(engine, run, { attempt: wft.attempt + 1 });
  afterTask(engine, run);
}

/** RespondWorkflowTaskFailed. */
export function respondWorkflowTaskFailed(engine: Engine, req: Msg): Msg {
  const { run, wft } = startedTask(engine, req.taskToken);
  engine.log.warn(
    { workflowId: run.workflowId, cause: req.cause, attempt: wft.attempt },
    'workflow task failed',
  );
  failTask(
    engine,
    run,
    wft,
    { cause: req.cause, failure: req.failure, identity: req.identity },
    wft.attempt + 1,
  );
  return {};
}

/** Checks the commands a completion carries before any is applied, as the server validates them. */
function invalidCommand(run: Run, commands: Msg[]): { cause: string; message: string } | undefined {
  for (const command of commands) {
    const searchAttributes = (
      (command.upsertWorkflowSearchAttributesCommandAttributes ??
        command.continueAsNewWorkflowExecutionCommandAttributes ??
        command.startChildWorkflowExecutionCommandAttributes) as Msg | undefined
    )?.searchAttributes as { indexedFields?: Record<string, Payload> } | undefined;
    try {
      validateSearchAttributes(run.ns, searchAttributes?.indexedFields);
    } catch (error) {
      return { cause: 'WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES', message: (error as Error).message };
    }
    const activity = command.scheduleActivityTaskCommandAttributes as Msg | undefined;
    if (
      activity &&
      !secondsToMs(activity.startToCloseTimeout as Seconds) &&
      !secondsToMs(activity.scheduleToCloseTimeout as Seconds)
    ) {
      return {
        cause: 'WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES',
        message: 'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
      };
    }
  }
  return undefined;
}

interface ProtocolMessage extends Msg {
  id: string;
}

/** RespondWorkflowTaskCompleted: the heart of the server. */
export function respondWorkflowTaskCompleted(engine: Engine, req: Msg): Msg {
  const { run, wft } = startedTask(engine, req.taskToken);
  const invalid = invalidCommand(run, (req.commands ?? []) as Msg[]);
  if (invalid) {
    // The server fails the task (the workflow code must change); nothing of the completion is applied. A retry
    // that fails the same way is refused and left to time out, so a broken workflow does not spin.
    engine.log.warn(
      { workflowId: run.workflowId, attempt: wft.attempt, ...invalid },
      'workflow task completion refused',
    );
    if (wft.attempt > 1) throw invalidArgument(invalid.message);
    failTask(
      engine,
      run,
      wft,
      { cause: invalid.cause, failure: { message: invalid.message }, identity: req.identity },
      wft.attempt + 1,
    );
    // Like the server: the task is failed in history and the worker is told, so it drops its cached state.
    throw invalidArgument(invalid.message);
  }
  clearTimeout(wft.timeout);
  engine.stats.workflowTasksCompleted++;
  const commands = (req.commands ?? []) as Msg[];
  const messages = (req.messages ?? []) as ProtocolMessage[];
  const identity = str(req.identity ?? '');
  const closing = commands.some((c) => closeCommands.has(str(c.commandType)));
  const undelivered = [...run.updates.values()].some(
    (u) => u.stage === 'admitted' && !wft.deliveredUpdates.includes(u.id),
  );
  if (closing && (run.buffered.length > 0 || undelivered)) {
    // A signal (or update) arrived while the worker was completing: refuse the completion, keep the event.
    failTask(engine, run, wft, { cause: 'WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND', identity }, 1);
    // The worker is told, as by the server, so it evicts the run and replays it with the new event.
    throw invalidArgument(
      'UnhandledCommand: new events arrived while the workflow task was completing the workflow',
    );
  }
  const onlyRejections = messages.every((m) =>
    str((m.body as { type_url?: string } | undefined)?.type_url ?? '').endsWith('update.v1.Rejection'),
  );
  if (
    wft.speculative &&
    !wft.persisted &&
    commands.length === 0 &&
    run.buffered.length === 0 &&
    !req.forceCreateNewWorkflowTask &&
    onlyRejections
  ) {
    // The server drops a speculative task whose updates were all rejected: no trace in history.
    run.wft = undefined;
    const ctx: CompletionContext = { engine, run, completedEventId: 0, identity, newTaskNeeded: false };
    for (const message of messages) handleMessage(ctx, message);
    rejectUnanswered(ctx, wft);
    if ([...run.updates.values()].some((u) => u.stage === 'admitted'))
      scheduleWorkflowTask(engine, run, { speculative: true });
    afterTask(engine, run);
    // Tells the worker to roll its cached history back to the last completed task.
    return { resetHistoryEventId: run.previousStartedEventId };
  }
  persistStarted(engine, run, wft);
  const completed = appendEvent(run, engine.now(), 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', {
    scheduledEventId: wft.scheduledEventId,
    startedEventId: wft.startedEventId,
    identity,
    binaryChecksum: req.binaryChecksum,
    sdkMetadata: req.sdkMetadata,
    meteringMetadata: req.meteringMetadata,
    workerVersion: req.workerVersionStamp,
  });
  run.previousStartedEventId = wft.startedEventId;
  run.wft = undefined;
  const stickyAttributes = req.stickyAttributes as
    { workerTaskQueue?: { name?: string }; scheduleToStartTimeout?: Seconds } | undefined;
  const stickyQueue = stickyAttributes?.workerTaskQueue?.name;
  run.sticky = stickyQueue
    ? { queue: stickyQueue, scheduleToStartMs: secondsToMs(stickyAttributes.scheduleToStartTimeout) || 5000 }
    : undefined;
  const ctx: CompletionContext = {
    engine,
    run,
    completedEventId: completed.eventId,
    identity,
    newTaskNeeded: false,
  };
  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const command of commands) {
    if (!isRunning(run)) break;
    if (command.commandType === 'COMMAND_TYPE_PROTOCOL_MESSAGE') {
      const id = str((command.protocolMessageCommandAttributes as Msg | undefined)?.messageId ?? '');
      const message = byId.get(id);
      byId.delete(id);
      if (message) handleMessage(ctx, message);
      continue;
    }
    handleCommand(ctx, command);
  }
  if (isRunning(run)) for (const message of byId.values()) handleMessage(ctx, message);
  if (isRunning(run)) {
    if (!req.forceCreateNewWorkflowTask) rejectUnanswered(ctx, wft);
    const hadBuffered = flushBuffered(run);
    if (hadBuffered || req.forceCreateNewWorkflowTask || ctx.newTaskNeeded) scheduleWorkflowTask(engine, run);
    else if ([...run.updates.values()].some((u) => u.stage === 'admitted'))
      scheduleWorkflowTask(engine, run, { speculative: true });
  }
  afterTask(engine, run);
  return {};
}
