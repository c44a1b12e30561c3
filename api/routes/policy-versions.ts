/**
 * `/v1/policies/{id}/...` reads for the console's policy screens: a version as YAML, a line diff of two
 * versions, what runs on a version (open tickets and contracts pinned to it), and the first-response due
 * instants of a sample of plans and priorities under two versions.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import {
  calendarFor,
  diffStats,
  expandCalendar,
  lineDiff,
  policyToYaml,
  PRIORITIES,
  slaDueInstants,
  type Policy,
} from '../../domain';
import { notFound, READERS } from '../auth';
import { loadStoredPolicy } from '../repositories/policies';
import { defineRoute } from '../route';
import { IdSchema, InstantSchema } from '../schemas';

const VersionNumber = z.coerce.number().int().positive().max(1_000_000);
const VersionParams = z.object({ id: IdSchema, version: VersionNumber });
const what = { es: 'la versión de la política', en: 'Policy version' };
const DAY_MS = 86_400_000;
type Windows = ReturnType<typeof expandCalendar>;

async function storedDocument(db: Parameters<typeof loadStoredPolicy>[0], id: string, version: number) {
  const row = await db
    .selectFrom('policies')
    .select('document')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (row === undefined) throw notFound(what);
  return row.document;
}

const DiffSchema = z
  .object({
    id: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    stats: z.object({ removed: z.number().int(), added: z.number().int() }),
    lines: z.array(
      z.object({
        op: z.enum(['same', 'removed', 'added']),
        text: z.string(),
        before: z.number().int().optional(),
        after: z.number().int().optional(),
      }),
    ),
  })
  .meta({ id: 'PolicyDiff' });

const UsageSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    openTickets: z
      .number()
      .int()
      .meta({ description: 'Tickets not closed that run under this version (they keep it for life).' }),
    contracts: z.number().int().meta({ description: 'Contracts that name this version.' }),
  })
  .meta({ id: 'PolicyVersionUsage' });

const ComparisonSchema = z
  .object({
    id: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    at: InstantSchema,
    rows: z.array(
      z.object({
        plan: z.string(),
        priority: z.enum(PRIORITIES),
        before: InstantSchema.nullable().meta({
          description: 'First-response due under `from`; null when the plan is not in it or has no target.',
        }),
        after: InstantSchema.nullable().meta({ description: 'The same under `to`.' }),
      }),
    ),
  })
  .meta({ id: 'SlaComparison' });

/** First-response due instant of a ticket of `priority` on `planId` created at `start`, if the policy sets one. */
function firstResponseDue(
  policy: Policy,
  planId: string,
  priority: (typeof PRIORITIES)[number],
  start: number,
  windowsByCalendar: Map<string, Windows>,
): number | null {
  if (!policy.plans.some((p) => p.id === planId)) return null;
  const contract = { planId, options: { onCall24x7: false, systemOperator: false } };
  const { id: calendarId, calendar } = calendarFor(policy, contract);
  const windows =
    windowsByCalendar.get(calendarId) ?? expandCalendar(calendar, start - DAY_MS, start + 731 * DAY_MS);
  windowsByCalendar.set(calendarId, windows);
  const due = slaDueInstants({ policy, contract, priority, start, windows, pauses: [] }).find(
    (d) => d.metric === 'firstResponse',
  );
  return due?.at ?? null;
}

/** Routes for reading, comparing and sizing up policy versions. */
export const policyVersionRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/versions/{version}/yaml',
    operationId: 'getPolicyVersionYaml',
    summary: 'One policy version as YAML',
    description:
      'The stored document (defaults applied) rendered as YAML; upload it back to start a new version.',
    tags: ['policies'],
    roles: READERS,
    params: VersionParams,
    responses: {
      200: {
        // Clients (Schemathesis among them) parse a YAML body into the mapping it holds, so the schema says
        // "the document", not "a string".
        description: 'The YAML text: a mapping with the policy document',
        schema: z.record(z.string(), z.unknown()),
        contentType: 'application/yaml',
      },
      404: { description: 'Not found' },
    },
    async handler({ params, services }) {
      const document = await storedDocument(services.db, params.id, params.version);
      return {
        status: 200,
        headers: { 'Content-Type': 'application/yaml; charset=utf-8' },
        body: policyToYaml(document),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/diff',
    operationId: 'diffPolicyVersions',
    summary: 'Line diff of two versions of a policy, as YAML',
    tags: ['policies'],
    roles: READERS,
    params: z.object({ id: IdSchema }),
    query: z.object({ from: VersionNumber, to: VersionNumber }),
    responses: {
      200: { description: 'Every line of both versions, kept, removed or added', schema: DiffSchema },
      404: { description: 'One of the versions does not exist' },
    },
    async handler({ params, query, services }) {
      const before = await storedDocument(services.db, params.id, query.from);
      const after = await storedDocument(services.db, params.id, query.to);
      const lines = lineDiff(policyToYaml(before), policyToYaml(after));
      return {
        status: 200,
        body: { id: params.id, from: query.from, to: query.to, stats: diffStats(lines), lines },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/versions/{version}/usage',
    operationId: 'policyVersionUsage',
    summary: 'Open tickets and contracts pinned to a policy version',
    description:
      'What activating another version leaves untouched: open tickets keep the version they were opened under, and contracts keep the version they name.',
    tags: ['policies'],
    roles: READERS,
    params: VersionParams,
    responses: {
      200: { description: 'Counts', schema: UsageSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services }) {
      await storedDocument(services.db, params.id, params.version);
      const tickets = await services.db
        .selectFrom('tickets')
        .select(sql<string>`count(*)`.as('n'))
        .where('policy_id', '=', params.id)
        .where('policy_version', '=', params.version)
        .where('status', '!=', 'closed')
        .executeTakeFirstOrThrow();
      const contracts = await services.db
        .selectFrom('contracts')
        .select(sql<string>`count(*)`.as('n'))
        .where('policy_id', '=', params.id)
        .where('policy_version', '=', params.version)
        .executeTakeFirstOrThrow();
      return {
        status: 200,
        body: {
          id: params.id,
          version: params.version,
          openTickets: Number(tickets.n),
          contracts: Number(contracts.n),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/sla-comparison',
    operationId: 'compareSlaOfPolicyVersions',
    summary: 'First-response due instants of every plan and priority under two versions',
    description:
      'For a ticket created at `at` on each plan of either version (no on-call option), at each priority: the first-response due instant under `from` and under `to`, computed by the same domain code as the tickets.',
    tags: ['policies'],
    roles: READERS,
    params: z.object({ id: IdSchema }),
    query: z.object({ from: VersionNumber, to: VersionNumber, at: InstantSchema }),
    responses: {
      200: { description: 'One row per plan and priority', schema: ComparisonSchema },
      404: { description: 'One of the versions does not exist' },
    },
    async handler({ params, query, services }) {
      const before = await loadStoredPolicy(services.db, params.id, query.from);
      const after = await loadStoredPolicy(services.db, params.id, query.to);
      if (before === undefined || after === undefined) throw notFound(what);
      const start = Date.parse(query.at);
      const plans = [...new Set([...before.plans, ...after.plans].map((p) => p.id))];
      const beforeWindows = new Map<string, Windows>();
      const afterWindows = new Map<string, Windows>();
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const rows = plans.flatMap((plan) =>
        [...PRIORITIES].reverse().map((priority) => ({
          plan,
          priority,
          before: iso(firstResponseDue(before, plan, priority, start, beforeWindows)),
          after: iso(firstResponseDue(after, plan, priority, start, afterWindows)),
        })),
      );
      return {
        status: 200,
        body: { id: params.id, from: query.from, to: query.to, at: new Date(start).toISOString(), rows },
      };
    },
  }),
];
