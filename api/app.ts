import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { healthRouter, type ReadinessCheck } from './health';
import { notFoundHandler, problemErrorHandler } from './problem';

/** What the HTTP app needs from the rest of the system. */
export interface AppDependencies {
  logger: Logger;
  /** Readiness checks by name, e.g. `postgres` and `temporal`. */
  readiness: Record<string, ReadinessCheck>;
}

/** Builds the Express app; `listen` lives in the caller so tests can drive the app directly. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.use(healthRouter(deps.readiness));
  app.use(notFoundHandler);
  app.use(problemErrorHandler);
  return app;
}
