import { expandCalendar, type Calendar, type CalendarWindows } from '../domain/index';

/** Input of {@link expandCalendarWindows}. */
export interface ExpandCalendarInput {
  calendar: Calendar;
  from: number;
  to: number;
}

/**
 * Expands a calendar into UTC windows. Runs as an activity so the result, which depends on the worker's
 * time-zone rules, is recorded in history and a tzdata change can never break a replay.
 */
export function expandCalendarWindows(input: ExpandCalendarInput): Promise<CalendarWindows> {
  return Promise.resolve(expandCalendar(input.calendar, input.from, input.to));
}
