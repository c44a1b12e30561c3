/**
 * Issue 14, the lifecycle part, on the ticket workflow (emulator with skipped time, real Postgres): w32's
 * information-wait closure has no reopen limit, so the workflow waits for the answer however long it takes;
 * a complaint (once per id) and a customer escalation go through the workflow's updates; and every history
 * it produced replays without a nondeterminism error.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createTicket } from '../../activities/intake';
import { workflowsPath } from '../../worker/worker';
import {
  commandUpdates,
  customerReplySignal,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket/messages';
import { NEEDS_SKIPPED_TIME, workflowBundle } from '../support/temporal-env';
import { eventually, seedCustomer, w32Draft } from './fixtures';
import { ticketWorkerStack } from './worker-stack';

const DAY = 86_400_000;

describe('seed lifecycle rules on the ticket workflow', () => {
  const taskQueue = 'tickets-seed-lifecycle';
  const stack = ticketWorkerStack({
    taskQueue,
    seed: (db, now) =>
      seedCustomer(db, 'w32', 'acme', now, {
        requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
      }),
  });

  const row = (number: number) =>
    stack.database.db
      .selectFrom('tickets')
      .selectAll()
      .where('number', '=', number)
      .executeTakeFirstOrThrow();

  it('w32 "será reabierto cuando se reciba la información solicitada": 45 days after the close, past the 30-day reopen window, the answer still reopens the ticket', async (ctx) => {
    ctx.skip(!stack.env.timeSkipping, NEEDS_SKIPPED_TIME);
    const created = await createTicket(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await stack.env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const { number } = created;
    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(number));
    await handle.executeUpdate(commandUpdates.request_info, {
      args: [{ agent: 'luis', body: 'Envíe la captura' }],
    });
    await stack.env.env.sleep(5 * DAY);
    const closed = await eventually(
      () => row(number),
      (r) => r.status === 'closed',
    );
    expect(closed.status).toBe('closed');
    await stack.env.env.sleep(45 * DAY);
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
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await stack.env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(created.number));
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
      for await (const execution of stack.env.client.workflow.list({
        query: "WorkflowType = 'ticketWorkflow'",
      }))
        found.push(execution);
      return found;
    };
    // Visibility on a real server is eventually consistent.
    const executions = await eventually(listed, (found) => found.length >= 1);
    const histories = [];
    for (const execution of executions) {
      const history = await stack.env.client.workflow
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
