/** `/v1/reports`: SLA compliance, quota usage, breaches. */
import type { Request } from 'express';
import { z } from 'zod';
import { PRIORITIES } from '../../domain';
import { READERS } from '../auth';
import { toCsv } from '../csv';
import { problem } from '../problem';
import { quotaUsage, slaCompliance } from '../repositories/reports';
import { listTickets, type TicketPosition } from '../repositories/tickets';
import { defineRoute } from '../route';
import {
  CursorSchema,
  readCursor,
  encodeCursor,
  IdSchema,
  InstantSchema,
  LimitSchema,
  pageOf,
} from '../schemas';
import { ticketSummaries, TicketSummarySchema } from './tickets';

/** Longest date range a compliance report covers, in days (a year and a leap day). */
export const MAX_REPORT_DAYS = 366;

const Range = {
  from: InstantSchema.optional().meta({ description: 'Tickets created at or after this instant.' }),
  to: InstantSchema.optional().meta({
    description: `Tickets created before this instant; not before \`from\`, and at most ${MAX_REPORT_DAYS} days after it.`,
  }),
  customerId: IdSchema.optional(),
};

const GROUPS = ['priority', 'plan', 'customer', 'policy', 'month'] as const;

const ComplianceSchema = z
  .object({
    groupBy: z.enum(GROUPS),
    from: InstantSchema.nullable(),
    to: InstantSchema.nullable(),
    rows: z.array(
      z.object({
        key: z.string().meta({ description: 'Priority, plan, customer id, `policy vN` or `YYYY-MM` (UTC).' }),
        label: z.string().nullable().meta({ description: "The customer's name when grouped by customer." }),
        tickets: z.number().int(),
        breached: z.number().int(),
        compliance: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .meta({ description: 'Share of tickets never breached.' }),
        breachedByMetric: z.object({
          firstResponse: z.number().int(),
          nextUpdate: z.number().int(),
          resolution: z.number().int(),
        }),
      }),
    ),
  })
  .meta({ id: 'SlaComplianceReport' });

const QuotaSchema = z
  .object({
    at: InstantSchema,
    items: z.array(
      z.object({
        customerId: z.string(),
        customerName: z.string(),
        contractId: z.string(),
        plan: z.string(),
        period: z.object({ start: InstantSchema, end: InstantSchema }).nullable(),
        quota: z.number().int().nullable().meta({ description: 'Tickets per period; null means unlimited.' }),
        used: z.number().int(),
        remaining: z.number().int().nullable(),
        packs: z.array(
          z.object({
            id: z.string(),
            packId: z.string(),
            tickets: z.number().int(),
            used: z.number().int(),
            remaining: z.number().int(),
            purchasedAt: InstantSchema,
            expiresAt: InstantSchema,
            expired: z.boolean(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'QuotaUsageReport' });

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from === undefined || to === undefined) return;
  const span = Date.parse(to) - Date.parse(from);
  if (span < 0) {
    throw problem(
      400,
      'validation',
      { es: 'El rango de fechas está invertido.', en: 'The date range is inverted.' },
      { 'invalid-params': [{ name: 'query.to', reason: 'must not be before from' }] },
    );
  }
  if (span > MAX_REPORT_DAYS * 86_400_000) {
    throw problem(
      400,
      'validation',
      {
        es: `El rango de fechas supera ${MAX_REPORT_DAYS} días.`,
        en: `The date range is longer than ${MAX_REPORT_DAYS} days.`,
      },
      {
        'invalid-params': [
          { name: 'query.to', reason: `must be at most ${MAX_REPORT_DAYS} days after from` },
        ],
      },
    );
  }
}

const CSV_HEADER = {
  es: [
    'grupo',
    'nombre',
    'tickets',
    'incumplidos',
    'cumplimiento',
    'primera respuesta',
    'actualización',
    'resolución',
  ],
  en: ['group', 'name', 'tickets', 'breached', 'compliance', 'first response', 'next update', 'resolution'],
};

/** Whether the caller asked for CSV: `?format=csv`, or `Accept` preferring `text/csv` to JSON. */
function wantsCsv(req: Request, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

const PositionSchema = z.object({ sort: z.literal('-number'), number: z.number().int() });

/** Report routes. */
export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/reports/sla-compliance',
    operationId: 'slaComplianceReport',
    summary: 'SLA compliance by priority, plan, customer or month',
    tags: ['reports'],
    roles: READERS,
    description:
      "Tickets created in `[from, to)`. Answers CSV (RFC 4180, a header row in the language of `Accept-Language`, text cells starting with `=`, `+`, `-` or `@` prefixed with `'`) for `?format=csv` or `Accept: text/csv`.",
    query: z.object({
      groupBy: z.enum(GROUPS).default('priority'),
      ...Range,
      format: z
        .enum(['json', 'csv'])
        .optional()
        .meta({ description: 'Overrides `Accept`: `csv` downloads the rows as a CSV file.' }),
    }),
    responses: {
      200: {
        description: 'The report (JSON, or CSV when asked)',
        schema: ComplianceSchema,
        alternatives: { 'text/csv': z.string() },
      },
      400: { description: 'Inverted range, or longer than the bound' },
    },
    async handler({ req, query, services, auth, lang }) {
      checkRange(query.from, query.to);
      const rows = await slaCompliance(services.db, {
        groupBy: query.groupBy,
        only: auth.customerIds,
        ...(query.from !== undefined && { from: new Date(query.from) }),
        ...(query.to !== undefined && { to: new Date(query.to) }),
        ...(query.customerId !== undefined && { customerId: query.customerId }),
      });
      if (wantsCsv(req, query.format)) {
        const csv = toCsv(
          CSV_HEADER[lang],
          rows.map((r) => [
            r.key,
            r.label,
            r.tickets,
            r.breached,
            r.compliance === null ? null : Number(r.compliance.toFixed(4)),
            r.breachedByMetric.firstResponse,
            r.breachedByMetric.nextUpdate,
            r.breachedByMetric.resolution,
          ]),
        );
        return {
          status: 200,
          headers: {
            'Content-Type': 'text/csv; charset=utf-8; header=present',
            'Content-Disposition': `attachment; filename="sla-compliance-${query.groupBy}.csv"`,
            'Content-Language': lang,
            Vary: 'Accept, Accept-Language',
          },
          body: csv,
        };
      }
      return {
        status: 200,
        body: {
          groupBy: query.groupBy,
          from: query.from === undefined ? null : new Date(query.from).toISOString(),
          to: query.to === undefined ? null : new Date(query.to).toISOString(),
          rows,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/quota-usage',
    operationId: 'quotaUsageReport',
    summary: 'Quota used and left per contract in the current period, and add-on packs',
    tags: ['reports'],
    roles: READERS,
    query: z.object({
      at: InstantSchema.optional().meta({ description: 'Instant the period is taken at; now by default.' }),
      customerId: IdSchema.optional(),
    }),
    responses: { 200: { description: 'The report', schema: QuotaSchema } },
    async handler({ query, services, auth }) {
      const at = query.at === undefined ? services.now() : new Date(query.at);
      const items = await quotaUsage(services.db, {
        at,
        only: auth.customerIds,
        ...(query.customerId !== undefined && { customerId: query.customerId }),
      });
      return { status: 200, body: { at: at.toISOString(), items } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/breaches',
    operationId: 'breachesReport',
    summary: 'Tickets that breached an SLA target, newest first (keyset pagination)',
    tags: ['reports'],
    roles: READERS,
    query: z.object({
      customerId: IdSchema.optional(),
      priority: z.enum(PRIORITIES).optional(),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    }),
    responses: { 200: { description: 'A page', schema: pageOf(TicketSummarySchema) } },
    async handler({ query, services, auth }) {
      const after: TicketPosition | undefined = readCursor(query.cursor, PositionSchema);
      const { rows, next } = await listTickets(
        services.db,
        {
          only: auth.customerIds,
          breached: true,
          ...(query.customerId !== undefined && { customerId: query.customerId }),
          ...(query.priority !== undefined && { priority: [query.priority] }),
        },
        '-number',
        after,
        query.limit,
      );
      return {
        status: 200,
        body: {
          items: await ticketSummaries(services.db, rows, services.now().getTime()),
          nextCursor: next === undefined ? null : encodeCursor(next),
        },
      };
    },
  }),
];
