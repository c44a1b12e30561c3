/** Customers in Postgres. */
import type { Kysely } from 'kysely';
import type { Customer, Database } from '../../db/schema';
import { isoRequired } from '../schemas';

/** A customer as the API shows it. */
export interface CustomerView {
  id: string;
  name: string;
  country: string | null;
  locale: string;
  timeZone: string | null;
  version: number;
  createdAt: string;
}

/** API view of a row. */
export function customerView(row: Customer): CustomerView {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    locale: row.locale,
    timeZone: row.time_zone,
    version: row.version,
    createdAt: isoRequired(row.created_at),
  };
}

/** One customer, or undefined. */
export function findCustomer(db: Kysely<Database>, id: string): Promise<Customer | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of customers by id, optionally limited to some ids and a search in name or id. */
export function listCustomers(
  db: Kysely<Database>,
  options: { after?: string; limit: number; only: string[] | null; q?: string },
): Promise<Customer[]> {
  let query = db.selectFrom('customers').selectAll().orderBy('id').limit(options.limit);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.only !== null) query = query.where('id', 'in', options.only.length > 0 ? options.only : ['']);
  if (options.q !== undefined) {
    const pattern = `%${escapeLike(options.q)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('id', 'ilike', pattern)]));
  }
  return query.execute();
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether anything (contracts, tickets) refers to the customer. */
export async function customerInUse(db: Kysely<Database>, id: string): Promise<boolean> {
  const contract = await db
    .selectFrom('contracts')
    .select('id')
    .where('customer_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (contract !== undefined) return true;
  const ticket = await db
    .selectFrom('tickets')
    .select('number')
    .where('customer_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return ticket !== undefined;
}
