/**
 * Several ticket commands in one request, each reported on its own: macros (a canned reply that also sets
 * status, priority or assignee) and bulk actions over many tickets. Every step is the same workflow update
 * the single-action routes send, so the ticket's policy may refuse any of them; a refusal is one result, not
 * a failure of the request. Under an `Idempotency-Key` every step's update id derives from the key, the
 * ticket and the step, so a retried request applies nothing twice.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { PRIORITIES, renderCannedReply } from '../../domain';
import {
  commandUpdates,
  REFUSAL_FAILURE_TYPE,
  ticketWorkflowId,
  type CommandResult,
  type LifecycleRefusal,
  type UpdateCommandType,
} from '../../workflows/ticket/messages';
import { canSeeCustomer, notFound, STAFF, type Principal } from '../auth';
import { defineRoute, type AnyRoute, type Services } from '../route';
import { findTicket } from '../repositories/tickets';
import { findVisibleCannedReply, placeholderValues } from '../repositories/canned-replies';
import {
  ccArgs,
  CcSchema,
  commandIdFor,
  counted,
  temporalProblem,
  ticketEndedProblem,
  updateWithinDeadline,
  workflows,
} from './ticket-actions';
import { visibleTicket } from './tickets';

/** Most tickets one bulk request may name. */
export const MAX_BULK_TICKETS = 100;

/** How one step went. `unchanged`: the ticket already was so (assignee, priority). */
export type StepOutcome =
  | { outcome: 'ok'; ticket: CommandResult }
  | { outcome: 'refused' | 'unchanged'; refusal: LifecycleRefusal }
  | { outcome: 'not_running' };

const RefusalSchema = z.object({
  rule: z.string(),
  code: z.string(),
  message: z.object({ es: z.string(), en: z.string() }),
});
const TicketResultSchema = z.object({
  number: z.number().int(),
  seq: z.number().int(),
  status: z.string(),
  priority: z.enum(PRIORITIES),
  level: z.number().int(),
  assignee: z.string().nullable(),
});
const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const WORKFLOW_TIMEOUT = {
  504: {
    description:
      "A ticket's workflow did not answer within the deadline; `commandMayApply: true`: retry with the same " +
      '`Idempotency-Key` (steps already applied are not applied again).',
  },
};

/** The signed-in user's display name, or the API key's name. */
const actorOf = (auth: Principal) => auth.user?.displayName ?? auth.name;

/**
 * Sends one update to ticket `number`'s workflow. A refusal by the lifecycle and an ended workflow are
 * outcomes; a workflow past its deadline or an unreachable Temporal fails the whole request (504/503), which
 * the caller retries with the same Idempotency-Key.
 */
export async function runStep(
  services: Services,
  number: number,
  command: UpdateCommandType,
  args: object,
  commandId: string,
): Promise<StepOutcome> {
  const temporal = workflows(services);
  const handle = temporal.client.workflow.getHandle(ticketWorkflowId(number));
  try {
    const ticket = await counted(command, () =>
      updateWithinDeadline(temporal, number, () =>
        handle.executeUpdate(commandUpdates[command] as never, {
          updateId: commandId,
          args: [args] as never,
        }),
      ),
    );
    return { outcome: 'ok', ticket: ticket as CommandResult };
  } catch (error) {
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === REFUSAL_FAILURE_TYPE
    ) {
      const refusal = error.cause.details?.[0] as LifecycleRefusal;
      return { outcome: refusal.code === 'unchanged' ? 'unchanged' : 'refused', refusal };
    }
    if (error instanceof WorkflowNotFoundError) return { outcome: 'not_running' };
    return temporalProblem(error, number);
  }
}

/** The update id of one step of a request: from the Idempotency-Key when there is one, else random. */
function stepId(auth: Principal, key: string | undefined, step: string): string {
  return commandIdFor(auth.keyId, key === undefined ? undefined : `${key}\n${step}`);
}

const MacroStep = z.enum(['assign', 'change_priority', 'reply', 'request_info', 'resolve', 'close']);
const StepResultSchema = z.object({
  step: MacroStep,
  outcome: z.enum(['ok', 'refused', 'unchanged', 'not_running']),
  refusal: RefusalSchema.optional(),
});

const BulkAction = z.enum(['assign', 'priority', 'resolve', 'close', 'note']);
const BulkBody = z
  .strictObject({
    action: BulkAction,
    numbers: z
      .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
      .min(1)
      .max(MAX_BULK_TICKETS)
      .meta({ description: `Ticket numbers (at most ${MAX_BULK_TICKETS}; repeats are handled once)` }),
    assignee: z.string().trim().min(1).max(200).nullable().optional().meta({
      description: '`assign`: who (null unassigns)',
    }),
    priority: z.enum(PRIORITIES).optional().meta({ description: '`priority`: the new priority' }),
    text: z.string().trim().min(1).max(50_000).optional().meta({
      description: '`resolve`: the solution; `close`: the reason; `note`: the internal note',
    }),
  })
  .superRefine((b, ctx) => {
    const need = (field: 'assignee' | 'priority' | 'text', ok: boolean) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [field], message: `required for action ${b.action}` });
    };
    if (b.action === 'assign') need('assignee', b.assignee !== undefined);
    if (b.action === 'priority') need('priority', b.priority !== undefined);
    if (b.action === 'resolve' || b.action === 'close' || b.action === 'note')
      need('text', b.text !== undefined);
  });

const BulkResultSchema = z.object({
  number: z.number().int(),
  outcome: z.enum(['ok', 'refused', 'unchanged', 'not_found', 'not_running']),
  ticket: TicketResultSchema.optional(),
  refusal: RefusalSchema.optional(),
});

/** The command and arguments of a bulk action for one ticket. */
function bulkCommand(
  body: z.output<typeof BulkBody>,
  by: string,
  messageId: string,
): { command: UpdateCommandType; args: object } {
  switch (body.action) {
    case 'assign':
      return { command: 'assign', args: { assignee: body.assignee ?? null, by } };
    case 'priority':
      return { command: 'change_priority', args: { priority: body.priority, by } };
    case 'resolve':
      return { command: 'resolve', args: { agent: by, solution: body.text } };
    case 'close':
      return { command: 'close', args: { by, reason: body.text } };
    case 'note':
      return { command: 'agent_reply', args: { messageId, agent: by, body: body.text, internal: true } };
  }
}

/** Macro and bulk routes (they talk to workflows: mounted with the ticket write routes). */
export function ticketBulkRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/tickets/{number}/macros/{id}',
      operationId: 'applyMacro',
      summary:
        'Apply a canned reply or macro: the rendered text, then the status, priority and assignee it sets',
      description:
        'Steps, in order: `assign`, `change_priority`, then the text as `request_info`, `resolve` or a public ' +
        '`reply` (with `close` after it for `status: close`). Each is the workflow command the single routes ' +
        "send, reported as `ok`, `unchanged` or `refused` (with the policy's rule and reason); a refused step " +
        'does not stop the others. `text` replaces the rendered text (the agent edited it).',
      tags: ['canned-replies'],
      roles: STAFF,
      params: NumberParams.extend({ id: z.string().min(1).max(64) }),
      body: z.strictObject({
        text: z.string().trim().min(1).max(50_000).optional(),
        cc: CcSchema,
      }),
      responses: {
        200: {
          description: 'What each step did; `ticket` is the ticket after the last applied step',
          schema: z.object({
            number: z.number().int(),
            text: z.string(),
            steps: z.array(StepResultSchema),
            ticket: TicketResultSchema.nullable(),
          }),
        },
        409: { description: 'The ticket is closed for good (`reason: workflow-ended`)' },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ params, body, services, auth, req }) {
        const ticket = await visibleTicket(services.db, auth, params.number);
        const macro = await findVisibleCannedReply(services.db, auth, params.id);
        if (macro === undefined) throw notFound({ es: 'la respuesta predefinida', en: 'Canned reply' });
        const by = actorOf(auth);
        const text =
          body.text ??
          renderCannedReply(macro.body, await placeholderValues(services.db, ticket, by), macro.language);
        const key = req.header('idempotency-key');
        const steps: z.output<typeof StepResultSchema>[] = [];
        let last: CommandResult | null = null;
        const run = async (step: z.output<typeof MacroStep>, command: UpdateCommandType, args: object) => {
          const id = stepId(auth, key, `${params.number}:${step}`);
          const done = await runStep(
            services,
            params.number,
            command,
            command === 'agent_reply' ? { ...args, messageId: id } : args,
            id,
          );
          if (done.outcome === 'not_running') throw ticketEndedProblem(params.number);
          if (done.outcome === 'ok') last = done.ticket;
          steps.push({
            step,
            outcome: done.outcome,
            ...(done.outcome !== 'ok' && { refusal: done.refusal }),
          });
        };
        const actions = macro.actions;
        if (actions.assignee !== undefined) await run('assign', 'assign', { assignee: actions.assignee, by });
        if (actions.priority !== undefined) {
          await run('change_priority', 'change_priority', { priority: actions.priority, by });
        }
        if (actions.status === 'request_info')
          await run('request_info', 'request_info', { agent: by, body: text });
        else if (actions.status === 'resolve') await run('resolve', 'resolve', { agent: by, solution: text });
        else {
          await run('reply', 'agent_reply', {
            agent: by,
            body: text,
            internal: false,
            ...ccArgs(body.cc, false),
          });
          if (actions.status === 'close') await run('close', 'close', { by, reason: macro.title });
        }
        return { status: 200, body: { number: params.number, text, steps, ticket: last } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tickets/bulk',
      operationId: 'bulkTicketAction',
      summary:
        'One action over many tickets (assign, priority, resolve, close, internal note), each reported',
      description:
        'Partial success is normal: the answer is 200 with one result per ticket, in the order given: `ok` (with ' +
        "the ticket as it now stands), `refused` (the ticket's policy or state refused it: `refusal` has the rule " +
        'and the reason in es/en), `unchanged` (it already had that assignee or priority), `not_found` (no such ' +
        'ticket, or not visible to the caller) or `not_running` (closed for good). With an `Idempotency-Key` the ' +
        'whole answer is replayed, and each ticket is sent an update id derived from the key: a retry after a 504 ' +
        'applies nothing twice.',
      tags: ['tickets'],
      roles: STAFF,
      body: BulkBody,
      responses: {
        200: {
          description: 'One result per ticket',
          schema: z.object({
            action: BulkAction,
            results: z.array(BulkResultSchema),
            counts: z.record(z.string(), z.number().int()),
          }),
        },
        ...WORKFLOW_TIMEOUT,
      },
      async handler({ body, services, auth, req }) {
        const key = req.header('idempotency-key');
        const by = actorOf(auth);
        const results: z.output<typeof BulkResultSchema>[] = [];
        for (const number of [...new Set(body.numbers)]) {
          const ticket = await findTicket(services.db, number);
          if (ticket === undefined || !canSeeCustomer(auth, ticket.customer_id)) {
            results.push({ number, outcome: 'not_found' });
            continue;
          }
          const id = stepId(auth, key, `bulk:${number}`);
          const { command, args } = bulkCommand(body, by, id);
          const done = await runStep(services, number, command, args, id);
          if (done.outcome === 'ok') results.push({ number, outcome: 'ok', ticket: done.ticket });
          else if (done.outcome === 'not_running') results.push({ number, outcome: 'not_running' });
          else results.push({ number, outcome: done.outcome, refusal: done.refusal });
        }
        const counts: Record<string, number> = {};
        for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
        return { status: 200, body: { action: body.action, results, counts } };
      },
    }),
  ];
}
