/**
 * Issue 12, defect 7: a create whose workflow start fails (Temporal down) leaves a `new` ticket holding
 * quota. The reconciler starts the workflow of a ticket created under an Idempotency-Key and releases
 * (deletes, with its quota consumption) one created without; and a start refused because the namespace
 * lost the search attributes (a restarted dev server or emulator) registers them and succeeds.
 */
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createTicket } from '../../activities/intake';
import { reconcileUnstartedTickets } from '../../activities/reconcile';
import { ensureSearchAttributes } from '../../worker/search-attributes';
import { ticketWorkflowId } from '../../workflows/ticket/messages';
import { freePort } from '../support/free-port';
import { createTestEnv } from '../support/temporal-env';
import { eventually, seedCustomer } from './fixtures';
import { ticketWorkerStack } from './worker-stack';

const draft = {
  channel: 'portal' as const,
  category: 'support',
  priority: 'high' as const,
  requesterName: 'Luis Pérez',
  subject: 'La caja no imprime',
  description: 'Desde esta mañana',
};

describe('tickets whose workflow start failed', () => {
  const taskQueue = 'reconcile';
  const stack = ticketWorkerStack({
    taskQueue,
    seed: (db, now) => seedCustomer(db, 'sisnova', 'tiendas', now, { plan: 'basic' }),
  });

  const quotaUsed = async () =>
    (await stack.database.db.selectFrom('quota_consumptions').select('ticket_number').execute()).map(
      (r) => r.ticket_number,
    );

  it('are started when created under a key, released (with their quota) when not', async () => {
    // Temporal "down": nothing listens at this address.
    const down = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const failedCreate = (idempotencyKey?: string) =>
      down
        .withDeadline(Date.now() + 1_000, () =>
          createTicket(
            { db: stack.database.db, client: down, taskQueue },
            { customerId: 'tiendas', draft, ...(idempotencyKey && { idempotencyKey }), now: Date.now() },
          ),
        )
        .then(
          () => 'created',
          () => 'failed',
        );
    expect(await failedCreate()).toBe('failed');
    expect(await failedCreate('k-1')).toBe('failed');
    const orphans = await stack.database.db
      .selectFrom('tickets')
      .select(['number', 'status', 'idempotency_key'])
      .orderBy('number')
      .execute();
    expect(orphans.map((t) => t.status)).toEqual(['new', 'new']);
    expect(await quotaUsed()).toHaveLength(2);
    const [keyless, keyed] = orphans.map((t) => t.number) as [number, number];

    const report = await reconcileUnstartedTickets(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { graceMs: 0, now: Date.now() + 1 },
    );
    expect(report).toEqual({ started: [keyed], released: [keyless], running: [] });
    expect(await quotaUsed()).toEqual([keyed]);
    expect(
      await stack.database.db.selectFrom('tickets').select('number').where('number', '=', keyless).execute(),
    ).toEqual([]);
    const opened = await eventually(
      () =>
        stack.database.db
          .selectFrom('tickets')
          .select('status')
          .where('number', '=', keyed)
          .executeTakeFirstOrThrow(),
      (r) => r.status === 'open',
    );
    expect(opened.status).toBe('open');
    // The caller's retry with its key finds the ticket; a second round has nothing left to do.
    const retried = await createTicket(
      { db: stack.database.db, client: stack.env.client, taskQueue },
      { customerId: 'tiendas', draft, idempotencyKey: 'k-1', now: Date.now() },
    );
    expect(retried).toMatchObject({ outcome: 'existing', number: keyed });
    expect(
      await reconcileUnstartedTickets(
        { db: stack.database.db, client: stack.env.client, taskQueue },
        { graceMs: 0 },
      ),
    ).toEqual({ started: [], released: [], running: [] });
  });

  it('registers lost search attributes and starts the workflow when Temporal comes back without them', async () => {
    const bare = await createTestEnv({ timeSkipping: true }); // a fresh server: no custom attributes
    try {
      const created = await createTicket(
        {
          db: stack.database.db,
          client: bare.client,
          taskQueue,
          ensureSearchAttributes: () => ensureSearchAttributes(bare.connection, bare.namespace),
        },
        { customerId: 'tiendas', draft, now: Date.now() },
      );
      expect(created.outcome).toBe('created');
      if (created.outcome !== 'created') return;
      const described = await bare.client.workflow.getHandle(ticketWorkflowId(created.number)).describe();
      expect(described.status.name).toBe('RUNNING');
    } finally {
      await bare.teardown();
    }
  });
});
