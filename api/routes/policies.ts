/**
 * `/v1/policies`: upload a version (JSON or YAML, validated by the domain with field paths), list
 * policies and versions, read one, activate one, and preview the SLA due instants of a draft.
 */
import { z } from 'zod';
import {
  calendarFor,
  expandCalendar,
  explainDue,
  parsePolicy,
  PrioritySchema,
  slaDueInstants,
  validatePolicy,
  type Policy,
} from '../../domain';
import { ADMIN, notFound, READERS } from '../auth';
import { problem } from '../problem';
import { loadStoredPolicy } from '../repositories/policies';
import { defineRoute } from '../route';
import { IdSchema, InstantSchema, isoRequired } from '../schemas';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

const PolicyVersionSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    active: z.boolean(),
    createdAt: InstantSchema,
  })
  .meta({ id: 'PolicyVersion' });

const PolicyVersionWithDocumentSchema = PolicyVersionSchema.extend({
  document: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The validated policy, defaults applied.' }),
}).meta({ id: 'PolicyVersionWithDocument' });

const PolicySummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    latestVersion: z.number().int(),
    activeVersion: z.number().int().nullable(),
    versions: z.number().int(),
  })
  .meta({ id: 'PolicySummary' });

const VersionParams = z.object({ id: IdSchema, version: z.coerce.number().int().positive().max(1_000_000) });
const what = { es: 'la versión de la política', en: 'Policy version' };

type Row = { id: string; version: number; name: string; active: boolean; created_at: unknown };
function versionView(row: Row) {
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    active: row.active,
    createdAt: isoRequired(row.created_at),
  };
}

const PreviewSchema = z
  .strictObject({
    draft: z
      .object({
        priority: PrioritySchema.default('medium'),
        type: z.string().min(1).max(64).optional(),
      })
      .meta({ description: 'The draft ticket (only priority and type matter for the SLA).' }),
    plan: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .meta({ description: 'Plan id in the policy, or null for no plan.' }),
    options: z
      .strictObject({ onCall24x7: z.boolean().default(false), systemOperator: z.boolean().default(false) })
      .optional(),
    start: InstantSchema.meta({ description: 'When the SLA clocks start.' }),
    pauses: z
      .array(z.strictObject({ start: InstantSchema, end: InstantSchema }))
      .max(100)
      .optional()
      .meta({ description: 'Periods when the clocks are stopped (awaiting the customer).' }),
  })
  .meta({ id: 'SlaPreviewRequest' });

const DueSchema = z
  .object({
    metric: z.enum(['firstResponse', 'nextUpdate', 'resolution']),
    dueAt: InstantSchema.nullable().meta({ description: 'Null when beyond the two-year horizon.' }),
    target: z.record(z.string(), z.unknown()),
    clock: z.enum(['business', 'calendar']),
    explanation: z.string().meta({ description: 'In the language of `Accept-Language`.' }),
    explanations: z.object({ es: z.string(), en: z.string() }),
  })
  .meta({ id: 'SlaDue' });

const PreviewResultSchema = z
  .object({
    policy: z.object({ id: z.string(), version: z.number().int() }),
    plan: z.string().nullable(),
    priority: PrioritySchema,
    calendar: z.object({ id: z.string(), zone: z.string() }),
    dues: z.array(DueSchema),
  })
  .meta({ id: 'SlaPreview' });

const DAY_MS = 86_400_000;

/** Largest YAML policy accepted (the presets are under 10 kB); larger answers 413. */
export const MAX_POLICY_YAML_BYTES = 128 * 1024;

/** `invalid-params` for domain policy issues (`plans[0].quota` -> `body.plans[0].quota`). */
function policyIssues(issues: readonly { path: string; message: string }[]) {
  return issues.map((i) => ({
    name: i.path === '(document)' || i.path === '(root)' ? 'body' : `body.${i.path}`,
    reason: i.message,
  }));
}

/** Policy routes. */
export const policyRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/policies',
    operationId: 'uploadPolicyVersion',
    summary: 'Upload a policy version (JSON or YAML)',
    description:
      'The document names its own id and version. It is validated by the policy engine; every problem is listed in `invalid-params` by its path in the document. The new version is inactive until activated.',
    tags: ['policies'],
    roles: ADMIN,
    body: z
      .union([z.record(z.string(), z.unknown()), z.string().max(262_144)])
      .meta({ description: 'A policy document: a JSON object, or YAML text.' }),
    bodyTypes: ['application/json', ...YAML_TYPES],
    responses: {
      201: { description: 'Stored', schema: PolicyVersionWithDocumentSchema },
      400: { description: 'Malformed body, or YAML whose aliases expand too far (`yaml-too-complex`)' },
      409: { description: 'This id and version already exist' },
      413: { description: 'Body over 256 kB, or YAML over 128 KiB' },
      422: { description: 'The document is not a valid policy' },
    },
    async handler({ body, services }) {
      if (typeof body === 'string' && Buffer.byteLength(body, 'utf8') > MAX_POLICY_YAML_BYTES) {
        throw problem(413, 'body-too-large', {
          es: `La política YAML supera ${MAX_POLICY_YAML_BYTES / 1024} KiB.`,
          en: `The YAML policy is larger than ${MAX_POLICY_YAML_BYTES / 1024} KiB.`,
        });
      }
      const result = typeof body === 'string' ? parsePolicy(body) : validatePolicy(body);
      if (!result.ok && result.tooComplex) {
        throw problem(
          400,
          'yaml-too-complex',
          {
            es: 'El YAML expande demasiados alias (posible ataque de agotamiento de recursos).',
            en: 'The YAML expands too many aliases (a possible resource exhaustion attack).',
          },
          { 'invalid-params': policyIssues(result.issues) },
        );
      }
      if (!result.ok) {
        throw problem(
          422,
          'invalid-policy',
          { es: 'La política no es válida.', en: 'The policy is not valid.' },
          { 'invalid-params': policyIssues(result.issues) },
        );
      }
      const policy = result.policy;
      const row = await services.db
        .insertInto('policies')
        .values({
          id: policy.id,
          version: policy.version,
          name: policy.name,
          document: JSON.stringify(policy),
        })
        .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
        .returning(['id', 'version', 'name', 'active', 'created_at'])
        .executeTakeFirst();
      if (row === undefined) {
        throw problem(409, 'policy-version-exists', {
          es: `La política ${policy.id} v${policy.version} ya existe; suba una versión nueva.`,
          en: `Policy ${policy.id} v${policy.version} already exists; upload a new version.`,
        });
      }
      return {
        status: 201,
        body: { ...versionView(row), document: policy },
        headers: { Location: `/v1/policies/${policy.id}/versions/${policy.version}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies',
    operationId: 'listPolicies',
    summary: 'List policies with their latest and active versions',
    tags: ['policies'],
    roles: READERS,
    responses: {
      200: { description: 'Every policy', schema: z.object({ items: z.array(PolicySummarySchema) }) },
    },
    async handler({ services }) {
      const rows = await services.db
        .selectFrom('policies')
        .select(['id', 'version', 'name', 'active'])
        .orderBy('id')
        .orderBy('version')
        .execute();
      const byId = new Map<string, z.infer<typeof PolicySummarySchema>>();
      for (const r of rows) {
        const entry = byId.get(r.id) ?? {
          id: r.id,
          name: r.name,
          latestVersion: r.version,
          activeVersion: null,
          versions: 0,
        };
        entry.name = r.name;
        entry.latestVersion = r.version;
        entry.versions += 1;
        if (r.active) entry.activeVersion = r.version;
        byId.set(r.id, entry);
      }
      return { status: 200, body: { items: [...byId.values()] } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/versions',
    operationId: 'listPolicyVersions',
    summary: 'List the versions of a policy',
    tags: ['policies'],
    roles: READERS,
    params: z.object({ id: IdSchema }),
    responses: {
      200: {
        description: 'Versions, oldest first',
        schema: z.object({ items: z.array(PolicyVersionSchema) }),
      },
      404: { description: 'No such policy' },
    },
    async handler({ params, services }) {
      const rows = await services.db
        .selectFrom('policies')
        .select(['id', 'version', 'name', 'active', 'created_at'])
        .where('id', '=', params.id)
        .orderBy('version')
        .execute();
      if (rows.length === 0) throw notFound({ es: 'la política', en: 'Policy' });
      return { status: 200, body: { items: rows.map(versionView) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/{id}/versions/{version}',
    operationId: 'getPolicyVersion',
    summary: 'Read one policy version with its document',
    tags: ['policies'],
    roles: READERS,
    params: VersionParams,
    responses: {
      200: { description: 'The version', schema: PolicyVersionWithDocumentSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services }) {
      const row = await services.db
        .selectFrom('policies')
        .selectAll()
        .where('id', '=', params.id)
        .where('version', '=', params.version)
        .executeTakeFirst();
      if (row === undefined) throw notFound(what);
      return { status: 200, body: { ...versionView(row), document: row.document } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/policies/{id}/versions/{version}/activate',
    operationId: 'activatePolicyVersion',
    summary: 'Make this version the active one of its policy',
    description:
      'Contracts and tickets keep the version they name; activation selects the default for new contracts.',
    tags: ['policies'],
    roles: ADMIN,
    params: VersionParams,
    responses: {
      200: { description: 'Activated', schema: PolicyVersionSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services }) {
      const row = await services.db.transaction().execute(async (trx) => {
        const target = await trx
          .selectFrom('policies')
          .select('version')
          .where('id', '=', params.id)
          .where('version', '=', params.version)
          .forUpdate()
          .executeTakeFirst();
        if (target === undefined) return undefined;
        await trx
          .updateTable('policies')
          .set({ active: false })
          .where('id', '=', params.id)
          .where('active', '=', true)
          .where('version', '!=', params.version)
          .execute();
        return trx
          .updateTable('policies')
          .set({ active: true })
          .where('id', '=', params.id)
          .where('version', '=', params.version)
          .returning(['id', 'version', 'name', 'active', 'created_at'])
          .executeTakeFirstOrThrow();
      });
      if (row === undefined) throw notFound(what);
      return { status: 200, body: versionView(row) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/policies/{id}/versions/{version}/preview',
    operationId: 'previewSla',
    summary: 'SLA due instants of a draft ticket under this policy version',
    description:
      'Expands the business calendar of the plan (or the on-call calendar) from `start`, computes every SLA target with a due instant and explains each one in Spanish and English.',
    tags: ['policies'],
    roles: READERS,
    params: VersionParams,
    body: PreviewSchema,
    responses: {
      200: { description: 'Due instants', schema: PreviewResultSchema },
      404: { description: 'No such policy version' },
      422: { description: 'Unknown plan or ticket type in this policy' },
    },
    async handler({ params, body, services, lang }) {
      const policy: Policy | undefined = await loadStoredPolicy(services.db, params.id, params.version);
      if (policy === undefined) throw notFound(what);
      const invalid: { name: string; reason: string }[] = [];
      if (body.plan !== null && !policy.plans.some((p) => p.id === body.plan)) {
        invalid.push({
          name: 'body.plan',
          reason: `unknown plan (known: ${policy.plans.map((p) => p.id).join(', ')})`,
        });
      }
      if (body.draft.type !== undefined && !policy.ticketTypes.some((t) => t.id === body.draft.type)) {
        invalid.push({
          name: 'body.draft.type',
          reason: `unknown ticket type (known: ${policy.ticketTypes.map((t) => t.id).join(', ')})`,
        });
      }
      const start = Date.parse(body.start);
      const pauses = (body.pauses ?? []).map((p) => ({ start: Date.parse(p.start), end: Date.parse(p.end) }));
      pauses.forEach((p, i) => {
        if (!(p.end > p.start))
          invalid.push({ name: `body.pauses[${i}].end`, reason: 'must be after start' });
      });
      if (invalid.length > 0) {
        throw problem(
          422,
          'validation',
          { es: 'El borrador no encaja en esta política.', en: 'The draft does not fit this policy.' },
          { 'invalid-params': invalid },
        );
      }
      const contract = {
        planId: body.plan,
        options: {
          onCall24x7: body.options?.onCall24x7 ?? false,
          systemOperator: body.options?.systemOperator ?? false,
        },
      };
      const { id: calendarId, calendar } = calendarFor(policy, contract);
      const windows = expandCalendar(calendar, start - DAY_MS, start + 731 * DAY_MS);
      const dues = slaDueInstants({
        policy,
        contract,
        priority: body.draft.priority,
        ...(body.draft.type !== undefined && { type: body.draft.type }),
        start,
        windows,
        pauses,
      });
      return {
        status: 200,
        headers: { 'Content-Language': lang },
        body: {
          policy: { id: policy.id, version: policy.version },
          plan: body.plan,
          priority: body.draft.priority,
          calendar: { id: calendarId, zone: calendar.zone },
          dues: dues.map((due) => {
            const explanations = explainDue(due, policy);
            return {
              metric: due.metric,
              dueAt: due.at === undefined ? null : new Date(due.at).toISOString(),
              target: due.target,
              clock: due.clock === 'calendar' ? 'calendar' : 'business',
              explanation: explanations[lang],
              explanations,
            };
          }),
        },
      };
    },
  }),
];
