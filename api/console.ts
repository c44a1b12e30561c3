/**
 * Serves the staff console (built by `npm run build:console` into `console/dist/`) at `/`, and the
 * few settings it needs at `GET /console/config.json`. The console is a client of the public API
 * only; nothing here gives it more than an API key gives anyone.
 */
import { Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveWebApp } from './web-app';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built console is served from. */
export const CONSOLE_DIST = path.resolve(here, '../console/dist');

/** Settings of {@link consoleRouter}. */
export interface ConsoleOptions {
  /** Built console folder; `console/dist` by default. */
  dist?: string;
  /** Base URL of the Temporal UI for links to a ticket's workflow; `TEMPORAL_UI_URL` by default. */
  temporalUiUrl?: string | null;
  /** Temporal namespace in those links; `TEMPORAL_NAMESPACE` or `default`. */
  namespace?: string;
}

/** The console's static files at `/` and `GET /console/config.json`. */
export function consoleRouter(options: ConsoleOptions = {}): Router {
  const dist = options.dist ?? CONSOLE_DIST;
  const temporalUiUrl = options.temporalUiUrl ?? process.env.TEMPORAL_UI_URL ?? null;
  const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  const router = Router();
  router.get('/console/config.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ temporalUiUrl: temporalUiUrl || null, namespace });
  });
  serveWebApp(router, { dist, base: '/', title: 'Orquesta', buildCommand: 'npm run build:console' });
  return router;
}
