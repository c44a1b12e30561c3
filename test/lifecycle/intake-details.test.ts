/**
 * Intake in detail, beside `intake.test.ts`: a retry under an exhausted quota, the quota rows of plan, pack
 * and exempt tickets, a retry of a ticket whose workflow has ended, the workflow's start (its search
 * attributes, calendar windows reaching past now for a ticket stored long ago, an unknown calendar) and how
 * deep the "search attribute missing" cause is looked for.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket, startTicketWorkflow, type CreateTicketResult } from '../../activities/intake';
import { WINDOW_HORIZON_MS } from '../../workflows/ticket/constants';
import { ticketWorkflowId } from '../../workflows/ticket/messages';
import type { TestEnv } from '../support/temporal-env';
import { seedCustomer } from './fixtures';
import {
  forgetfulIntake,
  intakeDraft,
  startIntakeStack,
  stopIntakeStack,
  type IntakeStack,
} from './intake-fixtures';

const DAY = 86_400_000;

describe('intake in detail', () => {
  let env: TestEnv;
  let database: IntakeStack['database'];
  const taskQueue = 'intake-details';

  beforeAll(async () => {
    ({ env, database } = await startIntakeStack());
  });
  afterAll(() => stopIntakeStack({ env, database }));
  const deps = () => ({ db: database.db, client: env.client, taskQueue });
  const numberOf = (result: CreateTicketResult) => {
    if (!('number' in result)) throw new Error(`no ticket: ${JSON.stringify(result)}`);
    return result.number;
  };
  const consumptions = (number: number) =>
    database.db
      .selectFrom('quota_consumptions')
      .select(['source', 'purchase_id'])
      .where('ticket_number', '=', number)
      .execute();

  it('answers a retry with its ticket even once the quota is used up, not with a refusal', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'fullco', now, { plan: 'basic' });
    const open = (i: number) =>
      createTicket(deps(), { customerId: 'fullco', draft: intakeDraft(i), idempotencyKey: `full-${i}`, now });
    const first = await open(0);
    expect(first.outcome).toBe('created');
    for (let i = 1; i < 5; i++) expect((await open(i)).outcome).toBe('created');
    expect((await open(5)).outcome).toBe('refused'); // the basic plan's 5 are used
    const retried = await open(0);
    expect(retried).toMatchObject({ outcome: 'existing', number: numberOf(first) });
  });

  it('records the plan or the pack a ticket consumed, and nothing for an exempt one', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'packco', now, { plan: 'basic' });
    const open = (i: number, category = 'support') =>
      createTicket(deps(), { customerId: 'packco', draft: { ...intakeDraft(i), category }, now });
    const fromPlan = numberOf(await open(700));
    expect(await consumptions(fromPlan)).toEqual([{ source: 'plan', purchase_id: null }]);
    for (let i = 1; i < 5; i++) await open(700 + i);
    await database.db
      .insertInto('addon_purchases')
      .values({
        id: 'packco-pack',
        contract_id: 'packco-contract',
        pack_id: 'monthly_addon',
        tickets: 5,
        purchased_at: new Date(now),
        expires_at: new Date(now + 30 * DAY),
      })
      .execute();
    const fromPack = numberOf(await open(710));
    expect(await consumptions(fromPack)).toEqual([{ source: 'pack', purchase_id: 'packco-pack' }]);
    const exempt = numberOf(await open(711, 'administrative'));
    expect(await consumptions(exempt)).toEqual([]);
  });

  it('does not start again the workflow of a ticket that has moved on, when its creation is retried', async () => {
    const now = await env.env.currentTimeMs();
    const request = {
      customerId: 'tiendas',
      draft: { ...intakeDraft(720), category: 'administrative' },
      idempotencyKey: 'moved-on',
      now,
    };
    const created = await createTicket(deps(), request);
    const number = numberOf(created);
    const handle = env.client.workflow.getHandle(ticketWorkflowId(number));
    // As after the ticket was closed and its workflow ended.
    await handle.terminate('closed for the test');
    await database.db.updateTable('tickets').set({ status: 'closed' }).where('number', '=', number).execute();
    expect(await createTicket(deps(), request)).toMatchObject({ outcome: 'existing', number });
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  describe("the workflow's start", () => {
    /** The started event of a ticket's workflow: its input and its search attributes, decoded. */
    async function startedWith(workflowId: string, runId?: string) {
      const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      const input = defaultPayloadConverter.fromPayload<{ windows: { from: number; to: number } }>(
        started.input!.payloads![0]!,
      );
      const attributes = Object.fromEntries(
        Object.entries(started.searchAttributes?.indexedFields ?? {}).map(([name, payload]) => [
          name,
          defaultPayloadConverter.fromPayload(payload),
        ]),
      );
      return { input, attributes };
    }

    it('sets the ticket number, customer, priority and status search attributes', async () => {
      const now = await env.env.currentTimeMs();
      const created = await createTicket(deps(), {
        customerId: 'tiendas',
        draft: { ...intakeDraft(730), category: 'administrative', priority: 'high' },
        now,
      });
      if (created.outcome !== 'created') throw new Error(created.outcome);
      const { attributes } = await startedWith(created.workflowId);
      expect(attributes).toMatchObject({
        TicketNumber: created.number,
        CustomerId: 'tiendas',
        TicketPriority: 'high',
        TicketStatus: 'open',
      });
    });

    it('gives a ticket stored long ago calendar windows from a day before it to the horizon past now', async () => {
      const now = await env.env.currentTimeMs();
      const created = await createTicket(deps(), {
        customerId: 'tiendas',
        draft: { ...intakeDraft(740), category: 'administrative' },
        now,
      });
      const number = numberOf(created);
      const workflowId = ticketWorkflowId(number);
      await env.client.workflow.getHandle(workflowId).terminate('restarted below from an older row');
      // The row as if stored 400 days ago and its workflow never started (the reconciler's case).
      const row = await database.db
        .selectFrom('tickets')
        .selectAll()
        .where('number', '=', number)
        .executeTakeFirstOrThrow();
      const stored = row.intake as unknown as { open: { createdAt: number } };
      const createdAt = Date.now() - 400 * DAY;
      const old = { ...row, intake: { ...stored, open: { ...stored.open, createdAt } } } as typeof row;
      const before = Date.now();
      await startTicketWorkflow(deps(), old);
      // The workflow's current run (described, not listed: a real server's visibility lags behind the start).
      const current = await env.client.workflow.getHandle(workflowId).describe();
      expect(current.status.name).toBe('RUNNING');
      const { input } = await startedWith(workflowId, current.runId);
      expect(input.windows.from).toBe(createdAt - DAY);
      expect(input.windows.to).toBeGreaterThanOrEqual(before + WINDOW_HORIZON_MS);
      await env.client.workflow.getHandle(workflowId).terminate('done');
    });

    it('refuses to start a ticket whose stored calendar its policy does not have, naming both', async () => {
      const now = await env.env.currentTimeMs();
      const created = await createTicket(deps(), {
        customerId: 'tiendas',
        draft: { ...intakeDraft(750), category: 'administrative' },
        now,
      });
      const row = await database.db
        .selectFrom('tickets')
        .selectAll()
        .where('number', '=', numberOf(created))
        .executeTakeFirstOrThrow();
      const stored = row.intake as unknown as { open: Record<string, unknown> };
      const broken = {
        ...row,
        intake: { ...stored, open: { ...stored.open, calendarId: 'nowhere' } },
      } as typeof row;
      await expect(startTicketWorkflow(deps(), broken)).rejects.toThrow(
        `policy ${row.policy_id} has no calendar nowhere`,
      );
    });
  });

  describe('a start refused for a search attribute the namespace forgot', () => {
    const forgetful = (error: Error) => forgetfulIntake(env, deps(), error);
    const request = async (n: number) => ({
      customerId: 'tiendas',
      draft: { ...intakeDraft(n), category: 'administrative' },
      now: await env.env.currentTimeMs(),
    });
    const wrapped = (layers: number) => {
      let error = new Error('no mapping defined for search attribute TicketStatus');
      for (let i = 0; i < layers; i++) error = new Error(`layer ${i}`, { cause: error });
      return error;
    };

    it('is recognised under five wrapping errors, and not under six', async () => {
      const five = forgetful(wrapped(5));
      expect((await createTicket(five.d, await request(760))).outcome).toBe('created');
      expect([five.registered(), five.starts()]).toEqual([1, 2]);
      const six = forgetful(wrapped(6));
      await expect(createTicket(six.d, await request(761))).rejects.toThrow('layer 5');
      expect([six.registered(), six.starts()]).toEqual([0, 1]);
    });

    it('throws any other failure as it is, whatever its cause holds', async () => {
      for (const [i, error] of [
        new Error('connection refused', { cause: null }),
        new Error('connection refused', { cause: 'a string' }),
      ].entries()) {
        const other = forgetful(error);
        await expect(createTicket(other.d, await request(770 + i))).rejects.toBe(error);
        expect(other.registered()).toBe(0);
      }
    });
  });
});
