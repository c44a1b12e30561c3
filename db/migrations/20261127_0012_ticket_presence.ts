import { sql, type Kysely } from 'kysely';

/**
 * Presence on tickets (issue 15): who has a ticket open in the console, as short-lived heartbeats. Stored in
 * Postgres so every API process sees every viewer; rows older than a minute mean nothing and are pruned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ticket_presence')
    .addColumn('ticket_number', 'bigint', (c) => c.notNull())
    .addColumn('viewer', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_presence_pk', ['ticket_number', 'viewer'])
    .execute();
  await sql`create index ticket_presence_seen_idx on ticket_presence (seen_at)`.execute(db);
}

/** Drops the presence table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ticket_presence').ifExists().execute();
}
