/** `/v1/products/{product}/versions`: released versions of a product (for the supported-versions rule). */
import { z } from 'zod';
import { ADMIN, ANY_ROLE, notFound } from '../auth';
import { problem } from '../problem';
import { defineRoute } from '../route';
import { InstantSchema, isoRequired } from '../schemas';

const Product = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"');
const Version = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9._+-]+$/, 'must be letters, digits, ".", "_", "+" or "-"');

const ProductVersionSchema = z
  .object({ product: z.string(), version: z.string(), releasedAt: InstantSchema })
  .meta({ id: 'ProductVersion' });

function view(r: { product: string; version: string; released_at: unknown }) {
  return { product: r.product, version: r.version, releasedAt: isoRequired(r.released_at) };
}

/** Product version routes. */
export const productRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/products/{product}/versions',
    operationId: 'listProductVersions',
    summary: 'Released versions of a product, newest first',
    tags: ['products'],
    roles: ANY_ROLE,
    params: z.object({ product: Product }),
    responses: {
      200: { description: 'Versions', schema: z.object({ items: z.array(ProductVersionSchema) }) },
    },
    async handler({ params, services }) {
      const rows = await services.db
        .selectFrom('product_versions')
        .selectAll()
        .where('product', '=', params.product)
        .orderBy('released_at', 'desc')
        .orderBy('version', 'desc')
        .execute();
      return { status: 200, body: { items: rows.map(view) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/products/{product}/versions',
    operationId: 'addProductVersion',
    summary: 'Record a released version',
    tags: ['products'],
    roles: ADMIN,
    params: z.object({ product: Product }),
    body: z.strictObject({ version: Version, releasedAt: InstantSchema }).meta({ id: 'NewProductVersion' }),
    responses: {
      201: { description: 'Recorded', schema: ProductVersionSchema },
      409: { description: 'Already recorded' },
    },
    async handler({ params, body, services }) {
      const row = await services.db
        .insertInto('product_versions')
        .values({ product: params.product, version: body.version, released_at: body.releasedAt })
        .onConflict((oc) => oc.columns(['product', 'version']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw problem(409, 'conflict', {
          es: `La versión ${body.version} ya está registrada.`,
          en: `Version ${body.version} is already recorded.`,
        });
      }
      return { status: 201, body: view(row) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/products/{product}/versions/{version}',
    operationId: 'deleteProductVersion',
    summary: 'Remove a recorded version',
    tags: ['products'],
    roles: ADMIN,
    params: z.object({ product: Product, version: Version }),
    responses: { 204: { description: 'Removed' }, 404: { description: 'Not found' } },
    async handler({ params, services }) {
      const result = await services.db
        .deleteFrom('product_versions')
        .where('product', '=', params.product)
        .where('version', '=', params.version)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound({ es: 'la versión', en: 'Product version' });
      return { status: 204 };
    },
  }),
];
