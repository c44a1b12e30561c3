import { sql, type Kysely } from 'kysely';

/**
 * Queue filters in due order: the console combines status with priority, and filters by customer or
 * assignee; each gets an index that yields rows already in due order, so a selective filter never walks
 * the whole due-order index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const due = sql`(coalesce(next_due_at, 'infinity'::timestamptz))`;
  await sql`create index tickets_status_priority_due_idx on tickets (status, priority, ${due}, number)`.execute(
    db,
  );
  await sql`create index tickets_customer_due_idx on tickets (customer_id, ${due}, number)`.execute(db);
  await sql`create index tickets_assignee_due_idx on tickets (assignee, ${due}, number)`.execute(db);
}

/** Drops the indexes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'tickets_status_priority_due_idx',
    'tickets_customer_due_idx',
    'tickets_assignee_due_idx',
  ]) {
    await sql`drop index if exists ${sql.id(name)}`.execute(db);
  }
}
