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

/** A duration as words, e.g. `48 business hours` / `48 horas hábiles`. */
export function describeDuration(d: Duration, lang: 'es' | 'en'): string {
  const business = d.clock !== 'calendar';
  if (d.days !== undefined) return lang === 'es' ? `${d.days} días naturales` : `${d.days} calendar days`;
  if (d.businessDays !== undefined)
    return lang === 'es' ? `${d.businessDays} días hábiles` : `${d.businessDays} business days`;
  const [n, es, en] =
    d.hours !== undefined ? [d.hours, 'horas', 'hours'] : [d.minutes ?? 0, 'minutos', 'minutes'];
  if (lang === 'es') return `${n} ${es}${business ? ' hábiles' : ' naturales'}`;
  return `${n} ${business ? 'business' : 'calendar'} ${en}`;
}
