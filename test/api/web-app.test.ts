/**
 * The console and the portal are served with one Content-Security-Policy (no inline script, nothing from
 * other origins), hashed assets cached for a year, the index never cached, and a 503 naming the build
 * command when the app is not built.
 */
import express from 'express';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRouter } from '../../api/console';
import { portalStaticRouter } from '../../api/portal/static';

let built: string;
let empty: string;

beforeAll(async () => {
  built = await mkdtemp(path.join(tmpdir(), 'orquesta-web-app-'));
  empty = await mkdtemp(path.join(tmpdir(), 'orquesta-web-app-empty-'));
  await mkdir(path.join(built, 'assets'));
  await writeFile(path.join(built, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(path.join(built, 'assets', 'main-abc123.js'), 'console.log(1)');
});
afterAll(async () => {
  await rm(built, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe.each([
  ['console', '/', (dist: string) => consoleRouter({ dist }), 'npm run build:console'],
  ['portal', '/portal/', (dist: string) => portalStaticRouter(dist), 'npm run build:portal'],
])('the %s', (_name, base, router, buildCommand) => {
  it('serves its index uncached under a strict Content-Security-Policy', async () => {
    const app = express().use(router(built));
    for (const page of [base, `${base}index.html`]) {
      const res = await request(app).get(page);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>app</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('caches its hashed assets for a year', async () => {
    const res = await request(express().use(router(built))).get(`${base}assets/main-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers 503 with the build command when it is not built', async () => {
    const res = await request(express().use(router(empty))).get(base);
    expect(res.status).toBe(503);
    expect(res.text).toContain(buildCommand);
  });
});
