import { describe, expect, it } from 'vitest';
import { addBusiness, businessClock } from '../../domain/calendar/business-time';
import { expandCalendar } from '../../domain/calendar/expand';
import { decideIntake } from '../../domain/intake';
import {
  calendarFor,
  infoWaitRule,
  level1BudgetRule,
  priorityDecayRule,
  reopenRule,
  validationRule,
} from '../../domain/policy/rules';
import type { Policy, Priority } from '../../domain/policy/schema';
import { slaDueInstants, slaTargets } from '../../domain/sla';
import type { ContractSnapshot } from '../../domain/contract';
import { PRESET_NAMES, loadPreset, loadPresets } from '../../policies';
import { D, H, at, contractFor, draft } from './helpers';

/** Due instant of `metric` for a ticket created at `start` under `contract`. */
function due(policy: Policy, contract: ContractSnapshot, priority: Priority, start: number, type?: string) {
  const { calendar } = calendarFor(policy, contract);
  const windows = expandCalendar(calendar, start - D, start + 60 * D);
  const dues = slaDueInstants({ policy, contract, priority, start, windows, ...(type && { type }) });
  return Object.fromEntries(dues.map((d) => [d.metric, d.at]));
}

/** Adds a resolved business duration on the contract's calendar. */
function addOn(policy: Policy, contract: ContractSnapshot, priority: Priority, start: number, ms: number) {
  const { calendar } = calendarFor(policy, contract);
  return addBusiness(businessClock(expandCalendar(calendar, start - D, start + 60 * D), priority), start, ms);
}

describe('the five presets', () => {
  it('load, validate and live side by side in one registry', () => {
    const registry = loadPresets();
    expect(registry.all().map((p) => `${p.id}@${p.version}`)).toEqual([
      'arcoiris@1',
      'indetec@1',
      'paygroup@1',
      'sisnova@1',
      'w32@1',
    ]);
    for (const name of PRESET_NAMES) expect(registry.get(name, 1)?.id).toBe(name);
  });
});

describe('arcoiris', () => {
  const policy = loadPreset('arcoiris');
  const contract = contractFor(policy, {
    planId: 'basic',
    authorizedRequesters: [{ name: 'Ana', email: 'ana@cliente.co' }],
  });
  const portal = {
    channel: 'portal',
    type: 'problem_report',
    description: 'Falla al importar, ocurre al guardar',
    requesterEmail: 'ana@cliente.co',
  } as const;

  it('48 business hours from Monday 10:00 Bogota land on Wednesday of the following week at 09:00', () => {
    expect(due(policy, contract, 'medium', at('2026-11-23T10:00-05:00')).firstResponse).toBe(
      at('2026-12-02T09:00-05:00'),
    );
  });

  it('skips the Cartagena holiday (Monday 2026-11-16)', () => {
    expect(due(policy, contract, 'low', at('2026-11-09T10:00-05:00')).firstResponse).toBe(
      at('2026-11-19T09:00-05:00'),
    );
  });

  it('refuses email with the policy answer and accepts the web form', () => {
    const refused = decideIntake(
      policy,
      contract,
      draft({ ...portal, channel: 'email' }),
      at('2026-11-23T10:00-05:00'),
    );
    expect(refused).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'channels.email', code: 'channel_refused' }],
    });
    if (!refused.accepted)
      expect(refused.reasons[0]?.message.es).toContain('correo electrónico no son recibidas');
    const accepted = decideIntake(policy, contract, draft(portal), at('2026-11-23T10:00-05:00'));
    expect(accepted).toMatchObject({ accepted: true, quota: { kind: 'plan', remainingAfter: 4 } });
  });

  it('requires the request type and allows 5 requests a month', () => {
    const noType = decideIntake(
      policy,
      contract,
      draft({ ...portal, type: undefined }),
      at('2026-11-23T10:00-05:00'),
    );
    expect(noType).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'channels.portal.requiredFields', code: 'missing_field' }],
    });
    const sixth = decideIntake(
      policy,
      { ...contract, quotaUsed: 5 },
      draft(portal),
      at('2026-11-23T10:00-05:00'),
    );
    expect(sixth).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'plans.basic.quota', code: 'quota_exhausted' }],
    });
  });

  it('makes two contact attempts one business day apart, then closes; 8 days to validate, then billable', () => {
    const { calendar } = calendarFor(policy, contract);
    const wait = infoWaitRule(policy, calendar);
    expect(wait).toMatchObject({
      onExpiry: 'close',
      contactAttempts: { count: 2, every: { ms: 7 * H, clock: 'businessDays' } },
    });
    // First attempt Monday 16:00 -> second attempt Tuesday 16:00 -> close Wednesday 16:00.
    const every = wait?.contactAttempts?.every.ms ?? 0;
    const second = addOn(policy, contract, 'medium', at('2026-11-23T16:00-05:00'), every);
    expect(second).toBe(at('2026-11-24T16:00-05:00'));
    expect(addOn(policy, contract, 'medium', second!, every)).toBe(at('2026-11-25T16:00-05:00'));
    expect(validationRule(policy, calendar)).toEqual({
      window: { ms: 8 * D, clock: 'calendar' },
      billableWhenFinal: true,
    });
    expect(policy.escalation).toMatchObject({ customerMayRequest: true, raisesPriority: true });
  });

  it('uses the update frequency of the request type', () => {
    expect(slaTargets(policy, 'basic', 'medium', 'problem_report').nextUpdate).toEqual({ hours: 14 });
    expect(slaTargets(policy, 'basic', 'medium', 'question').nextUpdate).toEqual({ hours: 21 });
  });
});

describe('w32', () => {
  const policy = loadPreset('w32');
  const contract = contractFor(policy, {
    authorizedRequesters: [{ name: 'Luis Pérez', email: 'luis@agencia.mx', role: 'Gerente de servicio' }],
  });
  const { calendar } = calendarFor(policy, contract);
  const email = {
    channel: 'email',
    company: 'Agencia SA',
    requesterName: 'Luis Pérez',
    requesterEmail: 'LUIS@agencia.mx',
    contactPhone: '5555',
    subject: 'Error al facturar',
    description: 'Al timbrar aparece un error',
    attachments: 1,
  } as const;

  it('closes an info request unanswered for 3 business days (Monday 15:00 -> Thursday 15:00)', () => {
    const wait = infoWaitRule(policy, calendar);
    expect(wait).toMatchObject({ onExpiry: 'close', reopenOnReply: true, expireAfter: { ms: 36 * H } });
    expect(addOn(policy, contract, 'medium', at('2026-11-23T15:00-06:00'), wait!.expireAfter!.ms)).toBe(
      at('2026-11-26T15:00-06:00'),
    );
    // From Thursday 15:00: Friday, (Saturday is for critical only), Monday, Tuesday 15:00.
    expect(addOn(policy, contract, 'low', at('2026-11-26T15:00-06:00'), 36 * H)).toBe(
      at('2026-12-01T15:00-06:00'),
    );
  });

  it('counts the Saturday 09:00-14:00 window for critical tickets only', () => {
    const friday = at('2026-11-27T19:30-06:00');
    expect(due(policy, contract, 'critical', friday).firstResponse).toBe(at('2026-11-28T09:30-06:00'));
    expect(due(policy, contract, 'low', friday).firstResponse).toBe(at('2026-11-30T15:30-06:00'));
  });

  it('accepts a complete email from an authorized account', () => {
    expect(decideIntake(policy, contract, draft(email), at('2026-11-23T10:00-06:00'))).toMatchObject({
      accepted: true,
      quota: { kind: 'unlimited' },
    });
  });

  it('refuses a portal request without an image from an unauthorized account, with every reason', () => {
    const decision = decideIntake(
      policy,
      contract,
      draft({
        ...email,
        channel: 'portal',
        attachments: 0,
        requesterEmail: 'otro@agencia.mx',
        contactPhone: undefined,
      }),
      at('2026-11-23T10:00-06:00'),
    );
    expect(decision.accepted).toBe(false);
    if (decision.accepted) return;
    expect(decision.reasons.map((r) => r.rule)).toEqual([
      'channels.portal.requiredFields',
      'channels.portal.minAttachments',
      'entitlement.authorizedRequesters',
    ]);
    expect(decision.reasons[0]?.message.en).toContain('contact number');
  });

  it('identifies phone requesters by authorized name, in support hours', () => {
    const phone = draft({
      ...email,
      channel: 'phone',
      requesterName: 'luis perez',
      requesterEmail: undefined,
      attachments: 0,
    });
    expect(decideIntake(policy, contract, phone, at('2026-11-23T10:00-06:00')).accepted).toBe(true);
    const night = decideIntake(policy, contract, phone, at('2026-11-23T21:00-06:00'));
    expect(night).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'channels.phone.openDuring', code: 'channel_closed' }],
    });
  });

  it('takes Saturday phone calls (guardia) for critical incidents only', () => {
    const phone = draft({ ...email, channel: 'phone', requesterEmail: undefined, attachments: 0 });
    const saturday = at('2026-11-28T10:00-06:00');
    expect(decideIntake(policy, contract, { ...phone, priority: 'critical' }, saturday).accepted).toBe(true);
    expect(decideIntake(policy, contract, { ...phone, priority: 'high' }, saturday)).toMatchObject({
      accepted: false,
      reasons: [{ code: 'channel_closed' }],
    });
  });

  it('has an escalation matrix of three managers', () => {
    expect(policy.escalation.matrix.map((m) => m.email)).toEqual([
      'ovalenzuela@w32.mx',
      'gescoto@w32.mx',
      'vgaspar@w32.mx',
    ]);
  });
});

describe('sisnova', () => {
  const policy = loadPreset('sisnova');
  const request = {
    channel: 'portal',
    category: 'support',
    subject: 'Error',
    description: 'No imprime',
  } as const;
  const now = at('2026-11-23T10:00-06:00');

  it('sets first-response targets per plan and priority (Monday 10:00 Guatemala)', () => {
    const basic = contractFor(policy, { planId: 'basic' });
    const corporate = contractFor(policy, { planId: 'corporate' });
    expect(due(policy, basic, 'low', now).firstResponse).toBe(at('2026-11-24T09:00-06:00'));
    expect(due(policy, basic, 'high', now).firstResponse).toBe(at('2026-11-23T12:00-06:00'));
    expect(due(policy, corporate, 'medium', now).firstResponse).toBe(at('2026-11-23T12:00-06:00'));
    expect(due(policy, corporate, 'high', now).firstResponse).toBe(at('2026-11-23T11:00-06:00'));
  });

  it('refuses when the monthly quota is exhausted and there is no add-on', () => {
    const decision = decideIntake(
      policy,
      contractFor(policy, { planId: 'basic', quotaUsed: 5 }),
      draft(request),
      now,
    );
    expect(decision).toMatchObject({ accepted: false, reasons: [{ code: 'quota_exhausted' }] });
    if (!decision.accepted) expect(decision.reasons[0]?.message.en).toContain('an add-on can be bought');
  });

  it('consumes an add-on pack (valid 30 days from purchase) once the plan quota is used', () => {
    const bought = at('2026-11-10T12:00-06:00');
    const contract = contractFor(policy, {
      planId: 'basic',
      quotaUsed: 5,
      packs: [
        { id: 'p1', packId: 'monthly_addon', purchasedAt: bought, expiresAt: bought + 30 * D, remaining: 5 },
      ],
    });
    expect(decideIntake(policy, contract, draft(request), now)).toMatchObject({
      accepted: true,
      quota: { kind: 'pack', purchaseId: 'p1', remainingAfter: 4 },
    });
    // After the pack expires, nothing is left.
    expect(decideIntake(policy, contract, draft(request), bought + 30 * D).accepted).toBe(false);
  });

  it('serves administrative cases without a plan, consuming no quota', () => {
    const noPlan = contractFor(policy, { planId: null });
    expect(
      decideIntake(policy, noPlan, draft({ ...request, category: 'administrative' }), now),
    ).toMatchObject({
      accepted: true,
      quota: { kind: 'exempt' },
    });
    expect(decideIntake(policy, noPlan, draft(request), now)).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'entitlement.requirePlan', code: 'no_plan' }],
    });
  });

  it('routes a new terminal to sales', () => {
    const decision = decideIntake(
      policy,
      contractFor(policy),
      draft({ ...request, category: 'new_terminal' }),
      now,
    );
    expect(decision).toMatchObject({ accepted: false, routedTo: { team: 'sales' } });
  });

  it('lowers medium and high priority after 2 business days without follow-up', () => {
    const { calendar } = calendarFor(policy, contractFor(policy));
    expect(priorityDecayRule(policy, calendar)).toEqual({
      priorities: ['medium', 'high', 'critical'],
      after: { ms: 18 * H, clock: 'businessDays' },
      floor: 'low',
    });
  });
});

describe('indetec', () => {
  const policy = loadPreset('indetec');
  const contract = contractFor(policy, {
    planId: 'annual',
    periodStart: at('2026-01-01T00:00Z'),
    periodEnd: at('2027-01-01T00:00Z'),
    licenses: [
      {
        trial: false,
        holder: 'Municipio',
        holderKind: 'public_entity',
        updatesUntil: at('2027-01-01T00:00Z'),
      },
    ],
    releasedVersions: ['2026', '2025', '2024'],
    trainedUsers: [{ name: 'María López', modules: ['Implementación', 'Contabilidad'] }],
  });
  const call = {
    channel: 'phone',
    requesterName: 'Maria Lopez',
    company: 'Municipio',
    module: 'contabilidad',
    productVersion: '2025',
    selfHelpConsulted: true,
  } as const;
  const now = at('2026-11-23T10:00-06:00');

  it('accepts a trained user on one of the two latest versions', () => {
    expect(decideIntake(policy, contract, draft(call), now)).toMatchObject({
      accepted: true,
      quota: { kind: 'unlimited' },
    });
  });

  it('refuses an unsupported version, a trial license and an untrained module, with every reason', () => {
    const decision = decideIntake(
      policy,
      { ...contract, licenses: [{ trial: true, updatesUntil: at('2027-01-01T00:00Z') }] },
      draft({ ...call, productVersion: '2024', module: 'Nómina' }),
      now,
    );
    expect(decision.accepted).toBe(false);
    if (decision.accepted) return;
    expect(decision.reasons.map((r) => r.code)).toEqual(['license', 'unsupported_version', 'untrained_user']);
    expect(decision.reasons[1]?.message.es).toContain('2026, 2025');
  });

  it('refuses a license whose updates are not current, and asks for self-help first', () => {
    const expired = { ...contract, licenses: [{ trial: false, updatesUntil: at('2026-06-01T00:00Z') }] };
    const decision = decideIntake(policy, expired, draft({ ...call, selfHelpConsulted: false }), now);
    expect(decision).toMatchObject({ accepted: false });
    if (!decision.accepted) {
      expect(decision.reasons.map((r) => r.rule)).toEqual([
        'channels.phone.requiredFields',
        'entitlement.license',
      ]);
    }
  });

  it('transfers to level 2 after the level-1 analysis budget', () => {
    const { calendar } = calendarFor(policy, contract);
    expect(level1BudgetRule(policy, calendar)).toEqual({
      budget: { ms: 30 * 60_000, clock: 'business' },
      transferTo: 2,
    });
  });
});

describe('paygroup', () => {
  const policy = loadPreset('paygroup');
  const people = [
    { name: 'Eva', email: 'eva@banco.uy', portalUser: true },
    { name: 'Raúl', email: 'raul@banco.uy', portalUser: false },
  ];
  const plain = contractFor(policy, { authorizedRequesters: people });
  const onCall = contractFor(policy, { authorizedRequesters: people, options: { onCall24x7: true } });
  const saturdayNight = at('2026-11-28T03:00-03:00');

  it('runs on-call contracts on a 24x7 calendar and others on business days 09:00-18:00', () => {
    expect(calendarFor(policy, onCall).id).toBe('oncall');
    expect(calendarFor(policy, plain).id).toBe('business');
    expect(due(policy, onCall, 'critical', saturdayNight).firstResponse).toBe(at('2026-11-28T04:00-03:00'));
    expect(due(policy, plain, 'critical', saturdayNight).firstResponse).toBe(at('2026-11-30T10:00-03:00'));
  });

  it('takes the after-hours on-call line only from contracts that include it', () => {
    const call = draft({ channel: 'oncall_phone', requesterName: 'Raúl' });
    expect(decideIntake(policy, onCall, call, saturdayNight).accepted).toBe(true);
    expect(decideIntake(policy, plain, call, saturdayNight)).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'channels.oncall_phone.requiresOption' }],
    });
  });

  it('answers the phone on business days 09:00-18:00 only', () => {
    const call = draft({ channel: 'phone', requesterName: 'Raúl' });
    expect(decideIntake(policy, plain, call, at('2026-11-23T17:59-03:00')).accepted).toBe(true);
    expect(decideIntake(policy, plain, call, at('2026-11-23T18:00-03:00')).accepted).toBe(false);
  });

  it('takes email only from requesters without a Mantis user', () => {
    const mail = { channel: 'email', subject: 'Consulta', description: 'Duda' } as const;
    expect(
      decideIntake(policy, plain, draft({ ...mail, requesterEmail: 'raul@banco.uy' }), saturdayNight)
        .accepted,
    ).toBe(true);
    expect(
      decideIntake(policy, plain, draft({ ...mail, requesterEmail: 'eva@banco.uy' }), saturdayNight),
    ).toMatchObject({
      accepted: false,
      reasons: [{ rule: 'channels.email.onlyWithoutPortalUser' }],
    });
  });

  it('routes excluded matters out of support', () => {
    const decision = decideIntake(
      policy,
      plain,
      draft({ channel: 'portal', category: 'infrastructure', subject: 's', description: 'd' }),
      saturdayNight,
    );
    expect(decision).toMatchObject({ accepted: false, routedTo: { team: 'not_covered' } });
    expect(reopenRule(policy, calendarFor(policy, plain).calendar)?.window).toEqual({
      ms: 30 * D,
      clock: 'calendar',
    });
  });
});
