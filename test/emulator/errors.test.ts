import { status } from '@grpc/grpc-js';
import {
  Client,
  isGrpcServiceError,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowFailedError,
} from '@temporalio/client';
import {
  NamespaceNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { createActivities } from './activities';
import { eventTypes, eventually, uniqueId, workflowsPath } from './helpers';
import * as wf from './workflows';

let env: TestEnv;
const taskQueue = uniqueId('errors');
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  env = await createTestEnv({ timeSkipping: true });
  const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities() });
  stopWorker = () => worker.stop();
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

/** The gRPC status code of a raw WorkflowService call's error, with its message. */
async function grpcError(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGrpcServiceError(error)) throw new Error(`expected a gRPC error, got ${String(error)}`);
  return { code: error.code, details: error.details };
}

describe('bad requests get the status the server returns, with a message', () => {
  test('describing an unknown workflow fails with WorkflowNotFoundError (NOT_FOUND)', async () => {
    await expect(env.client.workflow.getHandle(uniqueId('missing')).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
    const raw = await grpcError(
      env.connection.workflowService.describeWorkflowExecution({
        namespace: env.namespace,
        execution: { workflowId: uniqueId('missing') },
      }),
    );
    expect(raw.code).toBe(status.NOT_FOUND);
    expect(raw.details).not.toBe('');
  });

  test('signalling, cancelling and terminating an unknown workflow fail with WorkflowNotFoundError', async () => {
    const handle = env.client.workflow.getHandle(uniqueId('missing'));
    await expect(handle.signal(wf.finishSignal)).rejects.toThrow(WorkflowNotFoundError);
    await expect(handle.cancel()).rejects.toThrow(WorkflowNotFoundError);
    await expect(handle.terminate()).rejects.toThrow(WorkflowNotFoundError);
  });

  test('an unknown run id of a known workflow is NOT_FOUND', async () => {
    const handle = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId: uniqueId('run'),
      args: [0],
    });
    await expect(
      env.client.workflow.getHandle(handle.workflowId, '6a6d4f1c-0000-4000-8000-000000000000').describe(),
    ).rejects.toThrow(WorkflowNotFoundError);
    await handle.terminate();
  });

  test('an unknown namespace fails with NamespaceNotFoundError (NOT_FOUND)', async () => {
    const other = new Client({ connection: env.connection, namespace: uniqueId('no-such-namespace') });
    await expect(
      other.workflow.start(wf.counter, { taskQueue, workflowId: uniqueId('ns'), args: [0] }),
    ).rejects.toThrow(NamespaceNotFoundError);
    const raw = await grpcError(
      env.connection.workflowService.describeNamespace({ namespace: uniqueId('no-such-namespace') }),
    );
    expect(raw.code).toBe(status.NOT_FOUND);
  });

  test('starting a running workflow id again fails with WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = uniqueId('dup');
    const handle = await env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] });
    await expect(env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] })).rejects.toThrow(
      WorkflowExecutionAlreadyStartedError,
    );
    await handle.terminate();
  });

  test('conflict policy USE_EXISTING returns the running run', async () => {
    const workflowId = uniqueId('use-existing');
    const first = await env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] });
    const second = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId,
      args: [0],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.terminate();
  });

  test('conflict policy TERMINATE_EXISTING terminates the running run and starts a new one', async () => {
    const workflowId = uniqueId('terminate-existing');
    const first = await env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] });
    const second = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId,
      args: [0],
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect(
      (await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name,
    ).toBe('TERMINATED');
    await second.terminate();
  });

  test('reuse policy REJECT_DUPLICATE refuses a closed workflow id; ALLOW_DUPLICATE reuses it', async () => {
    const workflowId = uniqueId('reuse');
    const first = await env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] });
    await first.signal(wf.finishSignal);
    await first.result();
    await expect(
      env.client.workflow.start(wf.counter, {
        taskQueue,
        workflowId,
        args: [0],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    ).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    const again = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId,
      args: [0],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    expect(again.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    await again.terminate();
  });

  test('reuse policy ALLOW_DUPLICATE_FAILED_ONLY reuses only an id whose last run did not complete', async () => {
    const workflowId = uniqueId('failed-only');
    const completed = await env.client.workflow.start(wf.counter, { taskQueue, workflowId, args: [0] });
    await completed.signal(wf.finishSignal);
    await completed.result();
    const options = {
      taskQueue,
      workflowId,
      args: [0] as [number],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const,
    };
    await expect(env.client.workflow.start(wf.counter, options)).rejects.toThrow(
      WorkflowExecutionAlreadyStartedError,
    );
    const workflowId2 = uniqueId('failed-only');
    const terminated = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId: workflowId2,
      args: [0],
    });
    await terminated.terminate();
    const again = await env.client.workflow.start(wf.counter, { ...options, workflowId: workflowId2 });
    await again.terminate();
  });

  test('a query for an unregistered query type fails with QueryNotRegisteredError', async () => {
    const handle = await env.client.workflow.start(wf.counter, {
      taskQueue,
      workflowId: uniqueId('query'),
      args: [0],
    });
    await expect(handle.query('no-such-query')).rejects.toThrow(QueryNotRegisteredError);
    await handle.terminate();
  });

  test('result() of a failed workflow throws WorkflowFailedError', async () => {
    const handle = await env.client.workflow.start(wf.failing, {
      taskQueue,
      workflowId: uniqueId('failing'),
      args: ['x'],
    });
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
  });

  test('a start request without a workflow type is INVALID_ARGUMENT', async () => {
    const raw = await grpcError(
      env.connection.workflowService.startWorkflowExecution({
        namespace: env.namespace,
        workflowId: uniqueId('bad'),
        taskQueue: { name: taskQueue },
        requestId: uniqueId('req'),
      }),
    );
    expect(raw.code).toBe(status.INVALID_ARGUMENT);
    expect(raw.details).toMatch(/WorkflowType/);
  });

  test('an unregistered search attribute on start is INVALID_ARGUMENT', async () => {
    const raw = await grpcError(
      env.connection.workflowService.startWorkflowExecution({
        namespace: env.namespace,
        workflowId: uniqueId('bad-sa'),
        workflowType: { name: 'counter' },
        taskQueue: { name: taskQueue },
        requestId: uniqueId('req'),
        searchAttributes: {
          indexedFields: {
            NoSuchAttribute: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') },
          },
        },
      }),
    );
    expect(raw.code).toBe(status.INVALID_ARGUMENT);
    expect(raw.details).toMatch(/NoSuchAttribute/);
  });

  test('a malformed search attribute payload is INVALID_ARGUMENT', async () => {
    const raw = await grpcError(
      env.connection.workflowService.startWorkflowExecution({
        namespace: env.namespace,
        workflowId: uniqueId('bad-payload'),
        workflowType: { name: 'counter' },
        taskQueue: { name: taskQueue },
        requestId: uniqueId('req'),
        searchAttributes: {
          indexedFields: {
            CustomIntField: {
              metadata: { encoding: Buffer.from('json/plain') },
              data: Buffer.from('{not json'),
            },
          },
        },
      }),
    );
    expect(raw.code).toBe(status.INVALID_ARGUMENT);
  });

  test('an unsupported visibility query is INVALID_ARGUMENT with a message', async () => {
    const error = await (async () => {
      for await (const _ of env.client.workflow.list({ query: "WorkflowId LIKE 'abc%'" })) {
        // never reached
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    const cause = (error as ServiceError).cause;
    expect(isGrpcServiceError(cause) && cause.code).toBe(status.INVALID_ARGUMENT);
    expect((cause as Error).message).toMatch(/LIKE|invalid|unsupported/i);
  });

  test('upserting an unregistered search attribute fails the workflow task, not the workflow', async () => {
    const handle = await env.client.workflow.start(wf.badUpsert, {
      taskQueue,
      workflowId: uniqueId('bad-upsert'),
    });
    await eventually(async () => (await eventTypes(handle)).includes('WORKFLOW_TASK_FAILED'));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await eventTypes(handle)).not.toContain('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES');
    await handle.terminate();
  });

  test('an activity no worker picks up times out on its schedule-to-start timeout', async () => {
    const result = await env.client.workflow.execute(wf.unpolledActivity, {
      taskQueue,
      workflowId: uniqueId('unpolled'),
    });
    expect(result).toBe(
      'TimeoutFailure:SCHEDULE_TO_START/NON_RETRYABLE_FAILURE/activity ScheduleToStart timeout',
    );
  });

  test('a garbage task token is refused, not crashing the server', async () => {
    const raw = await grpcError(
      env.connection.workflowService.respondActivityTaskCompleted({
        namespace: env.namespace,
        taskToken: Buffer.from('garbage'),
      }),
    );
    expect([status.INVALID_ARGUMENT, status.NOT_FOUND]).toContain(raw.code);
  });
});
