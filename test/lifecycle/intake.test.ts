import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket, type CreateTicketResult } from '../../activities/intake';
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

describe('intake on Postgres and Temporal', () => {
  let env: TestEnv;
  let database: IntakeStack['database'];
  const taskQueue = 'intake-tests';

  beforeAll(async () => {
    ({ env, database } = await startIntakeStack());
  });
  afterAll(() => stopIntakeStack({ env, database }));
  const deps = () => ({ db: database.db, client: env.client, taskQueue });

  it('accepts exactly the quota when 20 tickets are created at once against a quota of 5', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'racers', now, { plan: 'basic' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createTicket(deps(), { customerId: 'racers', draft: intakeDraft(i), now }),
      ),
    );
    const created = results.filter(
      (r): r is Extract<CreateTicketResult, { number: number }> => r.outcome === 'created',
    );
    expect(created).toHaveLength(5);
    expect(new Set(created.map((r) => r.number)).size).toBe(5);
    for (const r of results.filter((x) => x.outcome === 'refused')) {
      expect(r).toMatchObject({ reasons: [{ code: 'quota_exhausted', rule: 'plans.basic.quota' }] });
    }
    const consumed = await database.db
      .selectFrom('quota_consumptions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('contract_id', '=', 'racers-contract')
      .executeTakeFirstOrThrow();
    expect(Number(consumed.n)).toBe(5);
  });

  it('serves an add-on pack once the plan quota is used, and administrative cases without consuming quota', async () => {
    const now = await env.env.currentTimeMs();
    for (let i = 0; i < 5; i++) {
      // The plan's 5 (nothing if an earlier test already used them): then only the pack serves.
      await createTicket(deps(), { customerId: 'tiendas', draft: intakeDraft(50 + i), now });
    }
    await database.db
      .insertInto('addon_purchases')
      .values({
        id: 'pack-1',
        contract_id: 'tiendas-contract',
        pack_id: 'monthly_addon',
        tickets: 5,
        purchased_at: new Date(now),
        expires_at: new Date(now + 30 * DAY),
      })
      .execute();
    const withPack = await createTicket(deps(), { customerId: 'tiendas', draft: intakeDraft(100), now });
    expect(withPack).toMatchObject({
      outcome: 'created',
      decision: { quota: { kind: 'pack', purchaseId: 'pack-1' } },
    });
    const admin = await createTicket(deps(), {
      customerId: 'tiendas',
      draft: { ...intakeDraft(101), category: 'administrative' },
      now,
    });
    expect(admin).toMatchObject({ outcome: 'created', decision: { quota: { kind: 'exempt' } } });
  });

  it('never makes two tickets for the same idempotency key, even when both calls race', async () => {
    const now = await env.env.currentTimeMs();
    const [a, b] = await Promise.all([
      createTicket(deps(), {
        customerId: 'tiendas',
        draft: { ...intakeDraft(200), category: 'administrative' },
        idempotencyKey: 'same',
        now,
      }),
      createTicket(deps(), {
        customerId: 'tiendas',
        draft: { ...intakeDraft(200), category: 'administrative' },
        idempotencyKey: 'same',
        now,
      }),
    ]);
    expect(a.outcome === 'created' || b.outcome === 'created').toBe(true);
    const numbers = [a, b].map((r) => ('number' in r ? r.number : undefined));
    expect(numbers[0]).toBeTypeOf('number');
    expect(numbers[1]).toBe(numbers[0]);
    const rows = await database.db
      .selectFrom('tickets')
      .select('number')
      .where('idempotency_key', '=', 'same')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('finishes on retry a creation whose process died between storing the ticket and starting its workflow', async () => {
    const now = await env.env.currentTimeMs();
    const request = {
      customerId: 'tiendas',
      draft: { ...intakeDraft(300), category: 'administrative' },
      idempotencyKey: 'crashed-start',
      now,
    };
    // The real client, except that the process "dies" at the workflow start: the ticket row is committed.
    const crashing = {
      ...deps(),
      client: Object.assign(Object.create(env.client) as typeof env.client, {
        workflow: { start: () => Promise.reject(new Error('process died before the workflow start')) },
      }),
    };
    await expect(createTicket(crashing, request)).rejects.toThrow('process died');
    const stored = await database.db
      .selectFrom('tickets')
      .select(['number', 'status', 'workflow_id'])
      .where('idempotency_key', '=', 'crashed-start')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('new');
    await expect(env.client.workflow.getHandle(stored.workflow_id).describe()).rejects.toThrow();

    const retried = await createTicket(deps(), request);
    expect(retried).toMatchObject({
      outcome: 'existing',
      number: stored.number,
      workflowId: stored.workflow_id,
    });
    const described = await env.client.workflow.getHandle(stored.workflow_id).describe();
    expect(described.status.name).toBe('RUNNING');
    const rows = await database.db
      .selectFrom('tickets')
      .select('number')
      .where('idempotency_key', '=', 'crashed-start')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses a customer without a contract', async () => {
    expect(await createTicket(deps(), { customerId: 'nobody', draft: intakeDraft(1) })).toEqual({
      outcome: 'no_contract',
    });
  });

  it('stores the draft on the row, filling the requester’s email from the contract and defaults from the policy', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'rowco', now, {
      plan: 'basic',
      requesters: [{ name: 'Luis Paz' }, { name: 'Ana Ruiz', email: 'ana@rowco.gt' }],
    });
    const byName = await createTicket(deps(), {
      customerId: 'rowco',
      draft: {
        channel: 'chat',
        category: 'support',
        priority: 'high',
        requesterName: 'ana  ruiz',
        productVersion: 'R3',
        module: 'Ventas',
        contactPhone: '5555-0101',
      },
      now,
    });
    if (byName.outcome !== 'created') throw new Error(byName.outcome);
    const row = (number: number) =>
      database.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const stored = await row(byName.number);
    expect(stored).toMatchObject({
      workflow_id: ticketWorkflowId(byName.number),
      customer_id: 'rowco',
      contract_id: 'rowco-contract',
      policy_id: 'sisnova',
      policy_version: 1,
      channel: 'chat',
      type: 'unspecified',
      category: 'support',
      priority: 'high',
      status: 'new',
      requester_email: 'ana@rowco.gt',
      requester_name: 'ana  ruiz',
      subject: '',
      description: '',
      idempotency_key: null,
      locale: 'es',
      product_version: 'R3',
      module: 'Ventas',
      contact_phone: '5555-0101',
      created_by: null,
      created_at: new Date(now),
      updated_at: new Date(now),
    });
    const intake = stored.intake as unknown as { decision: unknown; open: Record<string, unknown> };
    expect(intake.decision).toEqual(byName.decision);
    expect(intake.open).toMatchObject({ number: byName.number, category: 'support', createdAt: now });
    expect(intake.open).not.toHaveProperty('locale');
    expect(intake.open).not.toHaveProperty('createdBy');
    const consumption = await database.db
      .selectFrom('quota_consumptions')
      .selectAll()
      .where('ticket_number', '=', byName.number)
      .executeTakeFirstOrThrow();
    expect(consumption).toMatchObject({
      contract_id: 'rowco-contract',
      source: 'plan',
      purchase_id: null,
      period_start: new Date(now - 5 * DAY),
    });

    const registered = await createTicket(deps(), {
      customerId: 'rowco',
      draft: {
        channel: 'chat',
        category: 'support',
        type: 'question',
        requesterEmail: 'otro@rowco.gt',
        requesterName: 'Ana Ruiz',
        subject: 'Duda',
        description: 'Cómo exporto',
      },
      createdBy: 'luis@sisnova.gt',
      locale: 'en',
      idempotencyKey: 'rowco-registered',
      now,
    });
    if (registered.outcome !== 'created') throw new Error(registered.outcome);
    const second = await row(registered.number);
    expect(second).toMatchObject({
      type: 'question',
      requester_email: 'otro@rowco.gt',
      subject: 'Duda',
      description: 'Cómo exporto',
      idempotency_key: 'rowco-registered',
      locale: 'en',
      created_by: 'luis@sisnova.gt',
      product_version: null,
      module: null,
      contact_phone: null,
    });
    expect((second.intake as unknown as { open: unknown }).open).toMatchObject({
      locale: 'en',
      createdBy: 'luis@sisnova.gt',
    });

    // Nobody on file by that name, no email given: the row keeps an empty address, not a guess.
    const unknown = await createTicket(deps(), {
      customerId: 'rowco',
      draft: { channel: 'chat', category: 'administrative', requesterName: 'Pedro' },
      now,
    });
    if (unknown.outcome !== 'created') throw new Error(unknown.outcome);
    expect(await row(unknown.number)).toMatchObject({ requester_email: '', requester_name: 'Pedro' });
    const exempt = await database.db
      .selectFrom('quota_consumptions')
      .select('ticket_number')
      .where('ticket_number', '=', unknown.number)
      .execute();
    expect(exempt).toEqual([]);
  });

  it('refuses with every reason, and names the team a category is routed to, storing nothing', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'routedco', now, { plan: 'basic' });
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom('tickets')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('customer_id', '=', 'routedco')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const routed = await createTicket(deps(), {
      customerId: 'routedco',
      draft: { ...intakeDraft(400), category: 'new_terminal' },
      now,
    });
    expect(routed).toEqual({
      outcome: 'refused',
      reasons: [expect.objectContaining({ code: 'routed_elsewhere' })],
      routedTo: { team: 'sales', answer: expect.objectContaining({ es: expect.stringContaining('Ventas') }) },
    });
    const refused = await createTicket(deps(), {
      customerId: 'routedco',
      draft: { ...intakeDraft(401), channel: 'email' },
      now,
    });
    expect(refused).toEqual({
      outcome: 'refused',
      reasons: [expect.objectContaining({ code: 'channel_refused' })],
    });
    expect(await count()).toBe(0);
  });

  it('registers the search attributes and starts again once when the namespace forgot them', async () => {
    const now = await env.env.currentTimeMs();
    await seedCustomer(database.db, 'sisnova', 'attrco', now, { plan: 'basic' });
    const forgetful = (error: Error) => forgetfulIntake(env, deps(), error);
    const request = (n: number) => ({
      customerId: 'attrco',
      draft: { ...intakeDraft(n), category: 'administrative' },
      now,
    });

    // The SDK's message, or its details, possibly wrapped as the cause of another error.
    for (const [i, error] of [
      new Error('Namespace default has no mapping defined for search attribute TicketNumber'),
      Object.assign(new Error('start failed'), {
        details: 'No mapping defined for search attribute CustomerId',
      }),
      new Error('start failed', {
        cause: new Error('wrapped', { cause: new Error('no mapping defined for search attribute X') }),
      }),
    ].entries()) {
      const f = forgetful(error);
      const created = await createTicket(f.d, request(500 + i));
      expect(created.outcome).toBe('created');
      expect(f.registered()).toBe(1);
      expect(f.starts()).toBe(2);
      if (created.outcome !== 'created') continue;
      const described = await env.client.workflow.getHandle(created.workflowId).describe();
      expect(described.status.name).toBe('RUNNING');
    }

    // Any other failure is thrown as it is, without registering anything; so is this one without the hook.
    const other = forgetful(new Error('connection refused'));
    await expect(createTicket(other.d, request(510))).rejects.toThrow('connection refused');
    expect(other.registered()).toBe(0);
    expect(other.starts()).toBe(1);
    const noHook = forgetful(new Error('no mapping defined for search attribute TicketNumber'));
    const { ensureSearchAttributes: _omitted, ...withoutHook } = noHook.d;
    await expect(createTicket(withoutHook, request(511))).rejects.toThrow('no mapping defined');
    expect(noHook.starts()).toBe(1);
    // Too deep a chain of causes is not searched (and a cycle does not hang).
    let deep: Error = new Error('no mapping defined for search attribute X');
    for (let i = 0; i < 7; i++) deep = new Error(`layer ${i}`, { cause: deep });
    const tooDeep = forgetful(deep);
    await expect(createTicket(tooDeep.d, request(512))).rejects.toThrow('layer 6');
    expect(tooDeep.registered()).toBe(0);
    const cyclic = new Error('cycle');
    Object.assign(cyclic, { cause: cyclic });
    await expect(createTicket(forgetful(cyclic).d, request(513))).rejects.toThrow('cycle');
  });
});
