/**
 * Issue 14, the lifecycle part, on the ticket workflow (emulator with skipped time, real Postgres): w32's
 * information-wait closure has no reopen limit, so the workflow waits for the answer however long it takes;
 * a complaint (once per id) and a customer escalation go through the workflow's updates; and every history
 * it produced replays without a nondeterminism error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index';
import { createTicket } from '../../activities/intake';
import { workflowsPath } from '../../worker/worker';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import {
  commandUpdates,
  customerReplySignal,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket/messages';
import { createTestDatabase } from '../support/database';
import { createTestEnv, NEEDS_SKIPPED_TIME, workflowBundle, type TestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from './fixtures';

const DAY = 86_400_000;
const w32Draft = {
  channel: 'portal' as const,
  type: 'incident',
  category: 'dms',
  priority: 'medium' as const,
  company: 'ACME',
  requesterName: 'Ana Ruiz',
  requesterEmail: 'ana@acme.mx',
  contactPhone: '+52 55 5555 5555',
  subject: 'No timbra',
  description: 'Error 301 al timbrar',
  attachments: 1,
};

describe('seed lifecycle rules on the ticket workflow', () => {
  let env: TestEnv;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let stopWorker: () => Promise<void>;
  const taskQueue = 'tickets-seed-lifecycle';

  beforeAll(async () => {
    env = await createTestEnv({
      timeSkipping: true,
      searchAttributes: Object.fromEntries(ticketSearchAttributes.map((k) => [k.name, k.type])),
    });
    database = await createTestDatabase();
    await seedCustomer(database.db, 'w32', 'acme', await env.env.currentTimeMs(), {
      requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
    });
    const worker = await env.startWorker({
      taskQueue,
      workflowsPath,
      activities: createActivities({ db: database.db }),
    });
    stopWorker = () => worker.stop();
  });
  afterAll(async () => {
    await stopWorker?.();
    await env?.teardown();
    await database?.destroy();
  });

  const row = (number: number) =>
    database.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

  it('w32 "será reabierto cuando se reciba la información solicitada": 45 days after the close, past the 30-day reopen window, the answer still reopens the ticket', async (ctx) => {
    ctx.skip(!env.timeSkipping, NEEDS_SKIPPED_TIME);
    const created = await createTicket(
      { db: database.db, client: env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const { number } = created;
    const handle = env.client.workflow.getHandle(ticketWorkflowId(number));
    await handle.executeUpdate(commandUpdates.request_info, {
      args: [{ agent: 'luis', body: 'Envíe la captura' }],
    });
    await env.env.sleep(5 * DAY);
    const closed = await eventually(
      () => row(number),
      (r) => r.status === 'closed',
    );
    expect(closed.status).toBe('closed');
    await env.env.sleep(45 * DAY);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const { state } = await handle.query(ticketStateQuery);
    expect(state).toMatchObject({ status: 'closed', autoClosed: true, reopenWithoutLimit: true });

    await handle.signal(customerReplySignal, { messageId: 'late-answer', body: 'Adjunto la captura' });
    const reopened = await eventually(
      () => row(number),
      (r) => r.status === 'open',
    );
    expect(reopened.status).toBe('open');
  });

  it('w32: a complaint and a customer escalation on the workflow, then every history replays without a nondeterminism error', async () => {
    const created = await createTicket(
      { db: database.db, client: env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const handle = env.client.workflow.getHandle(ticketWorkflowId(created.number));
    const complaint = { complaintId: 'c-1', body: 'Nadie nos ha llamado', from: 'ana@acme.mx' };
    await handle.executeUpdate(commandUpdates.complaint, { args: [complaint] });
    await handle.executeUpdate(commandUpdates.complaint, { args: [complaint] });
    const escalated = await handle.executeUpdate(commandUpdates.escalate, {
      args: [{ by: 'customer', reason: 'Sin respuesta' }],
    });
    expect(escalated).toMatchObject({ level: 2, priority: 'medium' });
    const { state } = await handle.query(ticketStateQuery);
    expect(state.counters).toMatchObject({ complaints: 1, escalations: 1 });

    const listed = async () => {
      const found = [];
      for await (const execution of env.client.workflow.list({ query: "WorkflowType = 'ticketWorkflow'" }))
        found.push(execution);
      return found;
    };
    // Visibility on a real server is eventually consistent.
    const executions = await eventually(listed, (found) => found.length >= 1);
    const histories = [];
    for (const execution of executions) {
      const history = await env.client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .fetchHistory();
      histories.push({ workflowId: execution.workflowId, history });
    }
    expect(histories.length).toBeGreaterThanOrEqual(1);
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(workflowsPath) },
      histories,
    )) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(histories.length);
  });
});
