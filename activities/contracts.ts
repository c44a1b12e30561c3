import { sql, type Kysely, type Transaction } from 'kysely';
import {
  ContractSnapshotSchema,
  contractQuotaPeriod,
  planById,
  type ContractSnapshot,
  type Policy,
} from '../domain/index';
import type { Contract, Database } from '../db/schema';
import { getPolicy } from './policies';

/** A customer's contract with its policy and the snapshot intake decides on. */
export interface LoadedContract {
  contract: Contract;
  policy: Policy;
  snapshot: ContractSnapshot;
}

/**
 * Loads the customer's contract in force at `now` (else its latest), locking the row inside `tx` so
 * concurrent intakes for the same contract take turns and quota is counted exactly.
 */
export async function loadContractForUpdate(
  tx: Transaction<Database> | Kysely<Database>,
  customerId: string,
  now: number,
): Promise<LoadedContract | undefined> {
  const at = new Date(now);
  const contract = await tx
    .selectFrom('contracts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy(sql`(starts_at <= ${at} and ends_at > ${at})`, 'desc')
    .orderBy('starts_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (contract === undefined) return undefined;
  const customer = await tx
    .selectFrom('customers')
    .select('name')
    .where('id', '=', customerId)
    .executeTakeFirst();
  const policy = await getPolicy(tx, contract.policy_id, contract.policy_version);
  const plan = planById(policy, contract.plan);
  const period = contractQuotaPeriod(
    policy,
    plan ? plan.id : null,
    contract.starts_at.getTime(),
    contract.ends_at.getTime(),
    now,
  );
  const used = await tx
    .selectFrom('quota_consumptions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('contract_id', '=', contract.id)
    .where('source', '=', 'plan')
    .where('period_start', '=', new Date(period.start))
    .executeTakeFirstOrThrow();
  const packs = await tx
    .selectFrom('addon_purchases as p')
    .leftJoin('quota_consumptions as q', 'q.purchase_id', 'p.id')
    .select((eb) => [
      'p.id',
      'p.pack_id',
      'p.tickets',
      'p.purchased_at',
      'p.expires_at',
      eb.fn.count<string>('q.ticket_number').as('used'),
    ])
    .where('p.contract_id', '=', contract.id)
    .groupBy(['p.id', 'p.pack_id', 'p.tickets', 'p.purchased_at', 'p.expires_at'])
    .execute();
  const versions = contract.product
    ? await tx
        .selectFrom('product_versions')
        .select('version')
        .where('product', '=', contract.product)
        .orderBy('released_at', 'desc')
        .execute()
    : [];
  const snapshot = ContractSnapshotSchema.parse({
    customerId,
    customerName: customer?.name,
    policyId: policy.id,
    policyVersion: policy.version,
    planId: plan ? plan.id : null,
    periodStart: period.start,
    periodEnd: period.end,
    quotaUsed: Number(used.n),
    packs: packs.map((p) => ({
      id: p.id,
      packId: p.pack_id,
      purchasedAt: p.purchased_at.getTime(),
      expiresAt: p.expires_at.getTime(),
      remaining: Math.max(0, p.tickets - Number(p.used)),
    })),
    options: contract.options,
    licenses: contract.licenses,
    releasedVersions: versions.map((v) => v.version),
    authorizedRequesters: contract.requesters,
    trainedUsers: contract.trained_users,
  });
  return { contract, policy, snapshot };
}
