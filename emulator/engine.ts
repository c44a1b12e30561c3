import { str } from './proto';
import { randomUUID } from 'node:crypto';
import { VirtualClock } from './clock';
import { invalidArgument, namespaceNotFound, notFound } from './errors';
import type { Execution, Msg } from './proto';
import type { Namespace, Run } from './state';
import { isRunning } from './state';
import { TaskQueues } from './task-queues';

/** Minimal structured logger (pino-compatible subset). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** What the engine is configured with. */
export interface EngineOptions {
  timeSkipping: boolean;
  namespaces: string[];
  /** Custom search attributes registered at start: name to type (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). */
  searchAttributes: Record<string, string>;
  log: Logger;
  /** How long a poll waits for a task before answering empty (real time). */
  longPollMs: number;
  /** History length from which workflow tasks suggest continue-as-new (server default 4096). */
  suggestContinueAsNewAfterEvents: number;
  /** Virtual time at start (epoch ms); default: real now. */
  startTime?: number;
  /** Virtual time stands still except when time skipping moves it (needs `timeSkipping`). */
  frozenClock?: boolean;
}

/** Custom search attributes the dev server predefines in every namespace. */
const devServerSearchAttributes: Record<string, string> = {
  CustomKeywordField: 'Keyword',
  CustomStringField: 'Text',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDatetimeField: 'Datetime',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
};

/** `Keyword` (or `INDEXED_VALUE_TYPE_KEYWORD`) -> `INDEXED_VALUE_TYPE_KEYWORD`. */
export function indexedValueType(type: string): string {
  const plain = type
    .replace(/^INDEXED_VALUE_TYPE_/, '')
    .toLowerCase()
    .replace(/_/g, '');
  const names: Record<string, string> = {
    text: 'TEXT',
    keyword: 'KEYWORD',
    int: 'INT',
    double: 'DOUBLE',
    bool: 'BOOL',
    datetime: 'DATETIME',
    keywordlist: 'KEYWORD_LIST',
  };
  const name = names[plain];
  if (!name) throw invalidArgument(`unknown search attribute type ${type}`);
  return `INDEXED_VALUE_TYPE_${name}`;
}

/** The whole in-memory server state: namespaces, runs, task queues and the clock. */
export class Engine {
  readonly clock: VirtualClock;
  readonly namespaces = new Map<string, Namespace>();
  readonly workflowQueues = new TaskQueues<Msg>();
  readonly activityQueues = new TaskQueues<Msg>();
  readonly openRuns = new Set<Run>();
  /** Counters for the bench and logs. */
  readonly stats = { workflowTasksCompleted: 0, workflowTasksDispatched: 0, activityTasksDispatched: 0 };
  private seq = 0;

  constructor(readonly options: EngineOptions) {
    this.clock = new VirtualClock(
      options.timeSkipping,
      () => this.isIdle(),
      options.startTime,
      options.frozenClock === true && options.timeSkipping,
    );
    for (const name of options.namespaces) this.addNamespace(name);
  }

  get log(): Logger {
    return this.options.log;
  }

  /** Virtual now in epoch milliseconds. */
  now(): number {
    return this.clock.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  newRunId(): string {
    return randomUUID();
  }

  /** Registers a namespace (idempotent) with the dev server's predefined and configured search attributes. */
  addNamespace(name: string): Namespace {
    const existing = this.namespaces.get(name);
    if (existing) return existing;
    const ns: Namespace = {
      name,
      id: randomUUID(),
      searchAttributes: new Map(),
      workflows: new Map(),
      runs: new Map(),
    };
    for (const [attr, type] of Object.entries({
      ...devServerSearchAttributes,
      ...this.options.searchAttributes,
    })) {
      ns.searchAttributes.set(attr, indexedValueType(type));
    }
    this.namespaces.set(name, ns);
    return ns;
  }

  /** The named namespace, or NOT_FOUND with NamespaceNotFoundFailure. */
  namespace(name: unknown): Namespace {
    const ns = typeof name === 'string' ? this.namespaces.get(name) : undefined;
    if (!ns) throw namespaceNotFound(str(name ?? ''));
    return ns;
  }

  /** The run an execution names (the current run when runId is empty), or NOT_FOUND. */
  run(ns: Namespace, execution: Execution | undefined): Run {
    const workflowId = execution?.workflowId;
    if (!workflowId) throw invalidArgument('WorkflowId is not set on request.');
    if (execution.runId) {
      const run = ns.runs.get(execution.runId);
      if (!run || run.workflowId !== workflowId)
        throw notFound(
          `workflow execution not found for workflow ID "${workflowId}" and run ID "${execution.runId}"`,
        );
      return run;
    }
    const run = this.currentRun(ns, workflowId);
    if (!run) throw notFound(`workflow not found for ID: ${workflowId}`);
    return run;
  }

  /** The latest run of a workflow id, if any. */
  currentRun(ns: Namespace, workflowId: string): Run | undefined {
    const runs = ns.workflows.get(workflowId);
    return runs?.[runs.length - 1];
  }

  /**
   * True when nothing is in flight that could still add work before the next timer: no workflow task
   * scheduled or started, no activity queued or running, no query or update waiting on a worker.
   */
  isIdle(): boolean {
    for (const run of this.openRuns) {
      if (!isRunning(run)) continue;
      if (run.wft || run.queries.length > 0) return false;
      for (const activity of run.activities.values()) if (activity.state !== 'backoff') return false;
      for (const update of run.updates.values()) if (update.stage === 'admitted') return false;
    }
    return true;
  }

  /** Encodes a task token. */
  token(value: Msg): Buffer {
    return Buffer.from(JSON.stringify(value));
  }

  /** Decodes a task token, or NOT_FOUND-style INVALID_ARGUMENT when malformed. */
  parseToken(token: unknown): Record<string, string | number> {
    try {
      if (!(token instanceof Uint8Array)) throw new Error('missing');
      return JSON.parse(Buffer.from(token).toString()) as Record<string, string | number>;
    } catch {
      throw invalidArgument('Error deserializing task token.');
    }
  }
}
