import { sql, type Kysely } from 'kysely';

/**
 * Attachments (issue 17): files uploaded by staff or customers, stored outside Postgres (filesystem or
 * S3-compatible storage, by `storage_key`); the row says what the bytes are (type sniffed from them, size,
 * sha256) and where they belong. An upload starts unattached (`ticket_number` null, owned by its uploader)
 * and is bound to a ticket and a message (`message_id`: a reply, a note or the ticket's intake) when used.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploader_ref', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('ticket_number', 'bigint')
    .addColumn('message_id', 'text')
    .addColumn('internal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attached_at', 'timestamptz')
    .execute();
  await sql`create index attachments_ticket_idx on attachments (ticket_number, message_id)`.execute(db);
  await sql`create index attachments_pending_idx on attachments (created_at) where ticket_number is null`.execute(
    db,
  );
}

/** Drops the attachments table (the stored files stay where they are). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attachments').ifExists().execute();
}
