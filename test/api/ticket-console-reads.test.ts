/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- response bodies are untyped JSON */
/**
 * What the staff console reads besides the plain projection: the business-time countdown of each
 * ticket (counted in its policy calendar, running or not right now) and a ticket's notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, checkResponsesAfterEach, seedTicket, type TestApi } from './helpers';
import { testPolicy } from './fixtures';

const H = 3_600_000;
/** Montevideo (UTC-3, no DST): Mon-Fri 09-18 local is 12:00-21:00 UTC; critical also Saturday 09-12 local. */
const FRIDAY_17 = '2026-11-27T20:00:00Z';
const SATURDAY_10 = '2026-11-28T13:00:00Z';
const MONDAY_10 = '2026-11-30T13:00:00Z';

let api: TestApi;
checkResponsesAfterEach(() => api);
let now = new Date(FRIDAY_17);

beforeAll(async () => {
  api = await createTestApi({ api: { now: () => now } });
  const policy = testPolicy({
    calendars: {
      business: {
        zone: 'America/Montevideo',
        businessDayHours: 9,
        weekly: [
          { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' },
          { days: ['sat'], from: '09:00', to: '12:00', priorities: ['critical'] },
        ],
      },
      oncall: {
        zone: 'America/Montevideo',
        businessDayHours: 24,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
      },
    },
    plans: [
      {
        id: 'gold',
        name: { es: 'Oro', en: 'Gold' },
        quota: 3,
        period: 'month',
        sla: {
          firstResponse: {
            critical: { hours: 1 },
            high: { hours: 2 },
            medium: { hours: 4 },
            low: { hours: 8, clock: 'calendar' },
          },
        },
      },
    ],
  });
  expect((await api.call('post', '/v1/policies').send(policy)).status).toBe(201);
  for (const id of ['acme', 'zeta']) {
    expect((await api.call('post', '/v1/customers').send({ id, name: id.toUpperCase() })).status).toBe(201);
  }
});
afterAll(() => api.destroy());

/** A projected ticket as intake and the workflow would leave it, on the test policy's business calendar. */
function seed(values: Record<string, unknown>, intake: object | null = { calendarId: 'business' }) {
  const due = values.next_due_at ?? null;
  return seedTicket(api.db, {
    customer_id: 'acme',
    policy_id: 'acme-support',
    policy_version: 1,
    first_response_due_at: due,
    next_due_at: due,
    ...(intake && {
      intake: JSON.stringify({
        open: { ...intake, contract: { planId: 'gold', options: {} }, draft: { type: 'incident' } },
      }),
    }),
    ...values,
  });
}

describe('business-time countdowns', () => {
  const n: Record<string, number> = {};
  beforeAll(async () => {
    n.high = await seed({ priority: 'high', next_due_at: MONDAY_10, subject: 'high' });
    n.critical = await seed({ priority: 'critical', next_due_at: MONDAY_10, subject: 'critical' });
    n.overdue = await seed({ priority: 'medium', next_due_at: '2026-11-27T15:00:00Z', breached: true });
    n.calendar = await seed({ priority: 'low', next_due_at: '2026-11-28T04:00:00Z' });
    n.awaiting = await seed({ priority: 'high', status: 'awaiting_customer', next_due_at: null });
    n.oddStatus = await seed({ priority: 'high', status: 'resolved', next_due_at: MONDAY_10 });
    n.noIntake = await seed({ priority: 'high', next_due_at: MONDAY_10 }, null);
    n.unknownPolicy = await seed({ priority: 'high', next_due_at: MONDAY_10, policy_id: 'ghost' });
    n.onCall = await seed({ priority: 'high', next_due_at: MONDAY_10 }, { calendarId: 'oncall' });
    // Intake's decision names the calendar when the opening request does not.
    n.decidedOnCall = await seed({
      priority: 'high',
      next_due_at: MONDAY_10,
      intake: JSON.stringify({ decision: { calendarId: 'oncall' } }),
    });
  });

  const countdownsAt = async (at: string) => {
    now = new Date(at);
    const res = await api.call('get', '/v1/tickets?limit=50&status=open,awaiting_customer,resolved');
    expect(res.status).toBe(200);
    return new Map<number, Record<string, unknown>>(
      res.body.items.map((t: { number: number; countdown: Record<string, unknown> }) => [
        t.number,
        t.countdown,
      ]),
    );
  };

  it('counts only open business hours, per priority, and says whether the clock runs now', async () => {
    const c = await countdownsAt(FRIDAY_17);
    // Friday 17:00 -> 18:00 local, then Monday 09:00 -> 10:00: two business hours.
    expect(c.get(n.high!)).toEqual({
      asOf: '2026-11-27T20:00:00.000Z',
      metric: 'firstResponse',
      clock: 'business',
      remainingMs: 2 * H,
      running: true,
      stoppedBy: null,
      changesAt: '2026-11-27T21:00:00.000Z',
    });
    // Critical tickets are also served Saturday 09-12: three more hours.
    expect(c.get(n.critical!)).toMatchObject({ remainingMs: 5 * H, running: true });
    // Overdue: business time since the due instant, negative (12:00 -> 17:00 local).
    expect(c.get(n.overdue!)).toMatchObject({ remainingMs: -5 * H, running: true, metric: 'firstResponse' });
    // A target on the wall clock counts every hour.
    expect(c.get(n.calendar!)).toMatchObject({
      clock: 'calendar',
      remainingMs: 8 * H,
      running: true,
      changesAt: null,
    });
    expect(c.get(n.awaiting!)).toMatchObject({
      metric: null,
      remainingMs: null,
      running: false,
      stoppedBy: 'no_clock',
    });
    expect(c.get(n.oddStatus!)).toMatchObject({ remainingMs: 2 * H, running: false, stoppedBy: 'status' });
    // Rows without the intake record fall back to the policy's default calendar.
    expect(c.get(n.noIntake!)).toMatchObject({ remainingMs: 2 * H, running: true });
    expect(c.get(n.unknownPolicy!)).toMatchObject({
      metric: 'firstResponse',
      remainingMs: null,
      running: false,
    });
    // The on-call calendar is open around the clock: wall time, never stopped.
    expect(c.get(n.onCall!)).toMatchObject({ remainingMs: 2 * 24 * H + 17 * H, running: true });
    expect(c.get(n.decidedOnCall!)).toEqual(c.get(n.onCall!));
  });

  it('stops outside business hours and says when the clock starts again', async () => {
    const c = await countdownsAt(SATURDAY_10);
    expect(c.get(n.high!)).toMatchObject({
      remainingMs: 1 * H,
      running: false,
      stoppedBy: 'outside_hours',
      changesAt: '2026-11-30T12:00:00.000Z',
    });
    // Saturday 10:00 -> 12:00 local for critical, then Monday 09:00 -> 10:00.
    expect(c.get(n.critical!)).toMatchObject({
      remainingMs: 3 * H,
      running: true,
      changesAt: '2026-11-28T15:00:00.000Z',
    });
    expect(c.get(n.overdue!)).toMatchObject({ remainingMs: -6 * H, running: false });
  });

  it('shows the same countdown on the ticket and in the breaches report', async () => {
    now = new Date(FRIDAY_17);
    const one = await api.call('get', `/v1/tickets/${n.high}`);
    expect(one.status).toBe(200);
    expect(one.body.countdown).toMatchObject({ remainingMs: 2 * H, running: true });
    const breaches = await api.call('get', '/v1/reports/breaches');
    expect(breaches.status).toBe(200);
    const row = breaches.body.items.find((t: { number: number }) => t.number === n.overdue);
    expect(row.countdown).toMatchObject({ remainingMs: -5 * H });
  });

  it('lists the tickets due within N minutes of their own clock, however far away on the wall clock', async () => {
    now = new Date(FRIDAY_17);
    const statuses = 'status=open,awaiting_customer,resolved';
    const numbersOf = async (query: string) => {
      const res = await api.call('get', `/v1/tickets?${statuses}&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((t: { number: number }) => t.number) as number[];
    };
    // Two business hours left (Monday 10:00 is 65 wall-clock hours away); critical has five, the wall-clock
    // target eight; overdue, unknown and on-call (65 h around the clock) tickets are not due soon.
    const within3h = [n.high, n.oddStatus, n.noIntake];
    expect(await numbersOf('dueWithinMinutes=180&limit=50')).toEqual(within3h);
    expect(await numbersOf('dueWithinMinutes=300&limit=50')).toEqual(
      [n.high, n.critical, n.oddStatus, n.noIntake].sort((a, b) => a! - b!),
    );
    // Keyset pages of one row walk the same set.
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call(
        'get',
        `/v1/tickets?${statuses}&dueWithinMinutes=180&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      paged.push(...res.body.items.map((t: { number: number }) => t.number));
      cursor = res.body.nextCursor;
    } while (cursor !== null && paged.length < 10);
    expect(paged).toEqual(within3h);
    // Saturday 10:00: high tickets have one hour left (stopped until Monday), critical three.
    now = new Date(SATURDAY_10);
    expect(await numbersOf('dueWithinMinutes=60&limit=50&priority=high,critical')).toEqual(within3h);
    now = new Date(FRIDAY_17);
  });

  it('refuses a due-within filter on the newest-first order', async () => {
    const res = await api.call('get', '/v1/tickets?dueWithinMinutes=60&sort=-number');
    expect(res.status).toBe(400);
    expect(res.body['invalid-params']).toEqual([
      expect.objectContaining({ name: 'query.sort', reason: 'dueWithinMinutes needs sort=due' }),
    ]);
  });

  it('gives every row of a full page its countdown', async () => {
    now = new Date(FRIDAY_17);
    for (let i = 0; i < 50; i++) {
      await seed({
        priority: i % 2 ? 'high' : 'critical',
        next_due_at: new Date(Date.parse(MONDAY_10) + i * H),
      });
    }
    // Speed is measured by `npm run bench:api`; here, every row of a full page gets its countdown.
    const res = await api.call('get', '/v1/tickets?limit=50');
    expect(res.body.items).toHaveLength(50);
    expect(
      res.body.items.every(
        (t: { countdown: { remainingMs: unknown } }) => t.countdown.remainingMs !== undefined,
      ),
    ).toBe(true);
  });
});

describe('ticket notifications', () => {
  let number: number;
  let other: number;
  beforeAll(async () => {
    number = await seed({ priority: 'high', next_due_at: null, status: 'awaiting_customer' });
    other = await seed({ customer_id: 'zeta', priority: 'low', next_due_at: null });
    const at = (iso: string) => new Date(iso);
    await api.db
      .insertInto('ticket_events')
      .values([
        { ticket_number: number, seq: 1, type: 'created', at: at('2026-11-20T12:00:00Z'), actor: 'customer' },
        {
          ticket_number: number,
          seq: 2,
          type: 'info_requested',
          at: at('2026-11-21T15:00:00Z'),
          actor: 'agent',
        },
      ])
      .execute();
    await api.db
      .insertInto('outbox')
      .values([
        {
          dedupe_key: `ticket:${number}:1:ticket_created:ana@acme.test`,
          ticket_number: number,
          channel: 'email',
          template: 'ticket_created',
          locale: 'es',
          recipient: 'ana@acme.test',
          status: 'delivered',
          attempts: 1,
          delivered_at: at('2026-11-20T12:00:05Z'),
        },
        {
          dedupe_key: `ticket:${number}:2:info_requested:ana@acme.test`,
          ticket_number: number,
          channel: 'email',
          template: 'info_requested',
          locale: 'es',
          recipient: 'ana@acme.test',
          attempts: 2,
          last_error: 'smtp: 451 try later',
          next_attempt_at: at('2026-11-21T15:05:00Z'),
        },
        {
          dedupe_key: `ticket:${number}:2:webhook`,
          ticket_number: number,
          channel: 'webhook',
          template: 'ticket_event',
          locale: 'en',
          recipient: 'https://hooks.example.com/orquesta/s3cr3t?token=abc',
          status: 'failed',
          attempts: 8,
          last_error: 'webhook: HTTP 410',
        },
        {
          dedupe_key: `manual:${number}:note`,
          ticket_number: number,
          channel: 'email',
          template: 'ticket_closed',
          locale: 'en',
          recipient: 'luis@acme.test',
        },
        {
          dedupe_key: `ticket:${other}:1:ticket_created:z@zeta.test`,
          ticket_number: other,
          channel: 'email',
          template: 'ticket_created',
          locale: 'en',
          recipient: 'z@zeta.test',
        },
      ])
      .execute();
  });

  it('lists them in queue order with their status and the instant of the entry that issued them', async () => {
    const res = await api.call('get', `/v1/tickets/${number}/notifications`);
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(items.map((x: { template: string }) => x.template)).toEqual([
      'ticket_created',
      'info_requested',
      'ticket_event',
      'ticket_closed',
    ]);
    expect(items[0]).toMatchObject({
      channel: 'email',
      recipient: 'ana@acme.test',
      locale: 'es',
      status: 'delivered',
      attempts: 1,
      eventSeq: 1,
      at: '2026-11-20T12:00:00.000Z',
      deliveredAt: '2026-11-20T12:00:05.000Z',
      nextAttemptAt: null,
    });
    expect(items[1]).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: 'smtp: 451 try later',
      eventSeq: 2,
      at: '2026-11-21T15:00:00.000Z',
      nextAttemptAt: '2026-11-21T15:05:00.000Z',
      deliveredAt: null,
    });
    // A webhook shows only where it goes, not its path or token.
    expect(items[2]).toMatchObject({
      channel: 'webhook',
      recipient: 'https://hooks.example.com',
      status: 'failed',
    });
    // Not issued by a timeline entry: the instant it was queued.
    expect(items[3].eventSeq).toBeNull();
    expect(items[3].at).toBe(items[3].queuedAt);
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with a keyset cursor and refuses forged ones', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call(
        'get',
        `/v1/tickets/${number}/notifications?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((x: { template: string }) => x.template));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['ticket_created', 'info_requested', 'ticket_event', 'ticket_closed']);
    const forged = Buffer.from(JSON.stringify({ id: 'x' })).toString('base64url');
    expect((await api.call('get', `/v1/tickets/${number}/notifications?cursor=${forged}`)).status).toBe(400);
    expect((await api.call('get', `/v1/tickets/${number}/notifications?limit=0`)).status).toBe(400);
  });

  it('answers 404 for unknown tickets and for tickets outside a scoped key', async () => {
    expect((await api.call('get', '/v1/tickets/999999/notifications')).status).toBe(404);
    const scoped = await api.keyFor('read-only', ['zeta']);
    expect((await api.call('get', `/v1/tickets/${number}/notifications`, scoped)).status).toBe(404);
    const mine = await api.call('get', `/v1/tickets/${other}/notifications`, scoped);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: { recipient: string }) => x.recipient)).toEqual(['z@zeta.test']);
    const integration = await api.keyFor('integration');
    expect((await api.call('get', `/v1/tickets/${number}/notifications`, integration)).status).toBe(200);
  });

  it('is documented in /openapi.json', async () => {
    const doc = (await api.call('get', '/openapi.json')).body;
    const op = doc.paths['/v1/tickets/{number}/notifications'].get;
    expect(op.operationId).toBe('listTicketNotifications');
    expect(op['x-roles']).toEqual(['admin', 'agent', 'read-only', 'integration']);
  });
});

describe('customer search for pickers', () => {
  beforeAll(async () => {
    // More customers than one page of the largest limit, so a picker cannot rely on loading them all.
    await api.db
      .insertInto('customers')
      .values(
        Array.from({ length: 260 }, (_, i) => ({
          id: `c${String(i).padStart(3, '0')}`,
          name: i === 247 ? 'Talleres Reyes del Norte' : `Cliente ${i}`,
        })),
      )
      .execute();
  });

  it('finds a customer by part of its name or id, case-insensitively, however far down the list', async () => {
    const byName = await api.call('get', '/v1/customers?q=reyes&limit=10');
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((c: { id: string }) => c.id)).toEqual(['c247']);
    const byId = await api.call('get', '/v1/customers?q=C24&limit=5');
    expect(byId.body.items.map((c: { id: string }) => c.id)).toEqual([
      'c240',
      'c241',
      'c242',
      'c243',
      'c244',
    ]);
    const next = await api.call('get', `/v1/customers?q=C24&limit=5&cursor=${byId.body.nextCursor}`);
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([
      'c245',
      'c246',
      'c247',
      'c248',
      'c249',
    ]);
    expect((await api.call('get', '/v1/customers?q=%25')).body.items).toEqual([]);
    const scoped = await api.keyFor('agent', ['zeta', 'c247']);
    const limited = await api.call('get', '/v1/customers?q=e', scoped);
    expect(limited.body.items.map((c: { id: string }) => c.id)).toEqual(['c247', 'zeta']);
  });
});
