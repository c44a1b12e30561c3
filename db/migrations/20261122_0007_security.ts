import { sql, type Kysely } from 'kysely';

/**
 * Security and replay protection (issue 12):
 * - API keys get an optional expiry and the time they were last used (updated at most once a minute).
 * - Integration events are unique per sending key, source and event id (a key can no longer squat another
 *   sender's ids), and carry `processed_at`: a row whose processing is still running (or failed) is not
 *   acknowledged as a duplicate.
 * - Inbound emails are remembered by the message's Message-ID per sender and by the request signature, so a
 *   replayed or re-sent message opens no second ticket and records no second reply.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column expires_at timestamptz, add column last_used_at timestamptz`.execute(
    db,
  );

  await sql`alter table integration_events add column processed_at timestamptz`.execute(db);
  await sql`update integration_events set processed_at = received_at`.execute(db);
  await sql`alter table integration_events drop constraint integration_events_source_event_key`.execute(db);
  await sql`alter table integration_events
    add constraint integration_events_key_source_event_key unique (api_key_id, source, event_id)`.execute(db);

  await db.schema
    .createTable('inbound_emails')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('ticket_number', 'bigint')
    .addColumn('outcome', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('inbound_emails_sender_message_key', ['sender', 'message_id'])
    .addUniqueConstraint('inbound_emails_signature_key', ['signature'])
    .execute();
  await db.schema
    .createIndex('inbound_emails_received_idx')
    .on('inbound_emails')
    .column('received_at')
    .execute();
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('inbound_emails').execute();
  await sql`alter table integration_events drop constraint integration_events_key_source_event_key`.execute(
    db,
  );
  await sql`alter table integration_events
    add constraint integration_events_source_event_key unique (source, event_id)`.execute(db);
  await sql`alter table integration_events drop column processed_at`.execute(db);
  await sql`alter table api_keys drop column expires_at, drop column last_used_at`.execute(db);
}
