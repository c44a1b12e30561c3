import { sql, type Kysely } from 'kysely';

/**
 * Staff accounts (issue 15):
 * - `users`: staff who sign in to the console (email and display name unique, case-insensitively, so the
 *   timeline and assignments name one person), a scrypt password hash, a role, a language, notification
 *   preferences, and `deactivated_at` (a deactivated user cannot sign in; their sessions are revoked).
 * - `sessions`: console sessions, stored by the sha256 of the cookie's token, with idle and absolute expiry.
 * - `account_tokens`: single-use tokens (sha256 only) for password resets, invitations and the first
 *   administrator's set-up link.
 * - `login_failures`: failed sign-ins per account and per address, for throttling across API processes.
 * - `staff_notifications`: what each user is told about (assignment, customer reply, SLA warning and
 *   breach), streamed to the console and mailed per preference; unique per user and event.
 * - `idempotency_keys.api_key_id` loses its foreign key: it now names the caller, an API key or a user.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('agent', 'supervisor', 'admin', 'read-only')`),
    )
    .addColumn('language', 'text', (c) =>
      c
        .notNull()
        .defaultTo('es')
        .check(sql`language in ('es', 'en')`),
    )
    .addColumn('password_hash', 'text')
    .addColumn('notify', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deactivated_at', 'timestamptz')
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);
  await sql`create unique index users_display_name_key on users (lower(display_name))`.execute(db);

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('account_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('reset', 'invite', 'setup')`))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('account', 'ip')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_failures_subject_idx')
    .on('login_failures')
    .columns(['scope', 'subject', 'at'])
    .execute();

  await db.schema
    .createTable('staff_notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ticket_number', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addUniqueConstraint('staff_notifications_user_dedupe_key', ['user_id', 'dedupe_key'])
    .execute();

  await sql`alter table idempotency_keys drop constraint if exists idempotency_keys_api_key_id_fkey`.execute(
    db,
  );
}

/** Drops the account tables and restores the idempotency key's foreign key (rows of users are removed). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from idempotency_keys where api_key_id not in (select id from api_keys)`.execute(db);
  await sql`alter table idempotency_keys add constraint idempotency_keys_api_key_id_fkey foreign key (api_key_id) references api_keys (id)`.execute(
    db,
  );
  await db.schema.dropTable('staff_notifications').execute();
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropTable('account_tokens').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('users').execute();
}
