/**
 * Issue 12, defect 1: a projection that keeps failing must not wedge a ticket. The workflow retries the
 * projection a bounded number of times, flags the ticket in Postgres, keeps answering updates and queries,
 * and catches up once the projection succeeds again (on the next decision or after its back-off timer).
 * The failure is real: a Postgres trigger refuses the timeline row, as Postgres refused `\u0000` (22P05).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTicket } from '../../activities/intake';
import { projectTicket } from '../../activities/projection';
import { createMetrics } from '../../api/metrics';
import { ticketView } from '../../api/repositories/tickets';
import { commandUpdates, ticketStateQuery, ticketWorkflowId } from '../../workflows/ticket/messages';
import { eventually, seedCustomer, w32Draft } from './fixtures';
import { ticketWorkerStack } from './worker-stack';

describe('a failing projection', () => {
  const taskQueue = 'projection-failure';
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
  const eventTypes = async (number: number) =>
    (
      await stack.database.db
        .selectFrom('ticket_events')
        .select('type')
        .where('ticket_number', '=', number)
        .orderBy('seq')
        .execute()
    ).map((e) => e.type);

  it('flags the ticket, keeps taking commands and queries, and catches up when Postgres accepts it again', async () => {
    const created = await createTicket(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await stack.env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const number = created.number;
    await eventually(
      () => row(number),
      (r) => r.status === 'open',
    );

    await sql`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.data::text like '%VENENO%' then
          raise exception 'poisoned timeline entry' using errcode = '22P05';
        end if;
        return new;
      end $$`.execute(stack.database.db);
    await sql`create trigger refuse_poison before insert on ticket_events for each row execute function refuse_poison()`.execute(
      stack.database.db,
    );

    const handle = stack.env.client.workflow.getHandle(ticketWorkflowId(number));
    const reply = await handle.executeUpdate(commandUpdates.agent_reply, {
      args: [{ messageId: 'm-veneno', agent: 'luis', body: 'VENENO', internal: false }],
    });
    expect(reply).toMatchObject({ number, status: 'open' });

    const flagged = await eventually(
      () => row(number),
      (r) => r.projection_error !== null,
    );
    expect(flagged.projection_error).toMatch(/poisoned timeline entry/);
    expect(flagged.projection_failures).toBeGreaterThanOrEqual(1);
    // Visible to the API (and so the console) and to the metrics scrape.
    expect(ticketView(flagged)).toMatchObject({
      needsAttention: true,
      projectionError: 'poisoned timeline entry',
    });
    expect(await createMetrics(stack.database.db).registry.metrics()).toMatch(
      /^orquesta_tickets_needing_attention 1$/m,
    );

    // The workflow still answers: a query, and a command (whose projection fails too, as it carries the reply).
    const { state } = await handle.query(ticketStateQuery);
    expect(state.counters.agentReplies).toBe(1);
    const assigned = await handle.executeUpdate(commandUpdates.assign, {
      args: [{ assignee: 'marta', by: 'luis' }],
    });
    expect(assigned).toMatchObject({ assignee: 'marta' });
    expect(await eventTypes(number)).not.toContain('agent_reply');

    // Postgres accepts the entry again: the back-off timer retries (on skipped time; a real server without
    // time skipping would take minutes, so there the next decision triggers the retry) and everything
    // decided arrives, in order.
    await sql`drop trigger refuse_poison on ticket_events`.execute(stack.database.db);
    if (stack.env.timeSkipping) {
      await stack.env.env.sleep(31 * 60_000);
    } else {
      await handle.executeUpdate(commandUpdates.change_priority, {
        args: [{ priority: 'high', by: 'luis' }],
      });
    }
    const healed = await eventually(
      () => row(number),
      (r) => r.projection_error === null && r.assignee === 'marta',
    );
    expect(healed).toMatchObject({ projection_error: null, projection_failures: 0, assignee: 'marta' });
    expect(await eventTypes(number)).toEqual(expect.arrayContaining(['created', 'agent_reply', 'assigned']));
    await handle.executeUpdate(commandUpdates.close, { args: [{ by: 'luis', reason: 'test' }] });
  });

  it('stores text Postgres refuses (NUL, lone surrogates) in a storable form instead of failing', async () => {
    const created = await createTicket(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { customerId: 'acme', draft: w32Draft, now: await stack.env.env.currentTimeMs() },
    );
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const number = created.number;
    const live = await stack.env.client.workflow.getHandle(ticketWorkflowId(number)).query(ticketStateQuery);
    await projectTicket(stack.database.db, {
      number,
      version: 1_000,
      view: live.view,
      timeline: [
        {
          seq: 999,
          type: 'customer_reply',
          at: Date.now(),
          actor: 'customer',
          data: { body: 'hola\u0000mundo \ud800' },
        },
      ],
      notifications: [],
    });
    const stored = await stack.database.db
      .selectFrom('ticket_events')
      .select('data')
      .where('ticket_number', '=', number)
      .where('seq', '=', 999)
      .executeTakeFirstOrThrow();
    expect(stored.data).toEqual({ body: 'holamundo \ufffd' });
  });
});
