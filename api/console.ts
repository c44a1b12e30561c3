/**
 * Serves the staff console (built by `npm run build:console` into `console/dist/`) at `/`, and the
 * few settings it needs at `GET /console/config.json`. The console is a client of the public API
 * only; nothing here gives it more than an API key gives anyone.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Orquesta</title>
<p>The console is not built. Run <code>npm run build:console</code> (npm start does it for you).</p></html>`;

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
  const security: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  router.use(
    '/assets',
    security,
    express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y' }),
  );
  router.get(['/', '/index.html'], security, (_req, res) => {
    const index = path.join(dist, 'index.html');
    res.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(index)) {
      res.status(503).type('html').send(MISSING);
      return;
    }
    res.sendFile(index);
  });
  return router;
}
