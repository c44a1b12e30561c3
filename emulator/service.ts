import * as grpc from '@grpc/grpc-js';
import { cancelActivityResponse, completeActivity, failActivity, heartbeatActivity } from './activities';
import type { Engine } from './engine';
import { indexedValueType } from './engine';
import { invalidArgument, notFound, ServiceError } from './errors';
import { closeRun, requestCancelRun, signalRun, startParams, startWorkflow } from './executions';
import { closeEventTypes } from './history';
import {
  jsonPayload,
  msToSeconds,
  packAny,
  secondsToMs,
  serviceDefinition,
  type Msg,
  type Seconds,
  str,
} from './proto';
import { queryWorkflow, respondQueryTaskCompleted } from './queries';
import { isRunning, type Namespace, type Run } from './state';
import { pollUpdate, updateWorkflow } from './updates';
import { parseVisibilityQuery, statusName } from './visibility';
import {
  clearStickyQueue,
  respondWorkflowTaskCompleted,
  respondWorkflowTaskFailed,
  stickyQueueKey,
} from './workflow-tasks';

type Call = grpc.ServerUnaryCall<Msg, Msg>;
type Handler = (req: Msg, call: Call) => Msg | Promise<Msg>;

function onCancel(call: Call): (listener: () => void) => void {
  return (listener) => call.on('cancelled', listener);
}

/** Wraps a handler as a grpc-js unary implementation: errors become gRPC statuses with a message. */
function unary(engine: Engine, name: string, handler: Handler): grpc.handleUnaryCall<Msg, Msg> {
  return (call, callback) => {
    engine.log.debug({ method: name }, 'call');
    Promise.resolve()
      .then(() => handler(call.request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (error instanceof ServiceError) {
            callback({ code: error.code, details: error.message, metadata: error.metadata() });
          } else {
            engine.log.warn({ method: name, err: str((error as Error)?.stack ?? error) }, 'internal error');
            callback({ code: grpc.status.INTERNAL, details: str((error as Error)?.message ?? error) });
          }
        },
      );
  };
}

/** Everything `describe` and `list` report about a run. */
function executionInfo(run: Run): Msg {
  const parent = run.parent?.run;
  return {
    execution: { workflowId: run.workflowId, runId: run.runId },
    type: { name: run.workflowType },
    startTime: msToSeconds(run.startTime),
    closeTime: run.closeTime ? msToSeconds(run.closeTime) : undefined,
    status: run.status,
    historyLength: run.history.length,
    parentNamespaceId: parent?.ns.id,
    parentExecution: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
    executionTime: msToSeconds(run.executionTime),
    memo: { fields: run.memo },
    searchAttributes: { indexedFields: run.searchAttributes },
    taskQueue: run.taskQueue,
    stateTransitionCount: run.history.length,
    historySizeBytes: run.history.length * 256,
    firstRunId: run.firstRunId,
    executionDuration: run.closeTime ? msToSeconds(run.closeTime - run.startTime) : undefined,
  };
}

function describeNamespace(ns: Namespace): Msg {
  return {
    namespaceInfo: {
      name: ns.name,
      id: ns.id,
      state: 'NAMESPACE_STATE_REGISTERED',
      description: 'in-memory emulator namespace',
      capabilities: { eagerWorkflowStart: false, syncUpdate: true, asyncUpdate: true },
    },
    config: {
      workflowExecutionRetentionTtl: msToSeconds(24 * 3600 * 1000),
      historyArchivalState: 'ARCHIVAL_STATE_DISABLED',
      visibilityArchivalState: 'ARCHIVAL_STATE_DISABLED',
    },
    replicationConfig: {
      activeClusterName: 'active',
      clusters: [{ clusterName: 'active' }],
      state: 'REPLICATION_STATE_NORMAL',
    },
    isGlobalNamespace: false,
  };
}

/** Waits until `ready()` holds, the run changes `ms` later, or the caller goes away. */
function waitForChange(run: Run, ms: number, call: Call, ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const done = () => {
      run.watchers.delete(watcher);
      clearTimeout(timer);
      resolve();
    };
    const watcher = () => {
      if (ready()) done();
    };
    const timer = setTimeout(done, ms);
    run.watchers.add(watcher);
    call.on('cancelled', done);
  });
}

function pageToken(offset: number): Buffer {
  return Buffer.from(str(offset));
}

function readPageToken(token: unknown): number {
  if (!(token instanceof Uint8Array) || token.length === 0) return 0;
  const offset = Number(Buffer.from(token).toString());
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('invalid next page token');
  return offset;
}

/** The signaled event's attributes from a signal or signal-with-start request; the name is required. */
function signalOf(req: Msg, input: unknown): Msg {
  if (!req.signalName) throw invalidArgument('SignalName is not set on request.');
  return { signalName: req.signalName, input, identity: req.identity, header: req.header };
}

function multiOperationError(error: ServiceError, failedIndex: number, count: number): ServiceError {
  const statuses = Array.from({ length: count }, (_, i) =>
    i === failedIndex
      ? { code: error.code, message: error.message, details: error.detail ? [error.detail] : [] }
      : {
          code: grpc.status.ABORTED,
          message: 'Operation was aborted.',
          details: [packAny('temporal.api.failure.v1.MultiOperationExecutionAborted', {})],
        },
  );
  return new ServiceError(
    error.code,
    `MultiOperation could not be executed: ${error.message}`,
    packAny('temporal.api.errordetails.v1.MultiOperationExecutionFailure', { statuses }),
  );
}

/** WorkflowService handlers. */
function workflowService(engine: Engine): Record<string, Handler> {
  const ns = (req: Msg) => engine.namespace(req.namespace);
  const openRun = (req: Msg, execution: unknown) => {
    const run = engine.run(ns(req), execution as Msg);
    if (!isRunning(run)) throw notFound('workflow execution already completed');
    return run;
  };
  const listWorkflows = (req: Msg): Msg => {
    const namespace = ns(req);
    const query = parseVisibilityQuery(namespace, str(req.query ?? ''));
    const runs = [...namespace.runs.values()]
      .filter((r) => query.matches(r))
      .sort((a, b) => query.compare(a, b));
    const from = readPageToken(req.nextPageToken);
    const pageSize = Number(req.pageSize) || 1000;
    const page = runs.slice(from, from + pageSize);
    return {
      executions: page.map(executionInfo),
      nextPageToken: from + page.length < runs.length ? pageToken(from + page.length) : undefined,
    };
  };
  return {
    GetSystemInfo: () => ({
      serverVersion: '1.27.0-orquesta-emulator',
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: false,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: false,
        sdkMetadata: true,
        countGroupByExecutionStatus: true,
        nexus: false,
      },
    }),
    GetClusterInfo: () => ({
      serverVersion: '1.27.0-orquesta-emulator',
      clusterName: 'active',
      clusterId: 'emulator',
      historyShardCount: 1,
      persistenceStore: 'memory',
      visibilityStore: 'memory',
    }),
    DescribeNamespace: (req) => {
      if (req.id) {
        const found = [...engine.namespaces.values()].find((n) => n.id === req.id);
        if (!found) throw notFound(`Namespace id ${str(req.id)} is not found.`);
        return describeNamespace(found);
      }
      return describeNamespace(ns(req));
    },
    ListNamespaces: () => ({ namespaces: [...engine.namespaces.values()].map(describeNamespace) }),
    RegisterNamespace: (req) => {
      const name = str(req.namespace ?? '');
      if (!name) throw invalidArgument('Namespace is not set on request.');
      if (engine.namespaces.has(name))
        throw new ServiceError(grpc.status.ALREADY_EXISTS, 'Namespace already exists.');
      engine.addNamespace(name);
      return {};
    },
    GetSearchAttributes: () => {
      const keys: Record<string, string> = {};
      for (const n of engine.namespaces.values()) for (const [k, v] of n.searchAttributes) keys[k] = v;
      return { keys };
    },
    StartWorkflowExecution: (req) => {
      const namespace = ns(req);
      const { run, started } = startWorkflow(engine, namespace, startParams(namespace, req), {
        reuse: req.workflowIdReusePolicy,
        conflict: req.workflowIdConflictPolicy,
      });
      return { runId: run.runId, started };
    },
    SignalWorkflowExecution: (req) => {
      const run = openRun(req, req.workflowExecution);
      signalRun(engine, run, signalOf(req, req.input));
      return {};
    },
    SignalWithStartWorkflowExecution: (req) => {
      const namespace = ns(req);
      const signal = signalOf(req, req.signalInput);
      const params = startParams(namespace, req);
      const current = engine.currentRun(namespace, params.workflowId);
      if (
        current &&
        isRunning(current) &&
        req.workflowIdConflictPolicy !== 'WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING'
      ) {
        signalRun(engine, current, signal);
        return { runId: current.runId, started: false };
      }
      const { run } = startWorkflow(
        engine,
        namespace,
        { ...params, signal },
        { reuse: req.workflowIdReusePolicy, conflict: req.workflowIdConflictPolicy },
      );
      return { runId: run.runId, started: true };
    },
    RequestCancelWorkflowExecution: (req) => {
      const run = openRun(req, req.workflowExecution);
      requestCancelRun(engine, run, str(req.reason ?? ''), str(req.identity ?? ''));
      return {};
    },
    TerminateWorkflowExecution: (req) => {
      const run = openRun(req, req.workflowExecution);
      closeRun(engine, run, 'TERMINATED', {
        reason: req.reason,
        details: req.details,
        identity: req.identity,
      });
      return {};
    },
    DeleteWorkflowExecution: (req) => {
      const namespace = ns(req);
      const run = engine.run(namespace, req.workflowExecution as Msg);
      if (isRunning(run))
        closeRun(engine, run, 'TERMINATED', { reason: 'Delete workflow execution', identity: req.identity });
      namespace.runs.delete(run.runId);
      const runs = namespace.workflows.get(run.workflowId)?.filter((r) => r !== run) ?? [];
      if (runs.length > 0) namespace.workflows.set(run.workflowId, runs);
      else namespace.workflows.delete(run.workflowId);
      return {};
    },
    DescribeWorkflowExecution: (req) => {
      const run = engine.run(ns(req), req.execution as Msg);
      return {
        executionConfig: {
          taskQueue: { name: run.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
          workflowExecutionTimeout: msToSeconds(run.executionTimeoutMs),
          workflowRunTimeout: msToSeconds(run.runTimeoutMs),
          defaultWorkflowTaskTimeout: msToSeconds(run.workflowTaskTimeoutMs),
        },
        workflowExecutionInfo: executionInfo(run),
        pendingActivities: [...run.activities.values()].map((a) => ({
          activityId: a.activityId,
          activityType: { name: a.activityType },
          state: a.cancelRequested
            ? 'PENDING_ACTIVITY_STATE_CANCEL_REQUESTED'
            : a.state === 'started'
              ? 'PENDING_ACTIVITY_STATE_STARTED'
              : 'PENDING_ACTIVITY_STATE_SCHEDULED',
          heartbeatDetails: a.heartbeatDetails,
          lastHeartbeatTime: a.lastHeartbeatTime ? msToSeconds(a.lastHeartbeatTime) : undefined,
          lastStartedTime: a.startedTime ? msToSeconds(a.startedTime) : undefined,
          attempt: a.attempt,
          maximumAttempts: a.retry.maximumAttempts,
          scheduledTime: msToSeconds(a.attemptScheduledTime),
          lastFailure: a.lastFailure,
          lastWorkerIdentity: a.lastWorkerIdentity,
        })),
        pendingChildren: [...run.children.values()].map((c) => ({
          workflowId: c.workflowId,
          runId: c.runId,
          workflowTypeName: c.workflowType,
          initiatedId: c.initiatedEventId,
          parentClosePolicy: c.parentClosePolicy,
        })),
      };
    },
    GetWorkflowExecutionHistory: async (req, call) => {
      const run = engine.run(ns(req), req.execution as Msg);
      const closed = () => !isRunning(run);
      if (req.historyEventFilterType === 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT') {
        if (req.waitNewEvent) await waitForChange(run, engine.options.longPollMs, call, closed);
        const last = run.history[run.history.length - 1];
        if (closed() && last && closeEventTypes.has(last.eventType)) return { history: { events: [last] } };
        return { history: { events: [] }, nextPageToken: req.waitNewEvent ? pageToken(0) : undefined };
      }
      const from = readPageToken(req.nextPageToken);
      if (req.waitNewEvent && from >= run.history.length) {
        await waitForChange(run, engine.options.longPollMs, call, () => run.history.length > from);
      }
      const pageSize = Number(req.maximumPageSize) || 1000;
      const events = run.history.slice(from, from + pageSize);
      const end = from + events.length;
      const more = end < run.history.length || (Boolean(req.waitNewEvent) && isRunning(run));
      return { history: { events }, nextPageToken: more ? pageToken(end) : undefined };
    },
    PollWorkflowTaskQueue: async (req, call) => {
      const namespace = ns(req);
      const taskQueue = (req.taskQueue ?? {}) as Msg;
      if (!taskQueue.name) throw invalidArgument('TaskQueue is not set on request.');
      const identity = str(req.identity ?? '');
      if (taskQueue.kind === 'TASK_QUEUE_KIND_STICKY') {
        // Sticky queues get the runs this worker ran last, still with full history.
        const task = await engine.workflowQueues.poll(namespace.name, stickyQueueKey(str(taskQueue.name)), {
          identity,
          timeoutMs: engine.options.longPollMs,
          onCancel: onCancel(call),
        });
        return task ?? {};
      }
      const task = await engine.workflowQueues.poll(namespace.name, str(taskQueue.name), {
        identity,
        timeoutMs: engine.options.longPollMs,
        onCancel: onCancel(call),
      });
      return task ?? {};
    },
    RespondWorkflowTaskCompleted: (req) => respondWorkflowTaskCompleted(engine, req),
    RespondWorkflowTaskFailed: (req) => respondWorkflowTaskFailed(engine, req),
    RespondQueryTaskCompleted: (req) => respondQueryTaskCompleted(engine, req),
    PollActivityTaskQueue: async (req, call) => {
      const namespace = ns(req);
      const taskQueue = (req.taskQueue ?? {}) as Msg;
      if (!taskQueue.name) throw invalidArgument('TaskQueue is not set on request.');
      const task = await engine.activityQueues.poll(namespace.name, str(taskQueue.name), {
        identity: str(req.identity ?? ''),
        timeoutMs: engine.options.longPollMs,
        onCancel: onCancel(call),
      });
      return task ?? {};
    },
    RespondActivityTaskCompleted: (req) => completeActivity(engine, req),
    RespondActivityTaskCompletedById: (req) => completeActivity(engine, req),
    RespondActivityTaskFailed: (req) => failActivity(engine, req),
    RespondActivityTaskFailedById: (req) => failActivity(engine, req),
    RespondActivityTaskCanceled: (req) => cancelActivityResponse(engine, req),
    RespondActivityTaskCanceledById: (req) => cancelActivityResponse(engine, req),
    RecordActivityTaskHeartbeat: (req) => heartbeatActivity(engine, req),
    RecordActivityTaskHeartbeatById: (req) => heartbeatActivity(engine, req),
    QueryWorkflow: (req, call) => {
      const run = engine.run(ns(req), req.execution as Msg);
      const condition = str(req.queryRejectCondition ?? 'QUERY_REJECT_CONDITION_NONE');
      if (
        (condition === 'QUERY_REJECT_CONDITION_NOT_OPEN' && !isRunning(run)) ||
        (condition === 'QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY' &&
          !isRunning(run) &&
          run.status !== 'WORKFLOW_EXECUTION_STATUS_COMPLETED')
      ) {
        return { queryRejected: { status: run.status } };
      }
      if (!(req.query as Msg | undefined)?.queryType)
        throw invalidArgument('QueryType is not set on request.');
      return queryWorkflow(engine, run, req.query as Msg, onCancel(call));
    },
    UpdateWorkflowExecution: (req, call) => {
      const run = engine.run(ns(req), req.workflowExecution as Msg);
      return updateWorkflow(engine, run, req, onCancel(call));
    },
    PollWorkflowExecutionUpdate: (req, call) => {
      const ref = (req.updateRef ?? {}) as Msg;
      const run = engine.run(ns(req), ref.workflowExecution as Msg);
      const wanted = str(
        (req.waitPolicy as Msg | undefined)?.lifecycleStage ??
          'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED',
      );
      return pollUpdate(engine, run, str(ref.updateId ?? ''), wanted, onCancel(call));
    },
    ExecuteMultiOperation: async (req, call) => {
      const namespace = ns(req);
      const operations = (req.operations ?? []) as Msg[];
      const start = operations[0]?.startWorkflow as Msg | undefined;
      const update = operations[1]?.updateWorkflow as Msg | undefined;
      if (operations.length !== 2 || !start || !update)
        throw invalidArgument('ExecuteMultiOperation supports exactly [StartWorkflow, UpdateWorkflow].');
      if (
        !start.workflowIdConflictPolicy ||
        start.workflowIdConflictPolicy === 'WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED'
      ) {
        throw multiOperationError(
          invalidArgument('WorkflowIdConflictPolicy must be set for update-with-start.'),
          0,
          2,
        );
      }
      let startResponse: Msg;
      let run: Run;
      try {
        const result = startWorkflow(engine, namespace, startParams(namespace, start), {
          reuse: start.workflowIdReusePolicy,
          conflict: start.workflowIdConflictPolicy,
        });
        run = result.run;
        startResponse = { runId: run.runId, started: result.started };
      } catch (error) {
        if (error instanceof ServiceError) throw multiOperationError(error, 0, 2);
        throw error;
      }
      try {
        const updateResponse = await updateWorkflow(
          engine,
          run,
          { ...update, workflowExecution: { workflowId: run.workflowId, runId: run.runId } },
          onCancel(call),
        );
        return { responses: [{ startWorkflow: startResponse }, { updateWorkflow: updateResponse }] };
      } catch (error) {
        if (error instanceof ServiceError) throw multiOperationError(error, 1, 2);
        throw error;
      }
    },
    ListWorkflowExecutions: (req) => listWorkflows(req),
    ScanWorkflowExecutions: (req) => listWorkflows(req),
    CountWorkflowExecutions: (req) => {
      const namespace = ns(req);
      const text = str(req.query);
      const groupBy = /\s*\bGROUP\s+BY\s+(\S+)\s*$/i.exec(text);
      if (groupBy && groupBy[1] !== 'ExecutionStatus') {
        throw invalidArgument(
          "invalid query: operation is not supported: 'group by' clause is only supported for ExecutionStatus search attribute",
        );
      }
      const query = parseVisibilityQuery(namespace, groupBy ? text.slice(0, groupBy.index) : text);
      const matching = [...namespace.runs.values()].filter((r) => query.matches(r));
      if (!groupBy) return { count: matching.length };
      const counts = new Map<string, number>();
      for (const run of matching) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
      return {
        count: matching.length,
        groups: [...counts].map(([status, count]) => ({
          groupValues: [jsonPayload(statusName(status), { type: 'Keyword' })],
          count,
        })),
      };
    },
    ShutdownWorker: (req) => {
      const sticky = str(req.stickyTaskQueue);
      if (sticky) clearStickyQueue(engine, sticky);
      engine.workflowQueues.release(str(req.identity), stickyQueueKey(sticky));
      return {};
    },
    RecordWorkerHeartbeat: () => ({}),
    ResetStickyTaskQueue: (req) => {
      const run = engine.run(ns(req), req.execution as Msg);
      if (run.sticky) clearStickyQueue(engine, run.sticky.queue);
      return {};
    },
    DescribeTaskQueue: () => ({ pollers: [] }),
  };
}

/** OperatorService handlers: search attribute registration. */
function operatorService(engine: Engine): Record<string, Handler> {
  return {
    AddSearchAttributes: (req) => {
      const ns = engine.namespace(req.namespace || 'default');
      for (const [name, type] of Object.entries((req.searchAttributes ?? {}) as Record<string, string>)) {
        const existing = ns.searchAttributes.get(name);
        const wanted = indexedValueType(type);
        if (existing && existing !== wanted)
          throw new ServiceError(
            grpc.status.ALREADY_EXISTS,
            `Search attribute ${name} already exists with type ${existing}.`,
          );
        ns.searchAttributes.set(name, wanted);
      }
      return {};
    },
    RemoveSearchAttributes: (req) => {
      const ns = engine.namespace(req.namespace || 'default');
      for (const name of (req.searchAttributes ?? []) as string[]) {
        if (!ns.searchAttributes.delete(name)) throw notFound(`Search attribute ${name} doesn't exist.`);
      }
      return {};
    },
    ListSearchAttributes: (req) => {
      const ns = engine.namespace(req.namespace || 'default');
      return {
        customAttributes: Object.fromEntries(ns.searchAttributes),
        systemAttributes: {
          WorkflowId: 'INDEXED_VALUE_TYPE_KEYWORD',
          WorkflowType: 'INDEXED_VALUE_TYPE_KEYWORD',
          RunId: 'INDEXED_VALUE_TYPE_KEYWORD',
          TaskQueue: 'INDEXED_VALUE_TYPE_KEYWORD',
          ExecutionStatus: 'INDEXED_VALUE_TYPE_KEYWORD',
          StartTime: 'INDEXED_VALUE_TYPE_DATETIME',
          CloseTime: 'INDEXED_VALUE_TYPE_DATETIME',
          ExecutionTime: 'INDEXED_VALUE_TYPE_DATETIME',
        },
        storageSchema: {},
      };
    },
  };
}

/** TestService handlers: the virtual clock. */
function testService(engine: Engine): Record<string, Handler> {
  const clock = engine.clock;
  const sleepUntil = (at: number, unlock: boolean) =>
    new Promise<Msg>((resolve) => {
      if (unlock && clock.timeSkipping) clock.unlock();
      clock.scheduleAt(at, () => {
        if (unlock && clock.timeSkipping) clock.lock();
        resolve({});
      });
    });
  return {
    LockTimeSkipping: () => {
      if (clock.timeSkipping) clock.lock();
      return {};
    },
    UnlockTimeSkipping: () => {
      if (clock.timeSkipping) clock.unlock();
      return {};
    },
    Sleep: (req) => sleepUntil(engine.now() + secondsToMs(req.duration as Seconds), false),
    SleepUntil: (req) => sleepUntil(secondsToMs(req.timestamp as Seconds), false),
    UnlockTimeSkippingWithSleep: (req) =>
      sleepUntil(engine.now() + secondsToMs(req.duration as Seconds), true),
    GetCurrentTime: () => ({ time: msToSeconds(engine.now()) }),
  };
}

function implementation(
  engine: Engine,
  service: string,
  handlers: Record<string, Handler>,
): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(serviceDefinition(service))) {
    const handler =
      handlers[method] ??
      (() =>
        Promise.reject(
          new ServiceError(
            grpc.status.UNIMPLEMENTED,
            `${method} is not implemented by the Temporal emulator`,
          ),
        ));
    impl[method] = unary(engine, method, handler);
  }
  return impl;
}

const workflowServiceName = 'temporal.api.workflowservice.v1.WorkflowService';

/** What {@link registerServices} leaves for the caller to serve: GetSystemInfo, registered before loading. */
export interface BootstrapMethod {
  handler: grpc.handleUnaryCall<Msg, Msg>;
  serialize(value: Msg): Buffer;
}

/**
 * Adds WorkflowService, OperatorService and TestService to a grpc-js server, except GetSystemInfo, which the
 * caller registered already (so the port answers the launchers' readiness probe while this module loads).
 */
export function registerServices(server: grpc.Server, engine: Engine): BootstrapMethod {
  const services: Array<[string, Record<string, Handler>]> = [
    [workflowServiceName, workflowService(engine)],
    ['temporal.api.operatorservice.v1.OperatorService', operatorService(engine)],
    ['temporal.api.testservice.v1.TestService', testService(engine)],
  ];
  let bootstrap: BootstrapMethod | undefined;
  for (const [name, handlers] of services) {
    const definition = serviceDefinition(name);
    const impl = implementation(engine, name, handlers);
    if (name === workflowServiceName) {
      bootstrap = {
        handler: impl.GetSystemInfo as grpc.handleUnaryCall<Msg, Msg>,
        serialize: definition.GetSystemInfo!.responseSerialize,
      };
      delete definition.GetSystemInfo;
      delete impl.GetSystemInfo;
    }
    server.addService(definition, impl);
  }
  return bootstrap!;
}
