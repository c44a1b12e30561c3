/** A ticket's notifications: its outbox rows, with the instant of the timeline entry that issued each. */
import type { Kysely } from 'kysely';
import type { Database, OutboxMessage } from '../../db/schema';
import { iso, isoRequired } from '../schemas';

/** An outbox row with the instant of its timeline entry (when the dedupe key names one). */
export interface NotificationRow {
  row: OutboxMessage;
  eventSeq: number | null;
  eventAt: unknown;
}

/**
 * The timeline entry a notification belongs to: the workflows key notifications
 * `ticket:<number>:<seq>:...` where `seq` is the entry that issued them.
 */
export function eventSeqOf(dedupeKey: string, number: number): number | null {
  const [kind, n, seq] = dedupeKey.split(':');
  if (kind !== 'ticket' || n !== String(number) || seq === undefined || !/^\d{1,9}$/.test(seq)) return null;
  return Number(seq);
}

/** Notifications of a ticket after outbox id `afterId`, in the order they were queued (two queries). */
export async function listTicketNotifications(
  db: Kysely<Database>,
  number: number,
  afterId: number | undefined,
  limit: number,
): Promise<NotificationRow[]> {
  let query = db
    .selectFrom('outbox')
    .selectAll()
    .where('ticket_number', '=', number)
    .orderBy('id')
    .limit(limit);
  if (afterId !== undefined) query = query.where('id', '>', String(afterId));
  const rows = await query.execute();
  const seqs = [...new Set(rows.map((r) => eventSeqOf(r.dedupe_key, number)).filter((s) => s !== null))];
  const events =
    seqs.length === 0
      ? []
      : await db
          .selectFrom('ticket_events')
          .select(['seq', 'at'])
          .where('ticket_number', '=', number)
          .where('seq', 'in', seqs)
          .execute();
  const at = new Map(events.map((e) => [e.seq, e.at]));
  return rows.map((row) => {
    const eventSeq = eventSeqOf(row.dedupe_key, number);
    return { row, eventSeq, eventAt: eventSeq === null ? undefined : at.get(eventSeq) };
  });
}

/** Where a webhook goes, without its path or query (which may carry a token). */
function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'webhook';
  }
}

/** A notification as the API shows it. */
export function notificationView({ row, eventSeq, eventAt }: NotificationRow) {
  const queuedAt = isoRequired(row.created_at);
  return {
    id: String(row.id),
    template: row.template,
    channel: row.channel,
    recipient: row.channel === 'webhook' ? webhookOrigin(row.recipient) : row.recipient,
    locale: row.locale,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    eventSeq: eventAt === undefined ? null : eventSeq,
    at: iso(eventAt) ?? queuedAt,
    queuedAt,
    deliveredAt: iso(row.delivered_at),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
  };
}
