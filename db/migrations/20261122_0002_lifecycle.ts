import { sql, type Kysely } from 'kysely';

/**
 * Policies (versioned documents), the data intake checks (requesters, licenses, trained users,
 * product versions, add-on purchases) and the quota ledger that keeps consumption exact under
 * concurrent creation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('policies_pkey', ['id', 'version'])
    .execute();
  await db.schema
    .createIndex('policies_one_active_idx')
    .on('policies')
    .column('id')
    .unique()
    .where(sql.ref('active'), '=', true)
    .execute();

  await db.schema
    .alterTable('contracts')
    .addColumn('requesters', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('licenses', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('trained_users', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('product', 'text')
    .execute();

  await db.schema
    .createTable('product_versions')
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_versions_pkey', ['product', 'version'])
    .execute();

  await db.schema
    .createTable('addon_purchases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('tickets', 'integer', (c) => c.notNull().check(sql`tickets > 0`))
    .addColumn('purchased_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('addon_purchases_contract_idx')
    .on('addon_purchases')
    .column('contract_id')
    .execute();

  await db.schema
    .alterTable('tickets')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('es'))
    .addColumn('product_version', 'text')
    .addColumn('module', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'text')
    .addColumn('first_responded_at', 'timestamptz')
    .addColumn('billable', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('intake', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .createTable('quota_consumptions')
    .addColumn('ticket_number', 'bigint', (c) => c.primaryKey().references('tickets.number'))
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('plan', 'pack')`))
    .addColumn('purchase_id', 'text', (c) => c.references('addon_purchases.id'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('quota_consumptions_period_idx')
    .on('quota_consumptions')
    .columns(['contract_id', 'period_start'])
    .execute();
  await db.schema
    .createIndex('quota_consumptions_purchase_idx')
    .on('quota_consumptions')
    .column('purchase_id')
    .execute();
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quota_consumptions').execute();
  await db.schema
    .alterTable('tickets')
    .dropColumn('locale')
    .dropColumn('product_version')
    .dropColumn('module')
    .dropColumn('contact_phone')
    .dropColumn('attachments')
    .dropColumn('created_by')
    .dropColumn('first_responded_at')
    .dropColumn('billable')
    .dropColumn('intake')
    .execute();
  await db.schema.dropTable('addon_purchases').execute();
  await db.schema.dropTable('product_versions').execute();
  await db.schema
    .alterTable('contracts')
    .dropColumn('requesters')
    .dropColumn('licenses')
    .dropColumn('trained_users')
    .dropColumn('product')
    .execute();
  await db.schema.dropTable('policies').execute();
}
