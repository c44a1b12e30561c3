/**
 * Time arithmetic for the lifecycle over the calendar windows the workflow holds: plain epoch-ms
 * math, no time zones, so it is deterministic inside workflow code.
 */
import { addBusiness, businessClock, businessElapsed, type BusinessClock } from '../calendar/business-time';
import { clockOf } from '../calendar/deadlines';
import type { CalendarWindows } from '../calendar/expand';
import { resolveDuration, type ClockKind, type ResolvedDuration } from '../policy/duration';
import type { Duration, Policy, Priority } from '../policy/schema';

/** What every lifecycle decision needs besides the state: the pinned policy and its calendar windows. */
export interface LifecycleContext {
  readonly policy: Policy;
  /** Windows of the ticket's calendar, covering at least from ticket creation to a horizon after now. */
  readonly windows: CalendarWindows;
}

const clocks = new WeakMap<CalendarWindows, Map<Priority, BusinessClock>>();

/** The business clock of the context's windows for a priority (memoized per windows object). */
export function priorityClock(windows: CalendarWindows, priority: Priority): BusinessClock {
  let byPriority = clocks.get(windows);
  if (byPriority === undefined) {
    byPriority = new Map();
    clocks.set(windows, byPriority);
  }
  let clock = byPriority.get(priority);
  if (clock === undefined) {
    clock = businessClock(windows, priority);
    byPriority.set(priority, clock);
  }
  return clock;
}

/** A policy duration in ms on the ticket's calendar. */
export function resolve(ctx: LifecycleContext, calendarId: string, duration: Duration): ResolvedDuration {
  const calendar = ctx.policy.calendars[calendarId];
  if (calendar === undefined) throw new Error(`policy ${ctx.policy.id} has no calendar "${calendarId}"`);
  return resolveDuration(duration, calendar);
}

/**
 * `start` plus `ms` of the given clock time. Calendar time is plain addition; business time walks
 * the windows and is undefined when the horizon ends first.
 */
export function addTime(
  ctx: LifecycleContext,
  priority: Priority,
  clock: ClockKind,
  start: number,
  ms: number,
): number | undefined {
  if (clock === 'calendar') return start + ms;
  return addBusiness(clockOf(ctx.windows, priority, clock), start, Math.max(0, ms));
}

/** Time of the given clock elapsed in `[from, to)`; business time outside the horizon counts as none. */
export function elapsedTime(
  ctx: LifecycleContext,
  priority: Priority,
  clock: ClockKind,
  from: number,
  to: number,
): number {
  if (to <= from) return 0;
  if (clock === 'calendar') return to - from;
  const c = clockOf(ctx.windows, priority, clock);
  return businessElapsed(c, Math.max(from, c.from), Math.min(to, c.to)) ?? 0;
}
