/**
 * Serves the customer portal (built by `npm run build:portal` into `portal/dist/`) at `/portal/`, with the
 * same Content-Security-Policy as the console: no inline script or style, nothing from other origins, so
 * text from a ticket can never run as code even if it reached the page as HTML.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built portal is served from. */
export const PORTAL_DIST = path.resolve(here, '../../portal/dist');

/** The portal's Content-Security-Policy. */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Orquesta portal</title>
<p>The portal is not built. Run <code>npm run build:portal</code> (npm start does it for you).</p></html>`;

/** The portal's static files under `/portal/`. */
export function portalStaticRouter(dist: string = PORTAL_DIST): Router {
  const router = Router();
  const security: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', PORTAL_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  router.use(
    '/portal/assets',
    security,
    express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y' }),
  );
  router.get(['/portal/', '/portal/index.html'], security, (_req, res) => {
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
