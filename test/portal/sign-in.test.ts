/**
 * Portal sign-in: a one-time link and code by email through the real outbox, dispatcher and SMTP (the
 * in-process mail catcher), single-use and short-lived, hashed at rest, rate-limited per email and per IP,
 * the same answer for strangers; sessions in an HTTP-only SameSite=Lax cookie; writes refused cross-origin.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutboxDispatcher,
  createSmtpMailer,
  startMailCatcher,
  type MailCatcher,
  type OutboxDispatcher,
} from '../../activities/notifications/index';
import { createApp } from '../../api/app';
import { issueSignIn, findRequester, purgePortalRecords } from '../../api/portal/sessions';
import { seedCustomer } from '../lifecycle/fixtures';
import { createTestApi, checkResponsesAfterEach, type TestApi } from '../api/helpers';

const ORIGIN = 'http://portal.test';
const MINUTE = 60_000;

describe('portal sign-in', () => {
  let api: TestApi;
  checkResponsesAfterEach(() => api);
  let catcher: MailCatcher;
  let dispatcher: OutboxDispatcher;
  let closeMailer: () => void;
  let clock = Date.now();

  beforeAll(async () => {
    api = await createTestApi({
      api: { now: () => new Date(clock) },
      portal: {
        baseUrl: ORIGIN,
        signInLimits: { perEmail: 3, perIp: 6, windowMs: 15 * MINUTE },
        clientIp: (req) => req.get('x-test-ip') ?? 'ip-default',
      },
    });
    await seedCustomer(api.db, 'arcoiris', 'clinica', clock, {
      requesters: [{ name: 'Marta Díaz', email: 'Marta@Clinica.co' }],
    });
    catcher = await startMailCatcher({ logger: pino({ level: 'silent' }) });
    const mailer = createSmtpMailer({ url: catcher.smtpUrl, from: 'Orquesta <soporte@orquesta.local>' });
    closeMailer = () => mailer.close();
    dispatcher = createOutboxDispatcher({ db: api.db, mailer, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    closeMailer?.();
    await catcher?.stop();
    await api?.destroy();
  });

  const post = (path: string, body: object, ip = 'ip-default') =>
    api.call('post', path, null).set('Origin', ORIGIN).set('X-Test-Ip', ip).send(body);

  /** Asks for a sign-in and returns the email that arrived through the outbox. */
  async function signInMail(email: string, ip?: string) {
    // Deliver what earlier tests left in the outbox first, so the next mail is this request's.
    await dispatcher.runOnce();
    await api.db.deleteFrom('outbox').where('status', '=', 'delivered').execute();
    const before = catcher.messages().at(-1)?.seq ?? 0;
    const res = await post('/v1/portal/sign-in', { email, lang: 'es' }, ip);
    expect(res.status, res.text).toBe(202);
    await dispatcher.runOnce();
    const mail = await catcher.waitFor((m) => m.seq > before, 5_000);
    const link = /https?:\/\/\S+\/portal\/#\/sign-in\/([A-Za-z0-9_-]+)/.exec(mail.text);
    const code = /(\d{6})/.exec(mail.text.split('código')[1] ?? '');
    return { mail, token: link?.[1], code: code?.[1] };
  }

  it('emails a link and a code to an authorized requester; the link signs in once', async () => {
    const { mail, token, code } = await signInMail('marta@clinica.co');
    expect(mail.to).toContain('marta@clinica.co');
    expect(mail.subject).toBe('Su acceso al portal de soporte');
    expect(mail.text).toContain(`${ORIGIN}/portal/#/sign-in/`);
    expect(token).toBeDefined();
    expect(code).toMatch(/^\d{6}$/);
    // Only hashes are stored.
    const stored = await api.db.selectFrom('portal_sign_in_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token!);
    expect(JSON.stringify(stored)).not.toContain(`"${code!}"`);

    const verified = await post('/v1/portal/sign-in/verify', { token });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.customer).toEqual({ id: 'clinica', name: 'clinica S.A.' });
    expect(verified.body.requester).toEqual({ email: 'marta@clinica.co', name: 'Marta Díaz' });
    const cookie = String(verified.headers['set-cookie']);
    expect(cookie).toMatch(/^orquesta_portal=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const sessionToken = /orquesta_portal=([^;]+)/.exec(cookie)![1]!;
    const sessions = await api.db.selectFrom('portal_sessions').selectAll().execute();
    expect(JSON.stringify(sessions)).not.toContain(sessionToken);

    const again = await post('/v1/portal/sign-in/verify', { token });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toContain('application/problem+json');

    const me = await api
      .call('get', '/v1/portal/session', null)
      .set('Cookie', `orquesta_portal=${sessionToken}`);
    expect(me.status).toBe(200);
    expect(me.body.requester.email).toBe('marta@clinica.co');
  });

  it('signs in by email and code; wrong codes spend the sign-in', async () => {
    const { code } = await signInMail('marta@clinica.co', 'ip-code');
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await post('/v1/portal/sign-in/verify', { email: 'marta@clinica.co', code: wrong });
    expect(bad.status).toBe(401);
    const good = await post('/v1/portal/sign-in/verify', { email: 'MARTA@clinica.co', code });
    expect(good.status, good.text).toBe(200);

    const second = await signInMail('marta@clinica.co', 'ip-code-2');
    for (let i = 0; i < 5; i++) {
      const r = await post('/v1/portal/sign-in/verify', {
        email: 'marta@clinica.co',
        code: i === 0 && second.code === '222222' ? '333333' : '222222',
      });
      expect(r.status).toBe(401);
    }
    const spent = await post('/v1/portal/sign-in/verify', { email: 'marta@clinica.co', code: second.code });
    expect(spent.status).toBe(401);
  });

  it('expires the link after 15 minutes', async () => {
    clock += 20 * MINUTE; // past the per-email window of the tests above
    const { token } = await signInMail('marta@clinica.co', 'ip-expiry');
    clock += 15 * MINUTE + 1_000;
    const late = await post('/v1/portal/sign-in/verify', { token });
    expect(late.status).toBe(401);
    expect(late.body.detail).toMatch(/venció|expired/);
  });

  it('answers a stranger exactly as a requester, and sends nothing', async () => {
    clock += 20 * MINUTE;
    const outboxBefore = await api.db.selectFrom('outbox').select('id').execute();
    const stranger = await post('/v1/portal/sign-in', { email: 'nobody@example.com' }, 'ip-stranger');
    const known = await post('/v1/portal/sign-in', { email: 'marta@clinica.co' }, 'ip-stranger');
    expect(stranger.status).toBe(202);
    expect(stranger.body).toEqual(known.body);
    const outboxAfter = await api.db.selectFrom('outbox').select(['id', 'recipient']).execute();
    expect(outboxAfter.length - outboxBefore.length).toBe(1);
    expect(outboxAfter.map((r) => r.recipient)).not.toContain('nobody@example.com');
  });

  it('limits sign-in requests per email and per IP with 429 and Retry-After, strangers included', async () => {
    clock += 20 * MINUTE;
    for (const email of ['marta@clinica.co', 'nobody@example.com']) {
      for (let i = 0; i < 3; i++)
        expect((await post('/v1/portal/sign-in', { email }, `ip-${email}-${i}`)).status).toBe(202);
      const limited = await post('/v1/portal/sign-in', { email }, `ip-${email}-x`);
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    }
    for (let i = 0; i < 6; i++)
      expect((await post('/v1/portal/sign-in', { email: `p${i}@x.com` }, 'ip-busy')).status).toBe(202);
    const byIp = await post('/v1/portal/sign-in', { email: 'p9@x.com' }, 'ip-busy');
    expect(byIp.status).toBe(429);
    expect(byIp.headers['retry-after']).toBeDefined();
  });

  it('refuses bad input with the field, cross-origin writes, and requests without a session', async () => {
    clock += 20 * MINUTE;
    const bad = await post('/v1/portal/sign-in', { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'][0].name).toBe('body.email');
    const evil = await api
      .call('post', '/v1/portal/sign-in', null)
      .set('Origin', 'http://evil.test')
      .send({ email: 'marta@clinica.co' });
    expect(evil.status).toBe(403);
    const noOrigin = await request(api.app).post('/v1/portal/sign-in').send({ email: 'marta@clinica.co' });
    expect(noOrigin.status).toBe(403);
    const anonymous = await api.call('get', '/v1/portal/tickets', null);
    expect(anonymous.status).toBe(401);
    // A malformed or oversized cookie is no session (Schemathesis found a 500 here), for customers and staff.
    for (const cookie of ['orquesta_portal=%E0%A4%A', `orquesta_portal=${'a'.repeat(5_000)}`]) {
      const res = await request(api.app).get('/v1/portal/tickets').set('Cookie', cookie);
      expect(res.status, res.text).toBe(401);
    }
    const staff = await request(api.app).get('/v1/session').set('Cookie', 'orquesta_session=%E0%A4%A');
    expect(staff.status, staff.text).toBe(401);
    // Documented with the zod schemas: sign-in needs nothing, the rest the session cookie, no API key.
    const doc = (await api.call('get', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, { security?: unknown; tags?: string[] }>>;
    };
    expect(doc.paths['/v1/portal/sign-in']?.post).toMatchObject({ security: [], tags: ['portal'] });
    expect(doc.paths['/v1/portal/tickets']?.get?.security).toEqual([{ portalSession: [] }]);
    expect(doc.paths['/v1/portal/tickets/{number}/reopen']?.post).toBeDefined();
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    clock += 20 * MINUTE;
    const { token } = await signInMail('marta@clinica.co', 'ip-signout');
    const verified = await post('/v1/portal/sign-in/verify', { token });
    const cookie = /orquesta_portal=[^;]+/.exec(String(verified.headers['set-cookie']))![0];
    const crossSite = await api
      .call('post', '/v1/portal/sign-out', null)
      .set('Cookie', cookie)
      .set('Origin', 'http://evil.test');
    expect(crossSite.status).toBe(403);
    const out = await api
      .call('post', '/v1/portal/sign-out', null)
      .set('Cookie', cookie)
      .set('Origin', ORIGIN);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await api.call('get', '/v1/portal/session', null).set('Cookie', cookie);
    expect(after.status).toBe(401);
  });

  it('never logs the session token, nor the cookie that carries it', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = createApp({
      logger: pino({ level: 'info' }, stream),
      readiness: {},
      db: api.db,
      api: { now: () => new Date(clock) },
      portal: { baseUrl: ORIGIN },
    });
    const requester = (await findRequester(api.db, 'marta@clinica.co', new Date(clock)))!;
    const { linkToken } = await issueSignIn(api.db, requester, new Date(clock));
    const verified = await request(app)
      .post('/v1/portal/sign-in/verify')
      .set('Origin', ORIGIN)
      .send({ token: linkToken });
    expect(verified.status).toBe(200);
    const token = /orquesta_portal=([^;]+)/.exec(String(verified.headers['set-cookie']))![1]!;
    await request(app).get('/v1/portal/session').set('Cookie', `orquesta_portal=${token}`).expect(200);
    await expect.poll(() => lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('[Redacted]');
  });

  it('purges sign-ins, sign-in requests and sessions a week after they ended, keeping live ones', async () => {
    const count = async () =>
      (await api.db.selectFrom('portal_sign_in_tokens').select('id').execute()).length +
      (await api.db.selectFrom('portal_sign_in_requests').select('id').execute()).length +
      (await api.db.selectFrom('portal_sessions').select('id').execute()).length;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect(await purgePortalRecords(api.db, new Date(clock))).toBe(0);
    const requester = (await findRequester(api.db, 'marta@clinica.co', new Date(clock)))!;
    const later = clock + 30 * 86_400_000;
    await issueSignIn(api.db, requester, new Date(later));
    expect(await purgePortalRecords(api.db, new Date(later))).toBe(before);
    expect(await count()).toBe(1);
  });
});
