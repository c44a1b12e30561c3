import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../support/database';
import { migrateToLatestOrThrow } from '../../db/index';
import { migrations } from '../../db/migrations/index';

describe('migrations on a fresh embedded Postgres', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    handle = await createTestDatabase({ migrate: false });
  });
  afterAll(() => handle.destroy());

  it('apply every listed migration in order, then report nothing left to do', async () => {
    const applied = await migrateToLatestOrThrow(handle.db);
    expect(applied).toEqual(Object.keys(migrations));
    expect(Object.keys(migrations)).toEqual([...Object.keys(migrations)].sort());
    expect(await migrateToLatestOrThrow(handle.db)).toEqual([]);
  });

  it('create the tables the lifecycle needs', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      handle.db,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['contracts', 'customers', 'outbox', 'ticket_events', 'tickets']),
    );
  });

  it('allocate sequential ticket numbers and keep the timeline idempotent per (ticket, seq)', async () => {
    await handle.db.insertInto('customers').values({ id: 'acme', name: 'ACME' }).execute();
    const base = {
      customer_id: 'acme',
      contract_id: null,
      policy_id: 'w32',
      policy_version: 1,
      channel: 'email',
      type: 'incident',
      priority: 'high',
      status: 'open',
      requester_email: 'ana@acme.test',
      subject: 's',
      description: 'd',
      idempotency_key: null,
    };
    const first = await handle.db
      .insertInto('tickets')
      .values({ ...base, workflow_id: 'ticket:a' })
      .returning('number')
      .executeTakeFirstOrThrow();
    const second = await handle.db
      .insertInto('tickets')
      .values({ ...base, workflow_id: 'ticket:b' })
      .returning('number')
      .executeTakeFirstOrThrow();
    expect(second.number).toBe(first.number + 1);
    const event = { ticket_number: first.number, seq: 1, type: 'created', at: new Date() };
    await handle.db.insertInto('ticket_events').values(event).execute();
    await handle.db
      .insertInto('ticket_events')
      .values(event)
      .onConflict((oc) => oc.columns(['ticket_number', 'seq']).doNothing())
      .execute();
    const count = await handle.db
      .selectFrom('ticket_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    await expect(handle.db.insertInto('ticket_events').values(event).execute()).rejects.toThrow(
      /duplicate key/,
    );
  });

  it('refuse a contract that ends before it starts', async () => {
    await expect(
      handle.db
        .insertInto('contracts')
        .values({
          id: 'c1',
          customer_id: 'acme',
          policy_id: 'w32',
          policy_version: 1,
          plan: 'basic',
          period: 'monthly',
          starts_at: '2026-02-01T00:00:00Z',
          ends_at: '2026-01-01T00:00:00Z',
        })
        .execute(),
    ).rejects.toThrow(/contracts_period_order/);
  });
});
