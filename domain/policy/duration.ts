/** Policy durations resolved to milliseconds on a clock, and their human-readable names. */
import type { Calendar, Duration } from './schema';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * What a duration is counted on: `business` (the calendar's open time), `businessDays` (whole
 * business days, see `businessDayClock`) or `calendar` (wall-clock time).
 */
export type ClockKind = 'business' | 'businessDays' | 'calendar';

/** A duration in milliseconds on a business clock, a whole-business-day clock or the wall clock. */
export interface ResolvedDuration {
  /**
   * Length in milliseconds of clock time; on the `businessDays` clock a business day is worth the
   * calendar's `businessDayHours`, whatever hours that day is open.
   */
  readonly ms: number;
  /** Which clock counts it. */
  readonly clock: ClockKind;
}

/** Resolves a policy duration; `businessDays` count whole business days (`businessDayHours` each). */
export function resolveDuration(d: Duration, calendar: Calendar): ResolvedDuration {
  if (d.days !== undefined) return { ms: d.days * DAY_MS, clock: 'calendar' };
  if (d.businessDays !== undefined)
    return { ms: d.businessDays * calendar.businessDayHours * HOUR_MS, clock: 'businessDays' };
  const clock = d.clock ?? 'business';
  if (d.hours !== undefined) return { ms: d.hours * HOUR_MS, clock };
  return { ms: (d.minutes ?? 0) * MINUTE_MS, clock };
}

/** A duration as words, e.g. `48 business hours` / `48 horas hábiles`, `1 business hour` / `1 hora hábil`. */
export function describeDuration(d: Duration, lang: 'es' | 'en'): string {
  const business = d.clock !== 'calendar';
  const [n, unit, kind] =
    d.days !== undefined
      ? [d.days, 'day', 'calendar']
      : d.businessDays !== undefined
        ? [d.businessDays, 'day', 'business']
        : d.hours !== undefined
          ? [d.hours, 'hour', business ? 'business' : 'calendar']
          : [d.minutes ?? 0, 'minute', business ? 'business' : 'calendar'];
  const one = n === 1;
  if (lang === 'en') return `${n} ${kind} ${unit}${one ? '' : 's'}`;
  const noun = {
    day: one ? 'día' : 'días',
    hour: one ? 'hora' : 'horas',
    minute: one ? 'minuto' : 'minutos',
  }[unit];
  const adjective = kind === 'business' ? (one ? 'hábil' : 'hábiles') : one ? 'natural' : 'naturales';
  return `${n} ${noun} ${adjective}`;
}
