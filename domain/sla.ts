/**
 * SLA targets (plan x priority x metric, with per-type overrides) and due instants, each with a
 * structured explanation that `explainDue` renders for people in Spanish and English.
 */
import type { ContractSnapshot } from './contract';
import {
  addBusiness,
  businessElapsed,
  withoutPauses,
  type BusinessClock,
  type Pause,
} from './calendar/business-time';
import { clockOf } from './calendar/deadlines';
import { describeCalendar } from './calendar/describe';
import type { CalendarWindows } from './calendar/expand';
import { formatLocal } from './calendar/zone';
import { METRIC_NAMES, PRIORITY_NAMES } from './i18n';
import { describeDuration, resolveDuration, type ClockKind } from './policy/duration';
import { calendarFor, planById } from './policy/rules';
import type { Duration, Policy, Text } from './policy/schema';
import { METRICS, type Metric, type Priority } from './policy/vocabulary';

/** The targets that apply to one ticket, per metric (absent: no target). */
export type TicketTargets = Partial<Record<Metric, Duration>>;

/**
 * SLA targets for a plan, priority and ticket type: the plan's per-type override when present,
 * else the plan's target. No plan (e.g. administrative cases served without one): no targets.
 */
export function slaTargets(
  policy: Policy,
  planId: string | null,
  priority: Priority,
  type?: string,
): TicketTargets {
  const plan = planById(policy, planId);
  if (plan === undefined) return {};
  const byType = type === undefined ? undefined : plan.slaByType[type];
  const out: TicketTargets = {};
  for (const metric of METRICS) {
    const target = byType?.[metric]?.[priority] ?? plan.sla[metric]?.[priority];
    if (target !== undefined) out[metric] = target;
  }
  return out;
}

/** What to compute a due instant from. */
export interface DueInput {
  /** The policy (for its id, version and calendars). */
  readonly policy: Policy;
  /** Id of the calendar the windows were expanded from (see `calendarFor`). */
  readonly calendarId: string;
  /** The calendar's windows over a horizon that covers `start` and, ideally, the due instant. */
  readonly windows: CalendarWindows;
  /** Ticket priority (priority-only windows count only for their priorities). */
  readonly priority: Priority;
  /** Which metric. */
  readonly metric: Metric;
  /** The target duration from the policy. */
  readonly target: Duration;
  /** When the clock started (or restarted, see `accruedMs`), epoch ms. */
  readonly start: number;
  /** Periods when the clock is stopped (awaiting the customer). */
  readonly pauses?: readonly Pause[];
  /** Time already counted against this target before `start` (e.g. before a priority change). */
  readonly accruedMs?: number;
}

/** A due instant and everything needed to explain it. */
export interface DueInstant {
  /** Which metric. */
  readonly metric: Metric;
  /** The due instant (epoch ms), or undefined when the horizon ends first: expand further and retry. */
  readonly at: number | undefined;
  /** Clock start, epoch ms. */
  readonly start: number;
  /** The target as written in the policy. */
  readonly target: Duration;
  /** Target length in ms on `clock`. */
  readonly targetMs: number;
  /** Time already counted before `start`. */
  readonly accruedMs: number;
  /** `business` (calendar windows), `businessDays` (whole business days) or `calendar` (wall-clock) time. */
  readonly clock: ClockKind;
  /** Calendar id and zone. */
  readonly calendarId: string;
  /** IANA zone of the calendar. */
  readonly zone: string;
  /** Ticket priority used to select windows. */
  readonly priority: Priority;
  /** Number of open windows (after pauses) counted between start and the due instant. */
  readonly windowsCounted: number;
  /** Business (or calendar) time that pauses removed between start and the due instant, ms. */
  readonly pausedMs: number;
  /** Policy id and version the target comes from. */
  readonly policyId: string;
  /** Policy version. */
  readonly policyVersion: number;
}

/** Number of intervals of `clock` that overlap `[from, to)`. */
function countWindows(clock: BusinessClock, from: number, to: number): number {
  let n = 0;
  for (let i = 0; i < clock.starts.length && clock.starts[i]! < to; i++) if (clock.ends[i]! > from) n++;
  return n;
}

/**
 * The due instant of one target: `start` plus the target (minus `accruedMs`) on the calendar's
 * clock for the ticket's priority, with pauses subtracted. Pure epoch-ms arithmetic over the windows.
 */
export function dueInstant(input: DueInput): DueInstant {
  const calendar = input.policy.calendars[input.calendarId];
  if (calendar === undefined)
    throw new Error(`policy ${input.policy.id} has no calendar "${input.calendarId}"`);
  const resolved = resolveDuration(input.target, calendar);
  const accruedMs = input.accruedMs ?? 0;
  const remaining = Math.max(0, resolved.ms - accruedMs);
  const clock = clockOf(input.windows, input.priority, resolved.clock);
  const effective = withoutPauses(clock, input.pauses ?? []);
  const at = addBusiness(effective, input.start, remaining);
  let windowsCounted = 0;
  let pausedMs = 0;
  if (at !== undefined && at > input.start) {
    windowsCounted = countWindows(effective, input.start, at);
    pausedMs = (businessElapsed(clock, input.start, at) ?? remaining) - remaining;
  }
  return {
    metric: input.metric,
    at,
    start: input.start,
    target: input.target,
    targetMs: resolved.ms,
    accruedMs,
    clock: resolved.clock,
    calendarId: input.calendarId,
    zone: input.windows.zone,
    priority: input.priority,
    windowsCounted,
    pausedMs,
    policyId: input.policy.id,
    policyVersion: input.policy.version,
  };
}

/** An instant at which a warning is due: `fraction` of the target has elapsed. */
export interface WarningInstant {
  /** Fraction of the target, e.g. 0.75. */
  readonly fraction: number;
  /** When that fraction is reached (epoch ms); undefined beyond the horizon. */
  readonly at: number | undefined;
}

/**
 * Warning instants before a due instant, one per fraction (default: the policy's
 * `notifications.warnAt`), counted on the same clock, pauses and accrued time as `dueInstant`.
 * A fraction already reached by the accrued time warns at `start`.
 */
export function warningInstants(
  input: DueInput,
  fractions: readonly number[] = input.policy.notifications.warnAt,
): WarningInstant[] {
  const calendar = input.policy.calendars[input.calendarId];
  if (calendar === undefined)
    throw new Error(`policy ${input.policy.id} has no calendar "${input.calendarId}"`);
  const resolved = resolveDuration(input.target, calendar);
  const clock = clockOf(input.windows, input.priority, resolved.clock);
  const accrued = input.accruedMs ?? 0;
  return [...fractions]
    .sort((a, b) => a - b)
    .map((fraction) => ({
      fraction,
      at: addBusiness(
        clock,
        input.start,
        Math.max(0, Math.round(fraction * resolved.ms) - accrued),
        input.pauses,
      ),
    }));
}

/** Everything `slaDueInstants` needs about one ticket. */
export interface TicketSlaInput {
  /** The policy the ticket is served under. */
  readonly policy: Policy;
  /** The contract snapshot pinned on the ticket. */
  readonly contract: Pick<ContractSnapshot, 'planId' | 'options'>;
  /** Ticket priority. */
  readonly priority: Priority;
  /** Ticket type id, for per-type targets. */
  readonly type?: string;
  /** When the SLA clocks start (ticket creation), epoch ms. */
  readonly start: number;
  /** Windows of `calendarFor(policy, contract)`. */
  readonly windows: CalendarWindows;
  /** Periods when the clocks are stopped. */
  readonly pauses?: readonly Pause[];
}

/** Due instants of every metric that has a target for this ticket, in METRICS order. */
export function slaDueInstants(input: TicketSlaInput): DueInstant[] {
  const { id: calendarId } = calendarFor(input.policy, input.contract);
  const targets = slaTargets(input.policy, input.contract.planId, input.priority, input.type);
  return METRICS.flatMap((metric) => {
    const target = targets[metric];
    if (target === undefined) return [];
    return [
      dueInstant({
        policy: input.policy,
        calendarId,
        windows: input.windows,
        priority: input.priority,
        metric,
        target,
        start: input.start,
        ...(input.pauses && { pauses: input.pauses }),
      }),
    ];
  });
}

function hours(ms: number): string {
  return String(Math.round((ms / 3_600_000) * 100) / 100);
}

/**
 * A readable explanation of a due instant in both languages: metric, due instant in the calendar's
 * zone, target, start, calendar and its hours, windows counted, time paused, accrued time, policy
 * id and version. Uses the zone rules of the runtime to render local times (presentation only).
 */
export function explainDue(due: DueInstant, policy: Policy): Text {
  const calendar = policy.calendars[due.calendarId];
  const local = (ms: number): string => formatLocal(due.zone, ms);
  const render = (lang: 'es' | 'en'): string => {
    const es = lang === 'es';
    const name = METRIC_NAMES[due.metric][lang];
    const when =
      due.at === undefined
        ? es
          ? 'vence después del horizonte calculado'
          : 'is due after the computed horizon'
        : `${es ? 'vence el' : 'due'} ${local(due.at)} (${due.zone})`;
    const hoursText = calendar ? ` (${describeCalendar(calendar, lang)})` : '';
    const wholeDays =
      due.clock === 'businessDays'
        ? es
          ? `; cada día hábil cuenta entero, sea cual sea su horario (un día abierto solo a algunas prioridades es día hábil solo para ellas), y el plazo vence en el mismo punto del horario del último día hábil que el de inicio: a la misma hora local cuando ambos días tienen el mismo horario`
          : `; every business day counts whole, whatever its hours (a day open only to some priorities is a business day only for them), and the term ends at the same point of the last business day's hours as the start: the same local time when both days have the same hours`
        : '';
    const on =
      due.clock !== 'calendar'
        ? es
          ? `en el calendario "${due.calendarId}"${hoursText}, prioridad ${PRIORITY_NAMES[due.priority].es}${wholeDays}`
          : `on calendar "${due.calendarId}"${hoursText}, priority ${due.priority}${wholeDays}`
        : es
          ? 'en tiempo natural'
          : 'in calendar time';
    const parts = [
      `${name} ${when}: ${describeDuration(due.target, lang)} ${es ? 'desde' : 'from'} ${local(due.start)} ${on}`,
      es ? `${due.windowsCounted} ventanas abiertas contadas` : `${due.windowsCounted} open windows counted`,
      es ? `${hours(due.pausedMs)} h en pausa` : `${hours(due.pausedMs)} h paused`,
    ];
    if (due.accruedMs > 0) {
      parts.push(
        es ? `${hours(due.accruedMs)} h ya acumuladas` : `${hours(due.accruedMs)} h already accrued`,
      );
    }
    parts.push(`${es ? 'política' : 'policy'} ${due.policyId} v${due.policyVersion}`);
    return `${parts.join('; ')}.`;
  };
  return { es: render('es'), en: render('en') };
}
