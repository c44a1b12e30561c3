/**
 * The scenario simulator is the acceptance tool, so it must count quota as production does, keep going
 * when a step reaches an ended ticket (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../simulator/scenario';
import { runScenario } from '../../simulator/runner';
import { realTemporalAddress } from '../support/temporal-env';

const SCENARIOS_NEED_VIRTUAL_CLOCK =
  'the simulator runs on a virtual clock from fixed instants (skipped time): emulator only, not a real server';

const ticket = (name: string) => ({
  ticket: name,
  customer: 'tienda',
  draft: {
    channel: 'portal',
    type: 'error',
    category: 'support',
    priority: 'low',
    requesterName: 'Marta Gil',
    requesterEmail: 'marta@tienda.gt',
    subject: `Error ${name}`,
    description: 'La factura no se imprime.',
  },
});

// sisnova: "Puede adquirir un plan adicional mensual en cualquier momento. La fecha de vencimiento del plan
// adicional será 30 días después de su fecha de compra." / "No, los tickets no son transferibles entre los
// periodos de planes de soporte." (a monthly quota, on a yearly contract here)
const scenario = ScenarioSchema.parse({
  name: 'simulator: quota periods, add-on balances, ended tickets',
  policy: 'sisnova',
  customers: [
    {
      id: 'tienda',
      name: 'Tienda La Ceiba',
      contract: {
        planId: 'basic',
        periodStart: '2026-03-01T00:00:00-06:00',
        periodEnd: '2027-03-01T00:00:00-06:00',
        quotaUsed: 4,
        packs: [
          {
            id: 'P-1',
            packId: 'monthly_addon',
            purchasedAt: '2026-03-01T08:00:00-06:00',
            expiresAt: '2026-03-31T08:00:00-06:00',
            remaining: 1,
          },
        ],
      },
    },
  ],
  steps: [
    { at: '2026-03-02T09:00:00-06:00', create: ticket('plan') },
    { at: '2026-03-02T09:00:00-06:00', create: ticket('pack') },
    { at: '2026-03-02T09:00:00-06:00', create: ticket('none-left') },
    { at: '2026-03-02T09:30:00-06:00', close: { ticket: 'plan', reason: 'Resuelto por teléfono' } },
    // sisnova's reopen window is 15 days: by 2026-03-20 the ticket's workflow has ended.
    { at: '2026-03-20T10:00:00-06:00', customerReply: { ticket: 'plan', body: 'Vuelve a fallar' } },
    { at: '2026-04-01T09:00:00-06:00', create: ticket('april') },
  ],
  expect: [],
});

describe('scenario simulator', () => {
  it('counts quota per month and add-on balances, and refuses steps on ended tickets', async (ctx) => {
    ctx.skip(realTemporalAddress() !== undefined, SCENARIOS_NEED_VIRTUAL_CLOCK);
    const result = await runScenario(scenario, '.');
    const of = (name: string) => result.events.filter((e) => e.ticket === name);

    // The fifth ticket of March uses the plan, the sixth the add-on's last ticket, the seventh finds none.
    expect(result.tickets.plan?.status).not.toBe('refused');
    expect(result.tickets.pack?.status).not.toBe('refused');
    expect(
      of('none-left')
        .filter((e) => e.type === 'refused')
        .map((e) => e.data.code),
    ).toEqual(['quota_exhausted']);
    // April is a new quota period on the same contract: its quota is whole again.
    expect(result.tickets.april?.status).toBe('open');

    // Creation is stamped at its step's instant.
    expect(of('pack').find((e) => e.type === 'created')?.at).toBe('2026-03-02T15:00:00.000Z');

    // The reply to the ended ticket is recorded as refused, and the run went on to April.
    expect(of('plan').filter((e) => e.type === 'refused')).toMatchObject([
      { at: '2026-03-20T16:00:00.000Z', data: { command: 'customer_reply', code: 'ticket_ended' } },
    ]);
  }, 300_000);
});
