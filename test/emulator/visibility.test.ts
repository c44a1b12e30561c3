import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, ServiceError, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/temporal-env';
import { createActivities } from './activities';
import { eventually, uniqueId, workflowsPath } from './helpers';
import * as wf from './workflows';

const openedAtKey = defineSearchAttributeKey('TicketOpenedAt', 'DATETIME');
const notesKey = defineSearchAttributeKey('TicketNotes', 'TEXT');

let env: TestEnv;
const taskQueue = uniqueId('visibility');
let stopWorker: () => Promise<void>;
/** A marker unique to this run of the file, so queries only see this file's workflows. */
const batch = uniqueId('batch');

beforeAll(async () => {
  // The dev-server launcher form, with search attributes passed as --search-attribute flags.
  env = await createTestEnv({
    timeSkipping: false,
    searchAttributes: {
      TicketStatus: 'KEYWORD',
      TicketPriority: 'INT',
      TicketOpenedAt: 'DATETIME',
      TicketNotes: 'TEXT',
    },
  });
  const worker = await env.startWorker({ taskQueue, workflowsPath, activities: createActivities() });
  stopWorker = () => worker.stop();
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of env.client.workflow.list({ query })) ids.push(info.workflowId);
  return ids;
}

describe('search attributes and visibility', () => {
  const handles: WorkflowHandle[] = [];

  test('custom search attributes are registered with their types', async () => {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace,
      searchAttributes: { TicketRegion: 2 },
    });
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: env.namespace,
    });
    expect(customAttributes).toMatchObject({
      TicketStatus: 2,
      TicketPriority: 3,
      TicketOpenedAt: 6,
      TicketNotes: 1,
      TicketRegion: 2,
    });
  });

  test('search attributes given at start appear in describe', async () => {
    const openedAt = new Date('2030-01-02T03:04:05.000Z');
    const handle = await env.client.workflow.start(wf.tagged, {
      taskQueue,
      workflowId: uniqueId(`${batch}-a`),
      args: [`${batch}-open`, 3],
      typedSearchAttributes: [
        { key: openedAtKey, value: openedAt },
        { key: notesKey, value: 'printer on fire' },
      ],
    });
    handles.push(handle);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(openedAtKey)?.toISOString()).toBe(openedAt.toISOString());
    expect(described.typedSearchAttributes.get(notesKey)).toBe('printer on fire');
  });

  test('search attributes upserted by the workflow appear in describe', async () => {
    const handle = await env.client.workflow.start(wf.tagged, {
      taskQueue,
      workflowId: uniqueId(`${batch}-b`),
      args: [`${batch}-open`, 1],
      typedSearchAttributes: [{ key: openedAtKey, value: new Date('2020-06-01T00:00:00.000Z') }],
    });
    handles.push(handle);
    await eventually(
      async () => (await handle.describe()).typedSearchAttributes.get(wf.ticketStatusKey) === `${batch}-open`,
    );
    expect((await handle.describe()).typedSearchAttributes.get(wf.ticketPriorityKey)).toBe(1);
  });

  test('list and count filter on type, status and custom keyword together', async () => {
    const third = await env.client.workflow.start(wf.tagged, {
      taskQueue,
      workflowId: uniqueId(`${batch}-c`),
      args: [`${batch}-closed`, 5],
    });
    handles.push(third);
    const query = `WorkflowType = 'tagged' AND ExecutionStatus = 'Running' AND TicketStatus = '${batch}-open'`;
    await eventually(async () => (await listIds(query)).length === 2);
    expect((await listIds(query)).sort()).toEqual([handles[0]!.workflowId, handles[1]!.workflowId].sort());
    expect((await env.client.workflow.count(query)).count).toBe(2);
  });

  test('Int and Datetime comparisons filter runs', async () => {
    const mine = `(TicketStatus = '${batch}-open' OR TicketStatus = '${batch}-closed')`;
    await eventually(async () => (await listIds(`${mine} AND TicketPriority >= 3`)).length === 2);
    expect((await listIds(`${mine} AND TicketPriority >= 3`)).sort()).toEqual(
      [handles[0]!.workflowId, handles[2]!.workflowId].sort(),
    );
    expect(await listIds(`${mine} AND TicketOpenedAt > '2025-01-01T00:00:00Z'`)).toEqual([
      handles[0]!.workflowId,
    ]);
    expect(await listIds(`${mine} AND TicketPriority < 2`)).toEqual([handles[1]!.workflowId]);
  });

  test('BETWEEN, STARTS_WITH, NOT IN and IS NULL filter runs', async () => {
    const mine = `(TicketStatus = '${batch}-open' OR TicketStatus = '${batch}-closed')`;
    await eventually(async () => (await listIds(mine)).length === 3);
    expect(await listIds(`${mine} AND TicketPriority BETWEEN 2 AND 4`)).toEqual([handles[0]!.workflowId]);
    expect(await listIds(`${mine} AND WorkflowId STARTS_WITH '${batch}-b'`)).toEqual([
      handles[1]!.workflowId,
    ]);
    expect((await listIds(`${mine} AND TicketPriority NOT IN (1, 3)`)).sort()).toEqual([
      handles[2]!.workflowId,
    ]);
    expect(await listIds(`${mine} AND TicketOpenedAt IS NULL`)).toEqual([handles[2]!.workflowId]);
  });

  test('Text attributes match on words', async () => {
    await eventually(
      async () => (await listIds(`TicketStatus = '${batch}-open' AND TicketNotes = 'fire'`)).length === 1,
    );
    expect(await listIds(`TicketStatus = '${batch}-open' AND TicketNotes = 'fire'`)).toEqual([
      handles[0]!.workflowId,
    ]);
  });

  test('lists come newest first, and ORDER BY is refused (SQL visibility)', async () => {
    const mine = `TicketStatus = '${batch}-open' OR TicketStatus = '${batch}-closed'`;
    await eventually(async () => (await listIds(mine)).length === 3);
    const started = handles.map((h) => h.workflowId);
    expect(await listIds(mine)).toEqual([...started].reverse());
    const error = await listIds(`${mine} ORDER BY StartTime ASC`).catch((e: unknown) => e);
    expect(((error as ServiceError).cause as Error).message).toContain(
      "operation is not supported: 'order by' clause",
    );
  });

  test('closed runs are found by their final status', async () => {
    for (const handle of handles) await handle.signal(wf.finishSignal);
    for (const handle of handles) await handle.result();
    const query = `ExecutionStatus = 'Completed' AND WorkflowId = '${handles[2]!.workflowId}'`;
    await eventually(async () => (await listIds(query)).length === 1);
    expect(await listIds(query)).toEqual([handles[2]!.workflowId]);
  });

  test('count groups by ExecutionStatus', async () => {
    const mine = `(TicketStatus = '${batch}-open' OR TicketStatus = '${batch}-closed')`;
    await eventually(
      async () => (await env.client.workflow.count(`${mine} AND ExecutionStatus = 'Completed'`)).count === 3,
    );
    const running = await env.client.workflow.start(wf.tagged, {
      taskQueue,
      workflowId: uniqueId(`${batch}-d`),
      args: [`${batch}-open`, 2],
    });
    await eventually(async () => (await env.client.workflow.count(mine)).count === 4);
    // Running runs come before closed ones.
    expect((await listIds(mine))[0]).toBe(running.workflowId);
    const { count, groups } = await env.client.workflow.count(`${mine} GROUP BY ExecutionStatus`);
    expect(count).toBe(4);
    const byStatus = Object.fromEntries(groups.map((g) => [String(g.groupValues[0]), g.count]));
    expect(byStatus).toEqual({ Completed: 3, Running: 1 });
    await running.terminate();
  });

  test.each([
    ["WorkflowId LIKE 'a%'", "invalid operator 'like'"],
    ['NoSuchAttribute = 1', "column name 'NoSuchAttribute' is not a valid search attribute"],
    ["ExecutionStatus = 'Sleeping'", "invalid ExecutionStatus value 'Sleeping'"],
    ["StartTime > 'yesterday'", "unable to parse datetime 'yesterday'"],
    ['ORDER BY WorkflowId', "operation is not supported: 'order by' clause"],
    ["WorkflowId = 'a' ORDER BY StartTime DESC", "operation is not supported: 'order by' clause"],
    ["WorkflowId = 'a' LIMIT 3", "operation is not supported: 'limit' clause"],
    ['GROUP BY ExecutionStatus', "operation is not supported: 'group by' clause"],
    ["WorkflowId = 'a' AND", 'malformed SQL query'],
  ])('the unsupported query %s is INVALID_ARGUMENT naming the problem', async (query, mention) => {
    const error = await listIds(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    const cause = (error as ServiceError).cause;
    expect(isGrpcServiceError(cause) && cause.code).toBe(status.INVALID_ARGUMENT);
    expect((cause as Error).message).toContain(mention);
  });

  test('count groups only by ExecutionStatus', async () => {
    const error = await env.client.workflow.count('GROUP BY WorkflowType').catch((e: unknown) => e);
    const cause = (error as ServiceError).cause;
    expect(isGrpcServiceError(cause) && cause.code).toBe(status.INVALID_ARGUMENT);
    expect((cause as Error).message).toContain(
      "'group by' clause is only supported for ExecutionStatus search attribute",
    );
  });
});
