/**
 * Serves the customer portal (built by `npm run build:portal` into `portal/dist/`) at `/portal/`, with the
 * same Content-Security-Policy as the console (see `../web-app.ts`).
 */
import { Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveWebApp } from '../web-app';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built portal is served from. */
export const PORTAL_DIST = path.resolve(here, '../../portal/dist');

/** The portal's static files under `/portal/`. */
export function portalStaticRouter(dist: string = PORTAL_DIST): Router {
  const router = Router();
  serveWebApp(router, {
    dist,
    base: '/portal/',
    title: 'Orquesta portal',
    buildCommand: 'npm run build:portal',
  });
  return router;
}
