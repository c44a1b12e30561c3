import { sql, type Kysely } from 'kysely';

/** Customers, contracts, tickets, the ticket timeline and the notification outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('es'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('monthly', 'yearly')`))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('contracts_period_order', sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex('contracts_customer_idx').on('contracts').column('customer_id').execute();

  await db.schema
    .createTable('tickets')
    .addColumn('number', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('contract_id', 'text', (c) => c.references('contracts.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('assignee', 'text')
    .addColumn('requester_email', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('first_response_due_at', 'timestamptz')
    .addColumn('next_update_due_at', 'timestamptz')
    .addColumn('resolution_due_at', 'timestamptz')
    .addColumn('next_due_at', 'timestamptz')
    .addColumn('breached', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('breached_metrics', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('counters', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('projection_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('tickets_status_due_idx')
    .on('tickets')
    .columns(['status', 'next_due_at', 'number'])
    .execute();
  await db.schema
    .createIndex('tickets_customer_idx')
    .on('tickets')
    .columns(['customer_id', 'number'])
    .execute();
  await db.schema.createIndex('tickets_assignee_idx').on('tickets').columns(['assignee', 'number']).execute();
  await db.schema
    .createIndex('tickets_breached_idx')
    .on('tickets')
    .columns(['next_due_at', 'number'])
    .where(sql.ref('breached'), '=', true)
    .execute();

  await db.schema
    .createTable('ticket_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ticket_number', 'bigint', (c) => c.notNull().references('tickets.number'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('ticket_events_ticket_seq_key', ['ticket_number', 'seq'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('ticket_number', 'bigint', (c) => c.references('tickets.number'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'webhook')`))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('outbox_pending_idx')
    .on('outbox')
    .columns(['next_attempt_at', 'id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

/** Drops everything the migration created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox', 'ticket_events', 'tickets', 'contracts', 'customers']) {
    await db.schema.dropTable(table).execute();
  }
}
