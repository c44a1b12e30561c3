import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseQuota, decideIntake, normalizeName } from '../../domain/intake';
import type { PackBalance } from '../../domain/contract';
import { loadPreset } from '../../policies';
import { D, at, contractFor, draft } from './helpers';

const sisnova = loadPreset('sisnova');
const now = at('2026-11-20T10:00-06:00');
const request = {
  channel: 'portal',
  category: 'support',
  subject: 'Error',
  description: 'No imprime',
} as const;

function pack(id: string, purchasedAt: number, remaining = 3): PackBalance {
  return { id, packId: 'monthly_addon', purchasedAt, expiresAt: purchasedAt + 30 * D, remaining };
}

describe('quota choice: oldest expiring first', () => {
  it('uses a pack that expires before the plan period ends', () => {
    const early = pack('early', at('2026-10-25T00:00Z')); // expires 2026-11-24, before the period ends 12-01
    const c = contractFor(sisnova, { planId: 'basic', quotaUsed: 1, packs: [early] });
    expect(chooseQuota(sisnova, c, now)).toMatchObject({
      kind: 'pack',
      purchaseId: 'early',
      remainingAfter: 2,
    });
  });

  it('uses the plan period before a pack that expires later', () => {
    const late = pack('late', at('2026-11-15T00:00Z'));
    const c = contractFor(sisnova, { planId: 'basic', quotaUsed: 1, packs: [late] });
    expect(chooseQuota(sisnova, c, now)).toEqual({
      kind: 'plan',
      planId: 'basic',
      expiresAt: at('2026-12-01T00:00Z'),
      remainingAfter: 3,
    });
  });

  it('prefers the plan on a tie, and ignores empty, expired and not yet bought packs', () => {
    const tie = { ...pack('tie', at('2026-11-01T00:00Z')), expiresAt: at('2026-12-01T00:00Z') };
    expect(chooseQuota(sisnova, contractFor(sisnova, { planId: 'basic', packs: [tie] }), now)).toMatchObject({
      kind: 'plan',
    });
    const unusable = [
      pack('empty', at('2026-11-10T00:00Z'), 0),
      pack('expired', at('2026-10-01T00:00Z')),
      pack('future', now + 1),
    ];
    expect(
      chooseQuota(sisnova, contractFor(sisnova, { planId: 'basic', quotaUsed: 5, packs: unusable }), now),
    ).toBeUndefined();
  });

  it('always picks an available quota that expires no later than any other (property)', () => {
    const packArb = fc.record({
      purchasedAt: fc.integer({ min: now - 40 * D, max: now + D }),
      remaining: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(packArb, { maxLength: 5 }), (used, raw) => {
        const packs = raw.map((p, i) => pack(`p${i}`, p.purchasedAt, p.remaining));
        const c = contractFor(sisnova, { planId: 'basic', quotaUsed: used, packs });
        const available = [
          ...(used < 5 ? [c.periodEnd] : []),
          ...packs
            .filter((p) => p.remaining > 0 && p.purchasedAt <= now && now < p.expiresAt)
            .map((p) => p.expiresAt),
        ];
        const choice = chooseQuota(sisnova, c, now);
        if (available.length === 0) return choice === undefined;
        return choice !== undefined && 'expiresAt' in choice && choice.expiresAt === Math.min(...available);
      }),
      { numRuns: 300 },
    );
  });
});

describe('intake decisions', () => {
  it('reports every refusal reason at once, each naming its rule', () => {
    const c = contractFor(sisnova, { planId: 'basic', quotaUsed: 5, periodEnd: now });
    const decision = decideIntake(
      sisnova,
      c,
      draft({ channel: 'portal', type: 'complaint', category: 'new_terminal' }),
      now,
    );
    expect(decision.accepted).toBe(false);
    if (decision.accepted) return;
    expect(decision.reasons.map((r) => [r.rule, r.code])).toEqual([
      ['channels.portal.requiredFields', 'missing_field'],
      ['channels.portal.requiredFields', 'missing_field'],
      ['ticketTypes', 'unknown_type'],
      ['categories.new_terminal.routedTo', 'routed_elsewhere'],
      ['entitlement.requirePlan', 'outside_period'],
    ]);
    for (const r of decision.reasons) {
      expect(r.message.es.length).toBeGreaterThan(0);
      expect(r.message.en.length).toBeGreaterThan(0);
    }
    expect(decision.routedTo?.team).toBe('sales');
  });

  it('refuses channels the policy does not list, and unknown categories', () => {
    const decision = decideIntake(
      sisnova,
      contractFor(sisnova),
      draft({ ...request, channel: 'whatsapp', category: 'hardware' }),
      now,
    );
    expect(decision).toMatchObject({
      accepted: false,
      reasons: [
        { rule: 'channels.whatsapp', code: 'channel_not_offered' },
        { rule: 'categories', code: 'unknown_category' },
      ],
    });
  });

  it('files a draft without category under the first category that is not routed away', () => {
    expect(
      decideIntake(sisnova, contractFor(sisnova), draft({ ...request, category: undefined }), now),
    ).toMatchObject({
      accepted: true,
      category: 'support',
      calendarId: 'business',
      quota: { kind: 'plan' },
    });
  });

  it('throws when the contract is served under another policy version', () => {
    const c = { ...contractFor(sisnova), policyVersion: 2 };
    expect(() => decideIntake(sisnova, c, draft(request), now)).toThrow(/sisnova@2, not sisnova@1/);
  });

  it('compares names and emails without case, accents or extra spaces', () => {
    expect(normalizeName('  María   LÓPEZ ')).toBe('maria lopez');
  });
});
