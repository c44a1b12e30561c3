/** The OpenAPI 3.1 document, generated from the route declarations' zod schemas. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AnyRoute } from './route';
import { ProblemSchema } from './schemas';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Problem responses any authenticated operation may give. */
const COMMON_PROBLEMS: Record<number, string> = {
  400: 'Invalid request: `invalid-params` names every failing field',
  401: 'Missing, unknown, revoked or expired API key (`reason` says which)',
  403: "The key's role may not call this operation",
  429: 'Rate limit of the key exceeded; see `Retry-After`',
  500: 'Unexpected error',
  503: 'A dependency (Postgres, Temporal) is unavailable; see `Retry-After`',
};

const POST_PROBLEMS: Record<number, string> = {
  409: 'A request with the same `Idempotency-Key` is still in progress',
  413: 'Request body too large',
  415: 'Unsupported content type',
  422: 'The `Idempotency-Key` was used with a different request',
};

const HealthSchema = z.object({ status: z.literal('ok') });
const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});

/** Builds the OpenAPI 3.1 document for the given routes (and the public endpoints). */
export function buildOpenApiDocument(routes: readonly AnyRoute[]): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key as a bearer token',
  });
  registry.registerComponent('securitySchemes', 'portalSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'orquesta_portal',
    description: 'Customer portal session (set by `POST /v1/portal/sign-in/verify`)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'orquesta_session',
    description:
      'Staff session cookie set by `POST /v1/session`; writes also need the `X-CSRF-Token` header from `GET /v1/session`.',
  });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness: the process is up',
    tags: ['health'],
    security: [],
    responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: every dependency answers within 2 s',
    tags: ['health'],
    security: [],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
      503: {
        description: 'A dependency failed',
        content: { 'application/json': { schema: ReadinessSchema } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tags: ['docs'],
    security: [],
    responses: {
      200: {
        description: 'OpenAPI 3.1 document',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Human-readable documentation page (renders /openapi.json)',
    tags: ['docs'],
    security: [],
    responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description: 'Roles: admin, read-only.',
    tags: ['operations'],
    'x-roles': ['admin', 'read-only'],
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      ...problemResponses(COMMON_PROBLEMS),
    },
  });

  for (const route of routes) {
    const schemas = route as { params?: z.ZodObject; query?: z.ZodObject; body?: z.ZodType };
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] =
        spec.schema === undefined
          ? Number(status) >= 400
            ? { description: spec.description, content: problemContent }
            : { description: spec.description }
          : {
              description: spec.description,
              content: {
                ...Object.fromEntries(
                  [spec.contentType ?? 'application/json', ...(spec.alsoContentTypes ?? [])].map((t) => [
                    t,
                    { schema: spec.schema },
                  ]),
                ),
                ...Object.fromEntries(
                  Object.entries(spec.alternatives ?? {}).map(([type, schema]) => [type, { schema }]),
                ),
              },
            };
    }
    const common = {
      ...COMMON_PROBLEMS,
      ...(route.method === 'get' ? {} : POST_PROBLEMS),
      ...(route.path.includes('{') && { 404: 'No such object (or not visible to this key)' }),
    };
    for (const [status, description] of Object.entries(common)) {
      responses[status] ??= { description, content: problemContent };
    }
    const bodyTypes = route.bodyTypes ?? ['application/json'];
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      // Routes without roles that are not open are the customer portal's: a session cookie (api/portal/route.ts).
      description:
        route.roles.length === 0 && route.public !== true
          ? (route.description ?? '')
          : `${route.description ? `${route.description}\n\n` : ''}${
              route.public === true ? 'Open: no key or session.' : `Roles: ${route.roles.join(', ')}.`
            }${route.callers === 'keys' ? ' API keys only (not staff sessions).' : ''}`,
      tags: route.tags,
      ...(route.public === true && { security: [] }),
      ...(route.roles.length === 0 && route.public !== true && { security: [{ portalSession: [] }] }),
      ...((route.roles.length > 0 || route.public === true) && {
        'x-roles': [...(route.roles as readonly string[])],
      }),
      request: {
        ...(schemas.params && { params: schemas.params }),
        ...(schemas.query && { query: schemas.query }),
        ...(route.method === 'post' && {
          headers: z.object({
            'Idempotency-Key': z
              .string()
              .min(1)
              .max(255)
              .optional()
              .meta({ description: 'Retries with the same key and body replay the first response.' }),
          }),
        }),
        ...(schemas.body && {
          body: {
            required: true,
            content: Object.fromEntries(bodyTypes.map((t) => [t, { schema: schemas.body }])),
          },
        }),
      },
      responses: responses as never,
    });
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Orquesta API',
      version: '1.0.0',
      description:
        'Support-ticket orchestrator. Every operation under /v1 needs an API key (`Authorization: Bearer <key>` or `X-Api-Key`; for integrations) ' +
        'or a staff session (the `orquesta_session` cookie from `POST /v1/session`, with `X-CSRF-Token` on writes), except sign-in, password reset and set-up; ' +
        'errors are RFC 9457 problem+json; every POST accepts `Idempotency-Key`; refusals are in Spanish or English by `Accept-Language`.',
    },
    security: [{ bearer: [] }, { apiKey: [] }, { session: [] }],
  }) as unknown as Record<string, unknown>;
}

function problemResponses(
  map: Record<number, string>,
): Record<number, { description: string; content: typeof problemContent }> {
  return Object.fromEntries(
    Object.entries(map).map(([status, description]) => [status, { description, content: problemContent }]),
  );
}
