import type { Scheduled } from './clock';
import type { Msg, Payload } from './proto';

/** One history event as sent to workers and clients. */
export interface HistoryEvent extends Msg {
  eventId: number;
  eventTime: { seconds: number; nanos: number };
  eventType: string;
}

/** The workflow task a run has outstanding: scheduled (queued for a poller) or started (with a worker). */
export interface WorkflowTask {
  /** Unique per dispatch; the task token carries it. */
  seq: number;
  attempt: number;
  /** Whether WorkflowTaskScheduled is already in history (false for transient retries and speculative update tasks). */
  persisted: boolean;
  /** A task created only to deliver an update; dropped without trace if the worker only rejects. */
  speculative: boolean;
  scheduledEventId: number;
  startedEventId: number;
  scheduledTime: number;
  started: boolean;
  startedTime: number;
  identity: string;
  /** Update ids delivered with this task. */
  deliveredUpdates: string[];
  timeout?: NodeJS.Timeout;
}

/** An activity scheduled by a workflow, from ActivityTaskScheduled until its closing event. */
export interface Activity {
  run: Run;
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  scheduled: Msg;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retry: {
    initialMs: number;
    backoff: number;
    maximumMs: number;
    maximumAttempts: number;
    nonRetryableErrorTypes: string[];
  };
  attempt: number;
  state: 'queued' | 'started' | 'backoff';
  seq: number;
  scheduledTime: number;
  attemptScheduledTime: number;
  startedTime: number;
  lastHeartbeatTime: number;
  heartbeatDetails?: Msg;
  lastFailure?: Msg;
  lastWorkerIdentity: string;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
  timers: Scheduled[];
  scheduleToCloseTimer?: Scheduled;
}

/** A timer started by a workflow. */
export interface Timer {
  timerId: string;
  startedEventId: number;
  handle: Scheduled;
  /** Set when TimerCanceled was written while TimerFired still waited in the buffer. */
  cancelled: boolean;
}

/** A child workflow initiated by a run. */
export interface Child {
  initiatedEventId: number;
  startedEventId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId: string;
  parentClosePolicy: string;
}

/** An update from admission to its outcome. */
export interface Update {
  id: string;
  run: Run;
  request: Msg;
  stage: 'admitted' | 'accepted' | 'completed';
  outcome?: Msg;
  acceptedEventId: number;
  waiters: Set<() => void>;
}

/** A query waiting for, or out on, a legacy query task. */
export interface Query {
  id: string;
  dispatched: boolean;
  run: Run;
  query: Msg;
  resolve(result: Msg): void;
  reject(error: Error): void;
}

/** One run of a workflow execution with its full history and pending state. */
export interface Run {
  ns: Namespace;
  /** Creation order, the tie-breaker when ordering by start time. */
  seq: number;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  history: HistoryEvent[];
  status: string;
  startTime: number;
  executionTime: number;
  closeTime: number;
  memo: Record<string, Payload>;
  searchAttributes: Record<string, Payload>;
  startRequestId: string;
  workflowTaskTimeoutMs: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  executionExpiry: number;
  wft?: WorkflowTask;
  /** Events that arrived while a workflow task was started, written after its completion. */
  buffered: Array<() => void>;
  previousStartedEventId: number;
  timers: Map<string, Timer>;
  activities: Map<number, Activity>;
  children: Map<number, Child>;
  updates: Map<string, Update>;
  queries: Query[];
  /** Called on every history change (history long polls, update waiters). */
  watchers: Set<() => void>;
  parent?: { run: Run; initiatedEventId: number };
  runTimer?: Scheduled;
  nextRunId: string;
  cancelRequested: boolean;
  /** The sticky queue of the worker that completed the last task, with its schedule-to-start timeout. */
  sticky?: { queue: string; scheduleToStartMs: number };
}

/** A namespace with its registered search attributes and executions. */
export interface Namespace {
  name: string;
  id: string;
  /** Custom search attributes: name to IndexedValueType name (e.g. INDEXED_VALUE_TYPE_KEYWORD). */
  searchAttributes: Map<string, string>;
  /** Runs per workflow id in start order; the last one is the current run. */
  workflows: Map<string, Run[]>;
  runs: Map<string, Run>;
}

/** Whether the run is still open. */
export function isRunning(run: Run): boolean {
  return run.status === 'WORKFLOW_EXECUTION_STATUS_RUNNING';
}
