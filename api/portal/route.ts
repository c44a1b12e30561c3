/**
 * Routes of the customer portal's API (`/v1/portal/...`). They are declared like every other route (zod
 * schemas, documented in `/openapi.json`) but authenticated by the customer's session cookie instead of an
 * API key: `mountPortalRoutes` reads the session, refuses cross-site writes (Origin check), validates the
 * inputs once and hands the handler the signed-in requester.
 */
import { cookieValue } from '../cookies';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { findUnstorableText } from '../../domain/text';
import { requestLanguage, type Lang } from '../i18n';
import { problem, validateInput, type InvalidParam } from '../problem';
import { unstorableParams } from '../request-text';
import type { AnyRoute, Method, Reply, ResponseSpec, Services } from '../route';
import { expressPath } from '../route';
import { findSession, type PortalSession } from './sessions';

/** Name of the session cookie (HTTP-only, SameSite=Lax). */
export const SESSION_COOKIE = 'orquesta_portal';

/** Settings of the portal. */
export interface PortalOptions {
  /** Origin customers reach the portal at (links in emails, allowed `Origin` of writes); the request's own origin by default. */
  baseUrl?: string;
  /** Sign-in rate limits within `windowMs`: requests per email and per client IP. */
  signInLimits?: { perEmail: number; perIp: number; windowMs: number };
  /** The client's address for the per-IP limit; `req.ip` by default. */
  clientIp?: (req: Request) => string;
  /** Built portal folder; `portal/dist` by default. */
  dist?: string;
}

/** What a portal handler gets. */
export interface PortalContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** The signed-in requester; null only on `public` routes. */
  session: PortalSession | null;
  lang: Lang;
  services: Services;
  options: PortalOptions;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** A portal operation. */
export interface PortalRouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Served without a session (sign-in). */
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: PortalContext<Out<P>, Out<Q>, Out<B>>) => Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPortalRoute = PortalRouteSpec<any, any, any>;

/** Declares a portal route (identity, for type inference). */
export function definePortalRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: PortalRouteSpec<P, Q, B>): PortalRouteSpec<P, Q, B> {
  return spec;
}

/** The portal routes as OpenAPI sees them: no API-key roles, the session cookie instead. */
export function documentedPortalRoutes(routes: readonly AnyPortalRoute[]): AnyRoute[] {
  return routes.map((r) => ({
    ...r,
    tags: ['portal'],
    roles: [],
    description: `${r.description ? `${r.description}\n\n` : ''}${
      r.public ? 'No session needed.' : `Needs the portal session cookie \`${SESSION_COOKIE}\`.`
    }${r.method === 'get' ? '' : ' Cross-site writes are refused: `Origin` must be the portal’s.'}`,
    handler: () => Promise.reject(new Error('portal routes are mounted by mountPortalRoutes')),
  }));
}

/** The value of one cookie of a request (malformed or oversized: none). */
export const cookieOf = cookieValue;

/** Whether cookies should carry `Secure`: the portal is served over https. */
export function secureCookies(req: Request, options: PortalOptions): boolean {
  return req.secure || (options.baseUrl ?? '').startsWith('https:');
}

/**
 * CSRF defence for writes: the browser's `Origin` (else `Referer`) must be the portal's own origin (the
 * request's host, or `baseUrl`). SameSite=Lax already keeps the cookie off cross-site POSTs; this also
 * refuses same-site pages on other origins and clients that send neither header.
 */
function assertSameOrigin(req: Request, options: PortalOptions): void {
  const allowed = new Set([`${req.protocol}://${req.get('host') ?? ''}`]);
  if (options.baseUrl !== undefined && URL.canParse(options.baseUrl))
    allowed.add(new URL(options.baseUrl).origin);
  const origin =
    req.get('origin') ??
    (URL.canParse(req.get('referer') ?? '') ? new URL(req.get('referer')!).origin : undefined);
  if (origin === undefined || !allowed.has(origin)) {
    throw problem(403, 'cross-origin-refused', {
      es: 'La solicitud no viene del portal; recargue la página e inténtelo de nuevo.',
      en: 'The request does not come from the portal; reload the page and try again.',
    });
  }
}

/** A router serving the portal routes under `/v1/portal` (mounted before the API-key authentication). */
export function portalApiRouter(
  routes: readonly AnyPortalRoute[],
  services: Services,
  options: PortalOptions,
  bodyLimit: string,
): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: bodyLimit }));
  for (const spec of routes) {
    const schemas = spec as { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
    const handle: RequestHandler = async (req, res) => {
      res.locals.route = spec.path;
      const lang = requestLanguage(req);
      if (spec.method !== 'get') assertSameOrigin(req, options);
      let session: PortalSession | null = null;
      if (!spec.public) {
        const token = cookieOf(req, SESSION_COOKIE);
        session = (token && (await findSession(services.db, token, services.now()))) || null;
        if (session === null) {
          throw problem(401, 'portal-session-required', {
            es: 'Inicie sesión en el portal para continuar.',
            en: 'Please sign in to the portal to continue.',
          });
        }
      }
      const invalid: InvalidParam[] = [
        ...unstorableParams(req.params, 'params'),
        ...unstorableParams(req.query, 'query'),
        ...findUnstorableText(req.body, 'body').map((f) => ({ name: f.path, reason: f.reason })),
      ];
      if (
        spec.body !== undefined &&
        req.body !== undefined &&
        Object.keys(req.body as object).length > 0 &&
        !req.is('application/json')
      ) {
        throw problem(415, 'unsupported-media-type', {
          es: 'Tipo de contenido no soportado; se acepta application/json.',
          en: 'Unsupported content type; accepted: application/json.',
        });
      }
      const parse = (schema: z.ZodType | undefined, value: unknown, location: string): unknown => {
        if (schema === undefined || invalid.length > 0) return undefined;
        const result = validateInput(schema, value ?? {}, location, lang);
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
      const reply = await spec.handler({
        req,
        res,
        params,
        query,
        body,
        session,
        lang,
        services,
        options,
      } as never);
      // A download has streamed itself.
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.status(reply.status);
      if (reply.body === undefined) res.end();
      else res.json(reply.body);
    };
    router[spec.method](expressPath(spec.path.replace(/^\/v1\/portal/, '')), handle);
  }
  router.use((req) => {
    throw problem(404, 'not-found', {
      es: `No existe ${req.method} /v1/portal${req.path}.`,
      en: `There is no ${req.method} /v1/portal${req.path}.`,
    });
  });
  return router;
}
