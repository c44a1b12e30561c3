import type { Answer, Call } from './api-client';

/**
 * A policy whose timers fall due within a minute of wall-clock time, so a test on the real Temporal server
 * (no time skipping) can stop the system across them: a 24x7 calendar, and every duration in calendar
 * (wall-clock) seconds.
 */
export const TIMER_SECONDS = 40;

const soon = { minutes: TIMER_SECONDS / 60, clock: 'calendar' };

export function timerPolicy(): Record<string, unknown> {
  return {
    id: 'durable',
    version: 1,
    name: 'Durability test policy',
    calendars: {
      always: {
        zone: 'UTC',
        businessDayHours: 24,
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
      },
    },
    defaultCalendar: 'always',
    plans: [
      {
        id: 'std',
        name: { es: 'Estándar', en: 'Standard' },
        quota: null,
        period: 'month',
        sla: { firstResponse: { high: soon } },
      },
    ],
    ticketTypes: [{ id: 'incident', name: { es: 'Incidente', en: 'Incident' } }],
    categories: [{ id: 'general', name: { es: 'General', en: 'General' } }],
    channels: { portal: { accepted: true } },
    infoWait: { pausesSla: true, contactAttempts: { count: 1, every: soon }, onExpiry: 'close' },
    validation: { window: soon, billableWhenFinal: false },
    escalation: {
      levels: [{ level: 1, name: { es: 'Nivel 1', en: 'Level 1' } }],
      matrix: [
        { name: 'Sara Supervisora', role: 'supervisor', email: 'sara@durable.test', notifyOn: ['breach'] },
      ],
    },
  };
}

/** A ticket draft under {@link timerPolicy}. */
export const draft = {
  channel: 'portal',
  type: 'incident',
  category: 'general',
  priority: 'high',
  requesterName: 'Ana Durable',
  requesterEmail: 'ana@durable.test',
  description: 'Un ticket que debe sobrevivir',
};

/** Stores and activates {@link timerPolicy} and gives customer `durable-co` a contract under it. */
export async function setUpCustomer(call: Call): Promise<void> {
  const expectStatus = (res: Answer, status: number, what: string) => {
    if (res.status !== status)
      throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  };
  expectStatus(await call('POST', '/v1/policies', timerPolicy()), 201, 'store the policy');
  expectStatus(await call('POST', '/v1/policies/durable/versions/1/activate'), 200, 'activate it');
  expectStatus(
    await call('POST', '/v1/customers', { id: 'durable-co', name: 'Durable Co' }),
    201,
    'customer',
  );
  const contract = await call('POST', '/v1/contracts', {
    customerId: 'durable-co',
    policyId: 'durable',
    policyVersion: 1,
    plan: 'std',
    period: 'monthly',
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  });
  expectStatus(contract, 201, 'contract');
}
