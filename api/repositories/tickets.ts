/** Ticket projection reads: filtered keyset pages, one ticket, its timeline. */
import { sql, type Kysely } from 'kysely';
import type { Database, Ticket, TicketEvent } from '../../db/schema';
import { iso, isoRequired } from '../schemas';
import { escapeLike } from './customers';

/** Filters of the ticket list. */
export interface TicketFilters {
  status?: string[];
  priority?: string[];
  level?: number;
  customerId?: string;
  assignee?: string | null;
  type?: string;
  channel?: string;
  breached?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  q?: string;
  /** Customers the caller is limited to (null: all). */
  only: string[] | null;
}

/** Keyset position: by due instant (nulls last) then number, or by number descending. */
export type TicketPosition =
  { sort: 'due'; due: string | null; number: number } | { sort: '-number'; number: number };

/** A listed ticket, with its due position as keyset cursors hold it (microseconds, UTC). */
export type ListedTicket = Ticket & { due_key: string | null };

/** A page of tickets and the position after its last row (when there are more). */
export async function listTickets(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: 'due' | '-number',
  after: TicketPosition | undefined,
  limit: number,
): Promise<{ rows: ListedTicket[]; next: TicketPosition | undefined }> {
  let query = db
    .selectFrom('tickets')
    .selectAll()
    .select(
      sql<string | null>`to_char(next_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'due_key',
      ),
    );
  if (filters.only !== null)
    query = query.where('customer_id', 'in', filters.only.length > 0 ? filters.only : ['']);
  if (filters.status) query = query.where('status', 'in', filters.status);
  if (filters.priority) query = query.where('priority', 'in', filters.priority);
  if (filters.level !== undefined) query = query.where('level', '=', filters.level);
  if (filters.customerId !== undefined) query = query.where('customer_id', '=', filters.customerId);
  if (filters.assignee === null) query = query.where('assignee', 'is', null);
  else if (filters.assignee !== undefined) query = query.where('assignee', '=', filters.assignee);
  if (filters.type !== undefined) query = query.where('type', '=', filters.type);
  if (filters.channel !== undefined) query = query.where('channel', '=', filters.channel);
  if (filters.breached !== undefined) query = query.where('breached', '=', filters.breached);
  if (filters.dueBefore !== undefined) query = query.where('next_due_at', '<', new Date(filters.dueBefore));
  if (filters.dueAfter !== undefined) query = query.where('next_due_at', '>=', new Date(filters.dueAfter));
  if (filters.q !== undefined) {
    query = query.where(sql<boolean>`(subject || ' ' || description) ilike ${`%${escapeLike(filters.q)}%`}`);
  }
  if (sort === 'due') {
    // Next due instant with none last (as infinity), then number; matches the tickets_due_idx expression.
    const dueKey = sql`coalesce(next_due_at, 'infinity'::timestamptz)`;
    if (after?.sort === 'due') {
      query = query.where(
        sql<boolean>`(${dueKey}, number) > (coalesce(${after.due}::timestamptz, 'infinity'::timestamptz), ${after.number}::bigint)`,
      );
    }
    query = query.orderBy(dueKey).orderBy('number', 'asc');
  } else {
    if (after?.sort === '-number') query = query.where('number', '<', after.number);
    query = query.orderBy('number', 'desc');
  }
  const rows = await query.limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  let next: TicketPosition | undefined;
  if (rows.length > limit && last !== undefined) {
    next = sort === 'due' ? { sort, due: last.due_key, number: last.number } : { sort, number: last.number };
  }
  return { rows: page, next };
}

/** One ticket by number. */
export function findTicket(db: Kysely<Database>, number: number): Promise<Ticket | undefined> {
  return db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Timeline entries after `afterSeq`, oldest first. */
export function listTicketEvents(
  db: Kysely<Database>,
  number: number,
  afterSeq: number | undefined,
  limit: number,
): Promise<TicketEvent[]> {
  let query = db
    .selectFrom('ticket_events')
    .selectAll()
    .where('ticket_number', '=', number)
    .orderBy('seq')
    .limit(limit);
  if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
  return query.execute();
}

/** A ticket in lists (no description, attachments or intake). */
export function ticketSummaryView(t: Ticket) {
  return {
    number: t.number,
    customerId: t.customer_id,
    contractId: t.contract_id,
    channel: t.channel,
    type: t.type,
    category: t.category,
    priority: t.priority,
    status: t.status,
    level: t.level,
    assignee: t.assignee,
    requesterEmail: t.requester_email,
    requesterName: t.requester_name,
    subject: t.subject,
    due: {
      firstResponse: iso(t.first_response_due_at),
      nextUpdate: iso(t.next_update_due_at),
      resolution: iso(t.resolution_due_at),
      next: iso(t.next_due_at),
    },
    breached: t.breached,
    breachedMetrics: t.breached_metrics,
    needsAttention: t.projection_error !== null,
    createdAt: isoRequired(t.created_at),
    updatedAt: isoRequired(t.updated_at),
  };
}

/** A ticket with everything the projection holds. */
export function ticketView(t: Ticket) {
  return {
    ...ticketSummaryView(t),
    workflowId: t.workflow_id,
    version: t.projection_version,
    policyId: t.policy_id,
    policyVersion: t.policy_version,
    description: t.description,
    counters: t.counters,
    locale: t.locale,
    productVersion: t.product_version,
    module: t.module,
    contactPhone: t.contact_phone,
    attachments: t.attachments,
    createdBy: t.created_by,
    firstRespondedAt: iso(t.first_responded_at),
    resolvedAt: iso(t.resolved_at),
    closedAt: iso(t.closed_at),
    billable: t.billable,
    projectionError: t.projection_error,
    projectionFailedAt: iso(t.projection_failed_at),
    intake: t.intake,
  };
}

/** A timeline entry. */
export function eventView(e: TicketEvent) {
  return { seq: e.seq, type: e.type, at: isoRequired(e.at), actor: e.actor, data: e.data };
}
