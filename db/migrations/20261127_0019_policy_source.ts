import { sql, type Kysely } from 'kysely';

/**
 * `policies.source`: `preset` for versions published from a file in `policies/` at start, `upload` for an
 * operator's own. Start-up publishes a changed preset text as a new version and activates it only when the
 * active version is a preset one, never over an operator's choice. Before this column the five presets were
 * only ever stored as version 1, at first start and before any upload, so those rows are presets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('policies')
    .addColumn('source', 'text', (c) =>
      c
        .notNull()
        .defaultTo('upload')
        .check(sql`source in ('preset', 'upload')`),
    )
    .execute();
  await sql`update policies set source = 'preset'
    where version = 1 and id in ('paygroup', 'indetec', 'w32', 'sisnova', 'arcoiris')`.execute(db);
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('policies').dropColumn('source').execute();
}
