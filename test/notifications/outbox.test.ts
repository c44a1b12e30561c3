import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueNotifications, type NotificationToSend } from '../../activities/notifications/outbox';
import { createTestDatabase } from '../support/database';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.destroy());

const confirmation: NotificationToSend = {
  dedupeKey: 'ticket:1042:created',
  ticketNumber: null,
  channel: 'email',
  template: 'ticket_created',
  locale: 'es',
  recipient: 'ana@cliente.test',
  payload: { ticketNumber: 1042, subject: 'No imprime' },
};

async function keys(): Promise<string[]> {
  const rows = await handle.db.selectFrom('outbox').select('dedupe_key').orderBy('id').execute();
  return rows.map((r) => r.dedupe_key);
}

describe('enqueueNotifications', () => {
  it('writes each dedupe key once, however often it is called', async () => {
    expect(await enqueueNotifications(handle.db, [confirmation])).toBe(1);
    expect(await enqueueNotifications(handle.db, [confirmation])).toBe(0);
    const breach: NotificationToSend = {
      ...confirmation,
      dedupeKey: 'ticket:1042:breach:firstResponse',
      template: 'sla_breach',
      recipient: 'l2@orquesta.test',
    };
    expect(await enqueueNotifications(handle.db, [confirmation, breach])).toBe(1);
    expect(await keys()).toEqual(['ticket:1042:created', 'ticket:1042:breach:firstResponse']);
    const row = await handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('dedupe_key', '=', 'ticket:1042:created')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, channel: 'email', locale: 'es' });
    expect(row.payload).toEqual({ ticketNumber: 1042, subject: 'No imprime' });
  });

  it('commits or rolls back with the projection transaction it is given', async () => {
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await enqueueNotifications(trx, [{ ...confirmation, dedupeKey: 'rolled-back' }]);
        throw new Error('projection write failed');
      }),
    ).rejects.toThrow('projection write failed');
    expect(await keys()).not.toContain('rolled-back');
  });

  it('holds a row back until notBefore', async () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    await enqueueNotifications(handle.db, [{ ...confirmation, dedupeKey: 'later', notBefore }]);
    const row = await handle.db
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('dedupe_key', '=', 'later')
      .executeTakeFirstOrThrow();
    expect(new Date(row.next_attempt_at as unknown as string).toISOString()).toBe(notBefore.toISOString());
    expect(await enqueueNotifications(handle.db, [])).toBe(0);
  });
});
