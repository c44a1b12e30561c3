/** Read-side views of a ticket state: the projection row fields and the explained SLA clocks. */
import { formatLocal } from '../calendar/zone';
import { dueInstant, explainDue } from '../sla';
import type { Metric, Text } from '../policy/schema';
import { clockInstant, countedMs } from './clocks';
import { nextDeadline, SLA_METRICS } from './decide';
import { resolve, type LifecycleContext } from './time';
import type { TicketState } from './types';

/** What the Postgres projection and the search attributes show of a ticket. */
export interface TicketView {
  readonly status: TicketState['status'];
  readonly priority: TicketState['priority'];
  readonly level: number;
  readonly assignee: string | null;
  readonly firstResponseDueAt: number | null;
  readonly nextUpdateDueAt: number | null;
  readonly resolutionDueAt: number | null;
  /** Earliest due instant of a running SLA clock (breached ones included: they are the most urgent). */
  readonly nextSlaDueAt: number | null;
  /** The next instant the workflow acts on by itself (any timer). */
  readonly nextDeadlineAt: number | null;
  readonly breachedMetrics: readonly Metric[];
  readonly firstRespondedAt: number | null;
  readonly resolvedAt: number | null;
  readonly closedAt: number | null;
  readonly billable: boolean;
  readonly counters: TicketState['counters'];
}

/** The projection fields of a state. */
export function ticketView(state: TicketState, ctx: LifecycleContext): TicketView {
  const due = (metric: Metric): number | null => {
    const clock = state.clocks[metric];
    return (clock && clockInstant(clock, 1, ctx, state.calendarId, state.priority)) ?? null;
  };
  const dues = SLA_METRICS.map(due).filter((d): d is number => d !== null);
  return {
    status: state.status,
    priority: state.priority,
    level: state.level,
    assignee: state.assignee,
    firstResponseDueAt: due('firstResponse'),
    nextUpdateDueAt: due('nextUpdate'),
    resolutionDueAt: due('resolution'),
    nextSlaDueAt: dues.length > 0 ? Math.min(...dues) : null,
    nextDeadlineAt: nextDeadline(state, ctx)?.at ?? null,
    breachedMetrics: SLA_METRICS.filter((m) => state.clocks[m]?.breached === true),
    firstRespondedAt: state.clocks.firstResponse?.metAt ?? null,
    resolvedAt: state.resolvedAt ?? null,
    closedAt: state.closedAt ?? null,
    billable: state.billable,
    counters: state.counters,
  };
}

/** One SLA clock as people see it: counted so far, target, due instant and why. */
export interface ExplainedClock {
  readonly metric: Metric;
  readonly running: boolean;
  readonly breached: boolean;
  readonly countedMs: number;
  readonly targetMs: number;
  readonly dueAt: number | null;
  readonly metAt: number | null;
  readonly explanation: Text;
}

/** Every SLA clock of the ticket with live figures at `now` and the explanation of its due instant. */
export function explainClocks(state: TicketState, ctx: LifecycleContext, now: number): ExplainedClock[] {
  return SLA_METRICS.flatMap((metric) => {
    const clock = state.clocks[metric];
    if (clock === undefined) return [];
    const counted = countedMs(clock, now, ctx, state.calendarId, state.priority);
    const running = clock.runningSince !== null && clock.metAt === undefined;
    const due = dueInstant({
      policy: ctx.policy,
      calendarId: state.calendarId,
      windows: ctx.windows,
      priority: state.priority,
      metric,
      target: clock.target,
      start: clock.runningSince ?? now,
      accruedMs: clock.accruedMs,
    });
    const dueAt = running ? (due.at ?? null) : null;
    const explanation: Text = running
      ? explainDue(due, ctx.policy)
      : clock.metAt !== undefined
        ? {
            es: `Cumplido el ${formatLocal(ctx.windows.zone, clock.metAt)} (${ctx.windows.zone}).`,
            en: `Met at ${formatLocal(ctx.windows.zone, clock.metAt)} (${ctx.windows.zone}).`,
          }
        : {
            es: `Detenido (en espera del cliente) con ${Math.round(counted / 60_000)} min contados.`,
            en: `Stopped (awaiting the customer) with ${Math.round(counted / 60_000)} min counted.`,
          };
    return [
      {
        metric,
        running,
        breached: clock.breached,
        countedMs: counted,
        targetMs: resolve(ctx, state.calendarId, clock.target).ms,
        dueAt,
        metAt: clock.metAt ?? null,
        explanation,
      },
    ];
  });
}
