/**
 * Stoppable SLA clocks: start, pause, resume, meet and re-target (priority change) without ever
 * losing time already counted, and the instants at which they warn and fall due.
 */
import type { Duration, Priority } from '../policy/schema';
import { addTime, elapsedTime, resolve, type LifecycleContext } from './time';
import type { ClockName, ClockState } from './types';

/** A new clock counting from `now`. */
export function startClock(name: ClockName, target: Duration, now: number): ClockState {
  return { name, target, accruedMs: 0, runningSince: now, startedAt: now, warned: [], breached: false };
}

/** Whether the clock is counting. */
export function isRunning(clock: ClockState): boolean {
  return clock.runningSince !== null && clock.metAt === undefined;
}

/** Time counted so far, up to `now`. */
export function countedMs(
  clock: ClockState,
  now: number,
  ctx: LifecycleContext,
  calendarId: string,
  priority: Priority,
): number {
  if (clock.runningSince === null) return clock.accruedMs;
  const kind = resolve(ctx, calendarId, clock.target).clock;
  return clock.accruedMs + elapsedTime(ctx, priority, kind, clock.runningSince, now);
}

/** Stops the clock at `now`, keeping what it counted. */
export function pauseClock(
  clock: ClockState,
  now: number,
  ctx: LifecycleContext,
  calendarId: string,
  priority: Priority,
): ClockState {
  if (clock.runningSince === null) return clock;
  return { ...clock, accruedMs: countedMs(clock, now, ctx, calendarId, priority), runningSince: null };
}

/** Starts counting again from `now` (no effect on a met clock). */
export function resumeClock(clock: ClockState, now: number): ClockState {
  if (clock.runningSince !== null || clock.metAt !== undefined) return clock;
  return { ...clock, runningSince: now };
}

/** The target is met at `now`: the clock stops for good. */
export function meetClock(
  clock: ClockState,
  now: number,
  ctx: LifecycleContext,
  calendarId: string,
  priority: Priority,
): ClockState {
  if (clock.metAt !== undefined) return clock;
  return { ...pauseClock(clock, now, ctx, calendarId, priority), metAt: now };
}

/**
 * A new target (after a priority change): time counted under the old priority is kept, and counting
 * goes on under the new one from `now` (unlike help desks that restart or lose it).
 */
export function retargetClock(
  clock: ClockState,
  target: Duration,
  now: number,
  ctx: LifecycleContext,
  calendarId: string,
  oldPriority: Priority,
): ClockState {
  const wasRunning = clock.runningSince !== null;
  const paused = pauseClock(clock, now, ctx, calendarId, oldPriority);
  return { ...paused, target, runningSince: wasRunning ? now : null };
}

/** The instant at which `fraction` of the target is used (1 = due); undefined when stopped or beyond the horizon. */
export function clockInstant(
  clock: ClockState,
  fraction: number,
  ctx: LifecycleContext,
  calendarId: string,
  priority: Priority,
): number | undefined {
  if (!isRunning(clock) || clock.runningSince === null) return undefined;
  const r = resolve(ctx, calendarId, clock.target);
  const needed = fraction * r.ms - clock.accruedMs;
  if (needed <= 0) return clock.runningSince;
  return addTime(ctx, priority, r.clock, clock.runningSince, needed);
}

/** The due instant of a running clock. */
export function clockDue(
  clock: ClockState,
  ctx: LifecycleContext,
  calendarId: string,
  priority: Priority,
): number | undefined {
  return clockInstant(clock, 1, ctx, calendarId, priority);
}
