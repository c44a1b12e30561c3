import { sql, type Kysely } from 'kysely';

/**
 * Canned replies and macros (issue 17): text with placeholders, in one language, shared with the team
 * (written by supervisors and administrators) or personal (its owner only). `actions` makes it a macro:
 * the status, priority and assignee it also sets when applied.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('canned_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('es', 'en')`))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('shared', 'personal')`))
    // The caller that owns a personal reply (a user's id or an API key's id); who wrote a shared one.
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('actions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index canned_replies_owner_idx on canned_replies (scope, owner_id)`.execute(db);
}

/** Drops the canned replies. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('canned_replies').ifExists().execute();
}
