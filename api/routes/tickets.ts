/**
 * Ticket reads from the Postgres projection: filtered list with keyset pagination, detail by
 * number, timeline. Ticket creation and lifecycle actions talk to the workflows and live elsewhere.
 */
import { z } from 'zod';
import { CHANNELS, PRIORITIES } from '../../domain';
import { canSeeCustomer, notFound, READERS, type Role } from '../auth';
import { defineRoute } from '../route';
import {
  CursorSchema,
  badCursor,
  readCursor,
  encodeCursor,
  keysetPage,
  IdSchema,
  InstantSchema,
  LimitSchema,
  pageOf,
} from '../schemas';
import {
  eventView,
  findTicket,
  listTicketEvents,
  countTickets,
  listTickets,
  listTicketsCounted,
  TICKET_COUNT_CAP,
  TICKET_SORTS,
  ticketSummaryView,
  ticketView,
  type ListedRow,
  type TicketFilters,
  withSearchResolved,
  type TicketSort,
  type TicketPosition,
} from '../repositories/tickets';
import { listTicketNotifications, notificationView } from '../repositories/notifications';
import { countdowns, listTicketsDueWithin } from '../countdown';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Principal } from '../auth';

/** Roles that read tickets. */
export const TICKET_READERS: readonly Role[] = [...READERS, 'integration'];

const Due = z.object({
  firstResponse: InstantSchema.nullable(),
  nextUpdate: InstantSchema.nullable(),
  resolution: InstantSchema.nullable(),
  next: InstantSchema.nullable(),
});

/** The next due instant counted on the ticket's own clock (business hours of its policy calendar). */
const CountdownSchema = z
  .object({
    asOf: InstantSchema.meta({ description: 'The instant these figures were computed at.' }),
    metric: z
      .enum(['firstResponse', 'nextUpdate', 'resolution'])
      .nullable()
      .meta({ description: 'The SLA metric that falls due next; null when no SLA clock runs.' }),
    clock: z.enum(['business', 'calendar']).nullable().meta({
      description:
        '`business`: counted only while the calendar is open (hours, holidays, priority-only windows); `calendar`: wall-clock time.',
    }),
    remainingMs: z.number().int().nullable().meta({
      description:
        'Clock time left at `asOf` until the next due instant; negative once overdue (time counted since); null when no SLA clock runs or the policy version is unknown.',
    }),
    running: z.boolean().meta({
      description:
        'Whether the clock counts at `asOf`: an SLA clock runs, the ticket is open (not awaiting the customer) and, for business time, the calendar is open. While true, `remainingMs` decreases one for one until `changesAt`.',
    }),
    stoppedBy: z.enum(['outside_hours', 'status', 'no_clock']).nullable().meta({
      description:
        "Why it is not running: outside the calendar's open hours, the ticket status (awaiting the customer, resolved, closed), or no SLA clock runs. Null while running.",
    }),
    changesAt: InstantSchema.nullable().meta({
      description:
        'When the calendar alone next starts or stops the clock (end of the current open window, or the next opening).',
    }),
  })
  .meta({ id: 'TicketCountdown' });

/** A ticket in lists. */
export const TicketSummarySchema = z
  .object({
    number: z.number().int(),
    customerId: z.string(),
    contractId: z.string().nullable(),
    channel: z.string(),
    type: z.string(),
    category: z.string().nullable(),
    priority: z.string(),
    status: z.string(),
    level: z.number().int(),
    assignee: z.string().nullable(),
    requesterEmail: z.string(),
    requesterName: z.string().nullable(),
    subject: z.string(),
    due: Due,
    breached: z.boolean(),
    breachedMetrics: z.array(z.string()),
    needsAttention: z.boolean().meta({
      description:
        "The ticket's projection keeps failing: this row may lag behind its workflow (see `projectionError`); the workflow still takes commands and retries.",
    }),
    countdown: CountdownSchema,
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
  })
  .meta({ id: 'TicketSummary' });

/** A ticket with every projected field. */
export const TicketSchema = TicketSummarySchema.extend({
  workflowId: z.string(),
  version: z.number().int().meta({
    description:
      'The sequence number of the last timeline entry projected: send it as `expectedVersion` with an action so it is refused (409 `ticket-changed`) if the ticket changed meanwhile.',
  }),
  policyId: z.string(),
  policyVersion: z.number().int(),
  description: z.string(),
  counters: z.record(z.string(), z.number()),
  locale: z.string(),
  productVersion: z.string().nullable(),
  module: z.string().nullable(),
  contactPhone: z.string().nullable(),
  attachments: z.array(z.unknown()),
  createdBy: z.string().nullable(),
  firstRespondedAt: InstantSchema.nullable(),
  resolvedAt: InstantSchema.nullable(),
  closedAt: InstantSchema.nullable(),
  billable: z.boolean(),
  projectionError: z.string().nullable().meta({
    description: 'The last error of a projection that keeps failing; null while the projection is healthy.',
  }),
  projectionFailedAt: InstantSchema.nullable(),
  intake: z.record(z.string(), z.unknown()),
}).meta({ id: 'Ticket' });

const TicketEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    at: InstantSchema,
    actor: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TicketEvent' });

const TicketNotificationSchema = z
  .object({
    id: z.string(),
    template: z
      .string()
      .meta({ description: 'Notification template (`ticket_created`, `info_requested`, ...).' }),
    channel: z.enum(['email', 'webhook']),
    recipient: z.string().meta({ description: 'Email address; for webhooks only the origin of the URL.' }),
    locale: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    eventSeq: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The timeline entry (`seq`) that issued it, when known.' }),
    at: InstantSchema.meta({
      description: 'When it was issued: the instant of its timeline entry, else when it was queued.',
    }),
    queuedAt: InstantSchema,
    deliveredAt: InstantSchema.nullable(),
    nextAttemptAt: InstantSchema.nullable().meta({ description: 'Next delivery attempt while pending.' }),
  })
  .meta({ id: 'TicketNotification' });

const csvOf = (values: readonly string[], what: string) =>
  z
    .string()
    .max(200)
    .refine(
      (s) => s.split(',').every((v) => values.includes(v)),
      `must be a comma-separated list of ${what}: ${values.join(', ')}`,
    )
    .meta({ description: `Comma-separated ${what}.` });

const Status = z
  .string()
  .max(300)
  .regex(/^[a-z_]+(,[a-z_]+)*$/, 'must be a comma-separated list of statuses')
  .meta({ description: 'Comma-separated statuses.' });

const ListQuery = z
  .object({
    status: Status.optional(),
    priority: csvOf(PRIORITIES, 'priorities').optional(),
    level: z.coerce.number().int().min(1).max(9).optional(),
    customerId: IdSchema.optional(),
    assignee: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Assignee, or `none` for unassigned tickets.' }),
    type: z.string().min(1).max(64).optional(),
    channel: z.enum(CHANNELS).optional(),
    breached: z.enum(['true', 'false']).optional(),
    dueBefore: InstantSchema.optional().meta({ description: 'Next due instant before this.' }),
    dueAfter: InstantSchema.optional().meta({ description: 'Next due instant at or after this.' }),
    q: z.string().min(1).max(200).optional().meta({
      description:
        'Search, ignoring case and accents: `#42` (or `42`) is ticket 42; otherwise every word must appear in the subject, description, requester name or email, or customer name, as a word, the start of one, or (3 characters or more) anywhere.',
    }),
    dueWithinMinutes: z.coerce.number().int().min(1).max(525_600).optional().meta({
      description:
        "Only tickets due soon: at most this many minutes left on the ticket's own clock (business hours of its calendar, or wall-clock for wall-clock targets), not yet overdue. Needs `sort=due`.",
    }),
    sort: z.enum(TICKET_SORTS).default('due').meta({
      description:
        'Order, `-` for descending; ties are broken by number in the same direction. `due`: next due instant (none last; first with `-due`); `number`; `priority`: by urgency, low to critical (`-priority`: critical first); `created`; `updated`: last change of the ticket.',
    }),
    cursor: CursorSchema.optional(),
    limit: LimitSchema,
  })
  .refine((q) => q.dueWithinMinutes === undefined || q.sort === 'due', {
    message: 'dueWithinMinutes needs sort=due',
    path: ['sort'],
  });

const Micros = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
  .refine((s) => !Number.isNaN(Date.parse(s)));

const PositionSchema = z.union([
  z.object({ sort: z.enum(['due', '-due']), due: Micros.nullable(), number: z.number().int() }),
  z.object({ sort: z.enum(['number', '-number']), number: z.number().int() }),
  z.object({
    sort: z.enum(['priority', '-priority']),
    rank: z.number().int().min(0).max(9),
    number: z.number().int(),
  }),
  z.object({
    sort: z.enum(['created', '-created', 'updated', '-updated']),
    at: Micros,
    number: z.number().int(),
  }),
]);

/** A page of the ticket list, with how many tickets match. */
const TicketPageSchema = pageOf(TicketSummarySchema)
  .extend({
    total: z
      .number()
      .int()
      .nullable()
      .meta({
        description: `How many tickets match the filters, counted up to ${TICKET_COUNT_CAP.toLocaleString('en')} (then \`totalExact\` is false and there are more). Null with \`dueWithinMinutes\`, whose matches depend on each ticket's clock.`,
      }),
    totalExact: z.boolean().meta({ description: 'False when `total` is the cap (more tickets match).' }),
  })
  .meta({ id: 'TicketPage' });

const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const what = { es: 'el ticket', en: 'Ticket' };

/** A ticket the caller may see, or 404 (existence is not disclosed to scoped keys). */
export async function visibleTicket(db: Kysely<Database>, auth: Principal, number: number) {
  const ticket = await findTicket(db, number);
  if (ticket === undefined || !canSeeCustomer(auth, ticket.customer_id)) throw notFound(what);
  return ticket;
}

/** Ticket summaries of a page of rows, each with its countdown at `now` (one policy query at most). */
export async function ticketSummaries(db: Kysely<Database>, rows: readonly ListedRow[], now: number) {
  const clocks = await countdowns(db, rows, now);
  return rows.map((r) => ({ ...ticketSummaryView(r), countdown: clocks.get(r.number)! }));
}

/** Ticket read routes. */
export const ticketRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/tickets',
    operationId: 'listTickets',
    summary: 'List tickets with filters (keyset pagination)',
    tags: ['tickets'],
    roles: TICKET_READERS,
    query: ListQuery,
    responses: { 200: { description: 'A page', schema: TicketPageSchema } },
    async handler({ query, services, auth }) {
      const after: TicketPosition | undefined = readCursor(query.cursor, PositionSchema);
      if (after !== undefined && after.sort !== query.sort) throw badCursor();
      const filters: TicketFilters = await withSearchResolved(services.db, {
        only: auth.customerIds,
        ...(query.status !== undefined && { status: query.status.split(',') }),
        ...(query.priority !== undefined && { priority: query.priority.split(',') }),
        ...(query.level !== undefined && { level: query.level }),
        ...(query.customerId !== undefined && { customerId: query.customerId }),
        ...(query.assignee !== undefined && {
          assignee: query.assignee === 'none' ? null : query.assignee,
        }),
        ...(query.type !== undefined && { type: query.type }),
        ...(query.channel !== undefined && { channel: query.channel }),
        ...(query.breached !== undefined && { breached: query.breached === 'true' }),
        ...(query.dueBefore !== undefined && { dueBefore: query.dueBefore }),
        ...(query.dueAfter !== undefined && { dueAfter: query.dueAfter }),
        ...(query.q !== undefined && { q: query.q }),
      });
      const now = services.now().getTime();
      const [{ rows, next }, counted] =
        query.dueWithinMinutes === undefined
          ? await listAndCount(services.db, filters, query.sort, after, query.limit)
          : [
              await listTicketsDueWithin(
                services.db,
                filters,
                after,
                query.limit,
                query.dueWithinMinutes * 60_000,
                now,
              ),
              undefined,
            ];
      return {
        status: 200,
        body: {
          items: await ticketSummaries(services.db, rows, now),
          nextCursor: next === undefined ? null : encodeCursor(next),
          total: counted === undefined ? null : counted.count,
          totalExact: counted?.exact ?? false,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}',
    operationId: 'getTicket',
    summary: 'Read a ticket by number',
    tags: ['tickets'],
    roles: TICKET_READERS,
    params: NumberParams,
    responses: {
      200: { description: 'The ticket', schema: TicketSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services, auth }) {
      const ticket = await visibleTicket(services.db, auth, params.number);
      const clocks = await countdowns(services.db, [ticket], services.now().getTime());
      return { status: 200, body: { ...ticketView(ticket), countdown: clocks.get(ticket.number)! } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}/events',
    operationId: 'listTicketEvents',
    summary: "A ticket's timeline, oldest first (keyset pagination)",
    tags: ['tickets'],
    roles: TICKET_READERS,
    params: NumberParams,
    query: z.object({ cursor: CursorSchema.optional(), limit: LimitSchema }),
    responses: {
      200: { description: 'A page', schema: pageOf(TicketEventSchema) },
      404: { description: 'Not found' },
    },
    async handler({ params, query, services, auth }) {
      await visibleTicket(services.db, auth, params.number);
      const afterSeq = readCursor(query.cursor, z.object({ seq: z.number().int() }))?.seq;
      const rows = await listTicketEvents(services.db, params.number, afterSeq, query.limit + 1);
      return {
        status: 200,
        body: keysetPage(rows, query.limit, eventView, (row) => ({ seq: row.seq })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}/notifications',
    operationId: 'listTicketNotifications',
    summary:
      "A ticket's notifications (email and webhook), in the order they were queued (keyset pagination)",
    tags: ['tickets'],
    roles: TICKET_READERS,
    params: NumberParams,
    query: z.object({ cursor: CursorSchema.optional(), limit: LimitSchema }),
    responses: {
      200: { description: 'A page', schema: pageOf(TicketNotificationSchema) },
      404: { description: 'Not found' },
    },
    async handler({ params, query, services, auth }) {
      await visibleTicket(services.db, auth, params.number);
      const afterId = readCursor(query.cursor, z.object({ id: z.number().int().nonnegative() }))?.id;
      const rows = await listTicketNotifications(services.db, params.number, afterId, query.limit + 1);
      return {
        status: 200,
        body: keysetPage(rows, query.limit, notificationView, (row) => ({ id: Number(row.row.id) })),
      };
    },
  }),
];

/**
 * A page and the capped total. A text search collects and counts its matches in the same pass as the page
 * (`listTicketsCounted`); without one, the page and the count run at once.
 */
async function listAndCount(
  db: Kysely<Database>,
  filters: TicketFilters,
  sort: TicketSort,
  after: TicketPosition | undefined,
  limit: number,
) {
  if (filters.q === undefined || filters.q.trim() === '') {
    return Promise.all([listTickets(db, filters, sort, after, limit), countTickets(db, filters)]);
  }
  return listTicketsCounted(db, filters, sort, after, limit);
}
