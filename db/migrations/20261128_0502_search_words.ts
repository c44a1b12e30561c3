import { sql, type Kysely } from 'kysely';

/**
 * Search by the words tickets contain (issue 17: search p99 under 50 ms at 1,000,000 tickets). Trigrams of
 * common Spanish words are in most tickets: `factura` is five trigrams each in hundreds of thousands of
 * rows, and `%factura% %electronica%` cost 96 ms in the trigram index alone. A word list is cheaper:
 * - `search_words_of(folded)`: the distinct runs of letters and digits of a folded text, sorted; a run over
 *   60 characters (a hash, a pasted blob) is listed as `#long` instead (no run contains `#`);
 * - `tickets.search_words`: the runs of `search_text`, kept by the same trigger, GIN-indexed;
 * - `search_vocabulary`: every run any ticket ever had (it only grows), trigram-indexed. A typed word made of
 *   letters and digits is in a ticket's text exactly when it is inside one of the ticket's runs (it cannot
 *   span a space or a sign), so "the text contains `presora`" is "the ticket has one of the vocabulary's runs
 *   containing `presora`" (`impresora`, `impresoras`): a few hundred vocabulary rows read, then a few
 *   entries of `search_words`' index instead of thousands of trigram pages (`api/repositories/ticket-search.ts`).
 * Vocabulary rows are added in sorted order, so two tickets adding the same new words cannot deadlock.
 * Upgrade time: computing the column and both indexes, about a minute per million tickets (bench:api).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function search_words_of(folded text) returns text[]
    language sql immutable parallel safe strict
    as $$
      select coalesce(array_agg(distinct case when length(w) > 60 then '#long' else w end), '{}')
      from regexp_split_to_table(folded, '[^[:alnum:]]+') w
      where w <> ''
    $$
  `.execute(db);
  await sql`alter table tickets add column search_words text[] not null default '{}'`.execute(db);
  await sql`create table search_vocabulary (word text primary key)`.execute(db);
  await sql`
    create or replace function tickets_search_refresh() returns trigger language plpgsql as $$
    declare
      customer_name text;
    begin
      select name into customer_name from customers where id = new.customer_id;
      new.search_text := search_fold(concat_ws(' ', new.subject, new.requester_name, new.requester_email,
                                                customer_name, new.description));
      new.search_vector := to_tsvector('simple', new.search_text);
      new.search_words := search_words_of(new.search_text);
      if tg_op = 'INSERT' or new.search_words is distinct from old.search_words then
        insert into search_vocabulary (word)
        select w from unnest(new.search_words) w where w <> '#long' order by w
        on conflict do nothing;
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`update tickets set search_words = search_words_of(search_text)`.execute(db);
  await sql`
    insert into search_vocabulary (word)
    select distinct w from tickets, unnest(search_words) w where w <> '#long'
    on conflict do nothing`.execute(db);
  await sql`create index tickets_search_words_idx on tickets using gin (search_words)`.execute(db);
  await sql`create index search_vocabulary_trgm_idx on search_vocabulary using gin (word gin_trgm_ops)`.execute(
    db,
  );
  // The planner's estimates for `search_words && ...` come from the column's statistics: gather them now,
  // not at autovacuum's next pass.
  await sql`analyze tickets (search_words)`.execute(db);
  await sql`analyze search_vocabulary`.execute(db);
}

/** The trigger as `20261127_0017_search` made it; the column, the vocabulary and the function go. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function tickets_search_refresh() returns trigger language plpgsql as $$
    declare
      customer_name text;
    begin
      select name into customer_name from customers where id = new.customer_id;
      new.search_text := search_fold(concat_ws(' ', new.subject, new.requester_name, new.requester_email,
                                                customer_name, new.description));
      new.search_vector := to_tsvector('simple', new.search_text);
      return new;
    end $$
  `.execute(db);
  await sql`drop table if exists search_vocabulary`.execute(db);
  await sql`alter table tickets drop column if exists search_words`.execute(db);
  await sql`drop function if exists search_words_of(text)`.execute(db);
}
