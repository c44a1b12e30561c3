import { sql, type Kysely } from 'kysely';

/**
 * Search at 1,000,000 tickets (issue 17): the tickets holding a run of letters and digits too long for the
 * word list (`#long` in `search_words`, checked as text) are found through their own small index, with
 * statistics of their own. Written as `search_words @> '{#long}'`, the planner had no statistics for the
 * element (usually no ticket has it) and guessed 0.5 % of the table, 4,500 tickets at a million; that guess
 * made it AND the status index (150,000 entries) into rare searches with a status filter (33 ms instead of
 * 11 for "aguinaldo bogota marzo" among open tickets). An expression index on
 * `array_position(search_words, '#long')` (null for nearly every ticket) gives ANALYZE that expression's
 * statistics, so `array_position(...) is not null` is estimated as what it is: a handful of tickets.
 * Upgrade time: about 2 s per million tickets for the index, and as long for the ANALYZE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists tickets_search_long_idx
    on tickets ((array_position(search_words, '#long')))`.execute(db);
  await sql`analyze tickets`.execute(db);
}

/** Drops the index; searches then find those tickets through the word list's GIN index again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tickets_search_long_idx`.execute(db);
}
