/**
 * Issue 12, defect 5: API keys never reach the logs, keys may expire, and the last use of a key is
 * recorded (at most once a minute) and listed.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createApiKey } from '../../api/auth';
import { createLogger } from '../../config/logger';
import type { Database } from '../../db/schema';
import type { Kysely } from 'kysely';
import { createTestDatabase } from '../support/database';

/** A pino destination that keeps every line. */
function memoryStream(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Database>;
let clock = new Date('2026-11-23T12:00:00Z');

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle.destroy());

describe('secrets stay out of the logs', () => {
  it('redacts Authorization, X-Api-Key, cookies and signatures from the request log', async () => {
    const { stream, lines } = memoryStream();
    const app = createApp({ logger: pino({ level: 'info' }, stream), readiness: {}, db });
    const admin = await createApiKey(db, { name: 'ops', role: 'admin' });
    const agent = await createApiKey(db, { name: 'desk', role: 'agent' });
    const res = await request(app)
      .get('/v1/customers')
      .set('Authorization', `Bearer ${admin.key}`)
      .set('Cookie', 'session=cookie-secret-value')
      .set('X-Orquesta-Signature', 'sha256=signature-secret-value');
    expect(res.status).toBe(200);
    expect((await request(app).get('/v1/customers').set('X-Api-Key', agent.key)).status).toBe(200);
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(log).not.toContain(admin.key);
    expect(log).not.toContain(agent.key);
    expect(log).not.toContain('cookie-secret-value');
    expect(log).not.toContain('signature-secret-value');
    expect(log).toContain('[Redacted]');
  });

  it('redacts key, secret and password fields and passwords in connection URLs from every log line', () => {
    const { stream, lines } = memoryStream();
    const logger = createLogger('info', 'test', stream);
    logger.info(
      {
        smtpUrl: 'smtp://mailer:smtp-password-1@mail.example.com:587',
        databaseUrl: 'postgres://app:db-password-2@db.example.com:5432/orquesta',
        signingSecret: 'signing-secret-3',
        config: { WEBHOOK_SECRET: 'webhook-secret-4', SMTP_URL: 'smtps://u:smtp-password-5@h:465' },
        key: 'oq_plain-key-6',
      },
      'configured',
    );
    logger.error({ err: new Error('connect to postgres://app:db-password-7@db:5432/x failed') }, 'boom');
    const log = lines.join('\n');
    for (const secret of [
      'smtp-password-1',
      'db-password-2',
      'signing-secret-3',
      'webhook-secret-4',
      'smtp-password-5',
      'oq_plain-key-6',
      'db-password-7',
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('mail.example.com');
    expect(log).toContain('db.example.com');
  });
});

describe('key expiry and last use', () => {
  const app = () =>
    createApp({ logger: pino({ level: 'silent' }), readiness: {}, db, api: { now: () => clock } });

  it('refuses an expired key with 401 saying it expired, and accepts it before', async () => {
    const admin = await createApiKey(db, { name: 'root', role: 'admin' });
    const created = await request(app())
      .post('/v1/api-keys')
      .set('Authorization', `Bearer ${admin.key}`)
      .send({ name: 'temp', role: 'agent', expiresAt: '2026-11-24T12:00:00Z' });
    expect(created.status, created.text).toBe(201);
    expect(created.body.expiresAt).toBe('2026-11-24T12:00:00.000Z');
    const temp = created.body.key as string;
    expect((await request(app()).get('/v1/customers').set('Authorization', `Bearer ${temp}`)).status).toBe(
      200,
    );

    clock = new Date('2026-11-24T12:00:01Z');
    const refused = await request(app()).get('/v1/customers').set('Authorization', `Bearer ${temp}`);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ reason: 'expired', expiredAt: '2026-11-24T12:00:00.000Z' });
    expect(refused.body.detail).toMatch(/expired/i);
    clock = new Date('2026-11-23T12:00:00Z');
  });

  it('refuses to create a key that has already expired', async () => {
    const admin = await createApiKey(db, { name: 'root2', role: 'admin' });
    const res = await request(app())
      .post('/v1/api-keys')
      .set('Authorization', `Bearer ${admin.key}`)
      .send({ name: 'past', role: 'agent', expiresAt: '2026-11-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body['invalid-params']).toEqual([{ name: 'body.expiresAt', reason: expect.any(String) }]);
  });

  it('records the last use at most once a minute and lists it with the expiry', async () => {
    clock = new Date('2026-11-23T12:00:00Z');
    const admin = await createApiKey(db, { name: 'lister', role: 'admin' });
    const agent = await createApiKey(db, { name: 'user', role: 'agent' });
    const use = () => request(app()).get('/v1/customers').set('Authorization', `Bearer ${agent.key}`);
    const lastUsed = async () =>
      (
        await db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', agent.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    await use();
    expect((await lastUsed())?.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    clock = new Date('2026-11-23T12:00:30Z');
    await use();
    expect((await lastUsed())?.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    clock = new Date('2026-11-23T12:01:05Z');
    await use();
    expect((await lastUsed())?.toISOString()).toBe('2026-11-23T12:01:05.000Z');

    const list = await request(app()).get('/v1/api-keys').set('Authorization', `Bearer ${admin.key}`);
    expect(list.status).toBe(200);
    const row = (list.body.items as { id: string }[]).find((k) => k.id === agent.id);
    expect(row).toMatchObject({ lastUsedAt: '2026-11-23T12:01:05.000Z', expiresAt: null });
  });
});
