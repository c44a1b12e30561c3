import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import {
  defineSearchAttributeKey,
  NamespaceNotFoundError,
  type SearchAttributeType,
  type SearchAttributePair,
} from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TimeSkippingClient } from '@temporalio/testing/lib/client';
import { msToTs } from '@temporalio/common/lib/time';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the real Temporal server the run shares (test/real-temporal-setup.ts); absent on the emulator. */
    temporalAddress: string | undefined;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The emulator executable the SDK's launchers start (see emulator/README.md). */
export const emulatorExecutable = path.resolve(here, '../../bin/temporal-emulator');

/** Options for {@link createTestEnv}. */
export interface TestEnvOptions {
  /** Time-skipping test server form (virtual clock; `handle.result()` and `env.sleep()` skip time). Default true. */
  timeSkipping?: boolean;
  /** Custom search attributes to register: name to type. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /**
   * Namespace, registered when missing. Default: `default` on the emulator (each environment is its own
   * emulator); on a real server a new namespace per environment, since test files running in parallel against
   * one server reuse ticket numbers, hence workflow ids such as `ticket:1`.
   */
  namespace?: string;
  /**
   * History length from which `workflowInfo().continueAsNewSuggested` turns true (the server's
   * `limit.historyCount.suggestContinueAsNew`, default 4096), to test continue-as-new logic with short
   * histories. Passed as a dynamic config flag; a real server at TEMPORAL_ADDRESS keeps its own setting.
   */
  suggestContinueAsNewAfterEvents?: number;
}

/** Options for {@link TestEnv.runWorker}. */
export interface RunWorkerOptions {
  taskQueue: string;
  /** Path of the workflows module (bundled once per path and reused). */
  workflowsPath: string;
  activities?: object;
  /** 0 disables the worker's workflow cache: every task replays full history. */
  maxCachedWorkflows?: number;
}

/** A Temporal environment for tests: the emulator by default, a real server when TEMPORAL_ADDRESS is set. */
export interface TestEnv {
  env: TestWorkflowEnvironment;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  namespace: string;
  /** True when running against the emulator rather than a real server. */
  isEmulator: boolean;
  timeSkipping: boolean;
  /** Starts a worker, runs `fn`, and shuts the worker down (also when `fn` throws). */
  runWorker<T>(options: RunWorkerOptions, fn: (worker: Worker) => Promise<T>): Promise<T>;
  /** Starts a worker in the background; call the returned stop() to shut it down. */
  startWorker(options: RunWorkerOptions): Promise<{ worker: Worker; stop(): Promise<void> }>;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

/** Keeps worker logs to warnings so test output stays readable (once per process, before first use). */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by the caller: keep theirs.
  }
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** Bundles a workflows module once per process. */
export function workflowBundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      logger: {
        log: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: console.error,
        debug: () => undefined,
        trace: () => undefined,
      },
    });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/** IndexedValueType enum numbers, as the OperatorService request takes them. */
const indexedValueTypes: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/**
 * Why a test does not run on a real server: it lets days pass, which only a time-skipping server (the emulator)
 * can do in seconds. Tests pass it to `ctx.skip(!env.timeSkipping, NEEDS_SKIPPED_TIME)` (or skip on
 * {@link realTemporalAddress} at collection time), so the skip and its reason show in the report.
 */
export const NEEDS_SKIPPED_TIME =
  'needs skipped time: runs on the emulator only (a real Temporal server cannot skip time)';

/**
 * The real Temporal server the tests use: `TEMPORAL_ADDRESS`, or the dev server `npm run test:real-temporal`
 * starts for the run (provided by its global setup). Undefined: the tests run on the emulator.
 */
export function realTemporalAddress(): string | undefined {
  const fromEnv = process.env.TEMPORAL_ADDRESS?.trim();
  if (fromEnv) return fromEnv;
  try {
    return inject('temporalAddress') || undefined;
  } catch {
    return undefined; // not inside a vitest run
  }
}

let namespaceCounter = 0;

/** A namespace name no other test environment of this run uses. */
function uniqueNamespace(): string {
  namespaceCounter++;
  return `orquesta-test-${process.pid}-${namespaceCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Registers the namespace when it does not exist (the time-skipping launcher form only creates `default`). */
async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (!isGrpcServiceError(error) || error.code !== status.NOT_FOUND) throw error;
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }
}

async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Record<string, SearchAttributeType>,
): Promise<void> {
  if (Object.keys(wanted).length === 0) return;
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.entries(wanted).filter(([name]) => !(name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, indexedValueTypes[type]])),
  });
}

/** A value of each search attribute type, for the readiness probe. */
const probeValues: Record<SearchAttributeType, unknown> = {
  TEXT: 'probe',
  KEYWORD: 'probe',
  INT: 0,
  DOUBLE: 0,
  BOOL: false,
  DATETIME: new Date(0),
  KEYWORD_LIST: ['probe'],
};

/**
 * Waits until a real server accepts starts in a namespace just registered, with its search attributes: the
 * frontend and history services learn of new namespaces and search attribute aliases through a namespace cache
 * that refreshes every few seconds, so until then a start fails with NamespaceNotFound or "search attribute is
 * not defined". Starts (and deletes) a probe workflow that no worker polls for.
 */
async function waitUntilNamespaceUsable(
  client: Client,
  searchAttributes: Record<string, SearchAttributeType>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const typedSearchAttributes = Object.entries(searchAttributes).map(
    ([name, type]) =>
      ({ key: defineSearchAttributeKey(name, type), value: probeValues[type] }) as SearchAttributePair,
  );
  for (let attempt = 1; ; attempt++) {
    const workflowId = `namespace-ready-probe-${attempt}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      const handle = await client.workflow.start('namespaceReadyProbe', {
        taskQueue: 'namespace-ready-probe',
        workflowId,
        typedSearchAttributes,
      });
      await client.workflowService.deleteWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId, runId: handle.firstExecutionRunId },
      });
      return;
    } catch (error) {
      const notYet =
        error instanceof NamespaceNotFoundError ||
        /namespace .*not found|search attribute .* is not defined|no mapping defined for search attribute/i.test(
          String(error),
        );
      if (!notYet || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Creates the Temporal environment tests run against. Without TEMPORAL_ADDRESS: the emulator, started by the
 * SDK's own launcher (`createTimeSkipping` or `createLocal` with `executable: existing-path`). With it (or the
 * dev server of `npm run test:real-temporal`): the real server at that address, in a namespace of the
 * environment's own (no time skipping; `env.sleep` sleeps for real).
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  installQuietRuntime();
  const address = realTemporalAddress();
  const namespace = options.namespace ?? (address ? uniqueNamespace() : 'default');
  const searchAttributes = options.searchAttributes ?? {};
  const extraArgs = options.suggestContinueAsNewAfterEvents
    ? [
        '--dynamic-config-value',
        `limit.historyCount.suggestContinueAsNew=${options.suggestContinueAsNewAfterEvents}`,
      ]
    : [];
  let env: TestWorkflowEnvironment;
  if (address) {
    env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace });
  } else if (options.timeSkipping ?? true) {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: emulatorExecutable }, extraArgs },
    });
  } else {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: emulatorExecutable },
        extraArgs,
        namespace,
        searchAttributes: Object.entries(searchAttributes).map(([name, type]) =>
          defineSearchAttributeKey(name, type),
        ),
      },
    });
  }
  await ensureNamespace(env.connection, namespace);
  const client =
    namespace === (env.namespace ?? 'default')
      ? env.client
      : env.supportsTimeSkipping
        ? new TimeSkippingClient({ connection: env.connection, namespace })
        : new Client({ connection: env.connection, namespace });
  // A real server knows a new namespace, and then new search attributes, only once its caches refresh.
  if (address) await waitUntilNamespaceUsable(client, {});
  await registerSearchAttributes(env.connection, namespace, searchAttributes);
  if (address && Object.keys(searchAttributes).length > 0)
    await waitUntilNamespaceUsable(client, searchAttributes);

  const startWorker = async (opts: RunWorkerOptions) => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace,
      taskQueue: opts.taskQueue,
      workflowBundle: await workflowBundle(opts.workflowsPath),
      activities: opts.activities,
      maxCachedWorkflows: opts.maxCachedWorkflows,
      shutdownGraceTime: '1s',
    });
    const running = worker.run();
    return {
      worker,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  };

  return {
    env,
    client,
    connection: env.connection,
    nativeConnection: env.nativeConnection,
    namespace,
    isEmulator: !address,
    timeSkipping: env.supportsTimeSkipping,
    startWorker,
    runWorker: async (opts, fn) => {
      const { worker, stop } = await startWorker(opts);
      try {
        return await fn(worker);
      } finally {
        await stop();
      }
    },
    teardown: () => env.teardown(),
  };
}
