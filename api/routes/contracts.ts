/**
 * `/v1/contracts`: a customer's plan, period, options, authorized requesters, licenses, trained
 * users and product, and the add-on packs bought on it.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  AuthorizedRequesterSchema,
  contractQuotaPeriod,
  contractQuotaResets,
  LicenseSchema,
  planById,
  TrainedUserSchema,
  type Policy,
} from '../../domain';
import type { Contract, Database } from '../../db/schema';
import { assertCustomerVisible, canSeeCustomer, MANAGERS, notFound, READERS, type Principal } from '../auth';
import { problem, type InvalidParam } from '../problem';
import {
  contractView,
  findContract,
  listContracts,
  listPurchases,
  purchaseView,
} from '../repositories/contracts';
import { findCustomer } from '../repositories/customers';
import { loadStoredPolicy } from '../repositories/policies';
import { defineRoute } from '../route';
import { ExpectedVersionSchema, staleVersion } from '../stale-version';
import {
  CursorSchema,
  readCursor,
  keysetPage,
  IdSchema,
  InstantSchema,
  jsonb,
  LimitSchema,
  pageOf,
} from '../schemas';

const OptionsSchema = z.strictObject({
  onCall24x7: z.boolean().default(false),
  systemOperator: z.boolean().default(false),
});
/** Each email once (compared without case): the same person authorized twice is a typing slip. */
const Requesters = z
  .array(AuthorizedRequesterSchema.strict())
  .max(1000)
  .superRefine((requesters, ctx) => {
    const firstWith = new Map<string, number>();
    requesters.forEach((r, i) => {
      const email = r.email?.trim().toLowerCase();
      if (!email) return;
      const first = firstWith.get(email);
      if (first === undefined) firstWith.set(email, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, 'email'],
          message: `already authorized as requester ${first + 1}`,
        });
    });
  });
const Licenses = z.array(LicenseSchema.strict()).max(1000);
const TrainedUsers = z.array(TrainedUserSchema.strict()).max(1000);

/** A contract. */
export const ContractSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    policyId: z.string(),
    policyVersion: z.number().int(),
    plan: z.string(),
    period: z.enum(['monthly', 'yearly']),
    startsAt: InstantSchema,
    endsAt: InstantSchema,
    options: z.object({ onCall24x7: z.boolean(), systemOperator: z.boolean() }),
    requesters: z.array(z.unknown()),
    licenses: z
      .array(z.unknown())
      .meta({ description: 'Instants (`validUntil`, `updatesUntil`) in epoch ms.' }),
    trainedUsers: z.array(z.unknown()),
    product: z.string().nullable(),
    quota: z
      .object({
        included: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'Tickets per quota period; null: unlimited.' }),
        resets: z.enum(['month', 'year']).meta({
          description: "How often the quota starts again (the plan's period), whatever the contract's term.",
        }),
        currentPeriod: z.object({ start: InstantSchema, end: InstantSchema }),
      })
      .nullable()
      .meta({
        description: "From the contract's policy version and plan; null when that policy is not stored.",
      }),
    version: z
      .number()
      .int()
      .meta({ description: 'Bumped by every change; send it back as `expectedVersion`.' }),
    createdAt: InstantSchema,
  })
  .meta({ id: 'Contract' });

const contractFields = {
  policyId: IdSchema,
  policyVersion: z.number().int().positive().max(1_000_000),
  plan: IdSchema,
  period: z.enum(['monthly', 'yearly']),
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  options: OptionsSchema.optional(),
  requesters: Requesters.optional(),
  licenses: Licenses.optional(),
  trainedUsers: TrainedUsers.optional(),
  product: z.string().min(1).max(100).nullable().optional(),
};

const NewContractSchema = z
  .strictObject({ id: IdSchema.optional(), customerId: IdSchema, ...contractFields })
  .meta({ id: 'NewContract' });

const ContractPatchSchema = z
  .strictObject({
    policyId: contractFields.policyId.optional(),
    policyVersion: contractFields.policyVersion.optional(),
    plan: contractFields.plan.optional(),
    period: contractFields.period.optional(),
    startsAt: contractFields.startsAt.optional(),
    endsAt: contractFields.endsAt.optional(),
    options: contractFields.options,
    requesters: contractFields.requesters,
    licenses: contractFields.licenses,
    trainedUsers: contractFields.trainedUsers,
    product: contractFields.product,
    expectedVersion: ExpectedVersionSchema,
  })
  .meta({ id: 'ContractPatch' });

const PurchaseSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    packId: z.string(),
    tickets: z.number().int(),
    used: z.number().int(),
    remaining: z.number().int(),
    purchasedAt: InstantSchema,
    expiresAt: InstantSchema,
  })
  .meta({ id: 'AddonPurchase' });

const NewPurchaseSchema = z
  .strictObject({
    id: IdSchema.optional(),
    packId: IdSchema,
    purchasedAt: InstantSchema.optional().meta({ description: 'Defaults to now.' }),
  })
  .meta({ id: 'NewAddonPurchase' });

const ContractParams = z.object({ id: IdSchema });
const what = { es: 'el contrato', en: 'Contract' };

/** Loads a contract the caller may see, or 404. */
async function visibleContract(db: Kysely<Database>, auth: Principal, id: string) {
  const row = await findContract(db, id);
  if (row === undefined || !canSeeCustomer(auth, row.customer_id)) throw notFound(what);
  return row;
}

/**
 * A contract as the API shows it, with its quota: how much, how often it resets and the period now, by
 * the same domain logic intake uses to count quota.
 */
async function contractWithQuota(db: Kysely<Database>, row: Contract, now: Date) {
  const policy = await loadStoredPolicy(db, row.policy_id, row.policy_version);
  const quota =
    policy === undefined
      ? null
      : (() => {
          const period = contractQuotaPeriod(
            policy,
            row.plan,
            new Date(row.starts_at).getTime(),
            new Date(row.ends_at).getTime(),
            now.getTime(),
          );
          return {
            included: planById(policy, row.plan)?.quota ?? null,
            resets: contractQuotaResets(policy, row.plan),
            currentPeriod: {
              start: new Date(period.start).toISOString(),
              end: new Date(period.end).toISOString(),
            },
          };
        })();
  return { ...contractView(row), quota };
}

/** Checks policy, version and plan exist and the dates are in order; returns the policy. Reasons in `lang`. */
async function checkPolicyAndPlan(
  db: Kysely<Database>,
  input: { policyId: string; policyVersion: number; plan: string; startsAt: string; endsAt: string },
  lang: 'es' | 'en',
): Promise<Policy> {
  const es = lang === 'es';
  const invalid: InvalidParam[] = [];
  const policy = await loadStoredPolicy(db, input.policyId, input.policyVersion);
  if (policy === undefined) {
    invalid.push({
      name: 'body.policyVersion',
      reason: es
        ? `la política ${input.policyId} v${input.policyVersion} no existe`
        : `policy ${input.policyId} v${input.policyVersion} does not exist`,
    });
  } else if (!policy.plans.some((p) => p.id === input.plan)) {
    const known = policy.plans.map((p) => p.id).join(', ');
    invalid.push({
      name: 'body.plan',
      reason: es ? `plan desconocido (la política tiene: ${known})` : `unknown plan (known: ${known})`,
    });
  }
  if (!(Date.parse(input.endsAt) > Date.parse(input.startsAt))) {
    invalid.push({
      name: 'body.endsAt',
      reason: es ? 'debe ser posterior al inicio del contrato' : 'must be after startsAt',
    });
  }
  if (invalid.length > 0 || policy === undefined) {
    throw problem(
      422,
      'validation',
      { es: 'Revise los datos del contrato.', en: "Check the contract's fields." },
      { 'invalid-params': invalid },
    );
  }
  return policy;
}

/** Contract routes. */
export const contractRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/contracts',
    operationId: 'createContract',
    summary: 'Create a contract for a customer',
    tags: ['contracts'],
    roles: MANAGERS,
    body: NewContractSchema,
    responses: {
      201: { description: 'Created', schema: ContractSchema },
      409: { description: 'Id taken' },
      422: { description: 'Unknown customer, policy version or plan' },
    },
    async handler({ body, services, auth, lang }) {
      const customer = canSeeCustomer(auth, body.customerId)
        ? await findCustomer(services.db, body.customerId)
        : undefined;
      if (customer === undefined) {
        throw problem(
          422,
          'validation',
          { es: 'El cliente no existe.', en: 'The customer does not exist.' },
          { 'invalid-params': [{ name: 'body.customerId', reason: 'unknown customer' }] },
        );
      }
      await checkPolicyAndPlan(services.db, body, lang);
      const id = body.id ?? `con_${randomBytes(6).toString('hex')}`;
      const row = await services.db
        .insertInto('contracts')
        .values({
          id,
          customer_id: body.customerId,
          policy_id: body.policyId,
          policy_version: body.policyVersion,
          plan: body.plan,
          period: body.period,
          starts_at: body.startsAt,
          ends_at: body.endsAt,
          options: jsonb(body.options ?? { onCall24x7: false, systemOperator: false }),
          requesters: jsonb(body.requesters ?? []),
          licenses: jsonb(body.licenses ?? []),
          trained_users: jsonb(body.trainedUsers ?? []),
          product: body.product ?? null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw problem(409, 'conflict', {
          es: `El contrato ${id} ya existe.`,
          en: `Contract ${id} already exists.`,
        });
      }
      return {
        status: 201,
        body: await contractWithQuota(services.db, row, services.now()),
        headers: { Location: `/v1/contracts/${id}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts',
    operationId: 'listContracts',
    summary: 'List contracts (keyset pagination by id)',
    tags: ['contracts'],
    roles: [...READERS, 'integration'],
    query: z.object({ customerId: IdSchema.optional(), cursor: CursorSchema.optional(), limit: LimitSchema }),
    responses: { 200: { description: 'A page', schema: pageOf(ContractSchema) } },
    async handler({ query, services, auth }) {
      const after = readCursor(query.cursor, z.object({ id: z.string() }));
      const rows = await listContracts(services.db, {
        limit: query.limit + 1,
        only: auth.customerIds,
        ...(after && { after: after.id }),
        ...(query.customerId !== undefined && { customerId: query.customerId }),
      });
      const now = services.now();
      const page = keysetPage(
        rows,
        query.limit,
        (row) => row,
        (row) => ({ id: row.id }),
      );
      const items = await Promise.all(page.items.map((row) => contractWithQuota(services.db, row, now)));
      return { status: 200, body: { ...page, items } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/{id}',
    operationId: 'getContract',
    summary: 'Read a contract',
    tags: ['contracts'],
    roles: [...READERS, 'integration'],
    params: ContractParams,
    responses: {
      200: { description: 'The contract', schema: ContractSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services, auth }) {
      const row = await visibleContract(services.db, auth, params.id);
      return { status: 200, body: await contractWithQuota(services.db, row, services.now()) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/contracts/{id}',
    operationId: 'updateContract',
    summary: 'Change a contract: plan, dates, requesters, licenses... (supervisors and administrators)',
    description:
      'Lists given replace the stored ones. Open tickets keep the contract snapshot they were opened with. ' +
      'Refused with 409 `stale-version` when the contract changed since `expectedVersion` was read.',
    tags: ['contracts'],
    roles: MANAGERS,
    params: ContractParams,
    body: ContractPatchSchema,
    responses: {
      200: { description: 'Updated', schema: ContractSchema },
      404: { description: 'Not found' },
      409: { description: 'Changed by someone else since `expectedVersion` (`stale-version`)' },
      422: { description: 'Unknown policy version or plan' },
    },
    async handler({ params, body, services, auth, lang }) {
      const current = await visibleContract(services.db, auth, params.id);
      if (current.version !== body.expectedVersion) {
        throw staleVersion(
          what,
          body.expectedVersion,
          await contractWithQuota(services.db, current, services.now()),
        );
      }
      const merged = {
        policyId: body.policyId ?? current.policy_id,
        policyVersion: body.policyVersion ?? current.policy_version,
        plan: body.plan ?? current.plan,
        startsAt: body.startsAt ?? new Date(current.starts_at).toISOString(),
        endsAt: body.endsAt ?? new Date(current.ends_at).toISOString(),
      };
      await checkPolicyAndPlan(services.db, merged, lang);
      const row = await services.db
        .updateTable('contracts')
        .set((eb) => ({
          version: eb('version', '+', 1),
          policy_id: merged.policyId,
          policy_version: merged.policyVersion,
          plan: merged.plan,
          starts_at: merged.startsAt,
          ends_at: merged.endsAt,
          ...(body.period !== undefined && { period: body.period }),
          ...(body.options !== undefined && { options: jsonb(body.options) }),
          ...(body.requesters !== undefined && { requesters: jsonb(body.requesters) }),
          ...(body.licenses !== undefined && { licenses: jsonb(body.licenses) }),
          ...(body.trainedUsers !== undefined && { trained_users: jsonb(body.trainedUsers) }),
          ...(body.product !== undefined && { product: body.product }),
        }))
        .where('id', '=', params.id)
        .where('version', '=', body.expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        // Changed between the read above and this write.
        const latest = await visibleContract(services.db, auth, params.id);
        throw staleVersion(
          what,
          body.expectedVersion,
          await contractWithQuota(services.db, latest, services.now()),
        );
      }
      return { status: 200, body: await contractWithQuota(services.db, row, services.now()) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/contracts/{id}/addon-purchases',
    operationId: 'purchaseAddonPack',
    summary: 'Record the purchase of an add-on ticket pack',
    description: "Tickets and expiry come from the pack in the contract's policy version.",
    tags: ['contracts'],
    roles: MANAGERS,
    params: ContractParams,
    body: NewPurchaseSchema,
    responses: {
      201: { description: 'Recorded', schema: PurchaseSchema },
      404: { description: 'No such contract' },
      409: { description: 'Purchase id taken' },
      422: { description: 'Unknown pack' },
    },
    async handler({ params, body, services, auth }) {
      const contract = await visibleContract(services.db, auth, params.id);
      const policy = await loadStoredPolicy(services.db, contract.policy_id, contract.policy_version);
      const pack = policy?.addOnPacks.find((p) => p.id === body.packId);
      if (pack === undefined) {
        throw problem(
          422,
          'validation',
          {
            es: 'La política del contrato no tiene ese paquete.',
            en: "The contract's policy has no such pack.",
          },
          {
            'invalid-params': [
              {
                name: 'body.packId',
                reason: `unknown pack (known: ${policy?.addOnPacks.map((p) => p.id).join(', ') || 'none'})`,
              },
            ],
          },
        );
      }
      const purchasedAt = body.purchasedAt === undefined ? services.now() : new Date(body.purchasedAt);
      const id = body.id ?? `pur_${randomBytes(6).toString('hex')}`;
      const row = await services.db
        .insertInto('addon_purchases')
        .values({
          id,
          contract_id: contract.id,
          pack_id: pack.id,
          tickets: pack.tickets,
          purchased_at: purchasedAt,
          expires_at: new Date(purchasedAt.getTime() + pack.validDays * 86_400_000),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw problem(409, 'conflict', {
          es: `La compra ${id} ya existe.`,
          en: `Purchase ${id} already exists.`,
        });
      }
      return { status: 201, body: purchaseView({ ...row, used: 0 }) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/{id}/addon-purchases',
    operationId: 'listAddonPurchases',
    summary: 'Add-on packs bought on a contract, with tickets used and remaining',
    tags: ['contracts'],
    roles: [...READERS, 'integration'],
    params: ContractParams,
    responses: {
      200: { description: 'Purchases, oldest first', schema: z.object({ items: z.array(PurchaseSchema) }) },
      404: { description: 'No such contract' },
    },
    async handler({ params, services, auth }) {
      const contract = await visibleContract(services.db, auth, params.id);
      assertCustomerVisible(auth, contract.customer_id, what);
      return { status: 200, body: { items: await listPurchases(services.db, contract.id) } };
    },
  }),
];
