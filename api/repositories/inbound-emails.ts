/**
 * Replay protection for inbound email (`POST /v1/integrations/inbound-email`): a message is claimed before
 * it is handled, unique by its Message-ID per sender and by the signature of the request that delivered it,
 * so a replayed request or a message the gateway sends twice opens no second ticket and records no second
 * reply. A claim whose handling failed is forgotten (the gateway's retry is handled); one left unfinished
 * for `INBOUND_TAKEOVER_MS` (its process died) is taken over.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** An unfinished claim older than this is taken over by the next delivery of the same message. */
export const INBOUND_TAKEOVER_MS = 60_000;

/** What a delivery of an inbound email is: new (claimed, handle it), already handled, or being handled. */
export type InboundClaim =
  | { kind: 'new'; id: number }
  | { kind: 'duplicate'; ticketNumber: number; outcome: string }
  | { kind: 'in-progress' };

/** Message-ID as a key: surrounding blanks and angle brackets removed; undefined when empty. */
export function normalizeMessageId(messageId: string | undefined): string | undefined {
  const bare = messageId
    ?.trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
  return bare ? bare : undefined;
}

/** Claims an inbound email for handling, or says it was (or is being) handled. */
export async function claimInboundEmail(
  db: Kysely<Database>,
  input: { apiKeyId: string; sender: string; messageId: string | undefined; signature: string },
): Promise<InboundClaim> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const inserted = await db
      .insertInto('inbound_emails')
      .values({
        api_key_id: input.apiKeyId,
        sender: input.sender,
        message_id: input.messageId ?? null,
        signature: input.signature,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) return { kind: 'new', id: inserted.id };
    const existing = await db
      .selectFrom('inbound_emails')
      .select(['id', 'ticket_number', 'outcome'])
      .where((eb) =>
        input.messageId === undefined
          ? eb('signature', '=', input.signature)
          : eb.or([
              eb('signature', '=', input.signature),
              eb.and([eb('sender', '=', input.sender), eb('message_id', '=', input.messageId)]),
            ]),
      )
      .orderBy('id')
      .executeTakeFirst();
    if (existing === undefined) continue; // forgotten in between: claim it now
    if (existing.outcome !== null && existing.ticket_number !== null) {
      return { kind: 'duplicate', ticketNumber: existing.ticket_number, outcome: existing.outcome };
    }
    const stale = await db
      .deleteFrom('inbound_emails')
      .where('id', '=', existing.id)
      .where('outcome', 'is', null)
      .where('received_at', '<', sql<Date>`now() - ${INBOUND_TAKEOVER_MS} * interval '1 millisecond'`)
      .executeTakeFirst();
    if (stale.numDeletedRows === 0n) return { kind: 'in-progress' };
  }
  return { kind: 'in-progress' };
}

/** Records how a claimed email was handled; later deliveries of it answer `duplicate` with this ticket. */
export async function completeInboundEmail(
  db: Kysely<Database>,
  id: number,
  result: { ticketNumber: number; outcome: 'created' | 'threaded' },
): Promise<void> {
  await db
    .updateTable('inbound_emails')
    .set({ ticket_number: result.ticketNumber, outcome: result.outcome })
    .where('id', '=', id)
    .execute();
}

/** Forgets a claim whose handling failed, so the gateway's retry is handled. */
export async function forgetInboundEmail(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('inbound_emails').where('id', '=', id).execute();
}

/** How long handled inbound emails are remembered (a gateway re-sending a message later than this opens it again). */
export const INBOUND_RETENTION_DAYS = 30;

/** Deletes inbound-email records past their retention; returns how many. */
export async function purgeInboundEmails(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('inbound_emails')
    .where('received_at', '<', sql<Date>`now() - ${INBOUND_RETENTION_DAYS} * interval '1 day'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
