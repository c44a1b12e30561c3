/**
 * Business-time arithmetic over explicit UTC windows. Pure, deterministic, no time zones:
 * safe inside workflow code. Build a `BusinessClock` once per calendar and priority with
 * `businessClock`, then call `addBusiness`, `businessElapsed`, `nextOpen`.
 *
 * Semantics: a clock is a set of disjoint half-open intervals `[start, end)`. The business time
 * between `a` and `b` is the measure of the open set inside `[a, b)`. Pauses (e.g. awaiting the
 * customer) are removed from the open set. Results that would need knowledge beyond the horizon
 * are `undefined`: expand a longer horizon and retry.
 */
import type { Priority } from '../policy/schema';
import type { CalendarWindows } from './expand';

/** Open intervals for one priority: sorted, disjoint and non-touching, within `[from, to]`. */
export interface BusinessClock {
  /** Horizon start, epoch ms. */
  readonly from: number;
  /** Horizon end, epoch ms. */
  readonly to: number;
  /** Interval starts (inclusive), ascending. */
  readonly starts: readonly number[];
  /** Interval ends (exclusive), ascending; `ends[i] < starts[i + 1]`. */
  readonly ends: readonly number[];
  /**
   * Clock time counted per real ms inside each interval; absent means 1 everywhere. A whole-day
   * clock (`businessDayClock`) weighs each business day so that the whole day counts the same.
   */
  readonly rates?: readonly number[];
}

interface Interval {
  start: number;
  end: number;
  rate?: number;
}

function build(from: number, to: number, out: readonly Interval[]): BusinessClock {
  const clock = { from, to, starts: out.map((x) => x.start), ends: out.map((x) => x.end) };
  return out.some((x) => x.rate !== undefined) ? { ...clock, rates: out.map((x) => x.rate ?? 1) } : clock;
}

function rateAt(clock: BusinessClock, i: number): number {
  return clock.rates?.[i] ?? 1;
}

/** A period during which the clock is stopped, `[start, end)` in epoch ms. */
export interface Pause {
  /** Pause start, epoch ms. */
  readonly start: number;
  /** Pause end (exclusive), epoch ms. */
  readonly end: number;
}

function fromIntervals(from: number, to: number, intervals: { start: number; end: number }[]): BusinessClock {
  intervals.sort((a, b) => a.start - b.start);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const { start, end } of intervals) {
    if (!(start < end)) continue;
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]!) {
      ends[last] = Math.max(ends[last]!, end);
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { from, to, starts, ends };
}

/**
 * The whole-business-day clock of a calendar for one priority: every local day with open time for
 * that priority is one business day, worth `businessDayMs` however long it is open (a Saturday
 * 09:00-14:00 open to critical tickets is a whole business day for them, and no day at all for the
 * others); inside a day, time counts in proportion to the day's open time. So `n` business days
 * from an instant end at the same point of the n-th following business day's open hours: the same
 * local time when the two days have the same hours. Windows expanded without `midnights` (recorded
 * before whole business days) give the plain business clock, so old histories replay unchanged.
 * The horizon shrinks to whole local days.
 */
export function businessDayClock(calendar: CalendarWindows, priority: Priority): BusinessClock {
  const plain = businessClock(calendar, priority);
  const { midnights, businessDayMs } = calendar;
  if (midnights === undefined || businessDayMs === undefined || midnights.length < 2) return plain;
  const from = midnights.find((m) => m >= calendar.from);
  const to = [...midnights].reverse().find((m) => m <= calendar.to);
  if (from === undefined || to === undefined || to <= from) return { from: 0, to: 0, starts: [], ends: [] };
  const out: Interval[] = [];
  let i = 0;
  for (let d = 0; d + 1 < midnights.length; d++) {
    const dayStart = midnights[d]!;
    const dayEnd = midnights[d + 1]!;
    if (dayStart < from || dayEnd > to) continue;
    const pieces: Interval[] = [];
    while (i < plain.starts.length && plain.ends[i]! <= dayStart) i++;
    for (let k = i; k < plain.starts.length && plain.starts[k]! < dayEnd; k++) {
      const start = Math.max(plain.starts[k]!, dayStart);
      const end = Math.min(plain.ends[k]!, dayEnd);
      if (start < end) pieces.push({ start, end });
    }
    const open = pieces.reduce((sum, p) => sum + (p.end - p.start), 0);
    for (const p of pieces) out.push({ ...p, rate: businessDayMs / open });
  }
  return build(from, to, out);
}

/** The clock of a calendar for one priority: windows open to that priority, merged. */
export function businessClock(calendar: CalendarWindows, priority: Priority): BusinessClock {
  const open = calendar.windows.filter((w) => w.priorities === undefined || w.priorities.includes(priority));
  return fromIntervals(
    calendar.from,
    calendar.to,
    open.map((w) => ({ start: w.start, end: w.end })),
  );
}

/** A clock that is always open over `[from, to)`: calendar (wall) time. */
export function calendarClock(from: number, to: number): BusinessClock {
  return fromIntervals(from, to, [{ start: from, end: to }]);
}

/** The clock with the pauses removed from its open intervals. */
export function withoutPauses(clock: BusinessClock, pauses: readonly Pause[]): BusinessClock {
  if (pauses.length === 0) return clock;
  const cuts = fromIntervals(
    clock.from,
    clock.to,
    pauses.map((p) => ({ start: p.start, end: p.end })),
  );
  const out: Interval[] = [];
  let j = 0;
  for (let i = 0; i < clock.starts.length; i++) {
    let start = clock.starts[i]!;
    const end = clock.ends[i]!;
    const rate = clock.rates?.[i];
    const piece = (s: number, e: number): Interval =>
      rate === undefined ? { start: s, end: e } : { start: s, end: e, rate };
    while (j < cuts.ends.length && cuts.ends[j]! <= start) j++;
    let k = j;
    while (k < cuts.starts.length && cuts.starts[k]! < end) {
      if (cuts.starts[k]! > start) out.push(piece(start, cuts.starts[k]!));
      start = Math.max(start, cuts.ends[k]!);
      k++;
    }
    if (start < end) out.push(piece(start, end));
  }
  return build(clock.from, clock.to, out);
}

/** Index of the first interval whose end is after `at` (binary search); `length` if none. */
function firstEndingAfter(clock: BusinessClock, at: number): number {
  let lo = 0;
  let hi = clock.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (clock.ends[mid]! > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function inHorizon(clock: BusinessClock, at: number): boolean {
  return at >= clock.from && at <= clock.to;
}

/**
 * The earliest instant `x >= start` such that the business time in `[start, x)` equals
 * `durationMs`. A positive duration therefore ends inside an open interval or exactly at its end.
 * `durationMs = 0` returns `start`. `undefined` when `start` is outside the horizon or the
 * horizon ends before the duration is used up.
 */
export function addBusiness(
  clock: BusinessClock,
  start: number,
  durationMs: number,
  pauses: readonly Pause[] = [],
): number | undefined {
  if (!(durationMs >= 0)) throw new RangeError(`duration must be >= 0, got ${durationMs}`);
  if (!inHorizon(clock, start)) return undefined;
  if (durationMs === 0) return start;
  const c = withoutPauses(clock, pauses);
  let remaining = durationMs;
  for (let i = firstEndingAfter(c, start); i < c.starts.length; i++) {
    const from = Math.max(c.starts[i]!, start);
    const rate = rateAt(c, i);
    const available = (c.ends[i]! - from) * rate;
    if (remaining <= available) {
      return rate === 1 ? from + remaining : Math.min(c.ends[i]!, from + Math.round(remaining / rate));
    }
    remaining -= available;
  }
  return undefined;
}

/**
 * Business time in `[from, to)`, in ms (0 when `to <= from`). `undefined` when either end is
 * outside the clock's horizon.
 */
export function businessElapsed(
  clock: BusinessClock,
  from: number,
  to: number,
  pauses: readonly Pause[] = [],
): number | undefined {
  if (!inHorizon(clock, from) || !inHorizon(clock, to)) return undefined;
  if (to <= from) return 0;
  const c = withoutPauses(clock, pauses);
  let total = 0;
  for (let i = firstEndingAfter(c, from); i < c.starts.length && c.starts[i]! < to; i++) {
    total += (Math.min(c.ends[i]!, to) - Math.max(c.starts[i]!, from)) * rateAt(c, i);
  }
  // Weighted (whole-day) clocks count in whole milliseconds too.
  return c.rates === undefined ? total : Math.round(total);
}

/** The first open instant at or after `at`; `undefined` if none before the horizon ends. */
export function nextOpen(
  clock: BusinessClock,
  at: number,
  pauses: readonly Pause[] = [],
): number | undefined {
  if (!inHorizon(clock, at)) return undefined;
  const c = withoutPauses(clock, pauses);
  const i = firstEndingAfter(c, at);
  return i < c.starts.length ? Math.max(c.starts[i]!, at) : undefined;
}

/** Where the open interval containing `at` ends; `undefined` when closed at `at` or open past the horizon. */
export function openUntil(clock: BusinessClock, at: number): number | undefined {
  if (!inHorizon(clock, at)) return undefined;
  const i = firstEndingAfter(clock, at);
  const end = clock.ends[i];
  return end !== undefined && clock.starts[i]! <= at && end < clock.to ? end : undefined;
}

/** True when `at` is inside an open interval (and not paused). */
export function isOpen(clock: BusinessClock, at: number, pauses: readonly Pause[] = []): boolean {
  return nextOpen(clock, at, pauses) === at && at < clock.to;
}
