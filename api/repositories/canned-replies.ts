/** Canned replies in Postgres: what a caller may see and change, and the values a ticket renders them with. */
import type { Kysely, Selectable } from 'kysely';
import type { PlaceholderValues } from '../../domain';
import type { CannedRepliesTable, Database, Ticket } from '../../db/schema';
import type { Principal } from '../auth';
import { isoRequired } from '../schemas';
import { loadStoredPolicy } from './policies';

export type CannedReply = Selectable<CannedRepliesTable>;

/** Who may write shared (team) replies: supervisors and administrators. */
export function mayWriteShared(auth: Principal): boolean {
  return auth.role === 'admin' || auth.role === 'supervisor';
}

/** The replies a caller sees: every shared one and their own personal ones. */
export function visibleCannedReplies(db: Kysely<Database>, auth: Principal) {
  return db
    .selectFrom('canned_replies')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('scope', '=', 'shared'),
        eb.and([eb('scope', '=', 'personal'), eb('owner_id', '=', auth.keyId)]),
      ]),
    );
}

/** One reply the caller sees, or undefined (another person's personal reply is not seen at all). */
export function findVisibleCannedReply(db: Kysely<Database>, auth: Principal, id: string) {
  return visibleCannedReplies(db, auth).where('id', '=', id).executeTakeFirst();
}

/** The API view of a reply. */
export function cannedReplyView(row: CannedReply) {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    language: row.language,
    scope: row.scope,
    createdBy: row.created_by,
    actions: row.actions,
    isMacro: Object.keys(row.actions).length > 0,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

const ms = (value: unknown): number | null =>
  value === null || value === undefined ? null : new Date(value as Date | string).getTime();

/** The zone of the ticket's calendar (as intake chose it), UTC when its policy is gone. */
async function ticketZone(db: Kysely<Database>, ticket: Ticket): Promise<string> {
  const policy = await loadStoredPolicy(db, ticket.policy_id, ticket.policy_version);
  if (policy === undefined) return 'UTC';
  const intake = ticket.intake as { open?: { calendarId?: unknown }; decision?: { calendarId?: unknown } };
  const chosen = intake.open?.calendarId ?? intake.decision?.calendarId;
  const calendarId = typeof chosen === 'string' ? chosen : policy.defaultCalendar;
  return policy.calendars[calendarId]?.zone ?? 'UTC';
}

/** Everything a placeholder may name for `ticket`, written by `agentName`. */
export async function placeholderValues(
  db: Kysely<Database>,
  ticket: Ticket,
  agentName: string,
): Promise<PlaceholderValues> {
  const customer = await db
    .selectFrom('customers')
    .select('name')
    .where('id', '=', ticket.customer_id)
    .executeTakeFirst();
  return {
    customerName: customer?.name ?? ticket.customer_id,
    ticketNumber: ticket.number,
    ticketSubject: ticket.subject,
    ticketPriority: ticket.priority,
    requesterName: ticket.requester_name,
    requesterEmail: ticket.requester_email,
    agentName,
    due: {
      firstResponse: ms(ticket.first_response_due_at),
      nextUpdate: ms(ticket.next_update_due_at),
      resolution: ms(ticket.resolution_due_at),
    },
    zone: await ticketZone(db, ticket),
  };
}

/** The language a ticket's replies default to: its customer's (the ticket's locale). */
export function ticketLanguage(ticket: Ticket): 'es' | 'en' {
  return ticket.locale === 'en' ? 'en' : 'es';
}
