/** Report queries over the ticket projection, the quota ledger and add-on purchases. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { quotaPeriod, quotaZone } from '../../domain';
import { isoRequired } from '../schemas';
import { loadStoredPolicy } from './policies';

/** How SLA compliance is grouped. */
export type ComplianceGroup = 'priority' | 'plan' | 'customer' | 'policy' | 'month';

/** One group of the SLA compliance report. */
export interface ComplianceRow {
  key: string;
  /** The customer's name when grouped by customer; null otherwise. */
  label: string | null;
  tickets: number;
  breached: number;
  compliance: number | null;
  breachedByMetric: { firstResponse: number; nextUpdate: number; resolution: number };
}

/**
 * SLA compliance of tickets created in `[from, to)`, grouped: tickets, breached tickets, the share
 * never breached, and breaches per metric (from `breached` and `breached_metrics`).
 */
export async function slaCompliance(
  db: Kysely<Database>,
  options: { groupBy: ComplianceGroup; from?: Date; to?: Date; customerId?: string; only: string[] | null },
): Promise<ComplianceRow[]> {
  const keyExpr = {
    priority: sql<string>`t.priority`,
    plan: sql<string>`coalesce(c.plan, '(none)')`,
    customer: sql<string>`t.customer_id`,
    policy: sql<string>`t.policy_id || ' v' || t.policy_version`,
    month: sql<string>`to_char(date_trunc('month', t.created_at at time zone 'UTC'), 'YYYY-MM')`,
  }[options.groupBy];
  let query = db
    .selectFrom('tickets as t')
    .leftJoin('contracts as c', 'c.id', 't.contract_id')
    .leftJoin('customers as cu', 'cu.id', 't.customer_id')
    .select([
      keyExpr.as('key'),
      (options.groupBy === 'customer' ? sql<string | null>`min(cu.name)` : sql<null>`null`).as('label'),
      sql<string>`count(*)`.as('tickets'),
      sql<string>`count(*) filter (where t.breached)`.as('breached'),
      sql<string>`count(*) filter (where 'firstResponse' = any(t.breached_metrics))`.as('first_response'),
      sql<string>`count(*) filter (where 'nextUpdate' = any(t.breached_metrics))`.as('next_update'),
      sql<string>`count(*) filter (where 'resolution' = any(t.breached_metrics))`.as('resolution'),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  if (options.from !== undefined) query = query.where('t.created_at', '>=', options.from);
  if (options.to !== undefined) query = query.where('t.created_at', '<', options.to);
  if (options.customerId !== undefined) query = query.where('t.customer_id', '=', options.customerId);
  if (options.only !== null)
    query = query.where('t.customer_id', 'in', options.only.length > 0 ? options.only : ['']);
  const rows = await query.execute();
  return rows.map((r) => {
    const tickets = Number(r.tickets);
    const breached = Number(r.breached);
    return {
      key: r.key,
      label: r.label,
      tickets,
      breached,
      compliance: tickets === 0 ? null : (tickets - breached) / tickets,
      breachedByMetric: {
        firstResponse: Number(r.first_response),
        nextUpdate: Number(r.next_update),
        resolution: Number(r.resolution),
      },
    };
  });
}

/** Quota usage of every contract (of one customer, or visible to the caller) at an instant. */
export async function quotaUsage(
  db: Kysely<Database>,
  options: { at: Date; customerId?: string; only: string[] | null },
) {
  let query = db
    .selectFrom('contracts')
    .innerJoin('customers', 'customers.id', 'contracts.customer_id')
    .selectAll('contracts')
    .select('customers.name as customer_name')
    .orderBy('contracts.customer_id')
    .orderBy('contracts.id');
  if (options.customerId !== undefined) query = query.where('contracts.customer_id', '=', options.customerId);
  if (options.only !== null)
    query = query.where('contracts.customer_id', 'in', options.only.length > 0 ? options.only : ['']);
  const contracts = await query.execute();
  const out = [];
  for (const c of contracts) {
    const policy = await loadStoredPolicy(db, c.policy_id, c.policy_version);
    const plan = policy?.plans.find((p) => p.id === c.plan);
    // The same period intake consumes quota in: the plan's length, on the calendar zone's wall clock.
    const span = quotaPeriod(
      policy ? quotaZone(policy) : 'UTC',
      new Date(c.starts_at).getTime(),
      new Date(c.ends_at).getTime(),
      plan?.period ?? (c.period === 'yearly' ? 'year' : 'month'),
      options.at.getTime(),
    );
    const period = span && { start: new Date(span.start), end: new Date(span.end) };
    let used = 0;
    if (period !== undefined) {
      const row = await db
        .selectFrom('quota_consumptions')
        .select(sql<string>`count(*)`.as('n'))
        .where('contract_id', '=', c.id)
        .where('source', '=', 'plan')
        .where('period_start', '>=', period.start)
        .where('period_start', '<', period.end)
        .executeTakeFirstOrThrow();
      used = Number(row.n);
    }
    const packs = await db
      .selectFrom('addon_purchases as p')
      .leftJoin('quota_consumptions as q', 'q.purchase_id', 'p.id')
      .select(['p.id', 'p.pack_id', 'p.tickets', 'p.purchased_at', 'p.expires_at'])
      .select(sql<string>`count(q.ticket_number)`.as('used'))
      .where('p.contract_id', '=', c.id)
      .groupBy(['p.id', 'p.pack_id', 'p.tickets', 'p.purchased_at', 'p.expires_at'])
      .orderBy('p.purchased_at')
      .execute();
    const quota = plan === undefined ? null : plan.quota;
    out.push({
      customerId: c.customer_id,
      customerName: c.customer_name,
      contractId: c.id,
      plan: c.plan,
      period:
        period === undefined ? null : { start: period.start.toISOString(), end: period.end.toISOString() },
      quota,
      used,
      remaining: quota === null || period === undefined ? null : Math.max(0, quota - used),
      packs: packs.map((p) => {
        const packUsed = Number(p.used);
        const expiresAt = new Date(p.expires_at);
        return {
          id: p.id,
          packId: p.pack_id,
          tickets: p.tickets,
          used: packUsed,
          remaining: Math.max(0, p.tickets - packUsed),
          purchasedAt: isoRequired(p.purchased_at),
          expiresAt: expiresAt.toISOString(),
          expired: expiresAt <= options.at,
        };
      }),
    });
  }
  return out;
}
