import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createTicket } from '../../activities/intake';
import { workflowsPath } from '../../worker/worker';
import {
  commandUpdates,
  customerReplySignal,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket/messages';
import { NEEDS_SKIPPED_TIME, workflowBundle } from '../support/temporal-env';
import { Worker } from '@temporalio/worker';
import { eventually, seedCustomer, w32Draft } from './fixtures';
import { ticketWorkerStack } from './worker-stack';

const DAY = 86_400_000;

describe.each([
  ['worker cache on', undefined],
  ['worker cache off', 0],
])('ticket workflow on Temporal with Postgres (%s)', (_name, maxCachedWorkflows) => {
  const taskQueue = `tickets-${maxCachedWorkflows ?? 'cached'}`;
  const stack = ticketWorkerStack({
    taskQueue,
    seed: (db, now) =>
      seedCustomer(db, 'w32', 'acme', now, {
        requesters: [{ name: 'Ana Ruiz', email: 'ana@acme.mx' }],
      }),
    maxCachedWorkflows,
  });

  const deps = () => ({ db: stack.database.db, client: stack.env.client, taskQueue });
  const row = (number: number) =>
    stack.database.db
      .selectFrom('tickets')
      .selectAll()
      .where('number', '=', number)
      .executeTakeFirstOrThrow();

  /** Opens a w32 ticket and asks the customer for information; each test that needs one opens its own. */
  async function openAwaitingInfo(idempotencyKey: string): Promise<{ number: number }> {
    const opened = await createTicket(deps(), {
      customerId: 'acme',
      draft: w32Draft,
      idempotencyKey,
      now: await stack.env.env.currentTimeMs(),
    });
    if (opened.outcome !== 'created') throw new Error(`intake answered ${opened.outcome}`);
    await eventually(
      () => row(opened.number),
      (r) => r.status === 'open',
    );
    await stack.env.client.workflow
      .getHandle(ticketWorkflowId(opened.number))
      .executeUpdate(commandUpdates.request_info, { args: [{ agent: 'luis', body: 'Envíe la captura' }] });
    await eventually(
      () => row(opened.number),
      (r) => r.status === 'awaiting_customer',
    );
    return opened;
  }

  it('opens a ticket, projects it, answers the same idempotency key with it, and asks the customer for information', async () => {
    const now = await stack.env.env.currentTimeMs();
    const first = await createTicket(deps(), {
      customerId: 'acme',
      draft: w32Draft,
      idempotencyKey: `k-${taskQueue}`,
      now,
    });
    expect(first.outcome).toBe('created');
    if (first.outcome !== 'created') return;
    const again = await createTicket(deps(), {
      customerId: 'acme',
      draft: w32Draft,
      idempotencyKey: `k-${taskQueue}`,
      now,
    });
    expect(again).toMatchObject({ outcome: 'existing', number: first.number });

    const opened = await eventually(
      () => row(first.number),
      (r) => r.status === 'open',
    );
    expect(opened).toMatchObject({ status: 'open', priority: 'medium', level: 1 });
    expect(opened.first_response_due_at).not.toBeNull();

    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(first.number));
    const result = await handle.executeUpdate(commandUpdates.request_info, {
      args: [{ agent: 'luis', body: 'Envíe la captura' }],
    });
    expect(result).toMatchObject({ status: 'awaiting_customer' });
    const waiting = await eventually(
      () => row(first.number),
      (r) => r.status === 'awaiting_customer',
    );
    expect(waiting.status).toBe('awaiting_customer');
  });

  it('auto-closes the ticket when the information never arrives, then reopens it on reply', async (ctx) => {
    ctx.skip(!stack.env.timeSkipping, NEEDS_SKIPPED_TIME);
    const { number } = await openAwaitingInfo(`expire-${taskQueue}`);
    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(number));
    await stack.env.env.sleep(5 * DAY);
    const closed = await eventually(
      () => row(number),
      (r) => r.status === 'closed',
    );
    expect(closed.status).toBe('closed');

    await handle.signal(customerReplySignal, { messageId: 'm-1', body: 'Adjunto la captura' });
    const reopened = await eventually(
      () => row(number),
      (r) => r.status === 'open',
    );
    expect(reopened.status).toBe('open');

    const events = await stack.database.db
      .selectFrom('ticket_events')
      .select(['seq', 'type'])
      .where('ticket_number', '=', number)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['created', 'info_requested', 'auto_closed', 'reopened', 'customer_reply']),
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const outbox = await stack.database.db
      .selectFrom('outbox')
      .select(['template', 'recipient'])
      .where('ticket_number', '=', number)
      .orderBy('id')
      .execute();
    expect(outbox.map((o) => o.template)).toEqual(
      expect.arrayContaining(['ticket_created', 'info_requested', 'auto_closed', 'ticket_reopened']),
    );
    expect(new Set(outbox.map((o) => o.recipient))).toEqual(new Set(['ana@acme.mx']));

    const snapshot = await handle.query(ticketStateQuery);
    expect(snapshot.state.status).toBe('open');
    expect(snapshot.clocks.map((c) => c.metric)).toContain('resolution');
    expect(snapshot.clocks.find((c) => c.metric === 'resolution')?.explanation.es).toMatch(/política w32/);
  });

  it('answers a refused command at once with the rule and the reason, leaving the ticket unchanged', async () => {
    const created = await createTicket(deps(), {
      customerId: 'acme',
      draft: w32Draft,
      now: await stack.env.env.currentTimeMs(),
    });
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(created.number));
    const refused = await handle
      .executeUpdate(commandUpdates.confirm, { args: [{ by: 'ana' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause as { type?: string; details?: unknown[] };
    expect(cause.type).toBe('LifecycleRefusal');
    expect(cause.details?.[0]).toMatchObject({ rule: 'validation', code: 'not_resolved' });
    const { state } = await handle.query(ticketStateQuery);
    expect(state.status).toBe('open');
    await handle.executeUpdate(commandUpdates.close, { args: [{ by: 'luis', reason: 'test' }] });
  });

  it('replays every ticket history it produced without a nondeterminism error', async () => {
    const histories = [];
    const listed = async () => {
      const found = [];
      for await (const execution of stack.env.client.workflow.list({
        query: "WorkflowType = 'ticketWorkflow'",
      }))
        found.push(execution);
      return found;
    };
    // Visibility on a real server is eventually consistent.
    const executions = await eventually(listed, (found) => found.length >= 2);
    for (const execution of executions) {
      const history = await stack.env.client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .fetchHistory();
      histories.push({ workflowId: execution.workflowId, history });
    }
    expect(histories.length).toBeGreaterThanOrEqual(2);
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(workflowsPath) },
      histories,
    );
    let replayed = 0;
    for await (const result of results) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(histories.length);
  });
});
