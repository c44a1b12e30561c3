/**
 * Route definitions: one declaration per operation gives the Express handler, the roles allowed,
 * the request schemas (params, query, body; validated once, the parsed values handed to the
 * handler) and the OpenAPI operation (api/openapi.ts).
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AttachmentSettings } from '../activities/attachments/settings';
import type { Database } from '../db/schema';
import { findUnstorableText } from '../domain/text';
import { roleAllows, type CallerRole, type Principal } from './auth';
import type { LoginThrottleOptions } from './login-throttle';
import type { NotificationHub } from './notification-hub';
import type { SessionOptions } from './sessions';
import { requestLanguage, type Lang } from './i18n';
import { withIdempotency } from './idempotency';
import { problem, validateInput, type InvalidParam } from './problem';
import { unstorableParams } from './request-text';

/** Integration event as stored, handed to `onIntegrationEvent`. */
export interface IntegrationEvent {
  /** Row id in `integration_events`. */
  id: number;
  source: string;
  eventId: string;
  type: string;
  customerId: string | null;
  ticketNumber: number | null;
  occurredAt: string | null;
  data: Record<string, unknown>;
  /** Id of the API key that delivered it. */
  apiKeyId: string;
}

/** What handlers may use besides the request. */
export interface Services {
  db: Kysely<Database>;
  logger: Logger;
  /** Current time (tests pin it). */
  now: () => Date;
  /** Shared HMAC secret for integration keys that have no secret of their own. */
  integrationSecret: string | undefined;
  /** Called once per new (non-duplicate) integration event, after it is stored. */
  onIntegrationEvent: (event: IntegrationEvent) => Promise<void> | void;
  /** Temporal client, for the ticket routes that talk to workflows. Absent in read-only deployments and tests. */
  temporal: unknown;
  /** Console session lifetimes. */
  sessions: SessionOptions;
  /** Failed sign-ins allowed per account and per address. */
  loginThrottle: LoginThrottleOptions;
  /** Base URL of the console in links sent by email (password reset, invitations, notifications). */
  publicUrl: string;
  /** Live staff notifications, for the event stream. */
  notifications: NotificationHub;
  /** Where uploaded files go, and their limits. */
  attachments: AttachmentSettings;
}

/** What a handler answers: the framework writes it (and stores it for `Idempotency-Key` replays). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One documented response of an operation. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Media type of `schema`; `application/json` by default. */
  contentType?: string;
  /** Other media types the same status may answer in (content negotiation), each with its schema. */
  alternatives?: Record<string, z.ZodType>;
  /** Other media types the same schema is answered in (a download in its sniffed type). */
  alsoContentTypes?: readonly string[];
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** Everything a handler gets: parsed inputs, the caller, the language and the services. */
export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  auth: Principal;
  lang: Lang;
  services: Services;
}

/** HTTP methods routes use. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The declaration of one operation. */
export interface RouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** OpenAPI path template, e.g. `/v1/customers/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed to call it; every other role gets 403 (a signed-in supervisor may call what agents may). */
  roles: readonly CallerRole[];
  /**
   * Open to anyone: no key or session, no role check, no stored idempotent replays (sign-in, password
   * reset, first set-up). Mounted with `mountPublicRoutes`.
   */
  public?: boolean;
  /** Callers: `keys` for operations only API keys may call (signed integrations); signed-in staff get 403. */
  callers?: 'keys';
  params?: P;
  query?: Q;
  body?: B;
  /** Media types the body is accepted in; `application/json` by default. */
  bodyTypes?: string[];
  /**
   * Runs after the role and content-type checks and before the inputs are validated, e.g. to verify
   * a signature over the raw body before looking at its content.
   */
  before?: (ctx: { req: Request; auth: Principal; services: Services }) => Promise<void> | void;
  /** Success (and route-specific failure) responses; the common problem responses are added for every route. */
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<Reply>;
}

/** A route of any shape (the list `createApp` mounts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route; the identity function, for type inference of the handler's inputs. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

/** Express path of an OpenAPI template: `/v1/customers/{id}` -> `/v1/customers/:id`. */
export function expressPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

/** The principal set by the authentication middleware. */
export function principalOf(res: Response): Principal {
  const auth = res.locals.auth as Principal | undefined;
  if (auth === undefined) throw new Error('route mounted without authentication');
  return auth;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function writeReply(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.status(reply.status);
  if (reply.body === undefined) {
    res.end();
    return;
  }
  if (typeof reply.body === 'string' && res.getHeader('content-type') !== undefined) {
    res.send(reply.body);
    return;
  }
  res.json(reply.body);
}

/** Mounts routes on a router (already behind authentication): role check, validation, idempotency, handler. */
export function mountRoutes(router: Router, routes: readonly AnyRoute[], services: Services): void {
  for (const spec of routes) {
    const allowed = new Set<CallerRole>(spec.roles);
    const bodyTypes = spec.bodyTypes ?? ['application/json'];
    const schemas = spec as { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
    const handle: RequestHandler = async (req, res) => {
      res.locals.route = spec.path;
      const auth = principalOf(res);
      const lang = requestLanguage(req);
      if (!roleAllows([...allowed], auth.role)) {
        throw problem(
          403,
          'forbidden',
          {
            es: `El rol ${auth.role} no puede usar ${spec.method.toUpperCase()} ${spec.path}.`,
            en: `Role ${auth.role} may not call ${spec.method.toUpperCase()} ${spec.path}.`,
          },
          { roles: [...spec.roles] },
        );
      }
      const unstorable = [...unstorableParams(req.params, 'params'), ...unstorableParams(req.query, 'query')];
      if (unstorable.length > 0) {
        throw problem(
          400,
          'validation',
          { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
          { 'invalid-params': unstorable },
        );
      }
      if (spec.callers === 'keys' && auth.user !== null) {
        throw problem(403, 'forbidden', {
          es: 'Esta operación es para integraciones con clave de API, no para sesiones de personal.',
          en: 'This operation is for integrations with an API key, not for staff sessions.',
        });
      }
      if (spec.body !== undefined && hasBody(req) && !req.is(bodyTypes)) {
        throw problem(415, 'unsupported-media-type', {
          es: `Tipo de contenido no soportado; se acepta ${bodyTypes.join(', ')}.`,
          en: `Unsupported content type; accepted: ${bodyTypes.join(', ')}.`,
        });
      }
      if (spec.before !== undefined) await spec.before({ req, auth, services });
      // Text Postgres cannot store (NUL, lone surrogates) is refused for every route, in every input.
      const invalid: InvalidParam[] = [
        ...findUnstorableText(req.params, 'params'),
        ...findUnstorableText(req.query, 'query'),
        ...findUnstorableText(req.body, 'body'),
      ].map((found) => ({ name: found.path, reason: found.reason }));
      const parse = (schema: z.ZodType | undefined, value: unknown, location: string): unknown => {
        if (schema === undefined) return undefined;
        const result = validateInput(schema, value, location, lang);
        if (result.ok) return result.data;
        invalid.push(...result.invalid);
        return undefined;
      };
      const params = parse(schemas.params, req.params, 'params');
      const query = parse(schemas.query, req.query, 'query');
      const body = parse(schemas.body, req.body, 'body');
      if (invalid.length > 0) {
        throw problem(
          400,
          'validation',
          { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
          { 'invalid-params': invalid },
        );
      }
      const ctx: RouteContext<unknown, unknown, unknown> = {
        req,
        res,
        params,
        query,
        body,
        auth,
        lang,
        services,
      };
      const run = () => spec.handler(ctx as never);
      const idempotencyKey = req.get('idempotency-key');
      const reply =
        spec.method === 'post' && idempotencyKey !== undefined
          ? await withIdempotency(services.db, { req, auth, key: idempotencyKey, lang }, run)
          : await run();
      // A streamed answer (server-sent events) has written itself.
      if (!res.headersSent) writeReply(res, reply);
    };
    router[spec.method](expressPath(spec.path), handle);
  }
}

/** The principal of a caller who presented nothing (public routes only). */
export const ANONYMOUS: Principal = {
  keyId: 'anonymous',
  name: 'anonymous',
  role: 'read-only',
  customerIds: [],
  signingSecret: null,
  user: null,
  sessionId: null,
};

/**
 * Mounts public routes (`public: true`) before authentication, each behind its own body parsers. The
 * handler sees {@link ANONYMOUS} as `auth`; a POST's `Idempotency-Key` is not stored (there is no caller
 * to scope it to), so public operations must be safe to repeat.
 */
export function mountPublicRoutes(
  router: Router,
  routes: readonly AnyRoute[],
  services: Services,
  parsers: readonly RequestHandler[],
): void {
  for (const spec of routes) {
    if (spec.public !== true) throw new Error(`${spec.path} is not public`);
    const schemas = spec as { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
    const handle: RequestHandler = async (req, res) => {
      res.locals.route = spec.path;
      const lang = requestLanguage(req);
      if (spec.body !== undefined && hasBody(req) && !req.is(spec.bodyTypes ?? ['application/json'])) {
        throw problem(415, 'unsupported-media-type', {
          es: 'Tipo de contenido no soportado; se acepta application/json.',
          en: 'Unsupported content type; accepted: application/json.',
        });
      }
      const invalid: InvalidParam[] = findUnstorableText(req.body, 'body').map((found) => ({
        name: found.path,
        reason: found.reason,
      }));
      const parse = (schema: z.ZodType | undefined, value: unknown, location: string): unknown => {
        if (schema === undefined) return undefined;
        const result = validateInput(schema, value, location, lang);
        if (result.ok) return result.data;
        invalid.push(...result.invalid);
        return undefined;
      };
      const params = parse(schemas.params, req.params, 'params');
      const query = parse(schemas.query, req.query, 'query');
      const body = parse(schemas.body, req.body, 'body');
      if (invalid.length > 0) {
        throw problem(
          400,
          'validation',
          { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
          { 'invalid-params': invalid },
        );
      }
      const ctx = { req, res, params, query, body, auth: ANONYMOUS, lang, services };
      writeReply(res, await spec.handler(ctx as never));
    };
    router[spec.method](expressPath(spec.path), ...parsers, handle);
  }
}
