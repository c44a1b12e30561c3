import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities/index';
import {
  decide,
  explainClocks,
  nextDeadline,
  openTicket,
  staleVersionRefusal,
  ticketView,
  type Decision,
  type LifecycleContext,
  type LifecycleRefusal,
  type Notification,
  type TicketEvent,
  type TicketState,
  type TimelineEntry,
} from '../../domain/lifecycle/index';
import {
  AssigneeKey,
  NextDueAtKey,
  TicketLevelKey,
  TicketPriorityKey,
  TicketStatusKey,
} from '../search-attributes';
import {
  commandSignals,
  commandUpdates,
  REFUSAL_FAILURE_TYPE,
  ticketStateQuery,
  type CommandResult,
  type TicketOutcome,
  type TicketWorkflowInput,
} from './messages';
import { WINDOW_HORIZON_MS } from './constants';

const DAY_MS = 86_400_000;
const WINDOW_REFRESH_MARGIN_MS = 30 * DAY_MS;
/** Continue-as-new well before Temporal's history limits, even if the server does not suggest it. */
const MAX_HISTORY_EVENTS = 2_000;

const { expandCalendarWindows } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
/**
 * Projection runs as a local activity: in the worker that made the decision, right after it, with no
 * task-queue round trip, so the row is visible within milliseconds and history grows by one marker.
 * Its retries are bounded: a projection that keeps failing must not hold the workflow (while a local
 * activity retries, no update, signal or query is answered). After the last attempt the ticket is
 * flagged and the projection is tried again on the next decision or after a back-off timer.
 */
const { projectTicket, flagProjectionFailure } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '2 seconds', maximumAttempts: 3 },
});
/** Back-off between rounds of a failing projection: 1 minute, doubling, at most 30 minutes. */
const projectionBackoffMs = (failures: number): number =>
  Math.min(30 * 60_000, 60_000 * 2 ** Math.min(failures - 1, 10));

function refusalFailure(refusal: LifecycleRefusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: REFUSAL_FAILURE_TYPE,
    message: refusal.message.en,
    details: [refusal],
    nonRetryable: true,
  });
}

/**
 * One durable workflow per ticket: a thin loop around the pure `decide`. Messages and timers become
 * decisions; their timeline entries and notifications are projected to Postgres (and the outbox) by an
 * idempotent activity; the loop sleeps until the next deadline or message.
 */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { policy } = input;
  let windows = input.windows;
  const ctx = (): LifecycleContext => ({ policy, windows });

  let state: TicketState;
  let timeline: TimelineEntry[] = [];
  let notifications: Notification[] = [];
  let done = false;
  if (input.state !== undefined) {
    state = input.state;
  } else if (input.open !== undefined) {
    const opened = openTicket(input.open, ctx());
    state = opened.state;
    timeline = opened.timeline;
    notifications = opened.notifications;
  } else {
    throw ApplicationFailure.nonRetryable('ticketWorkflow needs `open` or `state`', 'BadInput');
  }

  const apply = (event: TicketEvent): Decision => {
    const decision = decide(state, event, Date.now(), ctx());
    if (decision.accepted) {
      state = decision.state;
      timeline.push(...decision.timeline);
      notifications.push(...decision.notifications);
      done ||= decision.done;
    }
    return decision;
  };
  const result = (): CommandResult => ({
    number: state.number,
    seq: state.seq,
    status: state.status,
    priority: state.priority,
    level: state.level,
    assignee: state.assignee,
  });

  /** The command of an update, refused when it was written against another version of the ticket. */
  const commandOf = (type: string, args: object): TicketEvent => {
    const { expectedVersion, ...command } = args as { expectedVersion?: number };
    const stale = staleVersionRefusal(state, expectedVersion);
    if (stale !== undefined) throw refusalFailure(stale);
    return { type, ...command } as TicketEvent;
  };
  for (const [type, update] of Object.entries(commandUpdates)) {
    setHandler(
      update,
      (args: object) => {
        const decision = apply(commandOf(type, args));
        if (!decision.accepted) throw refusalFailure(decision.refusal);
        return result();
      },
      {
        validator: (args: object) => {
          const decision = decide(state, commandOf(type, args), Date.now(), ctx());
          if (!decision.accepted) throw refusalFailure(decision.refusal);
        },
      },
    );
  }
  for (const [type, signal] of Object.entries(commandSignals)) {
    setHandler(signal, (args: object) => {
      apply({ type, ...args } as TicketEvent);
    });
  }
  setHandler(ticketStateQuery, () => ({
    state,
    view: ticketView(state, ctx()),
    clocks: explainClocks(state, ctx(), Date.now()),
    now: Date.now(),
  }));

  const indexed = new Map<string, unknown>();
  const upsertIndex = (): void => {
    const view = ticketView(state, ctx());
    const pairs: SearchAttributeUpdatePair[] = [
      { key: TicketStatusKey, value: state.status },
      { key: TicketPriorityKey, value: state.priority },
      { key: TicketLevelKey, value: state.level },
      { key: AssigneeKey, value: state.assignee },
      { key: NextDueAtKey, value: view.nextDeadlineAt === null ? null : new Date(view.nextDeadlineAt) },
    ];
    // Only what changed; a null removes an attribute, so it is sent only when one was set before.
    const changed = pairs.filter((pair) => {
      const value = pair.value instanceof Date ? pair.value.getTime() : pair.value;
      const before = indexed.get(pair.key.name);
      if (value === before || (value === null && before === undefined)) return false;
      indexed.set(pair.key.name, value ?? undefined);
      return true;
    });
    if (changed.length > 0) upsertSearchAttributes(changed);
  };

  // What was decided but is not in Postgres yet; kept (and added to) while the projection fails.
  let unprojected: { timeline: TimelineEntry[]; notifications: Notification[] } | undefined;
  let projectionFailures = 0;
  let projectionRetryAt = Infinity;
  for (;;) {
    if (timeline.length > 0) {
      unprojected = {
        timeline: [...(unprojected?.timeline ?? []), ...timeline],
        notifications: [...(unprojected?.notifications ?? []), ...notifications],
      };
      timeline = [];
      notifications = [];
      upsertIndex();
      projectionRetryAt = Date.now(); // a new decision retries a failing projection at once
    }
    if (unprojected !== undefined && Date.now() >= projectionRetryAt) {
      try {
        await projectTicket({
          number: state.number,
          version: state.seq,
          view: ticketView(state, ctx()),
          timeline: unprojected.timeline,
          notifications: unprojected.notifications,
        });
        unprojected = undefined;
        projectionFailures = 0;
        projectionRetryAt = Infinity;
      } catch (error) {
        projectionFailures++;
        projectionRetryAt = Date.now() + projectionBackoffMs(projectionFailures);
        // An ActivityFailure; its cause holds the activity's own error.
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        const message = cause instanceof Error ? cause.message : String(cause);
        log.warn('ticket projection failed; retrying later', {
          ticket: state.number,
          failures: projectionFailures,
          error: message,
        });
        try {
          await flagProjectionFailure({ number: state.number, error: message, failures: projectionFailures });
        } catch {
          // Postgres itself is unreachable: the next round tries both again.
        }
      }
      continue;
    }
    if (done && unprojected === undefined) break;
    if (Date.now() >= windows.to - WINDOW_REFRESH_MARGIN_MS) {
      windows = await expandCalendarWindows({
        calendar: policy.calendars[state.calendarId]!,
        from: Math.min(state.createdAt, windows.from),
        to: Date.now() + WINDOW_HORIZON_MS,
      });
      continue;
    }
    const info = workflowInfo();
    if (
      unprojected === undefined &&
      (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS)
    ) {
      await condition(allHandlersFinished);
      if (timeline.length > 0) continue;
      return continueAsNew<typeof ticketWorkflow>({ policy, windows, state });
    }
    const dueAt = done
      ? Infinity
      : Math.min(nextDeadline(state, ctx())?.at ?? Infinity, windows.to - WINDOW_REFRESH_MARGIN_MS);
    const wakeAt = Math.min(dueAt, projectionRetryAt);
    const messageArrived = await condition(
      () => timeline.length > 0 || (done && unprojected === undefined),
      Math.max(1, wakeAt - Date.now()),
    );
    if (!messageArrived && Date.now() >= dueAt) apply({ type: 'tick' });
  }
  await condition(allHandlersFinished);
  return {
    number: state.number,
    status: state.status,
    ...(state.closeReason !== undefined && { closeReason: state.closeReason }),
    final: state.final,
    billable: state.billable,
  };
}
