/**
 * The portal's ticket routes for a signed-in requester: the web form the policy requires (fields, pickers,
 * quota, hours), intake's answer before submitting (the same `decideIntake` as `/v1/tickets/intake-check`),
 * creation through the same intake as `POST /v1/tickets` (channel `portal`), the contract's tickets with
 * their public conversation only, and the customer's actions through the same workflow commands the API uses.
 * Every ticket is looked up within the session's customer: another customer's number answers 404.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { loadContractForUpdate } from '../../activities/contracts';
import { createTicket } from '../../activities/intake';
import { getPolicy } from '../../activities/policies';
import type { Database } from '../../db/schema';
import { describeCalendar } from '../../domain/calendar/describe';
import { decideIntake, PRIORITIES, TicketDraftSchema, type TicketDraft } from '../../domain/index';
import { calendarById, planById } from '../../domain/policy/rules';
import type { Policy } from '../../domain/policy/schema';
import {
  commandUpdates,
  customerReplySignal,
  ticketWorkflowId,
  type UpdateCommandType,
} from '../../workflows/ticket/messages';
import { problem } from '../problem';
import { definePortalRoute, type AnyPortalRoute, type PortalContext } from '../portal/route';
import type { PortalSession } from '../portal/sessions';
import type { Services } from '../route';
import {
  assertFileCount,
  counted,
  MAX_ATTACHMENT_IDS as MAX_FILES,
  temporalProblem,
  updateWithinDeadline,
  withinDeadline,
  workflows,
} from './ticket-actions';
import { attachmentIdsField, bindAttachments, checkAttachments, unbindAttachments } from '../attachments';
import { portalUploader } from './portal-attachments';

/** How many files a portal ticket carries: the requester's unused uploads, or those a retry already bound. */
async function portalIntakeFiles(services: Services, ids: readonly string[], uploaderRef: string) {
  assertFileCount(services, new Set(ids).size);
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 0;
  const bound = await services.db
    .selectFrom('attachments')
    .select('id')
    .where('id', 'in', unique)
    .where('uploader_ref', '=', uploaderRef)
    .where('message_id', '=', 'intake')
    .execute();
  if (bound.length === unique.length) return unique.length;
  return (await checkAttachments(services.db, unique, uploaderRef)).length;
}

const Bilingual = z.object({ es: z.string(), en: z.string() });
const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** What the requester fills in; who they are and their company come from the session, never from the form. */
const PortalDraftSchema = z.strictObject({
  type: z.string().max(100).optional(),
  category: z.string().max(100).optional(),
  priority: z.enum(PRIORITIES).optional(),
  subject: z.string().max(500).optional(),
  description: z.string().max(50_000).optional(),
  contactPhone: z.string().max(100).optional(),
  productVersion: z.string().max(100).optional(),
  module: z.string().max(200).optional(),
  attachments: z.number().int().min(0).max(100).optional(),
  selfHelpConsulted: z.boolean().optional(),
});
type PortalDraft = z.infer<typeof PortalDraftSchema>;

const ReasonSchema = z.object({ code: z.string(), message: Bilingual });
const QuotaUseSchema = z.looseObject({ kind: z.string(), remainingAfter: z.number().optional() });

const QuotaSchema = z.object({
  plan: z.object({ id: z.string(), name: Bilingual }).nullable(),
  /** Tickets the plan gives per period; null: unlimited. */
  quota: z.number().int().nullable(),
  used: z.number().int(),
  remaining: z.number().int().nullable(),
  periodStart: z.string(),
  periodEnd: z.string(),
  packs: z.array(z.object({ name: Bilingual, remaining: z.number().int(), expiresAt: z.string() })),
  zone: z.string(),
});

const FormSchema = z.object({
  channel: z.object({
    accepted: z.boolean(),
    refusal: Bilingual.nullable(),
    requiredFields: z.array(z.string()),
    minAttachments: z.number().int(),
  }),
  hours: Bilingual,
  zone: z.string(),
  types: z.array(z.object({ id: z.string(), name: Bilingual })),
  categories: z.array(z.object({ id: z.string(), name: Bilingual })),
  priorities: z.array(z.string()),
  versions: z.array(z.string()),
  versionRequired: z.boolean(),
  requester: z.object({ email: z.string(), name: z.string().nullable() }),
  company: z.string(),
  quota: QuotaSchema,
});

const NEXT_STEPS = ['support', 'you', 'none'] as const;
const TicketSummarySchema = z.object({
  number: z.number().int(),
  subject: z.string(),
  status: z.string(),
  priority: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextStep: z.enum(NEXT_STEPS),
});

const EntrySchema = z.object({
  at: z.string(),
  kind: z.string(),
  /** `you` (the customer's side), `support` or `system`. */
  side: z.enum(['you', 'support', 'system']),
  author: z.string().nullable(),
  text: z.string().nullable(),
  /** Files sent with this message (download: `GET /v1/portal/tickets/{number}/attachments/{id}`). */
  attachments: z
    .array(z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() }))
    .optional(),
});

const TicketDetailSchema = TicketSummarySchema.extend({
  description: z.string(),
  type: z.string(),
  category: z.string().nullable(),
  requesterName: z.string().nullable(),
  requesterEmail: z.string(),
  zone: z.string(),
  /** The next promise: what support owes (first response, next update, resolution) or the customer's validation deadline. */
  promise: z
    .object({ kind: z.enum(['firstResponse', 'nextUpdate', 'resolution', 'validation']), dueAt: z.string() })
    .nullable(),
  actions: z.object({ reply: z.boolean(), confirm: z.boolean(), reopen: z.boolean(), escalate: z.boolean() }),
  conversation: z.array(EntrySchema),
});

const ActionResultSchema = z.object({ number: z.number().int(), status: z.string() });

type Ctx = PortalContext<unknown, unknown, unknown>;

function session(ctx: { session: PortalSession | null }): PortalSession {
  if (ctx.session === null) throw new Error('portal route without a session');
  return ctx.session;
}

async function contractOf(services: Services, s: PortalSession) {
  const loaded = await loadContractForUpdate(services.db, s.customerId, services.now().getTime());
  if (loaded === undefined) {
    throw problem(422, 'no-contract', {
      es: 'Su empresa no tiene un contrato de soporte vigente.',
      en: 'Your company has no support contract.',
    });
  }
  return loaded;
}

function zoneOf(policy: Policy, calendarId?: string): string {
  try {
    return calendarById(policy, calendarId ?? policy.defaultCalendar).calendar.zone;
  } catch {
    return 'UTC';
  }
}

function quotaOf(loaded: Awaited<ReturnType<typeof contractOf>>, now: number): z.infer<typeof QuotaSchema> {
  const { policy, snapshot } = loaded;
  const plan = planById(policy, snapshot.planId);
  const quota = plan?.quota ?? null;
  return {
    plan: plan ? { id: plan.id, name: plan.name } : null,
    quota,
    used: snapshot.quotaUsed,
    remaining: quota === null ? null : Math.max(0, quota - snapshot.quotaUsed),
    periodStart: new Date(snapshot.periodStart).toISOString(),
    periodEnd: new Date(snapshot.periodEnd).toISOString(),
    packs: snapshot.packs
      .filter((p) => p.purchasedAt <= now && now < p.expiresAt && p.remaining > 0)
      .map((p) => ({
        name: policy.addOnPacks?.find((a) => a.id === p.packId)?.name ?? { es: p.packId, en: p.packId },
        remaining: p.remaining,
        expiresAt: new Date(p.expiresAt).toISOString(),
      })),
    zone: zoneOf(policy),
  };
}

function draftOf(input: PortalDraft, s: PortalSession, company: string | undefined): TicketDraft {
  return TicketDraftSchema.parse({
    ...input,
    channel: 'portal',
    requesterEmail: s.email,
    ...(s.name && { requesterName: s.name }),
    ...(company && { company }),
  });
}

/** The ticket if it belongs to the session's customer, else 404 (existence never leaks). */
async function ownTicket(db: Kysely<Database>, s: PortalSession, number: number) {
  const row = await db
    .selectFrom('tickets')
    .selectAll()
    .where('number', '=', number)
    .where('customer_id', '=', s.customerId)
    .executeTakeFirst();
  if (row === undefined) {
    throw problem(404, 'not-found', {
      es: `No hay un caso #${number} de su empresa.`,
      en: `There is no ticket #${number} of your company.`,
    });
  }
  return row;
}

function nextStepOf(status: string): (typeof NEXT_STEPS)[number] {
  if (status === 'awaiting_customer' || status === 'resolved') return 'you';
  if (status === 'closed') return 'none';
  return 'support';
}

/** Timeline entries a customer may see, and the one text of each that is theirs to read. */
const PUBLIC_ENTRIES: Record<string, { side: 'you' | 'support' | 'system'; text?: string }> = {
  customer_reply: { side: 'you', text: 'body' },
  agent_reply: { side: 'support', text: 'body' },
  info_requested: { side: 'support', text: 'body' },
  info_reminder: { side: 'system' },
  resolved: { side: 'support', text: 'solution' },
  resolution_final: { side: 'system' },
  reopened: { side: 'you', text: 'reason' },
  escalated: { side: 'support', text: 'reason' },
  closed: { side: 'support', text: 'reason' },
  auto_closed: { side: 'system' },
};

function summaryOf(row: {
  number: number;
  subject: string;
  status: string;
  priority: string;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    number: row.number,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    nextStep: nextStepOf(row.status),
  };
}

/** Sends one customer command to the ticket's workflow, as the API's action routes do. */
async function command(
  ctx: Ctx,
  number: number,
  type: Extract<UpdateCommandType, 'confirm' | 'reopen' | 'escalate'>,
  args: object,
) {
  const temporal = workflows(ctx.services);
  const handle = temporal.client.workflow.getHandle(ticketWorkflowId(number));
  const update = commandUpdates[type];
  const result = await counted(type, () =>
    updateWithinDeadline(temporal, number, () =>
      handle.executeUpdate(update as never, { updateId: randomUUID(), args: [args] as never }),
    ),
  ).catch((error: unknown) => temporalProblem(error, number));
  const status = (result as { status?: unknown }).status;
  return { status: 200, body: { number, status: typeof status === 'string' ? status : 'open' } };
}

const REASON_BODY = z.strictObject({ reason: z.string().trim().min(1).max(5_000) });

/** The portal's ticket routes. */
export function portalTicketRoutes(): AnyPortalRoute[] {
  return [
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/form',
      operationId: 'portalForm',
      summary: 'The new-ticket form as the policy defines it for the portal channel',
      responses: { 200: { description: 'Fields, pickers, hours and quota', schema: FormSchema } },
      async handler(ctx) {
        const s = session(ctx);
        const loaded = await contractOf(ctx.services, s);
        const { policy, snapshot } = loaded;
        const rule = policy.channels.portal;
        const supported = policy.entitlement.supportedVersions;
        const hoursCalendar = calendarById(policy, rule?.openDuring ?? policy.defaultCalendar).calendar;
        return {
          status: 200,
          body: {
            channel: {
              accepted: rule?.accepted ?? false,
              refusal: rule === undefined || rule.accepted ? null : (rule.refusal ?? null),
              requiredFields: [...(rule?.requiredFields ?? [])],
              minAttachments: rule?.minAttachments ?? 0,
            },
            hours: { es: describeCalendar(hoursCalendar, 'es'), en: describeCalendar(hoursCalendar, 'en') },
            zone: hoursCalendar.zone,
            types: policy.ticketTypes.map((t) => ({ id: t.id, name: t.name })),
            categories: policy.categories
              .filter((c) => c.routedTo === undefined)
              .map((c) => ({ id: c.id, name: c.name })),
            priorities: [...PRIORITIES],
            versions: supported
              ? snapshot.releasedVersions.slice(0, supported.latest)
              : snapshot.releasedVersions,
            versionRequired: supported !== undefined,
            requester: { email: s.email, name: s.name },
            company: snapshot.customerName ?? s.customerId,
            quota: quotaOf(loaded, ctx.services.now().getTime()),
          },
        };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/intake-check',
      operationId: 'portalIntakeCheck',
      summary:
        'Would this ticket be accepted? (the same intake check as `/v1/tickets/intake-check`; creates nothing)',
      body: PortalDraftSchema,
      responses: {
        200: {
          description: 'The intake answer, every reason in Spanish and English',
          schema: z.object({
            accepted: z.boolean(),
            reasons: z.array(ReasonSchema),
            quota: QuotaUseSchema.optional(),
          }),
        },
        422: { description: 'No contract' },
      },
      async handler(ctx) {
        const s = session(ctx);
        const now = ctx.services.now().getTime();
        const loaded = await contractOf(ctx.services, s);
        const decision = decideIntake(
          loaded.policy,
          loaded.snapshot,
          draftOf(ctx.body, s, loaded.snapshot.customerName),
          now,
        );
        return {
          status: 200,
          body: decision.accepted
            ? { accepted: true, reasons: [], quota: decision.quota }
            : {
                accepted: false,
                reasons: decision.reasons.map((r) => ({ code: r.code, message: r.message })),
              },
        };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/tickets',
      operationId: 'portalCreateTicket',
      summary: 'Open a ticket through the web form (channel `portal`, the same intake as `POST /v1/tickets`)',
      description: 'An `Idempotency-Key` header makes retries open one ticket.',
      body: PortalDraftSchema.extend({ attachmentIds: attachmentIdsField(MAX_FILES) }),
      responses: {
        201: { description: 'Created', schema: z.object({ number: z.number().int() }) },
        413: { description: 'More files than a message may carry' },
        200: {
          description: 'Already created with this Idempotency-Key',
          schema: z.object({ number: z.number().int() }),
        },
        422: { description: 'Refused by the policy: every reason in `reasons`' },
        504: { description: 'The workflow did not answer in time; retry with the same Idempotency-Key' },
      },
      async handler(ctx) {
        const s = session(ctx);
        const { services, req } = ctx;
        const temporal = workflows(services);
        const customer = await services.db
          .selectFrom('customers')
          .select('name')
          .where('id', '=', s.customerId)
          .executeTakeFirst();
        const key = req.get('idempotency-key');
        // The intake rules count the files really uploaded, not a number typed in the form.
        const { attachmentIds, ...fields } = ctx.body;
        const uploaderRef = portalUploader(s).ref;
        const files =
          attachmentIds === undefined
            ? undefined
            : await portalIntakeFiles(ctx.services, attachmentIds, uploaderRef);
        const result = await counted('create', () =>
          withinDeadline(temporal, () =>
            createTicket(
              {
                db: services.db,
                client: temporal.client,
                taskQueue: temporal.taskQueue,
                ...(temporal.ensureSearchAttributes && {
                  ensureSearchAttributes: temporal.ensureSearchAttributes,
                }),
              },
              {
                customerId: s.customerId,
                draft: draftOf(
                  files === undefined ? fields : { ...fields, attachments: files },
                  s,
                  customer?.name,
                ),
                locale: ctx.lang,
                ...(key && { idempotencyKey: `portal:${s.email}:${key}` }),
                now: services.now().getTime(),
              },
            ),
          ),
        ).catch((error: unknown) => temporalProblem(error, 0));
        if (result.outcome === 'no_contract') {
          throw problem(422, 'no-contract', {
            es: 'Su empresa no tiene un contrato de soporte vigente.',
            en: 'Your company has no support contract.',
          });
        }
        if (result.outcome === 'refused') {
          throw problem(
            422,
            'intake-refused',
            {
              es: result.reasons.map((r) => r.message.es).join(' '),
              en: result.reasons.map((r) => r.message.en).join(' '),
            },
            { reasons: result.reasons.map((r) => ({ code: r.code, message: r.message })) },
          );
        }
        if (attachmentIds !== undefined && attachmentIds.length > 0) {
          await bindAttachments(services.db, {
            ids: attachmentIds,
            uploaderRef,
            ticketNumber: result.number,
            customerId: s.customerId,
            messageId: 'intake',
            internal: false,
          });
        }
        return { status: result.outcome === 'created' ? 201 : 200, body: { number: result.number } };
      },
    }),
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/quota',
      operationId: 'portalQuota',
      summary: "The contract's quota this period: used, left, add-on packs",
      responses: { 200: { description: 'Quota', schema: QuotaSchema } },
      async handler(ctx) {
        const loaded = await contractOf(ctx.services, session(ctx));
        return { status: 200, body: quotaOf(loaded, ctx.services.now().getTime()) };
      },
    }),
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/tickets',
      operationId: 'portalListTickets',
      summary: "The tickets of the requester's company, newest first",
      query: z.strictObject({
        before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(25),
      }),
      responses: {
        200: {
          description: 'A page; `nextBefore` asks for the next one',
          schema: z.object({ items: z.array(TicketSummarySchema), nextBefore: z.number().int().nullable() }),
        },
      },
      async handler(ctx) {
        const s = session(ctx);
        const { before, limit } = ctx.query;
        let query = ctx.services.db
          .selectFrom('tickets')
          .select(['number', 'subject', 'status', 'priority', 'created_at', 'updated_at'])
          .where('customer_id', '=', s.customerId)
          .orderBy('number', 'desc')
          .limit(limit + 1);
        if (before !== undefined) query = query.where('number', '<', before);
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        return {
          status: 200,
          body: {
            items: page.map(summaryOf),
            nextBefore: rows.length > limit ? (page.at(-1)?.number ?? null) : null,
          },
        };
      },
    }),
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/tickets/{number}',
      operationId: 'portalGetTicket',
      summary:
        'One ticket: status, next step, the promise in the customer’s time zone, the public conversation',
      params: NumberParams,
      responses: {
        200: { description: 'The ticket as the customer sees it', schema: TicketDetailSchema },
        404: { description: 'No such ticket of your company' },
      },
      async handler(ctx) {
        const s = session(ctx);
        const { db } = ctx.services;
        const row = await ownTicket(db, s, ctx.params.number);
        const policy = await getPolicy(db, row.policy_id, row.policy_version);
        const calendarId = (row.intake as { decision?: { calendarId?: string } }).decision?.calendarId;
        const events = await db
          .selectFrom('ticket_events')
          .select(['type', 'at', 'actor', 'data'])
          .where('ticket_number', '=', row.number)
          .where('type', 'in', Object.keys(PUBLIC_ENTRIES))
          .orderBy('seq')
          .execute();
        const intakeFiles = await db
          .selectFrom('attachments')
          .select(['id', 'name', 'content_type', 'size'])
          .where('ticket_number', '=', row.number)
          .where('message_id', '=', 'intake')
          .orderBy('id')
          .execute();
        const conversation: z.infer<typeof EntrySchema>[] = [
          {
            at: row.created_at.toISOString(),
            kind: 'created',
            side: 'you',
            author: row.requester_name,
            text: row.description,
            ...(intakeFiles.length > 0 && {
              attachments: intakeFiles.map((a) => ({
                id: a.id,
                name: a.name,
                contentType: a.content_type,
                size: Number(a.size),
              })),
            }),
          },
        ];
        let validationEndsAt: string | undefined;
        for (const e of events) {
          const spec = PUBLIC_ENTRIES[e.type]!;
          const data = e.data;
          if (e.type === 'resolved' && typeof data.validationEndsAt === 'number') {
            validationEndsAt = new Date(data.validationEndsAt).toISOString();
          }
          const byCustomer = e.actor === 'customer';
          // An escalation's reason is public only when the customer wrote it.
          const textField = e.type === 'escalated' && !byCustomer ? undefined : spec.text;
          const text =
            textField === undefined ? null : typeof data[textField] === 'string' ? data[textField] : null;
          const author =
            e.type === 'customer_reply'
              ? typeof data.from === 'string'
                ? data.from
                : null
              : typeof data.agent === 'string'
                ? data.agent
                : null;
          conversation.push({
            at: e.at.toISOString(),
            kind: e.type,
            side: byCustomer ? 'you' : spec.side,
            author,
            text,
            ...(Array.isArray(data.attachments) && {
              attachments: data.attachments as z.infer<typeof EntrySchema>['attachments'],
            }),
          });
        }
        const promise =
          row.status === 'resolved' && validationEndsAt !== undefined
            ? { kind: 'validation' as const, dueAt: validationEndsAt }
            : row.status === 'open' && row.first_responded_at === null && row.first_response_due_at
              ? { kind: 'firstResponse' as const, dueAt: row.first_response_due_at.toISOString() }
              : row.status === 'open' && row.next_update_due_at
                ? { kind: 'nextUpdate' as const, dueAt: row.next_update_due_at.toISOString() }
                : row.status === 'open' && row.resolution_due_at
                  ? { kind: 'resolution' as const, dueAt: row.resolution_due_at.toISOString() }
                  : null;
        const reopenBy = policy.reopen?.by ?? [];
        return {
          status: 200,
          body: {
            ...summaryOf(row),
            description: row.description,
            type: row.type,
            category: row.category,
            requesterName: row.requester_name,
            requesterEmail: row.requester_email,
            zone: zoneOf(policy, calendarId),
            promise,
            actions: {
              reply: row.status !== 'closed' || policy.infoWait?.reopenOnReply === true,
              confirm: row.status === 'resolved',
              reopen: (row.status === 'resolved' || row.status === 'closed') && reopenBy.includes('customer'),
              escalate:
                policy.escalation.customerMayRequest &&
                (row.status === 'open' || row.status === 'awaiting_customer'),
            },
            conversation,
          },
        };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/tickets/{number}/replies',
      operationId: 'portalReply',
      summary: 'Reply on the ticket (the same customer-reply signal the API sends)',
      params: NumberParams,
      body: z.strictObject({
        body: z.string().trim().min(1).max(50_000),
        attachmentIds: attachmentIdsField(MAX_FILES),
      }),
      responses: {
        400: { description: 'An attachment id is unknown, not yours, or already sent' },
        413: { description: 'More files than a message may carry' },
        202: {
          description: 'Accepted',
          schema: z.object({ number: z.number().int(), accepted: z.boolean() }),
        },
        404: { description: 'No such ticket of your company' },
        504: { description: 'The workflow did not answer in time' },
      },
      async handler(ctx) {
        const s = session(ctx);
        const number = ctx.params.number;
        await ownTicket(ctx.services.db, s, number);
        const temporal = workflows(ctx.services);
        const handle = temporal.client.workflow.getHandle(ticketWorkflowId(number));
        const messageId = randomUUID();
        const ids = ctx.body.attachmentIds ?? [];
        assertFileCount(ctx.services, new Set(ids).size);
        const attachments = await bindAttachments(ctx.services.db, {
          ids,
          uploaderRef: portalUploader(s).ref,
          ticketNumber: number,
          customerId: s.customerId,
          messageId,
          internal: false,
        });
        await counted('customer_reply', () =>
          withinDeadline(temporal, () =>
            handle.signal(customerReplySignal, {
              messageId,
              body: ctx.body.body,
              from: s.email,
              ...(attachments.length > 0 && { attachments }),
            }),
          ),
        )
          .catch((error: unknown) => temporalProblem(error, number))
          .catch(async (error: unknown) => {
            if (attachments.length > 0) await unbindAttachments(ctx.services.db, number, messageId);
            throw error;
          });
        return { status: 202, body: { number, accepted: true } };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/tickets/{number}/confirm',
      operationId: 'portalConfirm',
      summary: 'Confirm the delivered solution (it becomes final)',
      params: NumberParams,
      body: z.strictObject({}),
      responses: {
        200: { description: 'Confirmed', schema: ActionResultSchema },
        404: { description: 'No such ticket of your company' },
        409: { description: 'Refused by the lifecycle, with the reason' },
        504: { description: 'The workflow did not answer in time' },
      },
      async handler(ctx) {
        const s = session(ctx);
        await ownTicket(ctx.services.db, s, ctx.params.number);
        return command(ctx as Ctx, ctx.params.number, 'confirm', { by: s.name ?? s.email });
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/tickets/{number}/reopen',
      operationId: 'portalReopen',
      summary: 'Ask for a reopen, with a reason (refused outside the policy’s window)',
      params: NumberParams,
      body: REASON_BODY,
      responses: {
        200: { description: 'Reopened', schema: ActionResultSchema },
        404: { description: 'No such ticket of your company' },
        409: { description: 'Refused by the lifecycle, with the reason' },
        504: { description: 'The workflow did not answer in time' },
      },
      async handler(ctx) {
        const s = session(ctx);
        await ownTicket(ctx.services.db, s, ctx.params.number);
        // Who asks: where only the reporting user may ask (arcoiris), the signed-in requester's email decides.
        return command(ctx as Ctx, ctx.params.number, 'reopen', {
          by: 'customer',
          reason: ctx.body.reason,
          requestedBy: s.email,
        });
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/tickets/{number}/escalate',
      operationId: 'portalEscalate',
      summary: 'Ask for an escalation, where the policy offers it to customers',
      params: NumberParams,
      body: REASON_BODY,
      responses: {
        200: { description: 'Escalated', schema: ActionResultSchema },
        404: { description: 'No such ticket of your company' },
        409: { description: 'Refused by the lifecycle or not offered by the policy' },
        504: { description: 'The workflow did not answer in time' },
      },
      async handler(ctx) {
        const row = await ownTicket(ctx.services.db, session(ctx), ctx.params.number);
        const policy = await getPolicy(ctx.services.db, row.policy_id, row.policy_version);
        if (!policy.escalation.customerMayRequest) {
          throw problem(409, 'action-refused', {
            es: 'Su política de soporte no ofrece escalar casos a pedido del cliente.',
            en: 'Your support policy does not offer escalation on customer request.',
          });
        }
        return command(ctx as Ctx, ctx.params.number, 'escalate', {
          by: 'customer',
          reason: ctx.body.reason,
        });
      },
    }),
  ];
}
