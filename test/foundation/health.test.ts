import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { createApp } from '../../api/app';
import { postgresCheck } from '../../api/health';
import { createTestDatabase } from '../support/database';

const logger = pino({ level: 'silent' });

describe('health endpoints', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    handle = await createTestDatabase({ migrate: false });
  });
  afterAll(() => handle.destroy());

  it('GET /healthz answers 200 without touching dependencies', async () => {
    const app = createApp({ logger, readiness: { broken: () => Promise.reject(new Error('down')) } });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when Postgres answers', async () => {
    const app = createApp({ logger, readiness: { postgres: postgresCheck(handle.db) } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: { ok: true } } });
  });

  it('GET /readyz answers 503 with Retry-After and the failing check', async () => {
    const app = createApp({
      logger,
      readiness: {
        postgres: postgresCheck(handle.db),
        temporal: () => Promise.reject(new Error('connection refused')),
      },
    });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.checks).toEqual({
      postgres: { ok: true },
      temporal: { ok: false, error: 'connection refused' },
    });
  });

  it('GET /readyz does not hang on a dependency that never answers', async () => {
    const app = createApp({ logger, readiness: { temporal: () => new Promise(() => undefined) } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.temporal.error).toMatch(/no answer within/);
  });

  it('unknown routes answer problem+json 404', async () => {
    const app = createApp({ logger, readiness: {} });
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/nope' });
  });
});
