import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { AccountTemplate } from './account-templates';
import type { NotificationLocale, NotificationPayload, NotificationTemplate } from './templates';

/** One notification to write to the outbox. */
export interface NotificationToSend {
  /** Unique per notification (e.g. `ticket:1042:sla_warning:firstResponse:0.75`); a repeat is ignored. */
  dedupeKey: string;
  ticketNumber: number | null;
  channel: 'email' | 'webhook';
  /** A ticket template, or an account template (`ticketNumber` null, payload `{ link, displayName, expiresAt }`). */
  template: NotificationTemplate | AccountTemplate;
  locale: NotificationLocale;
  /** An email address, or the webhook URL (`WEBHOOK_URL`). */
  recipient: string;
  payload: NotificationPayload | Record<string, unknown>;
  /** Do not deliver before this instant; now by default. */
  notBefore?: Date;
}

/**
 * Writes notifications to the outbox; pass the transaction that writes the projection, so both commit or
 * neither does. Rows whose `dedupeKey` is already there are skipped (a retried activity writes nothing new).
 * Returns how many rows were inserted.
 */
export async function enqueueNotifications(
  db: Kysely<Database>,
  notifications: readonly NotificationToSend[],
): Promise<number> {
  if (notifications.length === 0) return 0;
  const rows = notifications.map(
    (n) => sql`(${n.dedupeKey}, ${n.ticketNumber}, ${n.channel}, ${n.template}, ${n.locale}, ${n.recipient},
      ${JSON.stringify(n.payload)}::jsonb, coalesce(${n.notBefore?.toISOString() ?? null}::timestamptz, now()))`,
  );
  const result = await sql`
    insert into outbox (dedupe_key, ticket_number, channel, template, locale, recipient, payload, next_attempt_at)
    values ${sql.join(rows)}
    on conflict (dedupe_key) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
