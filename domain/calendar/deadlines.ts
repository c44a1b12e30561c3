/**
 * Deadlines for policy durations over expanded windows: the bridge between a resolved policy
 * duration (business or calendar time) and the business-time arithmetic. Pure epoch-ms code,
 * safe in workflows. Clocks are memoized per windows object and priority.
 */
import type { ContractSnapshot } from '../contract';
import type { ClockKind, ResolvedDuration } from '../policy/duration';
import { calendarFor } from '../policy/rules';
import type { Policy, Priority } from '../policy/schema';
import {
  addBusiness,
  businessClock,
  businessDayClock,
  businessElapsed,
  calendarClock,
  type BusinessClock,
  type Pause,
} from './business-time';
import { expandCalendar, type CalendarWindows } from './expand';

/** Wall-clock time: always open over the whole range of JavaScript dates, so no horizon limits it. */
const WALL_CLOCK = calendarClock(-8.64e15, 8.64e15);

const clocks = new WeakMap<CalendarWindows, Map<string, BusinessClock>>();

/**
 * The clock to count a duration on: the windows open to `priority` for business time, the same
 * windows weighed into whole business days for `businessDays`, or the wall clock (no horizon) for
 * calendar time. Memoized per `windows` object.
 */
export function clockOf(windows: CalendarWindows, priority: Priority, clock: ClockKind): BusinessClock {
  if (clock === 'calendar') return WALL_CLOCK;
  let byKey = clocks.get(windows);
  if (byKey === undefined) {
    byKey = new Map();
    clocks.set(windows, byKey);
  }
  const key = `${clock}:${priority}`;
  let result = byKey.get(key);
  if (result === undefined) {
    result =
      clock === 'businessDays' ? businessDayClock(windows, priority) : businessClock(windows, priority);
    byKey.set(key, result);
  }
  return result;
}

/**
 * The instant `duration` after `start` (business or calendar time, pauses subtracted); undefined
 * when a business duration runs past the windows' horizon. Use it for every lifecycle deadline:
 * info-wait expiry and contact attempts, priority decay, level-1 budget, validation and reopen windows.
 */
export function addDuration(
  windows: CalendarWindows,
  priority: Priority,
  start: number,
  duration: ResolvedDuration,
  pauses: readonly Pause[] = [],
): number | undefined {
  return addBusiness(clockOf(windows, priority, duration.clock), start, duration.ms, pauses);
}

/** Business (or calendar) time in `[from, to)` with pauses subtracted; undefined outside the horizon. */
export function elapsedOn(
  windows: CalendarWindows,
  priority: Priority,
  clock: ClockKind,
  from: number,
  to: number,
  pauses: readonly Pause[] = [],
): number | undefined {
  return businessElapsed(clockOf(windows, priority, clock), from, to, pauses);
}

/** True when the windows' horizon covers `[from, to]`; refresh the windows otherwise. */
export function coversHorizon(windows: CalendarWindows, from: number, to: number): boolean {
  return windows.from <= from && to <= windows.to;
}

/**
 * Expands the calendar a contract is served on (see `calendarFor`) over `[from, to)`. Zone
 * dependent: call it from an activity and hand the plain-data result to the workflow.
 */
export function contractWindows(
  policy: Policy,
  contract: Pick<ContractSnapshot, 'planId' | 'options'>,
  from: number,
  to: number,
): { readonly calendarId: string; readonly windows: CalendarWindows } {
  const { id, calendar } = calendarFor(policy, contract);
  return { calendarId: id, windows: expandCalendar(calendar, from, to) };
}
