import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../domain/policy/load';
import {
  calendarById,
  calendarFor,
  categoryById,
  infoWaitRule,
  level1BudgetRule,
  lowerPriority,
  planById,
  priorityDecayRule,
  raisePriority,
  reopenRule,
  validationRule,
} from '../../domain/policy/rules';
import type { Policy } from '../../domain/policy/schema';
import { H, minimalPolicyDocument } from './helpers';

/** The minimal policy with `extra` top-level fields, validated (so its defaults are applied). */
function policyWith(extra: Record<string, unknown>): Policy {
  return loadPolicy(JSON.stringify({ ...minimalPolicyDocument(), ...extra }));
}

const calendars = {
  business: {
    zone: 'America/Bogota',
    businessDayHours: 8,
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
  },
  extended: {
    zone: 'America/Bogota',
    businessDayHours: 12,
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '07:00', to: '19:00' }],
  },
  always: {
    zone: 'America/Bogota',
    businessDayHours: 24,
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
  },
};
const plans = [
  { ...(minimalPolicyDocument().plans as object[])[0], id: 'basic' },
  { ...(minimalPolicyDocument().plans as object[])[0], id: 'premium', calendar: 'extended' },
];
const off = { onCall24x7: false, systemOperator: false };
const on = { onCall24x7: true, systemOperator: false };

describe('looking up calendars, plans and categories', () => {
  const policy = policyWith({ calendars, plans, onCallCalendar: 'always' });

  it('names a calendar by id, and says which policy lacks one', () => {
    expect(calendarById(policy, 'extended')).toEqual({ id: 'extended', calendar: policy.calendars.extended });
    expect(() => calendarById(policy, 'nope')).toThrow('policy mini@1 has no calendar "nope"');
  });

  it('finds plans and categories by id; none for null, undefined or an unknown id', () => {
    expect(planById(policy, 'premium')?.id).toBe('premium');
    expect(planById(policy, null)).toBeUndefined();
    expect(planById(policy, 'gold')).toBeUndefined();
    expect(categoryById(policy, 'support')?.id).toBe('support');
    expect(categoryById(policy, undefined)).toBeUndefined();
    expect(categoryById(policy, 'sales')).toBeUndefined();
  });

  it("serves a contract on the on-call calendar when it has the option, else its plan's, else the default", () => {
    expect(calendarFor(policy, { planId: 'premium', options: on }).id).toBe('always');
    expect(calendarFor(policy, { planId: 'premium', options: off }).id).toBe('extended');
    expect(calendarFor(policy, { planId: 'basic', options: off }).id).toBe('business');
    expect(calendarFor(policy, { planId: null, options: off }).id).toBe('business');
    const withoutOnCall = policyWith({ calendars, plans });
    expect(calendarFor(withoutOnCall, { planId: 'premium', options: on }).id).toBe('extended');
  });
});

describe('lifecycle rules resolved on a calendar', () => {
  const bare = policyWith({});
  const business = bare.calendars.business!;

  it('are undefined when the policy has none', () => {
    expect(infoWaitRule(bare, business)).toBeUndefined();
    expect(validationRule(bare, business)).toBeUndefined();
    expect(reopenRule(bare, business)).toBeUndefined();
    expect(priorityDecayRule(bare, business)).toBeUndefined();
    expect(level1BudgetRule(bare, business)).toBeUndefined();
  });

  it('info-wait: every field, durations on the calendar, reopen window none or a duration', () => {
    const full = policyWith({
      infoWait: {
        pausesSla: false,
        expireAfter: { businessDays: 2 },
        contactAttempts: { count: 3, every: { hours: 4 } },
        onExpiry: 'close',
        reopenOnReply: false,
        reopenWindow: { days: 30 },
      },
    });
    expect(infoWaitRule(full, business)).toEqual({
      pausesSla: false,
      onExpiry: 'close',
      reopenOnReply: false,
      expireAfter: { ms: 16 * H, clock: 'businessDays' },
      contactAttempts: { count: 3, every: { ms: 4 * H, clock: 'business' } },
      reopenWindow: { ms: 30 * 24 * H, clock: 'calendar' },
    });
    const none = policyWith({ infoWait: { expireAfter: { hours: 8 }, reopenWindow: 'none' } });
    expect(infoWaitRule(none, business)).toEqual({
      pausesSla: true,
      onExpiry: 'close',
      reopenOnReply: true,
      expireAfter: { ms: 8 * H, clock: 'business' },
      reopenWindow: 'none',
    });
    const bareWait = infoWaitRule(policyWith({ infoWait: { onExpiry: 'none' } }), business)!;
    expect(Object.keys(bareWait).sort()).toEqual(['onExpiry', 'pausesSla', 'reopenOnReply']);
  });

  it('validation, reopen (with its defaults), priority decay and level-1 budget', () => {
    const policy = policyWith({
      validation: { window: { businessDays: 1 }, billableWhenFinal: true },
      reopen: { window: { days: 5 }, by: ['customer'], trigger: 'request', onlyRequester: true },
      priorityDecay: {
        priorities: ['high', 'critical'],
        after: { hours: 24, clock: 'calendar' },
        floor: 'medium',
      },
      level1: { budget: { hours: 6 } },
      escalation: {
        levels: [
          { level: 1, name: { es: 'N1', en: 'L1' } },
          { level: 2, name: { es: 'N2', en: 'L2' } },
        ],
      },
    });
    expect(validationRule(policy, business)).toEqual({
      window: { ms: 8 * H, clock: 'businessDays' },
      billableWhenFinal: true,
    });
    expect(reopenRule(policy, business)).toEqual({
      window: { ms: 5 * 24 * H, clock: 'calendar' },
      by: ['customer'],
      trigger: 'request',
      onlyRequester: true,
    });
    expect(priorityDecayRule(policy, business)).toEqual({
      priorities: ['high', 'critical'],
      after: { ms: 24 * H, clock: 'calendar' },
      floor: 'medium',
    });
    expect(level1BudgetRule(policy, business)).toEqual({
      budget: { ms: 6 * H, clock: 'business' },
      transferTo: 2,
    });
    expect(reopenRule(policyWith({ reopen: {} }), business)).toEqual({
      by: ['customer', 'agent'],
      trigger: 'reply',
      onlyRequester: false,
    });
  });
});

describe('priority steps, every one', () => {
  it('raises each priority one level, critical staying critical', () => {
    expect(['low', 'medium', 'high', 'critical'].map((p) => raisePriority(p as never))).toEqual([
      'medium',
      'high',
      'critical',
      'critical',
    ]);
  });
  it('lowers each priority one level, never below the floor nor above where it was', () => {
    const all = ['low', 'medium', 'high', 'critical'] as const;
    const table = all.map((floor) => all.map((p) => lowerPriority(p, floor)));
    expect(table).toEqual([
      ['low', 'low', 'medium', 'high'],
      ['low', 'medium', 'medium', 'high'],
      ['low', 'medium', 'high', 'high'],
      ['low', 'medium', 'high', 'critical'],
    ]);
  });
});
