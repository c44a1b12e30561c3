import { sql, type Kysely } from 'kysely';

/**
 * A ticket's notifications in the order they were queued: the ticket view lists them next to its
 * timeline (`GET /v1/tickets/{number}/notifications`), which must not walk the whole outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outbox_ticket_idx on outbox (ticket_number, id)`.execute(db);
}

/** Drops the index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outbox_ticket_idx`.execute(db);
}
