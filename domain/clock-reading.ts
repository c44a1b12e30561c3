/**
 * An SLA clock read at an instant: how much of its own time is left until it falls due, whether it counts
 * at that instant, and why not. The queue (from a ticket's projected due instant) and the ticket page (from
 * the workflow's clock state) both read clocks with this one function, so they agree to the second and give
 * the same reason when a clock stands still.
 */
import { businessElapsed, isOpen, nextOpen, openUntil, type BusinessClock } from './calendar/business-time';

/** Why a clock is not counting: the calendar is closed, the ticket's status stops it, or there is none. */
export type ClockStop = 'outside_hours' | 'status' | 'no_clock';

/** A clock as read at one instant. */
export interface ClockReading {
  /** Clock time left until the due instant; negative once overdue; null when it cannot be counted. */
  readonly remainingMs: number | null;
  /** True when the clock counts at this instant. */
  readonly running: boolean;
  /** Why it does not count (null while it runs). */
  readonly stoppedBy: ClockStop | null;
  /** When `running` next changes by the calendar alone (end of the open window, or the next opening). */
  readonly changesAt: number | null;
}

/** What {@link readClock} needs. */
export interface ClockReadingInput {
  /** Business time counts only in the calendar's open hours (`clock` required); calendar time always. */
  readonly kind: 'business' | 'calendar';
  /** The business clock of the ticket's calendar for its priority. */
  readonly clock?: BusinessClock;
  /** The due instant the clock counts towards. */
  readonly dueAt: number;
  /** The ticket's status stops the clock (awaiting the customer, resolved, closed). */
  readonly paused: boolean;
  readonly now: number;
}

/** Reads a clock at `now` (see {@link ClockReading}). */
export function readClock(input: ClockReadingInput): ClockReading {
  const { kind, clock, dueAt, paused, now } = input;
  if (kind === 'calendar') {
    return {
      remainingMs: dueAt - now,
      running: !paused,
      stoppedBy: paused ? 'status' : null,
      changesAt: null,
    };
  }
  if (clock === undefined)
    return { remainingMs: null, running: false, stoppedBy: 'no_clock', changesAt: null };
  const left =
    dueAt >= now ? businessElapsed(clock, now, dueAt) : -(businessElapsed(clock, dueAt, now) ?? NaN);
  const openNow = isOpen(clock, now);
  const change = openNow ? openUntil(clock, now) : nextOpen(clock, now);
  return {
    remainingMs: left === undefined || Number.isNaN(left) ? null : left,
    running: openNow && !paused,
    stoppedBy: paused ? 'status' : openNow ? null : 'outside_hours',
    changesAt: change ?? null,
  };
}
