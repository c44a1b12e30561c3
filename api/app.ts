import express, { type Express, type Request, type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { temporaryAttachmentSettings, type AttachmentSettings } from '../activities/attachments/settings';
import { REDACTED } from '../config/logger';
import type { Database } from '../db/schema';
import { authenticate, type Principal } from './auth';
import { consoleRouter, type ConsoleOptions } from './console';
import { DOCS_HTML } from './docs';
import { healthRouter, type ReadinessCheck } from './health';
import { createMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { notFoundHandler, problem, problemErrorHandler } from './problem';
import { DEFAULT_RATE_LIMIT, rateLimit, type RateLimitOptions } from './rate-limit';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottleOptions } from './login-throttle';
import { createNotificationHub } from './notification-hub';
import { mountPublicRoutes, mountRoutes, type AnyRoute, type IntegrationEvent, type Services } from './route';
import { apiRoutes } from './routes/index';
import { notificationRoutes } from './routes/notifications';
import { publicSessionRoutes, sessionRoutes } from './routes/session';
import { DEFAULT_SESSIONS, type SessionOptions } from './sessions';
import { documentedPortalRoutes, portalApiRouter, type PortalOptions } from './portal/route';
import { portalStaticRouter } from './portal/static';
import { portalRoutes } from './routes/portal';

/** Tunables of the HTTP API. */
export interface ApiOptions {
  /** Largest accepted request body (express notation); 256 kB by default. */
  bodyLimit: string;
  /** Token bucket per API key. */
  rateLimit: RateLimitOptions;
  /** HMAC secret for integration keys without a signing secret of their own. */
  integrationSecret?: string;
  /** Called for each new integration event after it is stored (the lead connects it to the ticket workflow). */
  onIntegrationEvent?: (event: IntegrationEvent) => Promise<void> | void;
  /** Clock (tests pin it). */
  now?: () => Date;
  /** Console session lifetimes (idle and absolute). */
  sessions: SessionOptions;
  /** Failed sign-ins allowed per account and per address in a window. */
  loginThrottle: LoginThrottleOptions;
  /** Base URL of the console in emailed links; `http://127.0.0.1:3000` by default (`npm start` passes its own). */
  publicUrl: string;
  /** Attachment store and limits; by default files in a new temporary directory (`npm start` passes its own). */
  attachments?: AttachmentSettings;
}

/** What the HTTP app needs from the rest of the system. */
export interface AppDependencies {
  logger: Logger;
  /** Readiness checks by name, e.g. `postgres` and `temporal`. */
  readiness: Record<string, ReadinessCheck>;
  /** Postgres. Without it only the health and docs endpoints are served. */
  db?: Kysely<Database>;
  /** Temporal client for the routes that talk to ticket workflows (handed to handlers as `services.temporal`). */
  temporal?: unknown;
  /** API tunables; defaults suit one process. */
  api?: Partial<ApiOptions>;
  /** Routes added to the built-in ones (e.g. ticket actions), declared with `defineRoute`. */
  routes?: readonly AnyRoute[];
  /** Console settings (the Temporal UI its ticket view links to). */
  console?: ConsoleOptions;
  /** Customer portal settings (its origin, sign-in limits); the portal is always served. */
  portal?: PortalOptions;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `X-Request-Id` from the caller when well-formed, else a new UUID; echoed on the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Keeps the raw bytes of parsed bodies (for HMAC verification and idempotency hashes). */
function keepRaw(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
}

/** Request headers that carry credentials; logged as `[Redacted]` whatever logger the app is given. */
const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'x-orquesta-signature',
];

/** pino-http's request serializer minus credentials (the serialized request is a fresh object). */
function redactRequest(req: { headers?: Record<string, unknown> }): unknown {
  if (req.headers === undefined) return req;
  const headers = { ...req.headers };
  for (const name of SECRET_HEADERS) if (headers[name] !== undefined) headers[name] = REDACTED;
  return { ...req, headers };
}

/** pino-http's response serializer minus `Set-Cookie` (the portal's session token). */
function redactResponse(res: { headers?: Record<string, unknown> }): unknown {
  if (res.headers?.['set-cookie'] === undefined) return res;
  return { ...res, headers: { ...res.headers, 'set-cookie': REDACTED } };
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Builds the Express app; `listen` lives in the caller so tests can drive the app directly. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      serializers: { req: redactRequest, res: redactResponse },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  const metrics = createMetrics(deps.db);
  app.use(metrics.middleware);
  app.use(healthRouter(deps.readiness));

  const routes = [...apiRoutes, ...sessionRoutes, ...notificationRoutes, ...(deps.routes ?? [])];
  const portal = portalRoutes();
  const document = buildOpenApiDocument([
    ...publicSessionRoutes,
    ...routes,
    ...documentedPortalRoutes(portal),
  ]);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/docs', (_req, res) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    );
    res.type('html').send(DOCS_HTML);
  });

  if (deps.db !== undefined) {
    const db = deps.db;
    const options: ApiOptions = {
      bodyLimit: '256kb',
      rateLimit: DEFAULT_RATE_LIMIT,
      sessions: DEFAULT_SESSIONS,
      loginThrottle: DEFAULT_LOGIN_THROTTLE,
      publicUrl: 'http://127.0.0.1:3000',
      ...deps.api,
    };
    const services: Services = {
      db,
      logger: deps.logger,
      now: options.now ?? (() => new Date()),
      integrationSecret: options.integrationSecret,
      onIntegrationEvent: options.onIntegrationEvent ?? (() => undefined),
      temporal: deps.temporal,
      sessions: options.sessions,
      loginThrottle: options.loginThrottle,
      publicUrl: options.publicUrl.replace(/\/+$/, ''),
      notifications: createNotificationHub(db),
      attachments: options.attachments ?? temporaryAttachmentSettings(),
    };
    const limiter = rateLimit(options.rateLimit);
    const auth = authenticate(db, services.now, services.sessions);
    const metricsRoles = new Set(['admin', 'read-only']);
    const metricsAccess: RequestHandler = (_req, res, next) => {
      if (!metricsRoles.has((res.locals.auth as Principal).role)) {
        throw problem(403, 'forbidden', {
          es: 'Solo admin y read-only leen las métricas.',
          en: 'Only admin and read-only keys read metrics.',
        });
      }
      next();
    };
    app.get('/metrics', auth, limiter, metricsAccess, async (_req, res) => {
      res.locals.route = '/metrics';
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    app.use('/v1', (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
    // Sign-in, password reset and set-up answer without a key or session.
    mountPublicRoutes(app, publicSessionRoutes, services, [express.json({ limit: '16kb', verify: keepRaw })]);
    // The portal authenticates customers by their session cookie, not by API key: mounted before `/v1`.
    app.use('/v1/portal', portalApiRouter(portal, services, deps.portal ?? {}, options.bodyLimit));
    app.use(
      '/v1',
      auth,
      limiter,
      express.json({ limit: options.bodyLimit, verify: keepRaw }),
      express.text({ limit: options.bodyLimit, type: YAML_TYPES, verify: keepRaw }),
    );
    mountRoutes(app, routes, services);
  }

  app.use(consoleRouter(deps.console));
  app.use(portalStaticRouter(deps.portal?.dist));
  app.use(notFoundHandler);
  app.use(problemErrorHandler);
  return app;
}
