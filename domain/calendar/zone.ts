/**
 * The one place in the domain that knows about time zones.
 *
 * Everything else works on epoch milliseconds and explicit UTC windows. Offsets come from the
 * runtime's ICU data through `Intl.DateTimeFormat`, so results can change when tzdata changes:
 * callers that need replay safety (workflows) must receive expanded windows, not call this.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `zone` as an IANA time zone name (e.g. `America/Bogota`). */
export function isValidZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock fields of an instant in a zone. */
export interface LocalDateTime {
  /** Full year, e.g. 2026. */
  readonly year: number;
  /** Month 1-12. */
  readonly month: number;
  /** Day of month 1-31. */
  readonly day: number;
  /** Hour 0-23. */
  readonly hour: number;
  /** Minute 0-59. */
  readonly minute: number;
  /** Second 0-59. */
  readonly second: number;
}

/** Wall-clock fields of `utcMs` in `zone` (seconds precision). */
export function toLocal(zone: string, utcMs: number): LocalDateTime {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(zone).formatToParts(utcMs)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/** Offset of `zone` from UTC at instant `utcMs`, in milliseconds (local = utc + offset). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const wholeSecond = Math.floor(utcMs / 1000) * 1000;
  const l = toLocal(zone, wholeSecond);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - wholeSecond;
}

/**
 * The UTC instant of a local wall-clock time: `localDay` is days since 1970-01-01 (local
 * calendar date), `minuteOfDay` is 0-1440 (1440 means the next day's midnight).
 *
 * Ambiguous times (clocks set back) resolve to the earlier instant; times skipped by a
 * transition (clocks set forward) resolve by the offset in force before it, i.e. they move
 * forward by the size of the gap (02:30 on a spring-forward night becomes 03:30).
 */
export function localToUtc(zone: string, localDay: number, minuteOfDay: number): number {
  const wall = localDay * DAY_MS + minuteOfDay * MINUTE_MS;
  const before = zoneOffsetMs(zone, wall - DAY_MS);
  const after = zoneOffsetMs(zone, wall + DAY_MS);
  const candidates = before === after ? [wall - before] : [wall - before, wall - after].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (candidate + zoneOffsetMs(zone, candidate) === wall) return candidate;
  }
  return wall - before;
}

/** Days since 1970-01-01 of the local calendar date of `utcMs` in `zone`. */
export function localDayOf(zone: string, utcMs: number): number {
  return Math.floor((utcMs + zoneOffsetMs(zone, utcMs)) / DAY_MS);
}

/** `YYYY-MM-DD HH:mm` wall-clock rendering of `utcMs` in `zone`. */
export function formatLocal(zone: string, utcMs: number): string {
  const l = toLocal(zone, utcMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${l.year}-${two(l.month)}-${two(l.day)} ${two(l.hour)}:${two(l.minute)}`;
}
