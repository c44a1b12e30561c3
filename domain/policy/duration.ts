/** Policy durations resolved to milliseconds on a clock, and their human-readable names. */
import type { Calendar, Duration } from './schema';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A duration in milliseconds on a business clock or on the wall clock. */
export interface ResolvedDuration {
  /** Length in milliseconds of business (or calendar) time. */
  readonly ms: number;
  /** `business`: counted only while the calendar is open; `calendar`: wall-clock time. */
  readonly clock: 'business' | 'calendar';
}

/** Resolves a policy duration; `businessDays` use the calendar's `businessDayHours`. */
export function resolveDuration(d: Duration, calendar: Calendar): ResolvedDuration {
  if (d.days !== undefined) return { ms: d.days * DAY_MS, clock: 'calendar' };
  if (d.businessDays !== undefined)
    return { ms: d.businessDays * calendar.businessDayHours * HOUR_MS, clock: 'business' };
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
