import { sql, type Kysely } from 'kysely';

/**
 * Customer portal (issue 16):
 * - `portal_sign_in_tokens`: one-time sign-in links and codes (sha256 only), short-lived and single-use.
 * - `portal_sign_in_requests`: every sign-in request (known email or not), for the per-email and per-IP
 *   rate limits shared by every API process.
 * - `portal_sessions`: customer sessions (sha256 of the cookie's token) with their expiry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portal_sign_in_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('requester_name', 'text')
    .addColumn('link_hash', 'text', (c) => c.notNull().unique())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('code_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index portal_sign_in_tokens_email_idx on portal_sign_in_tokens (email, created_at)`.execute(
    db,
  );
  await db.schema
    .createTable('portal_sign_in_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index portal_sign_in_requests_email_idx on portal_sign_in_requests (email, at)`.execute(
    db,
  );
  await sql`create index portal_sign_in_requests_ip_idx on portal_sign_in_requests (ip, at)`.execute(db);
  await db.schema
    .createTable('portal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('requester_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
}

/** Drops the portal tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portal_sessions').ifExists().execute();
  await db.schema.dropTable('portal_sign_in_requests').ifExists().execute();
  await db.schema.dropTable('portal_sign_in_tokens').ifExists().execute();
}
