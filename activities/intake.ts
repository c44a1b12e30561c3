import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import {
  decideIntake,
  expandCalendar,
  TicketDraftSchema,
  type IntakeDecision,
  type Refusal,
  type TicketDraft,
  type TicketDraftInput,
  requesterOnFile,
} from '../domain/index';
import type { OpenTicketInput } from '../domain/lifecycle/index';
import type { Database, Ticket } from '../db/schema';
import { ticketWorkflowId, type TicketWorkflowInput } from '../workflows/ticket/messages';
import {
  CustomerIdKey,
  TicketNumberKey,
  TicketPriorityKey,
  TicketStatusKey,
} from '../workflows/search-attributes';
import { WINDOW_HORIZON_MS } from '../workflows/ticket/constants';
import { loadContractForUpdate } from './contracts';
import { getPolicy } from './policies';

const DAY_MS = 86_400_000;

/** What intake needs: Postgres, a Temporal client and the ticket task queue. */
export interface IntakeDependencies {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
  /**
   * Registers the ticket search attributes on the namespace (`worker/search-attributes.ts`). Called when a
   * start is refused for a missing one (a restarted dev server or emulator forgot them), then the start is
   * retried once.
   */
  ensureSearchAttributes?: () => Promise<unknown>;
}

/** A start refused because the namespace does not know one of the ticket search attributes. */
function isMissingSearchAttribute(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const message = (error as { message?: unknown; details?: unknown }).details ?? (error as Error).message;
  if (typeof message === 'string' && /no mapping defined for search attribute/i.test(message)) return true;
  return isMissingSearchAttribute((error as { cause?: unknown }).cause, depth + 1);
}

/** A request to open a ticket. */
export interface CreateTicketRequest {
  customerId: string;
  draft: TicketDraftInput;
  /** The same key never makes two tickets. */
  idempotencyKey?: string;
  /** Agent registering the ticket on a caller's behalf (phone intake). */
  createdBy?: string;
  locale?: 'es' | 'en';
  /** Intake instant; defaults to now. */
  now?: number;
}

/** The intake outcome. */
export type CreateTicketResult =
  | { outcome: 'created' | 'existing'; number: number; workflowId: string; decision: IntakeDecision }
  | {
      outcome: 'refused';
      reasons: readonly Refusal[];
      routedTo?: { team: string; answer: { es: string; en: string } };
    }
  | { outcome: 'no_contract' };

/** What is stored on the ticket row so its workflow can always be (re)started from it. */
interface StoredIntake {
  decision: IntakeDecision;
  open: OpenTicketInput;
}

/**
 * Opens a ticket: checks entitlement and quota under the customer's contract (row-locked, so concurrent
 * creations consume quota exactly), allocates the next ticket number, stores the ticket, then starts its
 * workflow. Retrying with the same idempotency key returns the same ticket and finishes a start that was
 * interrupted.
 */
export async function createTicket(
  deps: IntakeDependencies,
  request: CreateTicketRequest,
): Promise<CreateTicketResult> {
  if (request.idempotencyKey !== undefined) {
    const existing = await findByIdempotencyKey(deps.db, request.idempotencyKey);
    if (existing) return resume(deps, existing);
  }
  const now = request.now ?? Date.now();
  const draft: TicketDraft = TicketDraftSchema.parse(request.draft);
  let refusal: Extract<CreateTicketResult, { outcome: 'refused' }> | undefined;
  const inserted = await deps.db.transaction().execute(async (tx) => {
    const loaded = await loadContractForUpdate(tx, request.customerId, now);
    if (loaded === undefined) return 'no_contract' as const;
    const decision = decideIntake(loaded.policy, loaded.snapshot, draft, now);
    if (!decision.accepted) {
      refusal = {
        outcome: 'refused',
        reasons: decision.reasons,
        ...(decision.routedTo && { routedTo: decision.routedTo }),
      };
      return 'refused' as const;
    }
    const { next } = await tx
      .selectNoFrom(sql<string>`nextval(pg_get_serial_sequence('tickets', 'number'))`.as('next'))
      .executeTakeFirstOrThrow();
    const number = Number(next);
    const open: OpenTicketInput = {
      number,
      contract: loaded.snapshot,
      draft,
      category: decision.category,
      calendarId: decision.calendarId,
      createdAt: now,
      ...(request.locale && { locale: request.locale }),
      ...(request.createdBy && { createdBy: request.createdBy }),
    };
    const stored: StoredIntake = { decision, open };
    const ticket = await tx
      .insertInto('tickets')
      .values({
        number,
        workflow_id: ticketWorkflowId(number),
        customer_id: request.customerId,
        contract_id: loaded.contract.id,
        policy_id: loaded.policy.id,
        policy_version: loaded.policy.version,
        channel: draft.channel,
        type: draft.type ?? 'unspecified',
        category: decision.category,
        priority: draft.priority,
        status: 'new',
        // Phone intake names the caller; the contract's record of that person gives the email.
        requester_email: draft.requesterEmail || requesterOnFile(loaded.snapshot, draft)?.email || '',
        requester_name: draft.requesterName ?? null,
        subject: draft.subject ?? '',
        description: draft.description ?? '',
        idempotency_key: request.idempotencyKey ?? null,
        locale: request.locale ?? loaded.policy.notifications.language,
        product_version: draft.productVersion ?? null,
        module: draft.module ?? null,
        contact_phone: draft.contactPhone ?? null,
        created_by: request.createdBy ?? null,
        created_at: new Date(now),
        updated_at: new Date(now),
        intake: JSON.stringify(stored),
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (ticket === undefined) return 'duplicate' as const;
    if (decision.quota.kind === 'plan' || decision.quota.kind === 'pack') {
      await tx
        .insertInto('quota_consumptions')
        .values({
          ticket_number: number,
          contract_id: loaded.contract.id,
          source: decision.quota.kind,
          purchase_id: decision.quota.kind === 'pack' ? decision.quota.purchaseId : null,
          period_start: new Date(loaded.snapshot.periodStart),
        })
        .execute();
    }
    return ticket;
  });
  if (inserted === 'refused') return refusal!;
  if (inserted === 'no_contract') return { outcome: 'no_contract' };
  if (inserted === 'duplicate') {
    const existing = await findByIdempotencyKey(deps.db, request.idempotencyKey!);
    return resume(deps, existing!);
  }
  await startTicketWorkflow(deps, inserted);
  const stored = inserted.intake as unknown as StoredIntake;
  return {
    outcome: 'created',
    number: inserted.number,
    workflowId: inserted.workflow_id,
    decision: stored.decision,
  };
}

function findByIdempotencyKey(db: Kysely<Database>, key: string): Promise<Ticket | undefined> {
  return db.selectFrom('tickets').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

async function resume(deps: IntakeDependencies, ticket: Ticket): Promise<CreateTicketResult> {
  if (ticket.status === 'new') await startTicketWorkflow(deps, ticket);
  const stored = ticket.intake as unknown as StoredIntake;
  return {
    outcome: 'existing',
    number: ticket.number,
    workflowId: ticket.workflow_id,
    decision: stored.decision,
  };
}

/**
 * Starts (or finds already running) the workflow of a stored ticket. When it fails the ticket stays `new`;
 * the reconciler (`reconcile.ts`) finishes or releases it.
 */
export async function startTicketWorkflow(deps: IntakeDependencies, ticket: Ticket): Promise<void> {
  const { open } = ticket.intake as unknown as StoredIntake;
  const policy = await getPolicy(deps.db, ticket.policy_id, ticket.policy_version);
  const calendar = policy.calendars[open.calendarId];
  if (calendar === undefined) throw new Error(`policy ${policy.id} has no calendar ${open.calendarId}`);
  const input: TicketWorkflowInput = {
    policy,
    windows: expandCalendar(
      calendar,
      open.createdAt - DAY_MS,
      Math.max(open.createdAt, Date.now()) + WINDOW_HORIZON_MS,
    ),
    open,
  };
  const start = () =>
    deps.client.workflow.start('ticketWorkflow', {
      workflowId: ticket.workflow_id,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: TicketNumberKey, value: ticket.number },
        { key: CustomerIdKey, value: ticket.customer_id },
        { key: TicketPriorityKey, value: ticket.priority },
        { key: TicketStatusKey, value: 'open' },
      ],
    });
  try {
    await start();
  } catch (error) {
    if (deps.ensureSearchAttributes === undefined || !isMissingSearchAttribute(error)) throw error;
    await deps.ensureSearchAttributes();
    await start();
  }
}
