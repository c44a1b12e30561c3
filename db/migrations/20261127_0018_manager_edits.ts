import { sql, type Kysely } from 'kysely';

/**
 * Manager screens (issue 17): a customer's time zone (shown to staff as the customer's local time; SLA
 * clocks keep following the policy calendar), and a version on customers and contracts so two managers
 * editing the same one cannot overwrite each other silently (`expectedVersion` on PATCH, 409 when stale).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('time_zone', 'text').execute();
  await db.schema
    .alterTable('customers')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('contracts')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`alter table customers add constraint customers_version_positive check (version > 0)`.execute(db);
}

/** Drops the columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contracts').dropColumn('version').execute();
  await db.schema.alterTable('customers').dropConstraint('customers_version_positive').execute();
  await db.schema.alterTable('customers').dropColumn('version').dropColumn('time_zone').execute();
}
