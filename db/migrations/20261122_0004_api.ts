import { sql, type Kysely } from 'kysely';

/**
 * The HTTP API's own tables: API keys (stored hashed), stored responses for `Idempotency-Key`,
 * received integration events (de-duplicated by source and event id), and the ticket indexes the
 * list filters and text search use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('admin', 'agent', 'integration', 'read-only')`),
    )
    .addColumn('customer_ids', sql`text[]`)
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('signing_secret', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('in_progress')
        .check(sql`state in ('in_progress', 'done')`),
    )
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'jsonb')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['api_key_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();

  await db.schema
    .createTable('integration_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('ticket_number', 'bigint')
    .addColumn('occurred_at', 'timestamptz')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('integration_events_source_event_key', ['source', 'event_id'])
    .execute();

  // Ticket list filters and text search (subject and description, substring match).
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index tickets_text_trgm_idx on tickets using gin ((subject || ' ' || description) gin_trgm_ops)`.execute(
    db,
  );
  // The list's `due` order is next due instant with none last, then number: one expression keeps
  // keyset pages a single index range scan however deep the page.
  await sql`create index tickets_due_idx on tickets ((coalesce(next_due_at, 'infinity'::timestamptz)), number)`.execute(
    db,
  );
  await sql`create index tickets_priority_due_idx on tickets (priority, (coalesce(next_due_at, 'infinity'::timestamptz)), number)`.execute(
    db,
  );
  await db.schema.createIndex('tickets_created_idx').on('tickets').columns(['created_at']).execute();
}

/** Reverts the migration (the pg_trgm extension stays: other schemas may use it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'tickets_created_idx',
    'tickets_priority_due_idx',
    'tickets_due_idx',
    'tickets_text_trgm_idx',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
  for (const table of ['integration_events', 'idempotency_keys', 'api_keys']) {
    await db.schema.dropTable(table).execute();
  }
}
