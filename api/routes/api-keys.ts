/** `/v1/api-keys`: create (plaintext returned once), list and revoke API keys. Admin only. */
import { z } from 'zod';
import { ADMIN, createApiKey, notFound, ROLES } from '../auth';
import { problem } from '../problem';
import { defineRoute } from '../route';
import { IdSchema, InstantSchema, iso, isoRequired } from '../schemas';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    customerIds: z.array(z.string()).nullable(),
    keyPrefix: z.string(),
    createdAt: InstantSchema,
    revokedAt: InstantSchema.nullable(),
    expiresAt: InstantSchema.nullable().meta({ description: 'After this instant the key is refused (401).' }),
    lastUsedAt: InstantSchema.nullable().meta({
      description: 'Last request made with the key (recorded at most once a minute).',
    }),
  })
  .meta({ id: 'ApiKey' });

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().meta({ description: 'The key itself; shown only in this response.' }),
  signingSecret: z.string().nullable().meta({
    description: 'HMAC secret for integration events (integration keys); shown only in this response.',
  }),
}).meta({ id: 'CreatedApiKey' });

const NewApiKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    customerIds: z.array(IdSchema).min(1).max(100).optional(),
    expiresAt: InstantSchema.optional().meta({
      description: 'When the key stops working (a future instant); never when absent.',
    }),
  })
  .meta({ id: 'NewApiKey' });

const KeyParams = z.object({ id: z.string().min(1).max(64) });

/** API key routes. */
export const apiKeyRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'The key is returned once and stored only as a sha256 hash. `customerIds` scopes the key to those customers (not for admin keys).',
    tags: ['api-keys'],
    roles: ADMIN,
    body: NewApiKeySchema,
    responses: { 201: { description: 'Created', schema: CreatedApiKeySchema } },
    async handler({ body, services }) {
      if (body.role === 'admin' && body.customerIds !== undefined) {
        throw problem(
          422,
          'validation',
          {
            es: 'Una clave admin no puede limitarse a clientes.',
            en: 'An admin key cannot be scoped to customers.',
          },
          { 'invalid-params': [{ name: 'body.customerIds', reason: 'not allowed for role admin' }] },
        );
      }
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
      if (expiresAt !== null && expiresAt.getTime() <= services.now().getTime()) {
        throw problem(
          422,
          'validation',
          { es: 'La fecha de vencimiento ya pasó.', en: 'The expiry is not in the future.' },
          { 'invalid-params': [{ name: 'body.expiresAt', reason: 'must be in the future' }] },
        );
      }
      const created = await createApiKey(services.db, {
        name: body.name,
        role: body.role,
        customerIds: body.customerIds ?? null,
        expiresAt,
      });
      return {
        status: 201,
        body: {
          id: created.id,
          name: created.name,
          role: created.role,
          customerIds: created.customerIds,
          keyPrefix: created.keyPrefix,
          createdAt: isoRequired(created.createdAt),
          revokedAt: null,
          expiresAt: iso(created.expiresAt),
          lastUsedAt: null,
          key: created.key,
          signingSecret: created.signingSecret,
        },
        headers: { Location: `/v1/api-keys/${created.id}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    summary: 'List API keys (never the keys themselves), with their expiry and last use',
    tags: ['api-keys'],
    roles: ADMIN,
    responses: { 200: { description: 'Every key', schema: z.object({ items: z.array(ApiKeySchema) }) } },
    async handler({ services }) {
      const rows = await services.db
        .selectFrom('api_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return {
        status: 200,
        body: {
          items: rows.map((r) => ({
            id: r.id,
            name: r.name,
            role: r.role,
            customerIds: r.customer_ids,
            keyPrefix: r.key_prefix,
            createdAt: isoRequired(r.created_at),
            revokedAt: iso(r.revoked_at),
            expiresAt: iso(r.expires_at),
            lastUsedAt: iso(r.last_used_at),
          })),
        },
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tags: ['api-keys'],
    roles: ADMIN,
    params: KeyParams,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key' } },
    async handler({ params, services, auth }) {
      if (params.id === auth.keyId) {
        throw problem(409, 'conflict', {
          es: 'Una clave no puede revocarse a sí misma.',
          en: 'A key cannot revoke itself.',
        });
      }
      const result = await services.db
        .updateTable('api_keys')
        .set({ revoked_at: services.now() })
        .where('id', '=', params.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound({ es: 'la clave', en: 'API key' });
      return { status: 204 };
    },
  }),
];
