import { sql, type Kysely } from 'kysely';

/**
 * Search at 1,000,000 tickets (issue 17, `bench:api -- --search-only`): drops two ticket indexes nothing
 * reads any more, which every ticket insert and update still paid for:
 * - `tickets_text_trgm_idx`, trigrams of `subject || ' ' || description`: the search before
 *   `20261127_0017_search`, which now reads `search_text` (its own trigram index);
 * - `tickets_created_idx` (`created_at`): `tickets_created_number_idx` (`created_at, number`) serves every
 *   read it served, and the `created` sorts.
 * Upgrade time: dropping an index is a catalog change, instant at any size (it takes a brief exclusive lock on
 * `tickets`). `down` builds them again: about a minute per million tickets for the trigram one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tickets_text_trgm_idx`.execute(db);
  await sql`drop index if exists tickets_created_idx`.execute(db);
}

/** Builds the two indexes again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists tickets_created_idx on tickets (created_at)`.execute(db);
  await sql`create index if not exists tickets_text_trgm_idx on tickets
    using gin ((subject || ' ' || description) gin_trgm_ops)`.execute(db);
}
