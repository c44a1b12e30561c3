/**
 * Quota periods: a plan's quota counts per month or per year from the contract start, on the wall
 * clock of the contract's calendar zone, so a period that starts at local midnight keeps starting at
 * local midnight across daylight-saving changes. Intake (which consumes quota) and the quota report
 * both use `quotaPeriod`, so they always agree on the period.
 */
import { localToUtc, toLocal } from './calendar/zone';
import { planById } from './policy/rules';
import type { Policy } from './policy/schema';

const DAY_MS = 86_400_000;

/** The zone whose wall clock a policy's quota periods follow: its default calendar's. */
export function quotaZone(policy: Policy): string {
  return policy.calendars[policy.defaultCalendar]?.zone ?? 'UTC';
}

/** `n` calendar months after `start` on the wall clock of `zone`: same local time, the day clamped to the month. */
export function addLocalMonths(zone: string, start: number, n: number): number {
  const l = toLocal(zone, start);
  const monthIndex = l.year * 12 + (l.month - 1) + n;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const localDay = Date.UTC(year, month, Math.min(l.day, lastDay)) / DAY_MS;
  return localToUtc(zone, localDay, l.hour * 60 + l.minute) + l.second * 1000 + (start % 1000);
}

/**
 * The quota period containing `at`: steps of `length` from `contractStart` in `zone`, cut at
 * `contractEnd`. Undefined when `at` is outside the contract.
 */
export function quotaPeriod(
  zone: string,
  contractStart: number,
  contractEnd: number,
  length: 'month' | 'year',
  at: number,
): { start: number; end: number } | undefined {
  if (at < contractStart || at >= contractEnd) return undefined;
  const step = length === 'month' ? 1 : 12;
  let start = contractStart;
  for (let i = 1; ; i++) {
    const next = addLocalMonths(zone, contractStart, step * i);
    if (next > at) return { start, end: Math.min(next, contractEnd) };
    start = next;
  }
}

/**
 * How often a contract's plan quota starts again: its plan's period (a month when the plan is unknown).
 * Independent of the contract's own term: a yearly contract may have a monthly quota.
 */
export function contractQuotaResets(policy: Policy, planId: string | null): 'month' | 'year' {
  return planById(policy, planId)?.period ?? 'month';
}

/**
 * The quota period a contract's snapshot covers at `now`: the plan's month or year containing `now`
 * (on the policy's quota zone; a month without a plan), or the contract's own bounds outside the
 * contract (intake refuses then). Intake in production (`activities/contracts.ts`) and the scenario simulator
 * both build the snapshot's `periodStart`/`periodEnd` with it and count `quotaUsed` within it.
 */
export function contractQuotaPeriod(
  policy: Policy,
  planId: string | null,
  contractStart: number,
  contractEnd: number,
  now: number,
): { start: number; end: number } {
  return (
    quotaPeriod(quotaZone(policy), contractStart, contractEnd, contractQuotaResets(policy, planId), now) ?? {
      start: contractStart,
      end: contractEnd,
    }
  );
}
