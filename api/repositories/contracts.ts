/** Contracts and add-on purchases in Postgres. */
import type { Kysely } from 'kysely';
import type { Contract, Database } from '../../db/schema';
import { isoRequired } from '../schemas';

/** A contract as the API shows it. */
export function contractView(row: Contract) {
  const options = row.options as { onCall24x7?: boolean; systemOperator?: boolean };
  return {
    id: row.id,
    customerId: row.customer_id,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    plan: row.plan,
    period: row.period as 'monthly' | 'yearly',
    startsAt: isoRequired(row.starts_at),
    endsAt: isoRequired(row.ends_at),
    options: { onCall24x7: options.onCall24x7 ?? false, systemOperator: options.systemOperator ?? false },
    requesters: row.requesters,
    licenses: row.licenses,
    trainedUsers: row.trained_users,
    product: row.product,
    version: row.version,
    createdAt: isoRequired(row.created_at),
  };
}

/** One contract, or undefined. */
export function findContract(db: Kysely<Database>, id: string): Promise<Contract | undefined> {
  return db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of contracts by id. */
export function listContracts(
  db: Kysely<Database>,
  options: { after?: string; limit: number; only: string[] | null; customerId?: string },
): Promise<Contract[]> {
  let query = db.selectFrom('contracts').selectAll().orderBy('id').limit(options.limit);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.only !== null)
    query = query.where('customer_id', 'in', options.only.length > 0 ? options.only : ['']);
  if (options.customerId !== undefined) query = query.where('customer_id', '=', options.customerId);
  return query.execute();
}

/** Add-on purchases of a contract with the tickets consumed from each. */
export async function listPurchases(db: Kysely<Database>, contractId: string) {
  const rows = await db
    .selectFrom('addon_purchases as p')
    .leftJoin('quota_consumptions as q', 'q.purchase_id', 'p.id')
    .select(['p.id', 'p.contract_id', 'p.pack_id', 'p.tickets', 'p.purchased_at', 'p.expires_at'])
    .select((eb) => eb.fn.count<string>('q.ticket_number').as('used'))
    .where('p.contract_id', '=', contractId)
    .groupBy(['p.id', 'p.contract_id', 'p.pack_id', 'p.tickets', 'p.purchased_at', 'p.expires_at'])
    .orderBy('p.purchased_at')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => purchaseView({ ...r, used: Number(r.used) }));
}

/** An add-on purchase as the API shows it. */
export function purchaseView(r: {
  id: string;
  contract_id: string;
  pack_id: string;
  tickets: number;
  purchased_at: unknown;
  expires_at: unknown;
  used: number;
}) {
  return {
    id: r.id,
    contractId: r.contract_id,
    packId: r.pack_id,
    tickets: r.tickets,
    used: r.used,
    remaining: Math.max(0, r.tickets - r.used),
    purchasedAt: isoRequired(r.purchased_at),
    expiresAt: isoRequired(r.expires_at),
  };
}
