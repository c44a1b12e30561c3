/**
 * Ticket writes: creation (every channel, phone intake on behalf of a caller), an intake pre-check, and
 * one endpoint per lifecycle action. Writes go to the ticket's workflow: updates where the caller needs
 * the outcome (a refusal answers 409 with the policy rule and the reason), signals for customer replies.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { createTicket, type CreateTicketResult, type IntakeDependencies } from '../../activities/intake';
import { loadContractForUpdate } from '../../activities/contracts';
import { decideIntake, PRIORITIES, STAFF_ACTIONS, TicketDraftSchema } from '../../domain/index';
import {
  commandUpdates,
  customerReplySignal,
  integrationEventSignal,
  REFUSAL_FAILURE_TYPE,
  ticketStateQuery,
  ticketWorkflowId,
  type LifecycleRefusal,
  type UpdateCommandType,
} from '../../workflows/ticket/messages';
import { assertCustomerVisible, canSeeCustomer, STAFF, type Principal, type Role } from '../auth';
import { TicketBusyError, TicketUpdateQueue } from '../ticket-update-queue';
import { workflowCalls } from '../metrics';
import { problem, ProblemError } from '../problem';
import { defineRoute, type AnyRoute, type IntegrationEvent, type Services } from '../route';
import {
  claimInboundEmail,
  completeInboundEmail,
  forgetInboundEmail,
  normalizeMessageId,
} from '../repositories/inbound-emails';
import { verifySignedRequest } from './integrations';
import { visibleTicket } from './tickets';
import { parseTicketSubjectTag } from '../../activities/notifications/templates';
import { sql } from 'kysely';
import { liveReading } from '../countdown';
// ticket-bulk.ts uses this module's helpers only inside its functions, so the cycle is harmless.
import { ticketBulkRoutes } from './ticket-bulk';
import { attachmentIdsField, bindAttachments, checkAttachments, unbindAttachments } from '../attachments';
import type { AttachmentRef } from '../../domain/lifecycle/index';
import { staffUploader } from './attachments';

/** What the ticket write routes need from Temporal. */
export interface TicketWorkflows {
  client: Client;
  taskQueue: string;
  /**
   * Deadline of one call into a workflow (update, signal, query), in ms; past it the API answers 504
   * and cancels the call. Default {@link WORKFLOW_CALL_TIMEOUT_MS}.
   */
  callTimeoutMs?: number;
  /** Registers the ticket search attributes again when a start finds them missing (see `IntakeDependencies`). */
  ensureSearchAttributes?: () => Promise<unknown>;
}

/** The documented answer of a call into a workflow past its deadline. */
const WORKFLOW_TIMEOUT = {
  503: {
    description:
      '`ticket-busy`: too many actions on this ticket at once, this one was not sent (retry after `Retry-After`); ' +
      '`temporal-unavailable`: Temporal is not answering.',
  },
  504: {
    description:
      "The ticket's workflow did not answer within the deadline (no worker?); see `Retry-After`. " +
      '`commandMayApply: true` says a command was sent and may still apply: retry it with the same ' +
      '`Idempotency-Key` to learn its outcome without applying it twice.',
  },
};

/** Default deadline of a call into a workflow: with the worker down, callers hear 504 within seconds. */
export const WORKFLOW_CALL_TIMEOUT_MS = 5_000;

/**
 * Runs one call to Temporal under a gRPC deadline (`client.withDeadline`): the request is cancelled at
 * the deadline, nothing keeps running behind the answer.
 */
export function withinDeadline<T>(temporal: TicketWorkflows, call: () => Promise<T>): Promise<T> {
  return temporal.client.withDeadline(deadlineOf(temporal), call);
}

/** The instant a call into a workflow started now must have answered by. */
const deadlineOf = (temporal: TicketWorkflows): number =>
  Date.now() + (temporal.callTimeoutMs ?? WORKFLOW_CALL_TIMEOUT_MS);

/** This process's updates to each ticket's workflow, kept under the server's in-flight limit. */
const ticketUpdates = new TicketUpdateQueue();

/**
 * An update to ticket `number`'s workflow within the call's deadline, the waiting for its turn included
 * (`TicketUpdateQueue`): a turn not come by the deadline is a 503 `ticket-busy`, and nothing was sent.
 */
export function updateWithinDeadline<T>(
  temporal: TicketWorkflows,
  number: number,
  call: () => Promise<T>,
): Promise<T> {
  const deadline = deadlineOf(temporal);
  return ticketUpdates.run(number, deadline, () => temporal.client.withDeadline(deadline, call));
}

/**
 * The Temporal update id (and message id) of the command sent under an Idempotency-Key: the same key of the
 * same API key always names the same update, so Temporal itself never applies it twice. Random without a key.
 */
export function commandIdFor(apiKeyId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  return `idem-${createHash('sha256').update(`${apiKeyId}\n${idempotencyKey}`).digest('hex').slice(0, 40)}`;
}

/** Bounds of `attachmentIds` in the schemas; the configured `maxFilesPerMessage` applies within it. */
export const MAX_ATTACHMENT_IDS = 100;

/** A name field of a body that no longer decides anything: accepted, ignored. */
const IGNORED_NAME = z
  .string()
  .max(200)
  .optional()
  .meta({ deprecated: true, description: 'Ignored: the actor is the signed-in user (or the API key).' });

const WRITERS: readonly Role[] = STAFF;
const CUSTOMER_SIDE: readonly Role[] = ['admin', 'agent', 'integration'];
const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const RefusalSchema = z.object({
  rule: z.string(),
  code: z.string(),
  message: z.object({ es: z.string(), en: z.string() }),
});
const RoutedToSchema = z.object({
  team: z.string(),
  answer: z.object({ es: z.string(), en: z.string() }),
});
const CommandResultSchema = z.object({
  number: z.number().int(),
  seq: z.number().int(),
  status: z.string(),
  priority: z.enum(PRIORITIES),
  level: z.number().int(),
  assignee: z.string().nullable(),
});
/** Text a person typed: trimmed, and when given it must say something. */
const typedText = (max: number) =>
  z.string().trim().min(1, 'must not be empty or only spaces').max(max).optional();
/** A ticket draft as the API takes it: what people type is trimmed, and a blank subject or description refused. */
const CreateTicketDraft = TicketDraftSchema.extend({
  subject: typedText(1_000),
  description: typedText(50_000),
  requesterName: typedText(200),
  company: typedText(200),
  contactPhone: typedText(100),
  requesterEmail: z.string().trim().max(320).optional(),
});
const CreateTicketBody = z.object({
  customerId: z.string().min(1),
  draft: CreateTicketDraft,
  /** Ignored: a ticket opened by a signed-in user is registered by that user (phone intake). */
  createdBy: IGNORED_NAME,
  locale: z.enum(['es', 'en']).optional(),
  attachmentIds: attachmentIdsField(MAX_ATTACHMENT_IDS),
});

export function workflows(services: Services): TicketWorkflows {
  const temporal = services.temporal as TicketWorkflows | undefined;
  if (temporal === undefined) {
    throw problem(
      503,
      'temporal-unavailable',
      {
        es: 'Temporal no está configurado en este proceso.',
        en: 'Temporal is not configured in this process.',
      },
      { headers: { 'Retry-After': '5' } },
    );
  }
  return temporal;
}

/** The problem for an intake that did not open a ticket: every refusal reason, or no contract. */
function intakeProblem(result: Exclude<CreateTicketResult, { number: number }>): never {
  if (result.outcome === 'no_contract') {
    throw problem(422, 'no-contract', {
      es: 'El cliente no tiene contrato.',
      en: 'The customer has no contract.',
    });
  }
  throw problem(
    422,
    'intake-refused',
    {
      es: result.reasons.map((r) => r.message.es).join(' '),
      en: result.reasons.map((r) => r.message.en).join(' '),
    },
    { reasons: result.reasons, ...(result.routedTo && { routedTo: result.routedTo }) },
  );
}

/**
 * The answer for a ticket whose workflow has ended: closed for good (its reopen window elapsed, or its
 * resolution became final some time ago), so it takes no reply and no action; the caller is told what to do.
 */
export function ticketEndedProblem(number: number) {
  return problem(
    409,
    'ticket-not-running',
    {
      es: `El ticket #${number} está cerrado definitivamente (su plazo de reapertura terminó) y ya no admite mensajes ni acciones. Para seguir con el asunto, abra un ticket nuevo y cite el #${number}.`,
      en: `Ticket #${number} is closed for good (its reopen window has elapsed) and takes no more messages or actions. To follow the matter up, open a new ticket quoting #${number}.`,
    },
    { reason: 'workflow-ended', ticketNumber: number, nextStep: 'open-new-ticket' },
  );
}

/** Runs one workflow call, counting it in the `workflowCalls` metric by operation and outcome. */
export async function counted<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    workflowCalls.inc({ operation, outcome: 'ok' });
    return result;
  } catch (error) {
    const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
    workflowCalls.inc({ operation, outcome: refused ? 'refused' : 'error' });
    throw error;
  }
}

/** The gRPC status code of an error or of one of its causes (the SDK wraps them in ServiceError). */
function grpcCode(error: unknown, depth = 0): number | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  return grpcCode((error as { cause?: unknown }).cause, depth + 1);
}

const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;
const CANCELLED = 1;

/** What was asked of the workflow: a command (update or signal), which may still apply after a failure, or a read. */
type CallKind = 'command' | 'read';

/**
 * Maps Temporal failures to problems: refusals 409, unknown workflows 409, a call past its deadline 504
 * and an unreachable Temporal 503 (both with Retry-After). For commands, `commandMayApply` tells the
 * caller whether the command may still take effect (it was sent and its outcome is unknown): retrying
 * it with the same Idempotency-Key is then safe and tells the outcome.
 */
export function temporalProblem(error: unknown, number: number, kind: CallKind = 'command'): never {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type === REFUSAL_FAILURE_TYPE) {
      const refusal = error.cause.details?.[0] as LifecycleRefusal;
      throw problem(409, 'action-refused', refusal.message, { rule: refusal.rule, code: refusal.code });
    }
  }
  if (error instanceof WorkflowNotFoundError) throw ticketEndedProblem(number);
  if (error instanceof TicketBusyError) {
    throw problem(
      503,
      'ticket-busy',
      {
        es: `El ticket #${number} está recibiendo muchas acciones a la vez; esta no se envió. Reintente en un momento.`,
        en: `Ticket #${number} is receiving many actions at once; this one was not sent. Retry in a moment.`,
      },
      { headers: { 'Retry-After': '1' } },
    );
  }
  const mayApply = kind === 'command' ? { commandMayApply: true } : {};
  const code = grpcCode(error);
  if (
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    code === DEADLINE_EXCEEDED ||
    code === CANCELLED
  ) {
    throw problem(
      504,
      'workflow-timeout',
      kind === 'command'
        ? {
            es: `El flujo del ticket #${number} no respondió a tiempo (¿hay un worker en marcha?). La acción quedó enviada y aún puede aplicarse; reintente con la misma Idempotency-Key para conocer su resultado sin aplicarla dos veces.`,
            en: `Ticket #${number}'s workflow did not answer in time (is a worker running?). The command was sent and may still apply; retry with the same Idempotency-Key to learn its outcome without applying it twice.`,
          }
        : {
            es: `El flujo del ticket #${number} no respondió a tiempo (¿hay un worker en marcha?); reintente en unos segundos.`,
            en: `Ticket #${number}'s workflow did not answer in time (is a worker running?); retry in a few seconds.`,
          },
      { ...mayApply, headers: { 'Retry-After': '5' } },
    );
  }
  if (code === UNAVAILABLE) {
    throw problem(
      503,
      'temporal-unavailable',
      {
        es: 'Temporal no responde; reintente en unos segundos.',
        en: 'Temporal is not answering; retry in a few seconds.',
      },
      { ...mayApply, headers: { 'Retry-After': '5' } },
    );
  }
  throw error;
}

/**
 * `api.onIntegrationEvent` for `npm start`: an event naming a ticket becomes an `integrationEvent` signal to
 * its workflow. A ticket whose workflow has ended (or is gone) answers 409 `ticket-not-running`, so the
 * sender learns the event was not taken, instead of a 500.
 */
export function signalTicketOnIntegrationEvent(client: Client) {
  return async (event: IntegrationEvent): Promise<void> => {
    if (event.ticketNumber === null) return;
    const number = event.ticketNumber;
    // Under the same deadline as every other workflow call.
    await counted('integration_event', () =>
      client.withDeadline(Date.now() + WORKFLOW_CALL_TIMEOUT_MS, () =>
        client.workflow.getHandle(ticketWorkflowId(number)).signal(integrationEventSignal, {
          eventId: event.eventId,
          source: event.source,
          kind: event.type,
          ...(typeof event.data.summary === 'string' && { summary: event.data.summary }),
          ...(event.data.escalate === true && { escalate: true }),
        }),
      ),
    ).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) {
        throw problem(
          409,
          'ticket-not-running',
          {
            es: `El ticket #${number} ya no admite eventos (su flujo terminó); el evento no se registró.`,
            en: `Ticket #${number} no longer takes events (its workflow has ended); the event was not recorded.`,
          },
          { reason: 'workflow-ended', ticketNumber: number },
        );
      }
      temporalProblem(error, number);
    });
  };
}

/**
 * Who acts: the signed-in user's display name, or the API key's name. Never a field of the request: the
 * `agent`, `by` and `createdBy` names some bodies still accept are ignored (kept so older clients are not
 * refused).
 */
function actor(auth: Principal): string {
  return auth.user?.displayName ?? auth.name;
}

/** CC addresses of a public reply: valid emails, at most {@link MAX_CC}, each once. */
export const MAX_CC = 10;
export const CcSchema = z
  .array(z.email().max(320))
  .max(MAX_CC)
  .optional()
  .meta({
    description: `Addresses copied on the email to the requester (at most ${MAX_CC}); ignored on internal notes.`,
  });

/** The `cc` of a reply command: only on public replies, without repeats, and absent when empty. */
export function ccArgs(cc: unknown, internal: boolean): { cc?: string[] } {
  if (internal || !Array.isArray(cc) || cc.length === 0) return {};
  const seen = new Set<string>();
  const unique = (cc as string[]).filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
  return { cc: unique };
}

type ActionSpec = {
  path: string;
  command: UpdateCommandType;
  summary: string;
  body: z.ZodObject;
  roles?: readonly Role[];
  /** The command's arguments; `commandId` is the update id, also the message id of a reply. */
  toArgs: (body: Record<string, unknown>, auth: Principal, commandId: string) => object;
  /** The body takes `attachmentIds` (uploads sent with the message; internal when `body.internal`). */
  carriesAttachments?: boolean;
};

const actions: ActionSpec[] = [
  {
    path: 'replies',
    command: 'agent_reply',
    summary: 'Reply to the customer, or add an internal note (`internal: true`)',
    body: z.object({
      body: z.string().min(1).max(50_000),
      internal: z.boolean().default(false),
      cc: CcSchema,
      agent: IGNORED_NAME,
      attachmentIds: attachmentIdsField(MAX_ATTACHMENT_IDS),
    }),
    carriesAttachments: true,
    toArgs: (b, auth, commandId) => ({
      messageId: commandId,
      agent: actor(auth),
      body: b.body,
      internal: b.internal,
      ...ccArgs(b.cc, b.internal === true),
    }),
  },
  {
    path: 'request-info',
    command: 'request_info',
    summary: 'Ask the customer for information (the ticket waits for the customer)',
    body: z.object({ body: z.string().min(1).max(50_000), agent: IGNORED_NAME }),
    toArgs: (b, auth) => ({ agent: actor(auth), body: b.body }),
  },
  {
    path: 'resolve',
    command: 'resolve',
    summary: 'Deliver the solution (starts the validation window)',
    body: z.object({ solution: z.string().min(1).max(50_000), agent: IGNORED_NAME }),
    toArgs: (b, auth) => ({ agent: actor(auth), solution: b.solution }),
  },
  {
    path: 'confirm',
    command: 'confirm',
    summary: 'The customer confirms the solution (it becomes final)',
    body: z.object({ by: IGNORED_NAME }),
    roles: CUSTOMER_SIDE,
    toArgs: (_b, auth) => ({ by: actor(auth) }),
  },
  {
    path: 'reopen',
    command: 'reopen',
    summary: 'Reopen a resolved or closed ticket (refused outside the window)',
    body: z.object({
      reason: z.string().min(1).max(5_000),
      by: z.enum(['customer', 'agent']).default('agent'),
      requestedBy: z
        .string()
        .min(1)
        .max(320)
        .optional()
        .meta({
          description:
            'Who asks for the reopen (email or name). Where the policy lets only the reporting user ask ' +
            '(`reopen.onlyRequester`), a reopen naming anyone else, or nobody, is refused (409, `not_the_requester`).',
        }),
    }),
    roles: CUSTOMER_SIDE,
    toArgs: (b) => ({
      by: b.by,
      reason: b.reason,
      ...(b.requestedBy !== undefined && { requestedBy: b.requestedBy }),
    }),
  },
  {
    path: 'complaints',
    command: 'complaint',
    summary:
      "A customer complaint: tells the escalation matrix's complaint contacts, without changing level or priority",
    body: z.object({
      body: z.string().min(1).max(50_000),
      from: z.string().min(1).max(320).optional().meta({ description: 'Who complains (email or name)' }),
    }),
    roles: CUSTOMER_SIDE,
    // The command id (from the Idempotency-Key) names the complaint: a retried request is recorded once.
    toArgs: (b, auth, commandId) => ({
      complaintId: commandId,
      body: b.body,
      ...(b.from !== undefined && { from: b.from }),
      recordedBy: auth.name,
    }),
  },
  {
    path: 'escalate',
    command: 'escalate',
    summary: 'Escalate to the next level, or raise the priority on customer request',
    body: z.object({
      reason: z.string().min(1).max(5_000),
      by: z.enum(['customer', 'agent']).default('agent'),
    }),
    roles: CUSTOMER_SIDE,
    toArgs: (b) => ({ by: b.by, reason: b.reason }),
  },
  {
    path: 'assign',
    command: 'assign',
    summary: 'Assign the ticket (null unassigns)',
    body: z.object({ assignee: z.string().min(1).max(200).nullable() }),
    toArgs: (b, auth) => ({ assignee: b.assignee, by: actor(auth) }),
  },
  {
    path: 'priority',
    command: 'change_priority',
    summary: 'Change the priority (time already counted is kept)',
    body: z.object({ priority: z.enum(PRIORITIES), reason: z.string().max(5_000).optional() }),
    toArgs: (b, auth) => ({
      priority: b.priority,
      by: actor(auth),
      ...(b.reason !== undefined && { reason: b.reason }),
    }),
  },
  {
    path: 'close',
    command: 'close',
    summary: 'Close the ticket with a reason',
    body: z.object({ reason: z.string().min(1).max(5_000) }),
    toArgs: (b, auth) => ({ by: actor(auth), reason: b.reason }),
  },
];

const CreatedTicket = z.object({
  number: z.number().int(),
  workflowId: z.string(),
  outcome: z.string(),
  advice: z.object({ es: z.string(), en: z.string() }).optional().meta({
    description: "The policy's advice for this kind of request (the ticket is accepted all the same).",
  }),
});

/** What every action may carry: the ticket version it was written against. */
const ExpectedVersion = z.object({
  expectedVersion: z
    .number()
    .int()
    .nonnegative()
    .max(2_147_483_647) // a timeline `seq` is a Postgres integer
    .optional()
    .meta({
      description:
        "The ticket's `version` the action was written against (from `GET /v1/tickets/{number}` or `/live`'s `state.seq`). " +
        'When the ticket has changed since, the action is not applied: 409 `ticket-changed` with `currentVersion` and the timeline entries since (`changes`).',
    }),
});

/** The timeline entries of a ticket after `version` (what changed since an action was written). */
async function changesSince(services: Services, number: number, version: number) {
  return services.db
    .selectFrom('ticket_events')
    .select(['seq', 'type', 'at', 'actor'])
    .where('ticket_number', '=', number)
    .where('seq', '>', version)
    .orderBy('seq')
    .limit(50)
    .execute();
}

/** The 409 of an action written against an older version of the ticket, naming what changed since. */
async function ticketChangedProblem(
  services: Services,
  number: number,
  expected: number,
  refusal: LifecycleRefusal,
): Promise<never> {
  const changes = await changesSince(services, number, expected);
  throw problem(409, 'ticket-changed', refusal.message, {
    rule: refusal.rule,
    code: refusal.code,
    expectedVersion: expected,
    currentVersion: Math.max(expected, ...changes.map((c) => c.seq)),
    changes: changes.map((c) => ({
      seq: c.seq,
      type: c.type,
      at: new Date(c.at as unknown as string).toISOString(),
      actor: c.actor,
    })),
  });
}

/** The stale-version refusal inside a failed update, if that is what it is. */
function staleRefusal(error: unknown): LifecycleRefusal | undefined {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) {
    return undefined;
  }
  if (error.cause.type !== REFUSAL_FAILURE_TYPE) return undefined;
  const refusal = error.cause.details?.[0] as LifecycleRefusal | undefined;
  return refusal?.code === 'stale_version' ? refusal : undefined;
}

/** 413 when a message carries more files than the configuration allows. */
export function assertFileCount(services: Services, count: number): void {
  const max = services.attachments.maxFilesPerMessage;
  if (count <= max) return;
  throw problem(
    413,
    'too-many-attachments',
    {
      es: `Un mensaje lleva como máximo ${max} adjuntos.`,
      en: `A message carries at most ${max} attachments.`,
    },
    { limit: max, 'invalid-params': [{ name: 'body.attachmentIds', reason: `at most ${max} files` }] },
  );
}

/** Binds a message's uploads (after the count check); none when it carries none. */
async function bindMessageAttachments(
  services: Services,
  ids: readonly string[],
  input: Omit<Parameters<typeof bindAttachments>[1], 'ids'>,
): Promise<AttachmentRef[]> {
  if (ids.length === 0) return [];
  assertFileCount(services, new Set(ids).size);
  return bindAttachments(services.db, { ids, ...input });
}

/**
 * How many files a new ticket carries, for the intake rules: the caller's unused uploads named by `ids`, or
 * those already bound to the ticket a retry under the same Idempotency-Key finds. Called only when the
 * request has `attachmentIds`; without it the draft's stated `attachments` number stands (integrations
 * relaying an email whose files are elsewhere).
 */
async function intakeAttachments(
  services: Services,
  ids: readonly string[],
  uploaderRef: string,
  idempotencyKey: string | undefined,
): Promise<number> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 0;
  if (idempotencyKey !== undefined) {
    const bound = await services.db
      .selectFrom('attachments')
      .select('id')
      .where('id', 'in', unique)
      .where('uploader_ref', '=', uploaderRef)
      .where('message_id', '=', 'intake')
      .execute();
    if (bound.length === unique.length) return unique.length;
  }
  return (await checkAttachments(services.db, unique, uploaderRef)).length;
}

/** On a failed message, frees its uploads for another try, unless the command may still apply. */
function releaseUnlessMayApply(
  services: Services,
  attachments: readonly AttachmentRef[],
  ticketNumber: number,
  messageId: string,
): (error: unknown) => Promise<never> {
  return async (error: unknown) => {
    const mayApply = error instanceof ProblemError && error.problem.commandMayApply === true;
    if (attachments.length > 0 && !mayApply) await unbindAttachments(services.db, ticketNumber, messageId);
    throw error;
  };
}

/** The ticket write routes. */
export function ticketActionRoutes(): AnyRoute[] {
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'post',
      path: '/v1/tickets',
      operationId: 'createTicket',
      summary: 'Open a ticket on any channel (staff may register one on behalf of a caller)',
      tags: ['tickets'],
      roles: ['admin', 'agent', 'integration'],
      body: CreateTicketBody,
      responses: {
        201: { description: 'Created', schema: CreatedTicket },
        200: { description: 'Already created with this Idempotency-Key', schema: CreatedTicket },
        404: { description: 'No such customer (or not visible to this key)' },
        422: { description: 'Refused by the policy: every reason, naming the rule' },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ body, services, auth, req }) {
        assertCustomerVisible(auth, body.customerId, {
          es: `el cliente ${body.customerId}`,
          en: `Customer ${body.customerId}`,
        });
        const temporal = workflows(services);
        const deps: IntakeDependencies = {
          db: services.db,
          client: temporal.client,
          taskQueue: temporal.taskQueue,
          ...(temporal.ensureSearchAttributes && { ensureSearchAttributes: temporal.ensureSearchAttributes }),
        };
        const key = req.header('idempotency-key');
        // Files uploaded for the ticket: the intake rules count these, not a number the client states.
        const uploaderRef = staffUploader(auth).ref;
        const attachmentIds = body.attachmentIds ?? [];
        assertFileCount(services, new Set(attachmentIds).size);
        const files =
          body.attachmentIds === undefined
            ? undefined
            : await intakeAttachments(services, attachmentIds, uploaderRef, key);
        const draft = files === undefined ? body.draft : { ...body.draft, attachments: files };
        const result = await counted('create', () =>
          withinDeadline(temporal, () =>
            createTicket(deps, {
              customerId: body.customerId,
              draft,
              ...(auth.user !== null && { createdBy: auth.user.displayName }),
              ...(body.locale && { locale: body.locale }),
              ...(key && { idempotencyKey: `${auth.keyId}:${key}` }),
              now: services.now().getTime(),
            }),
          ),
        ).catch((error: unknown) => temporalProblem(error, 0));
        if (result.outcome === 'refused' || result.outcome === 'no_contract') intakeProblem(result);
        if (attachmentIds.length > 0) {
          await bindAttachments(services.db, {
            ids: attachmentIds,
            uploaderRef,
            ticketNumber: result.number,
            customerId: body.customerId,
            messageId: 'intake',
            internal: false,
          });
        }
        return {
          status: result.outcome === 'created' ? 201 : 200,
          body: {
            number: result.number,
            workflowId: result.workflowId,
            outcome: result.outcome,
            ...(result.decision.accepted && result.decision.advice && { advice: result.decision.advice }),
          },
          headers: { Location: `/v1/tickets/${result.number}` },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tickets/intake-check',
      operationId: 'checkTicketIntake',
      summary: 'Would this ticket be accepted, and which quota would it consume? (creates nothing)',
      tags: ['tickets'],
      roles: ['admin', 'agent', 'integration'],
      body: CreateTicketBody,
      responses: {
        200: {
          description: 'The intake answer',
          schema: z.object({
            accepted: z.boolean(),
            reasons: z.array(RefusalSchema),
            quota: z.unknown().optional(),
            routedTo: RoutedToSchema.optional().describe(
              'Where the policy sends this kind of request instead (the team, and the answer to give), as a refused create says',
            ),
          }),
        },
        404: { description: 'No such customer (or not visible to this key)' },
        422: { description: 'The customer has no contract' },
      },
      async handler({ body, services, auth }) {
        assertCustomerVisible(auth, body.customerId, {
          es: `el cliente ${body.customerId}`,
          en: `Customer ${body.customerId}`,
        });
        const now = services.now().getTime();
        const loaded = await loadContractForUpdate(services.db, body.customerId, now);
        if (loaded === undefined) {
          throw problem(422, 'no-contract', {
            es: `El cliente ${body.customerId} no tiene contrato.`,
            en: `Customer ${body.customerId} has no contract.`,
          });
        }
        const decision = decideIntake(loaded.policy, loaded.snapshot, body.draft, now);
        return {
          status: 200,
          body: decision.accepted
            ? { accepted: true, reasons: [], quota: decision.quota }
            : {
                accepted: false,
                reasons: decision.reasons,
                ...(decision.routedTo && { routedTo: decision.routedTo }),
              },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tickets/{number}/customer-replies',
      operationId: 'addCustomerReply',
      summary: 'Record a reply from the customer (reopens or resumes the ticket as the policy says)',
      description:
        'Under `reopen.trigger: request` a reply on a resolved ticket does not reopen it: it goes on the timeline ' +
        'and to the assignee, and the resolution still becomes final when the validation window ends ' +
        '(`POST /v1/tickets/{number}/reopen` reopens). A reply answering an information-wait closure reopens the ' +
        'ticket within `infoWait.reopenWindow` (`none`: no limit).',
      tags: ['tickets'],
      roles: CUSTOMER_SIDE,
      params: NumberParams,
      body: z.object({
        body: z.string().min(1).max(50_000),
        from: z.string().optional(),
        attachmentIds: attachmentIdsField(MAX_ATTACHMENT_IDS),
      }),
      responses: {
        202: {
          description: 'Accepted',
          schema: z.object({ number: z.number().int(), accepted: z.boolean() }),
        },
        409: {
          description:
            'The ticket is closed for good (its workflow has ended): `reason: workflow-ended`, `nextStep: open-new-ticket`',
        },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ params, body, services, auth, req }) {
        const ticket = await visibleTicket(services.db, auth, params.number);
        const temporal = workflows(services);
        const handle = temporal.client.workflow.getHandle(ticketWorkflowId(params.number));
        const messageId = commandIdFor(auth.keyId, req.header('idempotency-key'));
        const attachments = await bindMessageAttachments(services, body.attachmentIds ?? [], {
          uploaderRef: staffUploader(auth).ref,
          ticketNumber: params.number,
          customerId: ticket.customer_id,
          messageId,
          internal: false,
        });
        await counted('customer_reply', () =>
          withinDeadline(temporal, () =>
            handle.signal(customerReplySignal, {
              messageId,
              body: body.body,
              ...(body.from && { from: body.from }),
              ...(attachments.length > 0 && { attachments }),
            }),
          ),
        )
          .catch((error: unknown) => temporalProblem(error, params.number))
          .catch(releaseUnlessMayApply(services, attachments, params.number, messageId));
        return { status: 202, body: { number: params.number, accepted: true } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tickets/{number}/live',
      operationId: 'getTicketLive',
      summary: 'The live state from the workflow: SLA clocks counted to now, each due instant explained',
      description:
        "Each clock is counted at the API's now and read like the list's `countdown`: `remainingMs`, `running` " +
        '(counting right now), `stoppedBy` (`outside_hours`, `status`) and `changesAt`. `allowedActions`: the ' +
        'staff actions the lifecycle would accept now (`reply`, `note`, `request_info`, `resolve`, `confirm`, ' +
        '`reopen`, `escalate`, `assign`, `change_priority`, `close`).',
      tags: ['tickets'],
      roles: ['admin', 'agent', 'read-only'],
      params: NumberParams,
      responses: {
        200: {
          description: 'The workflow state',
          schema: z.looseObject({
            state: z.unknown(),
            view: z.unknown(),
            clocks: z.array(z.unknown()),
            allowedActions: z.array(z.enum(STAFF_ACTIONS)).optional(),
            now: z.number(),
          }),
        },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ params, services, auth }) {
        await visibleTicket(services.db, auth, params.number);
        const temporal = workflows(services);
        const handle = temporal.client.workflow.getHandle(ticketWorkflowId(params.number));
        const snapshot = await withinDeadline(temporal, () => handle.query(ticketStateQuery)).catch(
          (error: unknown) => temporalProblem(error, params.number, 'read'),
        );
        // The query counts clocks at the workflow's last event; count them at now, read like the queue's
        // countdown. The workflow's time is later only when tests skip time.
        const now = Math.max(services.now().getTime(), snapshot.now);
        const reading = await liveReading(services.db, snapshot.state, now);
        return {
          status: 200,
          body: {
            ...snapshot,
            clocks: reading?.clocks ?? snapshot.clocks,
            ...(reading && { allowedActions: reading.allowedActions }),
            now,
          },
        };
      },
    }),
  ];
  routes.push(
    defineRoute({
      method: 'post',
      path: '/v1/integrations/inbound-email',
      callers: 'keys',
      operationId: 'receiveInboundEmail',
      summary:
        'Receive an email from the mail gateway: a reply threads into its ticket, a new message opens one',
      description:
        'Signed like integration events (`X-Orquesta-Timestamp`, `X-Orquesta-Signature`). A `[#number]` in the subject ' +
        'threads the message into that ticket when the sender is its requester or an authorized requester of its customer. ' +
        'Otherwise the sender must be an authorized requester of a customer, and the message opens a ticket through intake: ' +
        "where the policy refuses email, the answer is 422 with the policy's own reply. " +
        'A replayed request (same signature) or a message re-sent with the same `messageId` from the same sender is ' +
        'answered 200 `duplicate` with the ticket it went to, and handled once.',
      tags: ['integrations'],
      roles: ['integration', 'admin'],
      before: verifySignedRequest,
      body: z.object({
        from: z.email(),
        fromName: z.string().max(200).optional(),
        subject: z.string().min(1).max(1_000),
        text: z.string().max(200_000).default(''),
        attachments: z.number().int().nonnegative().default(0),
        messageId: z.string().max(998).optional().meta({
          description:
            "The message's Message-ID header. A message already received from the same sender with this id is not handled again (200 `duplicate`).",
        }),
      }),
      responses: {
        201: {
          description: 'A new ticket',
          schema: z.object({ number: z.number().int(), outcome: z.string() }),
        },
        202: {
          description: 'Threaded into an existing ticket',
          schema: z.object({ number: z.number().int(), outcome: z.string() }),
        },
        200: {
          description: 'Already received (same Message-ID from the same sender, or the same signed request)',
          schema: z.object({ number: z.number().int(), outcome: z.literal('duplicate') }),
        },
        409: {
          description:
            'The same message is still being handled (retry after `Retry-After`), or the ticket it threads ' +
            'into is closed for good (`reason: workflow-ended`, `nextStep: open-new-ticket`)',
        },
        422: { description: 'Unknown sender, or refused by the policy (with its answer)' },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ body, services, auth, req }) {
        const db = services.db;
        const sender = body.from.toLowerCase();
        const messageId = normalizeMessageId(body.messageId);
        const claim = await claimInboundEmail(db, {
          apiKeyId: auth.keyId,
          sender,
          messageId,
          // Verified by `before`, so present.
          signature: (req.get('x-orquesta-signature') ?? '').trim(),
        });
        if (claim.kind === 'duplicate') {
          return { status: 200, body: { number: claim.ticketNumber, outcome: 'duplicate' } };
        }
        if (claim.kind === 'in-progress') {
          throw problem(
            409,
            'inbound-email-in-progress',
            {
              es: 'Este mensaje se está procesando; reintente en un momento.',
              en: 'This message is being processed; retry in a moment.',
            },
            { headers: { 'Retry-After': '1' } },
          );
        }
        const handleMessage = async (): Promise<{ number: number; outcome: string }> => {
          const senderIsAuthorized = async (customerId: string) =>
            (await db
              .selectFrom('contracts')
              .select('id')
              .where('customer_id', '=', customerId)
              .where(
                sql<boolean>`exists (select 1 from jsonb_array_elements(requesters) r where lower(r->>'email') = ${sender})`,
              )
              .executeTakeFirst()) !== undefined;
          const threaded = parseTicketSubjectTag(body.subject);
          if (threaded !== undefined) {
            const ticket = await db
              .selectFrom('tickets')
              .select(['number', 'customer_id', 'requester_email'])
              .where('number', '=', threaded)
              .executeTakeFirst();
            if (ticket && canSeeCustomer(auth, ticket.customer_id)) {
              if (
                ticket.requester_email.toLowerCase() !== sender &&
                !(await senderIsAuthorized(ticket.customer_id))
              ) {
                throw problem(422, 'unknown-sender', {
                  es: `${body.from} no es solicitante autorizado del ticket #${threaded}.`,
                  en: `${body.from} is not an authorized requester of ticket #${threaded}.`,
                });
              }
              const temporal = workflows(services);
              const handle = temporal.client.workflow.getHandle(ticketWorkflowId(threaded));
              await counted('customer_reply', () =>
                withinDeadline(temporal, () =>
                  handle.signal(customerReplySignal, {
                    // The Message-ID when there is one (the workflow records a message id once), else the
                    // command id of the Idempotency-Key.
                    messageId: messageId ?? commandIdFor(auth.keyId, req.header('idempotency-key')),
                    body: body.text || body.subject,
                    from: body.from,
                  }),
                ),
              ).catch((error: unknown) => temporalProblem(error, threaded));
              return { number: threaded, outcome: 'threaded' };
            }
          }
          const match = await db
            .selectFrom('contracts')
            .select('customer_id')
            .where(
              sql<boolean>`exists (select 1 from jsonb_array_elements(requesters) r where lower(r->>'email') = ${sender})`,
            )
            .orderBy('starts_at', 'desc')
            .executeTakeFirst();
          if (match === undefined || !canSeeCustomer(auth, match.customer_id)) {
            throw problem(422, 'unknown-sender', {
              es: `${body.from} no es solicitante autorizado de ningún cliente.`,
              en: `${body.from} is not an authorized requester of any customer.`,
            });
          }
          const temporal = workflows(services);
          const key = req.header('idempotency-key');
          const result = await counted('create', () =>
            withinDeadline(temporal, () =>
              createTicket(
                {
                  db,
                  client: temporal.client,
                  taskQueue: temporal.taskQueue,
                  ...(temporal.ensureSearchAttributes && {
                    ensureSearchAttributes: temporal.ensureSearchAttributes,
                  }),
                },
                {
                  customerId: match.customer_id,
                  draft: {
                    channel: 'email',
                    requesterEmail: body.from,
                    ...(body.fromName && { requesterName: body.fromName }),
                    subject: body.subject,
                    description: body.text,
                    attachments: body.attachments,
                  },
                  ...(key
                    ? { idempotencyKey: `${auth.keyId}:${key}` }
                    : messageId && { idempotencyKey: `inbound-email:${sender}:${messageId}` }),
                  now: services.now().getTime(),
                },
              ),
            ),
          ).catch((error: unknown) => temporalProblem(error, 0));
          if (result.outcome === 'refused' || result.outcome === 'no_contract') intakeProblem(result);
          return { number: result.number, outcome: result.outcome };
        };
        let handled: { number: number; outcome: string };
        try {
          handled = await handleMessage();
        } catch (error) {
          // Not handled: forget the claim so the gateway's retry is handled.
          await forgetInboundEmail(db, claim.id);
          throw error;
        }
        const threadedInto = handled.outcome === 'threaded';
        await completeInboundEmail(db, claim.id, {
          ticketNumber: handled.number,
          outcome: threadedInto ? 'threaded' : 'created',
        });
        return { status: threadedInto ? 202 : 201, body: handled };
      },
    }),
  );
  for (const action of actions) {
    routes.push(
      defineRoute({
        method: 'post',
        path: `/v1/tickets/{number}/${action.path}`,
        operationId: `ticket_${action.command}`,
        summary: action.summary,
        tags: ['tickets'],
        roles: action.roles ?? WRITERS,
        params: NumberParams,
        body: action.body.extend(ExpectedVersion.shape),
        responses: {
          200: { description: 'Done; the ticket as it now stands', schema: CommandResultSchema },
          409: {
            description:
              'Refused by the lifecycle (`action-refused`: `rule`, `code` and the reason); the ticket changed ' +
              'since `expectedVersion` (`ticket-changed`: `currentVersion`, `changes`); or the ticket is closed ' +
              'for good (`reason: workflow-ended`, `nextStep: open-new-ticket`)',
          },
          ...WORKFLOW_TIMEOUT,
        },
        async handler({ params, body, services, auth, req }) {
          const ticket = await visibleTicket(services.db, auth, params.number);
          const temporal = workflows(services);
          const handle = temporal.client.workflow.getHandle(ticketWorkflowId(params.number));
          const update = commandUpdates[action.command];
          // Under an Idempotency-Key the update id derives from the key: however often the request is
          // retried (after a 504, or by another API process), Temporal applies the command once.
          const commandId = commandIdFor(auth.keyId, req.header('idempotency-key'));
          const expected = body.expectedVersion as number | undefined;
          const attachmentIds = action.carriesAttachments
            ? ((body.attachmentIds as string[] | undefined) ?? [])
            : [];
          const attachments = await bindMessageAttachments(services, attachmentIds, {
            uploaderRef: staffUploader(auth).ref,
            ticketNumber: params.number,
            customerId: ticket.customer_id,
            messageId: commandId,
            internal: body.internal === true,
          });
          const args = {
            ...action.toArgs(body, auth, commandId),
            ...(attachments.length > 0 && { attachments }),
            ...(expected !== undefined && { expectedVersion: expected }),
          };
          const result = await counted(action.command, () =>
            updateWithinDeadline(temporal, params.number, () =>
              handle.executeUpdate(update as never, { updateId: commandId, args: [args] as never }),
            ),
          )
            .catch(async (error: unknown) => {
              const stale = expected === undefined ? undefined : staleRefusal(error);
              if (stale !== undefined) return ticketChangedProblem(services, params.number, expected!, stale);
              return temporalProblem(error, params.number);
            })
            .catch(releaseUnlessMayApply(services, attachments, params.number, commandId));
          return { status: 200, body: result };
        },
      }),
    );
  }
  return [...routes, ...ticketBulkRoutes()];
}
