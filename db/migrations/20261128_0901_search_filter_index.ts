import { sql, type Kysely } from 'kysely';

/**
 * Search at 1,000,000 tickets (issue 17): the word list's GIN index also holds the customer and the agent
 * (`btree_gin`), so a search with a customer or agent filter (or a customer-scoped caller) intersects them
 * with the words inside one index scan, instead of checking the filter on every ticket the words matched or
 * ANDing a bitmap of the filter's btree index. A multicolumn GIN index serves conditions on any subset of its
 * columns as well as a single-column one, so it replaces `tickets_search_words_idx` (every ticket's words
 * would otherwise be written to two GIN indexes).
 * Status and priority are left out on purpose, measured at a million tickets: their entries are huge (150,000
 * open tickets, 250,000 of one priority), and the planner, which costs a GIN entry's posting list as a few
 * pages, ANDed `status = open` from this index into searches it slowed down (a requester's email among open
 * tickets: 23 to 40 ms at p50; rare words among open high-priority tickets: 10 to 24 ms).
 * Upgrade time: about 20 s per million tickets for the index, then an ANALYZE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create index if not exists tickets_filter_words_idx
    on tickets using gin (customer_id, assignee, search_words)`.execute(db);
  await sql`drop index if exists tickets_search_words_idx`.execute(db);
  await sql`analyze tickets`.execute(db);
}

/** The word list's own GIN index again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists tickets_search_words_idx on tickets using gin (search_words)`.execute(
    db,
  );
  await sql`drop index if exists tickets_filter_words_idx`.execute(db);
}
