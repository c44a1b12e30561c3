import {
  DefaultLogger,
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';

/** Path of the module that exports every workflow the worker runs. */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Options for {@link createWorker}. */
export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** A prebuilt bundle (tests build it once); by default the workflows are bundled at start-up. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** 0 replays the full history on every task (used by tests to prove determinism). */
  maxCachedWorkflows?: number;
}

/** Creates the Orquesta worker: every workflow under `workflows/`, the given activities. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: options.activities,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** Bundles the workflow code once, as the worker does; throws when workflow code breaks the sandbox rules. */
export function bundleWorkflows(
  path = workflowsPath,
  logger = new DefaultLogger('WARN'),
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path, logger });
}
