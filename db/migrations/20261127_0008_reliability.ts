import { sql, type Kysely } from 'kysely';

/**
 * Reliability (issue 12):
 * - `tickets.projection_error` / `projection_failed_at` / `projection_failures`: a ticket whose projection
 *   keeps failing is flagged here by its workflow (which keeps taking commands and retries later); the
 *   next projection that succeeds clears the flag.
 * - `idempotency_keys.state = 'may_apply'`: the command sent under the key timed out and may still apply;
 *   the same request may be retried at once (Temporal de-duplicates by the update id derived from the key),
 *   another request under the key is refused.
 * - `tickets_unstarted_idx`: the reconciler's scan of tickets whose workflow start did not complete.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tickets')
    .addColumn('projection_error', 'text')
    .addColumn('projection_failed_at', 'timestamptz')
    .addColumn('projection_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index tickets_projection_error_idx on tickets (number) where projection_error is not null`.execute(
    db,
  );
  await sql`create index tickets_unstarted_idx on tickets (created_at) where status = 'new'`.execute(db);
  await sql`alter table idempotency_keys drop constraint if exists idempotency_keys_state_check`.execute(db);
  await sql`alter table idempotency_keys add constraint idempotency_keys_state_check check (state in ('in_progress', 'may_apply', 'done'))`.execute(
    db,
  );
}

/** Reverts the columns, indexes and the state constraint. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys drop constraint if exists idempotency_keys_state_check`.execute(db);
  await sql`update idempotency_keys set state = 'in_progress' where state = 'may_apply'`.execute(db);
  await sql`alter table idempotency_keys add constraint idempotency_keys_state_check check (state in ('in_progress', 'done'))`.execute(
    db,
  );
  await sql`drop index if exists tickets_unstarted_idx`.execute(db);
  await sql`drop index if exists tickets_projection_error_idx`.execute(db);
  await db.schema
    .alterTable('tickets')
    .dropColumn('projection_error')
    .dropColumn('projection_failed_at')
    .dropColumn('projection_failures')
    .execute();
}
