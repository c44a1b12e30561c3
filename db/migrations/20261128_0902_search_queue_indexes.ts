import { sql, type Kysely } from 'kysely';

/**
 * Search at 1,000,000 tickets (issue 17): the console's queues search among open tickets (unassigned, due
 * soon) or open and awaiting-customer ones (all, mine, breached). Their words, with the priority, customer
 * and agent (`btree_gin`), get GIN indexes of their own, partial on those statuses: a search with exactly that
 * status filter reads only the live tickets' entries, and the filter, implied by the index's predicate, is not
 * ANDed as a bitmap of the status btree (150,000 to 200,000 entries at a million tickets, 40–65 ms), nor a
 * priority filter as a bitmap of the priority btree (250,000). Counted to 1,001 at a million tickets:
 * `nomina` in the "all" queue 125 → 9 ms, among open high-priority tickets 44 → 10 ms. The queue is a small
 * part of a desk's tickets, so are these indexes; an open ticket's words are written to them besides the
 * words' index (`tickets_filter_words_idx`).
 * Upgrade time: about 5 s per million tickets, then an ANALYZE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists tickets_open_words_idx
    on tickets using gin (priority, customer_id, assignee, search_words)
    where status = 'open'`.execute(db);
  await sql`create index if not exists tickets_queue_words_idx
    on tickets using gin (priority, customer_id, assignee, search_words)
    where status in ('open', 'awaiting_customer')`.execute(db);
  await sql`analyze tickets`.execute(db);
}

/** Drops the two indexes; those searches then AND the status btree again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tickets_open_words_idx`.execute(db);
  await sql`drop index if exists tickets_queue_words_idx`.execute(db);
}
