/**
 * Serves a built single-page web app (the staff console, the customer portal): its hashed assets, cached
 * for a year, and its index page, never cached. Both share one Content-Security-Policy: no inline script
 * or style, nothing from other origins, so text from a ticket can never run as code even if it reached the
 * page as HTML.
 */
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const security: express.RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', WEB_APP_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/** Mounts `dist`'s assets under `<base>assets` and its index at `<base>` and `<base>index.html`. */
export function serveWebApp(
  router: Router,
  options: { dist: string; base: string; title: string; buildCommand: string },
): void {
  router.use(
    `${options.base}assets`,
    security,
    express.static(path.join(options.dist, 'assets'), { immutable: true, maxAge: '1y' }),
  );
  const missing = `<!doctype html><html lang="en"><meta charset="utf-8"><title>${options.title}</title>
<p>This app is not built. Run <code>${options.buildCommand}</code> (npm start does it for you).</p></html>`;
  router.get([options.base, `${options.base}index.html`], security, (_req, res) => {
    const index = path.join(options.dist, 'index.html');
    res.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(index)) {
      res.status(503).type('html').send(missing);
      return;
    }
    res.sendFile(index);
  });
}
