import { sql, type Kysely } from 'kysely';
import type { Notification, TicketView, TimelineEntry } from '../domain/lifecycle/index';
import type { Database } from '../db/schema';
import { toStorableText } from '../domain/text';
import { notifyStaff } from './staff-notifications';

/** What one projection carries: the ticket's current view and what happened since the last one. */
export interface ProjectionInput {
  number: number;
  /** The state's sequence number; older projections never overwrite newer ones. */
  version: number;
  view: TicketView;
  timeline: readonly TimelineEntry[];
  notifications: readonly Notification[];
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/**
 * Writes a ticket's projection in one transaction: the row (only if this version is newer), the timeline
 * entries and the outbox messages (each skipped when already written), the staff notifications they cause
 * (`staff-notifications.ts`), and clears the ticket's
 * projection-failure flag. Safe to run any number of times. Text Postgres cannot store (NUL, lone
 * surrogates) is made storable first: the API refuses it, but one such string must never wedge a ticket.
 */
export async function projectTicket(
  db: Kysely<Database>,
  given: ProjectionInput,
  options: { webhookUrl?: string } = {},
): Promise<{ rowUpdated: boolean }> {
  const input = toStorableText(given);
  const { view } = input;
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('tickets')
      .set({ projection_error: null, projection_failed_at: null, projection_failures: 0 })
      .where('number', '=', input.number)
      .where('projection_error', 'is not', null)
      .execute();
    const updated = await tx
      .updateTable('tickets')
      .set({
        status: view.status,
        priority: view.priority,
        level: view.level,
        assignee: view.assignee,
        first_response_due_at: date(view.firstResponseDueAt),
        next_update_due_at: date(view.nextUpdateDueAt),
        resolution_due_at: date(view.resolutionDueAt),
        next_due_at: date(view.nextSlaDueAt),
        breached: view.breachedMetrics.length > 0,
        breached_metrics: sql<string[]>`${sql.val(view.breachedMetrics)}::text[]`,
        counters: JSON.stringify(view.counters),
        first_responded_at: date(view.firstRespondedAt),
        resolved_at: date(view.resolvedAt),
        closed_at: date(view.closedAt),
        billable: view.billable,
        projection_version: input.version,
        updated_at: sql<Date>`now()`,
      })
      .where('number', '=', input.number)
      .where('projection_version', '<', input.version)
      .executeTakeFirst();
    if (input.timeline.length > 0) {
      await tx
        .insertInto('ticket_events')
        .values(
          input.timeline.map((e) => ({
            ticket_number: input.number,
            seq: e.seq,
            type: e.type,
            at: new Date(e.at),
            actor: e.actor,
            data: JSON.stringify(e.data),
          })),
        )
        .onConflict((oc) => oc.columns(['ticket_number', 'seq']).doNothing())
        .execute();
    }
    const outbox = input.notifications.map((n) => ({
      dedupe_key: n.dedupeKey,
      ticket_number: input.number,
      channel: 'email',
      template: n.template,
      locale: n.locale,
      recipient: n.recipient,
      payload: JSON.stringify(n.payload),
    }));
    if (options.webhookUrl !== undefined) {
      for (const e of input.timeline) {
        outbox.push({
          dedupe_key: `ticket:${input.number}:${e.seq}:webhook`,
          ticket_number: input.number,
          channel: 'webhook',
          template: 'ticket_event',
          locale: 'en',
          recipient: options.webhookUrl,
          payload: JSON.stringify({ ticketNumber: input.number, ...e, status: view.status }),
        });
      }
    }
    if (outbox.length > 0) {
      await tx
        .insertInto('outbox')
        .values(outbox)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    }
    await notifyStaff(tx, input.number, view, input.timeline, input.notifications);
    return { rowUpdated: Number(updated.numUpdatedRows) > 0 };
  });
}

/** A projection that failed every attempt: what the workflow records on the ticket. */
export interface ProjectionFailure {
  number: number;
  /** The last error's message. */
  error: string;
  /** Failed rounds in a row (each round is several attempts). */
  failures: number;
}

/**
 * Flags a ticket whose projection keeps failing (`projection_error`), so it shows as needing attention
 * in the API, the console and the `orquesta_tickets_needing_attention` metric. Touches no text the
 * ticket's commands carried, so it succeeds where the projection failed (unless Postgres is down).
 */
export async function flagProjectionFailure(db: Kysely<Database>, failure: ProjectionFailure): Promise<void> {
  await db
    .updateTable('tickets')
    .set({
      projection_error: toStorableText(failure.error).slice(0, 2_000),
      projection_failed_at: sql<Date>`now()`,
      projection_failures: failure.failures,
    })
    .where('number', '=', failure.number)
    .execute();
}
