import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';
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

const here = path.dirname(fileURLToPath(import.meta.url));

/** The emulator executable the SDK's launchers start (see emulator/README.md). */
export const emulatorExecutable = path.resolve(here, '../../bin/temporal-emulator');

/** Options for {@link createTestEnv}. */
export interface TestEnvOptions {
  /** Time-skipping test server form (virtual clock; `handle.result()` and `env.sleep()` skip time). Default true. */
  timeSkipping?: boolean;
  /** Custom search attributes to register: name to type. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Namespace (default `default`; on a real server it must exist). */
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

/**
 * Creates the Temporal environment tests run against. Without TEMPORAL_ADDRESS: the emulator, started by the
 * SDK's own launcher (`createTimeSkipping` or `createLocal` with `executable: existing-path`). With it: the real
 * server at that address (no time skipping; `env.sleep` sleeps for real).
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  installQuietRuntime();
  const namespace = options.namespace ?? 'default';
  const searchAttributes = options.searchAttributes ?? {};
  const address = process.env.TEMPORAL_ADDRESS;
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
  await registerSearchAttributes(env.connection, namespace, searchAttributes);
  const client =
    namespace === (env.namespace ?? 'default')
      ? env.client
      : env.supportsTimeSkipping
        ? new TimeSkippingClient({ connection: env.connection, namespace })
        : new Client({ connection: env.connection, namespace });

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
