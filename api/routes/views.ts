/**
 * `/v1/views`: the signed-in user's saved queue views, a name and the queue's query string (filters, sort,
 * search, as the console keeps them in its address). Each user sees and changes only their own; API keys
 * get 409 `session-required` (a view belongs to a person).
 */
import { z } from 'zod';
import { notFound, READERS, type Principal } from '../auth';
import { problem } from '../problem';
import { defineRoute } from '../route';
import { InstantSchema, isoRequired } from '../schemas';
import type { SavedViewsTable } from '../../db/schema';
import type { Selectable } from 'kysely';

/** At most this many saved views per user. */
export const MAX_VIEWS_PER_USER = 100;

const ViewSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    query: z
      .string()
      .meta({ description: 'The queue query string, e.g. `q=nomina&status=open&sort=-priority`.' }),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
  })
  .meta({ id: 'SavedView' });

const Name = z.string().trim().min(1).max(80);
const Query = z
  .string()
  .max(2000)
  .regex(/^[^\s#?]*$/, 'must be a query string without spaces, "?" or "#"')
  .meta({ description: 'The queue query string, without `?` (URL-encoded pairs joined by `&`).' });

const IdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const what = { es: 'la vista', en: 'View' };

function userOf(auth: Principal) {
  if (auth.user === null) {
    throw problem(409, 'session-required', {
      es: 'Las vistas guardadas son de cada persona: inicie sesión.',
      en: 'Saved views belong to a person: sign in.',
    });
  }
  return auth.user;
}

function nameTaken(error: unknown): never {
  if ((error as { code?: string }).code === '23505') {
    throw problem(
      409,
      'view-name-taken',
      { es: 'Ya tiene una vista con ese nombre.', en: 'You already have a view with that name.' },
      { 'invalid-params': [{ name: 'body.name', reason: 'already used by another of your views' }] },
    );
  }
  throw error;
}

function viewOf(row: Selectable<SavedViewsTable>) {
  return {
    id: Number(row.id),
    name: row.name,
    query: row.query,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

const responses409 = { 409: { description: 'Called with an API key, or the name is taken' } };

/** Saved view routes. */
export const viewRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/views',
    operationId: 'listMyViews',
    summary: 'My saved queue views, by name',
    tags: ['views'],
    roles: READERS,
    responses: {
      200: { description: 'Views', schema: z.object({ items: z.array(ViewSchema) }) },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, services }) {
      const user = userOf(auth);
      const rows = await services.db
        .selectFrom('saved_views')
        .selectAll()
        .where('user_id', '=', user.id)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return { status: 200, body: { items: rows.map(viewOf) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/views',
    operationId: 'createMyView',
    summary: 'Save a queue view',
    tags: ['views'],
    roles: READERS,
    body: z.strictObject({ name: Name, query: Query }),
    responses: {
      201: { description: 'Saved', schema: ViewSchema },
      ...responses409,
    },
    async handler({ auth, body, services }) {
      const user = userOf(auth);
      const { n } = await services.db
        .selectFrom('saved_views')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      if (Number(n) >= MAX_VIEWS_PER_USER) {
        throw problem(409, 'too-many-views', {
          es: `Puede guardar hasta ${MAX_VIEWS_PER_USER} vistas: borre alguna.`,
          en: `You may keep up to ${MAX_VIEWS_PER_USER} views: delete one.`,
        });
      }
      const row = await services.db
        .insertInto('saved_views')
        .values({ user_id: user.id, name: body.name, query: body.query })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(nameTaken);
      return { status: 201, body: viewOf(row), headers: { Location: `/v1/views/${row.id}` } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/views/{id}',
    operationId: 'updateMyView',
    summary: 'Rename a saved view or change its query',
    tags: ['views'],
    roles: READERS,
    params: IdParams,
    body: z.strictObject({ name: Name.optional(), query: Query.optional() }),
    responses: {
      200: { description: 'Updated', schema: ViewSchema },
      404: { description: 'No such view of yours' },
      ...responses409,
    },
    async handler({ auth, params, body, services }) {
      const user = userOf(auth);
      const row = await services.db
        .updateTable('saved_views')
        .set({
          ...(body.name !== undefined && { name: body.name }),
          ...(body.query !== undefined && { query: body.query }),
          updated_at: services.now(),
        })
        .where('id', '=', String(params.id))
        .where('user_id', '=', user.id)
        .returningAll()
        .executeTakeFirst()
        .catch(nameTaken);
      if (row === undefined) throw notFound(what);
      return { status: 200, body: viewOf(row) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/views/{id}',
    operationId: 'deleteMyView',
    summary: 'Delete a saved view',
    tags: ['views'],
    roles: READERS,
    params: IdParams,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such view of yours' },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, params, services }) {
      const user = userOf(auth);
      const result = await services.db
        .deleteFrom('saved_views')
        .where('id', '=', String(params.id))
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound(what);
      return { status: 204 };
    },
  }),
];
