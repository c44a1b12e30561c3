import { sql, type Kysely } from 'kysely';

/**
 * `Idempotency-Key` for the customer portal (issue 17: portal uploads): `idempotency_keys.api_key_id` now
 * holds the caller's scope, an API key's id or a portal requester's `portal:<customer>:<email>`, so its
 * foreign key to `api_keys` goes. Dropping a constraint is a catalog change, instant at any size.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys drop constraint if exists idempotency_keys_api_key_id_fkey`.execute(
    db,
  );
}

/** Forgets the portal's stored answers and binds the column to `api_keys` again. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from idempotency_keys where api_key_id not in (select id from api_keys)`.execute(db);
  await sql`alter table idempotency_keys add constraint idempotency_keys_api_key_id_fkey
    foreign key (api_key_id) references api_keys (id)`.execute(db);
}
