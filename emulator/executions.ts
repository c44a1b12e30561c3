import { status as grpcStatus } from '@grpc/grpc-js';
import { abandonActivities } from './activities';
import type { CompletionContext } from './commands';
import type { Engine } from './engine';
import { alreadyStarted, invalidArgument, ServiceError } from './errors';
import { appendEvent, notifyWatchers } from './history';
import { msToSeconds, secondsToMs, type Msg, type Payload, type Seconds, str } from './proto';
import { dispatchQueries } from './queries';
import { validateSearchAttributes } from './search-attributes';
import { isRunning, type Child, type Namespace, type Run } from './state';
import { failOpenUpdates } from './updates';
import { addExternalEvent, scheduleWorkflowTask } from './workflow-tasks';

/** Everything needed to create a run: from a start request, a child command or continue-as-new. */
export interface StartParams {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: unknown;
  header?: unknown;
  memo?: Record<string, Payload>;
  searchAttributes?: Record<string, Payload>;
  identity?: string;
  requestId?: string;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  retryPolicy?: unknown;
  parent?: { run: Run; initiatedEventId: number };
  continuedFrom?: Run;
  initiator?: string;
  lastCompletionResult?: unknown;
  continuedFailure?: unknown;
  /** Signal written right after WorkflowExecutionStarted (signal-with-start). */
  signal?: Msg;
  runId?: string;
}

const statusByClose: Record<string, string> = {
  COMPLETED: 'WORKFLOW_EXECUTION_STATUS_COMPLETED',
  FAILED: 'WORKFLOW_EXECUTION_STATUS_FAILED',
  CANCELED: 'WORKFLOW_EXECUTION_STATUS_CANCELED',
  TERMINATED: 'WORKFLOW_EXECUTION_STATUS_TERMINATED',
  TIMED_OUT: 'WORKFLOW_EXECUTION_STATUS_TIMED_OUT',
  CONTINUED_AS_NEW: 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW',
};

/** Creates a run, writes WorkflowExecutionStarted (and a signal for signal-with-start) and schedules the first workflow task. */
export function createRun(engine: Engine, ns: Namespace, p: StartParams): Run {
  const now = engine.now();
  const runId = p.runId ?? engine.newRunId();
  const previous = p.continuedFrom;
  const executionTimeoutMs = p.executionTimeoutMs ?? 0;
  const runTimeoutMs = p.runTimeoutMs || executionTimeoutMs;
  const run: Run = {
    ns,
    seq: engine.nextSeq(),
    workflowId: p.workflowId,
    runId,
    firstRunId: previous?.firstRunId ?? runId,
    workflowType: p.workflowType,
    taskQueue: p.taskQueue,
    history: [],
    status: 'WORKFLOW_EXECUTION_STATUS_RUNNING',
    startTime: now,
    executionTime: now,
    closeTime: 0,
    memo: { ...(p.memo ?? {}) },
    searchAttributes: { ...(p.searchAttributes ?? {}) },
    startRequestId: p.requestId ?? '',
    workflowTaskTimeoutMs: Math.min(p.workflowTaskTimeoutMs || 10_000, 120_000),
    runTimeoutMs,
    executionTimeoutMs,
    executionExpiry: previous?.executionExpiry ?? (executionTimeoutMs > 0 ? now + executionTimeoutMs : 0),
    buffered: [],
    previousStartedEventId: 0,
    timers: new Map(),
    activities: new Map(),
    children: new Map(),
    updates: new Map(),
    queries: [],
    watchers: new Set(),
    parent: p.parent,
    nextRunId: '',
    cancelRequested: false,
  };
  const parentRun = p.parent?.run;
  appendEvent(run, now, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', {
    workflowType: { name: p.workflowType },
    parentWorkflowNamespace: parentRun?.ns.name,
    parentWorkflowNamespaceId: parentRun?.ns.id,
    parentWorkflowExecution: parentRun
      ? { workflowId: parentRun.workflowId, runId: parentRun.runId }
      : undefined,
    parentInitiatedEventId: p.parent?.initiatedEventId,
    taskQueue: { name: p.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: p.input,
    header: p.header,
    workflowExecutionTimeout: msToSeconds(executionTimeoutMs),
    workflowRunTimeout: msToSeconds(runTimeoutMs),
    workflowTaskTimeout: msToSeconds(run.workflowTaskTimeoutMs),
    continuedExecutionRunId: previous?.runId,
    initiator: p.initiator,
    continuedFailure: p.continuedFailure,
    lastCompletionResult: p.lastCompletionResult,
    originalExecutionRunId: runId,
    identity: p.identity,
    firstExecutionRunId: run.firstRunId,
    retryPolicy: p.retryPolicy,
    attempt: 1,
    workflowExecutionExpirationTime: run.executionExpiry ? msToSeconds(run.executionExpiry) : undefined,
    memo: { fields: run.memo },
    searchAttributes: { indexedFields: run.searchAttributes },
    workflowId: p.workflowId,
  });
  if (p.signal) appendEvent(run, now, 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', p.signal);
  const runs = ns.workflows.get(p.workflowId) ?? [];
  runs.push(run);
  ns.workflows.set(p.workflowId, runs);
  ns.runs.set(runId, run);
  engine.openRuns.add(run);
  const deadlines = [runTimeoutMs > 0 ? now + runTimeoutMs : 0, run.executionExpiry].filter((d) => d > 0);
  if (deadlines.length > 0) {
    run.runTimer = engine.clock.scheduleAt(Math.min(...deadlines), () => {
      if (isRunning(run)) closeRun(engine, run, 'TIMED_OUT', { retryState: 'RETRY_STATE_TIMEOUT' });
    });
  }
  scheduleWorkflowTask(engine, run);
  return run;
}

const failedStatuses = new Set([
  'WORKFLOW_EXECUTION_STATUS_FAILED',
  'WORKFLOW_EXECUTION_STATUS_CANCELED',
  'WORKFLOW_EXECUTION_STATUS_TERMINATED',
  'WORKFLOW_EXECUTION_STATUS_TIMED_OUT',
]);

/** Start parameters from a StartWorkflowExecution / SignalWithStart request, validated as the server does. */
export function startParams(ns: Namespace, req: Msg): StartParams {
  const workflowId = str(req.workflowId ?? '');
  const workflowType = str((req.workflowType as Msg | undefined)?.name ?? '');
  const taskQueue = str((req.taskQueue as Msg | undefined)?.name ?? '');
  if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
  if (!workflowType) throw invalidArgument('WorkflowType is not set on request.');
  if (!taskQueue) throw invalidArgument('TaskQueue is not set on request.');
  for (const field of ['workflowExecutionTimeout', 'workflowRunTimeout', 'workflowTaskTimeout']) {
    if (secondsToMs(req[field] as Seconds) < 0) throw invalidArgument(`Invalid ${field}.`);
  }
  return {
    workflowId,
    workflowType,
    taskQueue,
    input: req.input,
    header: req.header,
    memo: (req.memo as { fields?: Record<string, Payload> } | undefined)?.fields,
    searchAttributes: validateSearchAttributes(
      ns,
      (req.searchAttributes as { indexedFields?: Record<string, Payload> } | undefined)?.indexedFields,
    ),
    identity: req.identity as string | undefined,
    requestId: req.requestId as string | undefined,
    executionTimeoutMs: secondsToMs(req.workflowExecutionTimeout as Seconds),
    runTimeoutMs: secondsToMs(req.workflowRunTimeout as Seconds),
    workflowTaskTimeoutMs: secondsToMs(req.workflowTaskTimeout as Seconds),
    retryPolicy: req.retryPolicy,
  };
}

/**
 * Starts a run, applying the id reuse policy (for closed runs) and the id conflict policy (for a running
 * one) like the server. Returns the run and whether it was created by this call.
 */
export function startWorkflow(
  engine: Engine,
  ns: Namespace,
  p: StartParams,
  policies: { reuse?: unknown; conflict?: unknown },
): { run: Run; started: boolean } {
  const existing = engine.currentRun(ns, p.workflowId);
  if (existing && p.requestId && existing.startRequestId === p.requestId)
    return { run: existing, started: true };
  const reuse = str(policies.reuse ?? 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE');
  const conflict = str(policies.conflict ?? 'WORKFLOW_ID_CONFLICT_POLICY_FAIL');
  if (existing && isRunning(existing)) {
    if (conflict === 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING') return { run: existing, started: false };
    if (
      conflict === 'WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING' ||
      reuse === 'WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING'
    ) {
      closeRun(engine, existing, 'TERMINATED', {
        reason: 'terminated by the workflow id conflict policy',
        identity: p.identity,
      });
    } else {
      throw alreadyStarted(
        `Workflow execution is already running. WorkflowId: ${p.workflowId}, RunId: ${existing.runId}.`,
        existing.startRequestId,
        existing.runId,
      );
    }
  } else if (existing) {
    const refused =
      reuse === 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE' ||
      (reuse === 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY' &&
        !failedStatuses.has(existing.status));
    if (refused) {
      throw alreadyStarted(
        `Workflow execution already finished and Workflow ID reuse policy does not allow reuse. WorkflowId: ${p.workflowId}, RunId: ${existing.runId}.`,
        existing.startRequestId,
        existing.runId,
      );
    }
  }
  return { run: createRun(engine, ns, p), started: true };
}

/** Writes a signal (held back while a workflow task is in flight) and schedules a workflow task. */
export function signalRun(engine: Engine, run: Run, signal: Msg): void {
  addExternalEvent(engine, run, () =>
    appendEvent(run, engine.now(), 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', signal),
  );
}

/** Records a cancellation request (idempotent). */
export function requestCancelRun(
  engine: Engine,
  run: Run,
  reason: string,
  identity: string,
  external?: Msg,
): void {
  if (run.cancelRequested) return;
  run.cancelRequested = true;
  addExternalEvent(engine, run, () =>
    appendEvent(run, engine.now(), 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED', {
      cause: reason,
      identity,
      ...external,
    }),
  );
}

function childClosedEvent(status: string, closeAttrs: Msg): { type: string; attrs: Msg } {
  switch (status) {
    case 'COMPLETED':
      return { type: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED', attrs: { result: closeAttrs.result } };
    case 'FAILED':
      return {
        type: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED',
        attrs: { failure: closeAttrs.failure, retryState: closeAttrs.retryState },
      };
    case 'CANCELED':
      return { type: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED', attrs: { details: closeAttrs.details } };
    case 'TIMED_OUT':
      return {
        type: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT',
        attrs: { retryState: closeAttrs.retryState },
      };
    default:
      return { type: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED', attrs: {} };
  }
}

/** Closes a run with its close event; reports to the parent, applies parent close policies, wakes waiters. */
export function closeRun(engine: Engine, run: Run, outcome: string, attrs: Msg): void {
  if (!isRunning(run)) return;
  const now = engine.now();
  appendEvent(run, now, `EVENT_TYPE_WORKFLOW_EXECUTION_${outcome}`, attrs);
  run.status = statusByClose[outcome]!;
  run.closeTime = now;
  engine.openRuns.delete(run);
  if (run.wft) clearTimeout(run.wft.timeout);
  run.wft = undefined;
  run.buffered = [];
  run.runTimer?.cancel();
  for (const timer of run.timers.values()) timer.handle.cancel();
  run.timers.clear();
  abandonActivities(run.activities.values());
  run.activities.clear();
  failOpenUpdates(run);
  const parent = run.parent;
  if (parent && outcome !== 'CONTINUED_AS_NEW') {
    const child = parent.run.children.get(parent.initiatedEventId);
    const closed = childClosedEvent(outcome, attrs);
    addExternalEvent(engine, parent.run, () =>
      appendEvent(parent.run, engine.now(), closed.type, {
        ...closed.attrs,
        namespace: run.ns.name,
        namespaceId: run.ns.id,
        workflowExecution: { workflowId: run.workflowId, runId: run.runId },
        workflowType: { name: run.workflowType },
        initiatedEventId: parent.initiatedEventId,
        startedEventId: child?.startedEventId ?? 0,
      }),
    );
    parent.run.children.delete(parent.initiatedEventId);
  }
  if (outcome !== 'CONTINUED_AS_NEW') applyParentClosePolicy(engine, run);
  notifyWatchers(run);
  dispatchQueries(engine, run);
  engine.clock.poke();
}

function applyParentClosePolicy(engine: Engine, run: Run): void {
  for (const child of run.children.values()) {
    const childRun = engine.namespaces.get(child.namespace)?.workflows.get(child.workflowId)?.at(-1);
    if (!childRun || !isRunning(childRun)) continue;
    if (child.parentClosePolicy === 'PARENT_CLOSE_POLICY_REQUEST_CANCEL') {
      requestCancelRun(engine, childRun, 'by parent close policy', 'parent');
    } else if (child.parentClosePolicy !== 'PARENT_CLOSE_POLICY_ABANDON') {
      closeRun(engine, childRun, 'TERMINATED', { reason: 'by parent close policy', identity: 'parent' });
    }
  }
  run.children.clear();
}

/** ContinueAsNewWorkflowExecution: closes this run and starts the next one with the same workflow id. */
export function continueAsNew(ctx: CompletionContext, attrs: Msg): void {
  const { engine, run } = ctx;
  const newRunId = engine.newRunId();
  run.nextRunId = newRunId;
  const workflowType = str((attrs.workflowType as Msg | undefined)?.name || run.workflowType);
  const taskQueue = str((attrs.taskQueue as Msg | undefined)?.name || run.taskQueue);
  const runTimeoutMs = secondsToMs(attrs.workflowRunTimeout as Seconds) || run.runTimeoutMs;
  const workflowTaskTimeoutMs =
    secondsToMs(attrs.workflowTaskTimeout as Seconds) || run.workflowTaskTimeoutMs;
  const searchAttributes = (attrs.searchAttributes as { indexedFields?: Record<string, Payload> } | undefined)
    ?.indexedFields;
  const memo = (attrs.memo as { fields?: Record<string, Payload> } | undefined)?.fields;
  const children = [...run.children.values()];
  closeRun(engine, run, 'CONTINUED_AS_NEW', {
    newExecutionRunId: newRunId,
    workflowType: { name: workflowType },
    taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: attrs.input,
    workflowRunTimeout: msToSeconds(runTimeoutMs),
    workflowTaskTimeout: msToSeconds(workflowTaskTimeoutMs),
    workflowTaskCompletedEventId: ctx.completedEventId,
    initiator: attrs.initiator,
    header: attrs.header,
  });
  run.children = new Map(children.map((c) => [c.initiatedEventId, c]));
  applyParentClosePolicy(engine, run);
  createRun(engine, run.ns, {
    runId: newRunId,
    workflowId: run.workflowId,
    workflowType,
    taskQueue,
    input: attrs.input,
    header: attrs.header,
    memo: memo ?? run.memo,
    searchAttributes: searchAttributes
      ? validateSearchAttributes(run.ns, searchAttributes)
      : run.searchAttributes,
    runTimeoutMs,
    executionTimeoutMs: run.executionTimeoutMs,
    workflowTaskTimeoutMs,
    retryPolicy: attrs.retryPolicy,
    parent: run.parent,
    continuedFrom: run,
    initiator: (attrs.initiator as string | undefined) ?? 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW',
    lastCompletionResult: attrs.lastCompletionResult,
    continuedFailure: attrs.failure,
    requestId: run.startRequestId,
  });
}

/** StartChildWorkflowExecution: initiated now; started (or failed to start) right after this completion. */
export function startChild(ctx: CompletionContext, attrs: Msg): void {
  const { engine, run } = ctx;
  const namespace = str(attrs.namespace || run.ns.name);
  const initiated = appendEvent(run, engine.now(), 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED', {
    ...attrs,
    namespace,
    namespaceId: run.ns.id,
    workflowTaskCompletedEventId: ctx.completedEventId,
  });
  const child: Child = {
    initiatedEventId: initiated.eventId,
    startedEventId: 0,
    namespace,
    workflowId: str(attrs.workflowId),
    workflowType: str((attrs.workflowType as Msg | undefined)?.name ?? ''),
    runId: '',
    parentClosePolicy: str(attrs.parentClosePolicy ?? 'PARENT_CLOSE_POLICY_TERMINATE'),
  };
  setImmediate(() => {
    if (!isRunning(run)) return;
    const common = {
      namespace,
      namespaceId: run.ns.id,
      initiatedEventId: child.initiatedEventId,
      workflowType: { name: child.workflowType },
    };
    try {
      const ns = engine.namespace(namespace);
      const params: StartParams = {
        workflowId: child.workflowId,
        workflowType: child.workflowType,
        taskQueue: str((attrs.taskQueue as Msg | undefined)?.name || run.taskQueue),
        input: attrs.input,
        header: attrs.header,
        memo: (attrs.memo as { fields?: Record<string, Payload> } | undefined)?.fields,
        searchAttributes: validateSearchAttributes(
          ns,
          (attrs.searchAttributes as { indexedFields?: Record<string, Payload> } | undefined)?.indexedFields,
        ),
        executionTimeoutMs: secondsToMs(attrs.workflowExecutionTimeout as Seconds),
        runTimeoutMs: secondsToMs(attrs.workflowRunTimeout as Seconds),
        workflowTaskTimeoutMs: secondsToMs(attrs.workflowTaskTimeout as Seconds),
        retryPolicy: attrs.retryPolicy,
        parent: { run, initiatedEventId: child.initiatedEventId },
        identity: ctx.identity,
      };
      const { run: childRun } = startWorkflow(engine, ns, params, { reuse: attrs.workflowIdReusePolicy });
      child.runId = childRun.runId;
      run.children.set(child.initiatedEventId, child);
      addExternalEvent(engine, run, () => {
        child.startedEventId = appendEvent(run, engine.now(), 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED', {
          ...common,
          workflowExecution: { workflowId: child.workflowId, runId: childRun.runId },
          header: attrs.header,
        }).eventId;
      });
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      addExternalEvent(engine, run, () =>
        appendEvent(run, engine.now(), 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED', {
          ...common,
          workflowId: child.workflowId,
          cause:
            error.code === grpcStatus.ALREADY_EXISTS
              ? 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS'
              : 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND',
          control: attrs.control,
          workflowTaskCompletedEventId: ctx.completedEventId,
        }),
      );
    }
  });
}

/** The workflow execution a command names: a workflow id and an optional run id. */
type ExecutionRef = { workflowId?: string; runId?: string } | undefined;

function externalTarget(engine: Engine, namespace: string, execution: ExecutionRef): Run | undefined {
  const ns = engine.namespaces.get(namespace);
  if (!ns || !execution?.workflowId) return undefined;
  const run = execution.runId ? ns.runs.get(execution.runId) : engine.currentRun(ns, execution.workflowId);
  return run && isRunning(run) ? run : undefined;
}

/** How signaling and cancelling another workflow differ; the rest is {@link requestExternal}. */
interface ExternalRequest {
  execution: ExecutionRef;
  initiated: { type: string; attrs: Msg };
  /** Hands the request to the target run. */
  deliver: (target: Run, initiatedEventId: number) => void;
  delivered: { type: string; attrs?: Msg };
  failed: { type: string; cause: string };
}

/**
 * A command aimed at another workflow: the initiated event is written now; right after this completion the
 * request is delivered to the target and recorded as delivered, or recorded as failed when no such run is open.
 */
function requestExternal(ctx: CompletionContext, attrs: Msg, request: ExternalRequest): void {
  const { engine, run } = ctx;
  const namespace = str(attrs.namespace || run.ns.name);
  const initiated = appendEvent(run, engine.now(), request.initiated.type, {
    ...request.initiated.attrs,
    namespace,
    namespaceId: run.ns.id,
    workflowExecution: request.execution,
    workflowTaskCompletedEventId: ctx.completedEventId,
  });
  setImmediate(() => {
    const target = externalTarget(engine, namespace, request.execution);
    const common = {
      initiatedEventId: initiated.eventId,
      namespace,
      namespaceId: run.ns.id,
      workflowExecution: request.execution,
    };
    if (target) {
      request.deliver(target, initiated.eventId);
      addExternalEvent(engine, run, () =>
        appendEvent(run, engine.now(), request.delivered.type, { ...common, ...request.delivered.attrs }),
      );
    } else {
      addExternalEvent(engine, run, () =>
        appendEvent(run, engine.now(), request.failed.type, {
          ...common,
          cause: request.failed.cause,
          control: attrs.control,
          workflowTaskCompletedEventId: ctx.completedEventId,
        }),
      );
    }
  });
}

/** SignalExternalWorkflowExecution: initiated now, signaled (or failed) right after this completion. */
export function signalExternal(ctx: CompletionContext, attrs: Msg): void {
  requestExternal(ctx, attrs, {
    execution: attrs.execution as ExecutionRef,
    initiated: { type: 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', attrs },
    deliver: (target) =>
      signalRun(ctx.engine, target, {
        signalName: attrs.signalName,
        input: attrs.input,
        header: attrs.header,
        identity: ctx.identity,
      }),
    delivered: { type: 'EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED', attrs: { control: attrs.control } },
    failed: {
      type: 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED',
      cause: 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
    },
  });
}

/** RequestCancelExternalWorkflowExecution: initiated now, cancel requested (or failed) right after. */
export function cancelExternal(ctx: CompletionContext, attrs: Msg): void {
  requestExternal(ctx, attrs, {
    // Unlike the signal command, the cancel command names its target with top-level fields.
    execution: {
      workflowId: attrs.workflowId as string | undefined,
      runId: attrs.runId as string | undefined,
    },
    initiated: {
      type: 'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
      attrs: { control: attrs.control, childWorkflowOnly: attrs.childWorkflowOnly, reason: attrs.reason },
    },
    deliver: (target, initiatedEventId) =>
      requestCancelRun(ctx.engine, target, str(attrs.reason ?? ''), ctx.identity, {
        externalInitiatedEventId: initiatedEventId,
        externalWorkflowExecution: { workflowId: ctx.run.workflowId, runId: ctx.run.runId },
      }),
    delivered: { type: 'EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED' },
    failed: {
      type: 'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED',
      cause: 'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND',
    },
  });
}
