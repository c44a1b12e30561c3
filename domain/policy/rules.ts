/**
 * Read-side helpers over a policy for the ticket lifecycle: which calendar and plan apply to a
 * contract, and each lifecycle rule with its durations resolved to milliseconds on that calendar.
 */
import type { ContractSnapshot } from '../contract';
import { resolveDuration, type ResolvedDuration } from './duration';
import { PRIORITIES } from './vocabulary';
import type { Calendar, Category, Escalation, Notifications, Plan, Policy, Priority } from './schema';

/** A calendar of a policy together with its id. */
export interface NamedCalendar {
  /** Calendar id in `policy.calendars`. */
  readonly id: string;
  /** The calendar. */
  readonly calendar: Calendar;
}

/** The calendar with id `id`; throws if the policy has none (validated policies always do for referenced ids). */
export function calendarById(policy: Policy, id: string): NamedCalendar {
  const calendar = policy.calendars[id];
  if (calendar === undefined)
    throw new Error(`policy ${policy.id}@${policy.version} has no calendar "${id}"`);
  return { id, calendar };
}

/** The plan with id `planId`, or undefined. */
export function planById(policy: Policy, planId: string | null): Plan | undefined {
  return planId === null ? undefined : policy.plans.find((p) => p.id === planId);
}

/** The category with id `categoryId`, or undefined. */
export function categoryById(policy: Policy, categoryId: string | undefined): Category | undefined {
  return categoryId === undefined ? undefined : policy.categories.find((c) => c.id === categoryId);
}

/**
 * The calendar a contract's tickets are served on: the on-call calendar for contracts with the
 * `onCall24x7` option (when the policy has one), else the plan's calendar, else the default.
 */
export function calendarFor(
  policy: Policy,
  contract: Pick<ContractSnapshot, 'planId' | 'options'>,
): NamedCalendar {
  if (contract.options.onCall24x7 && policy.onCallCalendar !== undefined) {
    return calendarById(policy, policy.onCallCalendar);
  }
  return calendarById(policy, planById(policy, contract.planId)?.calendar ?? policy.defaultCalendar);
}

/** Info-wait rule with resolved durations. */
export interface InfoWaitRule {
  /** SLA clocks stop while awaiting the customer. */
  readonly pausesSla: boolean;
  /** Close after this long without an answer. */
  readonly expireAfter?: ResolvedDuration;
  /** Contact attempts (reminders) before closing, spaced by `every`. */
  readonly contactAttempts?: { readonly count: number; readonly every: ResolvedDuration };
  /** What expiry does. */
  readonly onExpiry: 'close' | 'none';
  /** A customer answer after the expiry close reopens the ticket. */
  readonly reopenOnReply: boolean;
  /**
   * How long the answer may still reopen the closed ticket: `none` (no limit) or a duration; undefined: the
   * general reopen window.
   */
  readonly reopenWindow?: ResolvedDuration | 'none';
}

/** The policy's info-wait rule on `calendar`, or undefined when the policy has none. */
export function infoWaitRule(policy: Policy, calendar: Calendar): InfoWaitRule | undefined {
  const r = policy.infoWait;
  if (r === undefined) return undefined;
  return {
    pausesSla: r.pausesSla,
    onExpiry: r.onExpiry,
    reopenOnReply: r.reopenOnReply,
    ...(r.reopenWindow !== undefined && {
      reopenWindow: r.reopenWindow === 'none' ? 'none' : resolveDuration(r.reopenWindow, calendar),
    }),
    ...(r.expireAfter && { expireAfter: resolveDuration(r.expireAfter, calendar) }),
    ...(r.contactAttempts && {
      contactAttempts: {
        count: r.contactAttempts.count,
        every: resolveDuration(r.contactAttempts.every, calendar),
      },
    }),
  };
}

/** Validation window after resolution, resolved; undefined when the policy has none. */
export function validationRule(
  policy: Policy,
  calendar: Calendar,
): { readonly window: ResolvedDuration; readonly billableWhenFinal: boolean } | undefined {
  const r = policy.validation;
  return r && { window: resolveDuration(r.window, calendar), billableWhenFinal: r.billableWhenFinal };
}

/** Reopen rule with its defaults applied. */
export interface ReopenRule {
  /** Undefined: no time limit. */
  readonly window?: ResolvedDuration;
  readonly by: readonly ('customer' | 'agent')[];
  /** `reply`: any customer message reopens; `request`: only an explicit reopen request does. */
  readonly trigger: 'reply' | 'request';
  /** Only the reporting user may ask for the reopen. */
  readonly onlyRequester: boolean;
}

/** Reopen rule, resolved; undefined when reopening is not allowed. */
export function reopenRule(policy: Policy, calendar: Calendar): ReopenRule | undefined {
  const r = policy.reopen;
  if (r === undefined) return undefined;
  return {
    by: r.by,
    trigger: r.trigger ?? 'reply',
    onlyRequester: r.onlyRequester ?? false,
    ...(r.window && { window: resolveDuration(r.window, calendar) }),
  };
}

/** Priority decay rule, resolved; undefined when the policy has none. */
export function priorityDecayRule(
  policy: Policy,
  calendar: Calendar,
):
  | { readonly priorities: readonly Priority[]; readonly after: ResolvedDuration; readonly floor: Priority }
  | undefined {
  const r = policy.priorityDecay;
  return r && { priorities: r.priorities, after: resolveDuration(r.after, calendar), floor: r.floor };
}

/** Level-1 analysis budget, resolved; undefined when the policy has none. */
export function level1BudgetRule(
  policy: Policy,
  calendar: Calendar,
): { readonly budget: ResolvedDuration; readonly transferTo: number } | undefined {
  const r = policy.level1;
  return r && { budget: resolveDuration(r.budget, calendar), transferTo: r.transferTo };
}

/** Escalation levels and matrix. */
export function escalationRule(policy: Policy): Escalation {
  return policy.escalation;
}

/** Notification settings (warning fractions, confirmation, language). */
export function notificationSettings(policy: Policy): Notifications {
  return policy.notifications;
}

/** The priority one level up (critical stays critical). */
export function raisePriority(p: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(p) + 1, PRIORITIES.length - 1)] ?? p;
}

/** The priority one level down, never below `floor`. */
export function lowerPriority(p: Priority, floor: Priority = 'low'): Priority {
  const index = Math.max(PRIORITIES.indexOf(p) - 1, PRIORITIES.indexOf(floor));
  return index < PRIORITIES.indexOf(p) ? (PRIORITIES[index] ?? p) : p;
}
