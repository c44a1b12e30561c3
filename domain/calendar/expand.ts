/**
 * Expands a business calendar into explicit UTC windows for a horizon. This is where DST,
 * holidays, split shifts and priority-only windows are resolved; afterwards everything is plain
 * epoch-millisecond arithmetic (domain/calendar/business-time.ts).
 */
import type { Calendar } from '../policy/schema';
import { PRIORITIES, WEEKDAYS, minuteOfDay, type Priority } from '../policy/vocabulary';
import { localDayOf, localToUtc, zoneOffsetMs } from './zone';

const DAY_MS = 86_400_000;

/**
 * An open window `[start, end)` in epoch milliseconds. `priorities` absent means open to every
 * priority; otherwise only tickets of the listed priorities are served in it.
 */
export interface UtcWindow {
  /** First open instant (inclusive), epoch ms. */
  readonly start: number;
  /** First closed instant (exclusive), epoch ms. */
  readonly end: number;
  /** Priorities served in this window; absent means all. */
  readonly priorities?: readonly Priority[];
}

/** A calendar expanded for the horizon `[from, to)`: plain data, safe to record in workflow history. */
export interface CalendarWindows {
  /** IANA zone the windows were computed in (for explanations only). */
  readonly zone: string;
  /** Horizon start, epoch ms. Windows are clipped to it. */
  readonly from: number;
  /** Horizon end, epoch ms. Windows are clipped to it; nothing is known after it. */
  readonly to: number;
  /** Open windows sorted by start; windows with the same priority set never touch or overlap. */
  readonly windows: readonly UtcWindow[];
  /**
   * UTC instants of the local midnights from the first local day of the horizon to the day after
   * its last, ascending: where one local day ends and the next begins, so `businessDays` durations
   * can count whole days without time zones. Absent in windows recorded before whole business days
   * (those count `businessDays` as `businessDayHours` of business time).
   */
  readonly midnights?: readonly number[];
  /** The calendar's `businessDayHours` in ms: the length a whole business day stands for. */
  readonly businessDayMs?: number;
}

/** Days since epoch of an ISO `YYYY-MM-DD` date. */
export function isoDateToDay(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** Index into `WEEKDAYS` (0 = Monday) of a day number. 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Canonical priority set: undefined when it covers every priority, else sorted and unique. */
function normalizePriorities(list: readonly Priority[] | undefined): readonly Priority[] | undefined {
  if (list === undefined) return undefined;
  const set = PRIORITIES.filter((p) => list.includes(p));
  return set.length === PRIORITIES.length ? undefined : set;
}

/** Merges touching or overlapping windows that share the same priority set. */
function mergeSamePriorities(windows: UtcWindow[]): UtcWindow[] {
  const groups = new Map<string, UtcWindow[]>();
  for (const w of windows) {
    const key = w.priorities?.join(',') ?? '*';
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [w]);
    else group.push(w);
  }
  const merged: UtcWindow[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.start - b.start);
    let current: UtcWindow | undefined;
    for (const w of group) {
      if (current !== undefined && w.start <= current.end) {
        current = { ...current, end: Math.max(current.end, w.end) };
      } else {
        if (current !== undefined) merged.push(current);
        current = w;
      }
    }
    if (current !== undefined) merged.push(current);
  }
  return merged.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Expands `calendar` into UTC windows covering `[from, to)`.
 *
 * Each weekly interval becomes, on each matching local date that is not a holiday, the window
 * from the UTC instant of its local start to the UTC instant of its local end (see `localToUtc`
 * for skipped and repeated local times). Windows are clipped to the horizon, and windows with the
 * same priority set that touch are merged, so a 24x7 calendar is one window with no gap at midnight.
 */
export function expandCalendar(calendar: Calendar, from: number, to: number): CalendarWindows {
  if (!(from <= to)) throw new RangeError(`horizon from (${from}) must not be after to (${to})`);
  const zone = calendar.zone;
  const holidays = new Set(calendar.holidays.map((h) => isoDateToDay(h.date)));
  const byWeekday = WEEKDAYS.map((day) =>
    calendar.weekly
      .filter((w) => w.days.includes(day))
      .map((w) => ({
        from: minuteOfDay(w.from),
        to: minuteOfDay(w.to),
        priorities: normalizePriorities(w.priorities),
      })),
  );
  const raw: UtcWindow[] = [];
  const firstDay = localDayOf(zone, from) - 1;
  const lastDay = localDayOf(zone, to) + 1;
  for (let day = firstDay; day <= lastDay; day++) {
    if (holidays.has(day)) continue;
    const intervals = byWeekday[weekdayOfDay(day)] ?? [];
    if (intervals.length === 0) continue;
    // Fast path: the same offset from a day before to a day after this local date means no
    // transition can touch it, so local times map with that one offset.
    const before = zoneOffsetMs(zone, (day - 1) * DAY_MS);
    const steady = before === zoneOffsetMs(zone, (day + 2) * DAY_MS);
    const toUtc = (minute: number): number =>
      steady ? day * DAY_MS + minute * 60_000 - before : localToUtc(zone, day, minute);
    for (const interval of intervals) {
      const start = Math.max(from, toUtc(interval.from));
      const end = Math.min(to, toUtc(interval.to));
      if (start < end) {
        raw.push(
          interval.priorities === undefined
            ? { start, end }
            : { start, end, priorities: interval.priorities },
        );
      }
    }
  }
  const midnights: number[] = [];
  for (let day = firstDay + 1; day <= lastDay; day++) midnights.push(localToUtc(zone, day, 0));
  return {
    zone,
    from,
    to,
    windows: mergeSamePriorities(raw),
    midnights,
    businessDayMs: calendar.businessDayHours * 3_600_000,
  };
}
