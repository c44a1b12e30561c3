/** `/v1/customers`: create, list, read, update and delete customers. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isValidZone } from '../../domain/calendar/zone';
import { assertCustomerVisible, assertUnscoped, notFound, READERS, ADMIN, MANAGERS } from '../auth';
import { problem } from '../problem';
import { defineRoute } from '../route';
import { ExpectedVersionSchema, staleVersion } from '../stale-version';
import { customerInUse, customerView, findCustomer, listCustomers } from '../repositories/customers';
import {
  CursorSchema,
  readCursor,
  keysetPage,
  IdSchema,
  InstantSchema,
  LimitSchema,
  pageOf,
} from '../schemas';

/** A customer. */
export const CustomerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    country: z.string().nullable(),
    locale: z.string(),
    timeZone: z.string().nullable().meta({
      description:
        "IANA zone of the customer's offices, shown to staff; SLA clocks follow the policy calendar.",
    }),
    version: z
      .number()
      .int()
      .meta({ description: 'Bumped by every change; send it back as `expectedVersion`.' }),
    createdAt: InstantSchema,
  })
  .meta({ id: 'Customer' });

const Locale = z.enum(['es', 'en']);
/** Region names in English, or `undefined` for a code that names no region. */
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/**
 * Codes with a region name that are not countries of ISO 3166-1: groupings (EU, EZ, UN, QO), the unknown
 * region (ZZ), user-assigned X codes, and exceptionally reserved ones.
 */
const NOT_COUNTRIES = /^(EU|EZ|UN|QO|ZZ|X[A-Z]|AC|CP|CQ|DG|EA|IC|TA)$/;
/**
 * Whether `code` is a country of ISO 3166-1 alpha-2: a region with a name, not one of the non-countries, and
 * not a withdrawn alias (UK, DD, SU... canonicalize to GB, DE, RU).
 */
function isCountryCode(code: string): boolean {
  return (
    /^[A-Z]{2}$/.test(code) &&
    REGION_NAMES.of(code) !== undefined &&
    !NOT_COUNTRIES.test(code) &&
    new Intl.Locale('und', { region: code }).region === code
  );
}
const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code', abort: true })
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code such as UY or GT');
const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidZone, 'must be an IANA time zone such as Europe/Madrid');

const NewCustomerSchema = z
  .strictObject({
    id: IdSchema.optional().meta({ description: 'Chosen id; generated when absent.' }),
    name: z.string().trim().min(1).max(200),
    country: Country.nullable().optional(),
    locale: Locale.optional(),
    timeZone: TimeZone.nullable().optional(),
  })
  .meta({ id: 'NewCustomer' });

const CustomerPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    country: Country.nullable().optional(),
    locale: Locale.optional(),
    timeZone: TimeZone.nullable().optional(),
    expectedVersion: ExpectedVersionSchema,
  })
  .meta({ id: 'CustomerPatch' });

const CustomerParams = z.object({ id: IdSchema });
const what = { es: 'el cliente', en: 'Customer' };

/** Customer routes. */
export const customerRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/customers',
    operationId: 'createCustomer',
    summary: 'Create a customer',
    tags: ['customers'],
    roles: MANAGERS,
    body: NewCustomerSchema,
    responses: { 201: { description: 'Created', schema: CustomerSchema }, 409: { description: 'Id taken' } },
    async handler({ body, services, auth }) {
      assertUnscoped(auth);
      const id = body.id ?? `cus_${randomBytes(6).toString('hex')}`;
      const row = await services.db
        .insertInto('customers')
        .values({
          id,
          name: body.name,
          country: body.country ?? null,
          ...(body.locale && { locale: body.locale }),
          time_zone: body.timeZone ?? null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw problem(409, 'conflict', {
          es: `El cliente ${id} ya existe.`,
          en: `Customer ${id} already exists.`,
        });
      }
      return { status: 201, body: customerView(row), headers: { Location: `/v1/customers/${id}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/customers',
    operationId: 'listCustomers',
    summary: 'List customers by id (keyset pagination)',
    tags: ['customers'],
    roles: [...READERS, 'integration'],
    query: z.object({
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
      q: z.string().min(1).max(200).optional().meta({
        description: 'Text searched in name and id (case-insensitive), for search-as-you-type pickers.',
      }),
    }),
    responses: { 200: { description: 'A page', schema: pageOf(CustomerSchema) } },
    async handler({ query, services, auth }) {
      const after = readCursor(query.cursor, z.object({ id: z.string() }));
      const rows = await listCustomers(services.db, {
        limit: query.limit + 1,
        only: auth.customerIds,
        ...(after && { after: after.id }),
        ...(query.q !== undefined && { q: query.q }),
      });
      return {
        status: 200,
        body: keysetPage(rows, query.limit, customerView, (row) => ({ id: row.id })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/customers/{id}',
    operationId: 'getCustomer',
    summary: 'Read a customer',
    tags: ['customers'],
    roles: [...READERS, 'integration'],
    params: CustomerParams,
    responses: {
      200: { description: 'The customer', schema: CustomerSchema },
      404: { description: 'Not found' },
    },
    async handler({ params, services, auth }) {
      assertCustomerVisible(auth, params.id, what);
      const row = await findCustomer(services.db, params.id);
      if (row === undefined) throw notFound(what);
      return { status: 200, body: customerView(row) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/customers/{id}',
    operationId: 'updateCustomer',
    summary: 'Change a customer (supervisors and administrators)',
    description:
      'Refused with 409 `stale-version` when the customer changed since `expectedVersion` was read.',
    tags: ['customers'],
    roles: MANAGERS,
    params: CustomerParams,
    body: CustomerPatchSchema,
    responses: {
      200: { description: 'Updated', schema: CustomerSchema },
      404: { description: 'Not found' },
      409: { description: 'Changed by someone else since `expectedVersion` (`stale-version`)' },
    },
    async handler({ params, body, services, auth }) {
      assertCustomerVisible(auth, params.id, what);
      const row = await services.db
        .updateTable('customers')
        .set((eb) => ({
          ...(body.name !== undefined && { name: body.name }),
          ...(body.country !== undefined && { country: body.country }),
          ...(body.locale !== undefined && { locale: body.locale }),
          ...(body.timeZone !== undefined && { time_zone: body.timeZone }),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', params.id)
        .where('version', '=', body.expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return { status: 200, body: customerView(row) };
      const current = await findCustomer(services.db, params.id);
      if (current === undefined) throw notFound(what);
      throw staleVersion(what, body.expectedVersion, customerView(current));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/customers/{id}',
    operationId: 'deleteCustomer',
    summary: 'Delete a customer that has no contracts or tickets',
    tags: ['customers'],
    roles: ADMIN,
    params: CustomerParams,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'Not found' },
      409: { description: 'Contracts or tickets refer to it' },
    },
    async handler({ params, services, auth }) {
      assertCustomerVisible(auth, params.id, what);
      if (await customerInUse(services.db, params.id)) {
        throw problem(409, 'customer-in-use', {
          es: 'El cliente tiene contratos o tickets; no se puede borrar.',
          en: 'The customer has contracts or tickets and cannot be deleted.',
        });
      }
      const result = await services.db.deleteFrom('customers').where('id', '=', params.id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound(what);
      return { status: 204 };
    },
  }),
];
