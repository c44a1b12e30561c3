/**
 * Staff accounts over real HTTP and a real Postgres: sign-in, wrong password, throttling, CSRF refusal,
 * idle and absolute session expiry (on an injected clock), sign-out and sign-out everywhere, password reset
 * by email (read from the outbox), role enforcement, the last administrator, and the first set-up link.
 */
import type { Request } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupLink } from '../../api/account-links';
import { hashPassword, verifyPassword } from '../../api/passwords';
import { insertUser } from '../../api/repositories/users';
import { PROBLEM_BASE } from '../../api/problem';
import { sessionCookie } from '../../api/sessions';
import { renderAccountNotification } from '../../activities/notifications/account-templates';
import { createOutboxDispatcher, type OutgoingMail } from '../../activities/notifications/index';
import { pino } from 'pino';
import type { UserRole } from '../../db/schema';
import { createTestApi, checkResponsesAfterEach, type TestApi } from './helpers';

const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery';
let api: TestApi;
checkResponsesAfterEach(() => api);
/** The app's clock: tests move it forward instead of waiting. */
let clock = Date.now();

beforeAll(async () => {
  api = await createTestApi({
    api: {
      now: () => new Date(clock),
      sessions: { idleMs: 2 * HOUR, absoluteMs: 12 * HOUR },
      loginThrottle: { perAccount: 3, perAddress: 6, windowMs: 15 * 60_000 },
      publicUrl: 'https://orquesta.example',
    },
  });
});
afterAll(() => api.destroy());

let seq = 0;
/** A user with a password, straight into the database. */
async function user(role: UserRole, name = `${role} ${++seq}`) {
  const email = `${name.replace(/\W+/g, '.')}@staff.example`.toLowerCase();
  const row = await insertUser(api.db, {
    email,
    displayName: name,
    role,
    language: 'es',
    passwordHash: await hashPassword(PASSWORD),
  });
  return { ...row, email };
}

/** A browser-like client: keeps cookies, signs in, sends the CSRF token on writes. */
async function signedIn(email: string, password = PASSWORD) {
  const agent = request.agent(api.app);
  const res = await agent.post('/v1/session').send({ email, password });
  expect(res.status, res.text).toBe(200);
  api.recorded.push({
    method: 'post',
    path: '/v1/session',
    status: res.status,
    contentType: res.headers['content-type'],
    body: res.body,
    text: res.text,
  });
  return { agent, csrf: res.body.csrfToken as string, res };
}

describe('sign-in', () => {
  it('sets an HTTP-only, SameSite=Lax session cookie and answers who signed in', async () => {
    const eva = await user('agent', 'Eva Ortiz');
    const { agent, csrf, res } = await signedIn('EVA.ORTIZ@staff.example');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^orquesta_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    expect(res.body.user).toMatchObject({ id: eva.id, displayName: 'Eva Ortiz', role: 'agent' });
    expect(JSON.stringify(res.body)).not.toContain('scrypt');
    const me = await agent.get('/v1/session');
    expect(me.status).toBe(200);
    expect(me.body.user.displayName).toBe('Eva Ortiz');
    expect(me.body.csrfToken).toBe(csrf);
    // Only a hash of the token is stored.
    const token = /orquesta_session=([^;]+)/.exec(cookie)![1]!;
    const stored = await api.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
  });

  it('marks the cookie Secure over https', () => {
    const over = (secure: boolean) => sessionCookie({ secure } as Request, 'token', HOUR);
    expect(over(true)).toContain('; Secure');
    expect(over(false)).not.toContain('Secure');
    expect(over(true)).toContain('Max-Age=3600');
  });

  it('answers a wrong password, an unknown email and a deactivated account alike', async () => {
    const u = await user('agent');
    const wrong = await request(api.app)
      .post('/v1/session')
      .send({ email: u.email, password: 'not the one!' });
    const unknown = await request(api.app)
      .post('/v1/session')
      .set('X-Forwarded-For', '10.9.9.9')
      .send({ email: 'nobody@staff.example', password: PASSWORD });
    await api.db
      .updateTable('users')
      .set({ deactivated_at: new Date(clock) })
      .where('id', '=', u.id)
      .execute();
    const inactive = await request(api.app).post('/v1/session').send({ email: u.email, password: PASSWORD });
    for (const res of [wrong, unknown, inactive]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.type).toBe(`${PROBLEM_BASE}sign-in-failed`);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    // The same address failed 3 times here; let the next tests start clean.
    await api.db.deleteFrom('login_failures').execute();
  });

  it('refuses a malformed sign-in with the field and the reason', async () => {
    const res = await request(api.app).post('/v1/session').send({ email: 'not-an-email', password: '' });
    expect(res.status).toBe(400);
    const names = (res.body['invalid-params'] as { name: string }[]).map((p) => p.name).sort();
    expect(names).toEqual(['body.email', 'body.password']);
  });
});

describe('throttling', () => {
  it('locks an account after too many failures, even for the right password, with Retry-After', async () => {
    const u = await user('agent');
    for (let i = 0; i < 3; i++) {
      const res = await request(api.app)
        .post('/v1/session')
        .send({ email: u.email, password: `wrong ${i}!!!!!` });
      expect(res.status).toBe(401);
    }
    const locked = await request(api.app)
      .post('/v1/session')
      .set('Accept-Language', 'es')
      .send({ email: u.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toMatch(/problem\+json/);
    expect(locked.body.type).toBe(`${PROBLEM_BASE}sign-in-throttled`);
    const retry = Number(locked.headers['retry-after']);
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect(locked.body.detail).toMatch(/espere \d+ s/);
    // Once the window has passed, the right password works (and clears the account's failures).
    clock += retry * 1000;
    expect(
      (await request(api.app).post('/v1/session').send({ email: u.email, password: PASSWORD })).status,
    ).toBe(200);
    await api.db.deleteFrom('login_failures').execute();
  });

  it('limits failures from one address across accounts', async () => {
    const target = await user('agent');
    for (let i = 0; i < 6; i++) {
      const res = await request(api.app)
        .post('/v1/session')
        .send({ email: `guess${i}@staff.example`, password: 'guessing!!' });
      expect(res.status).toBe(401);
    }
    const res = await request(api.app).post('/v1/session').send({ email: target.email, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await api.db.deleteFrom('login_failures').execute();
  });
});

describe('CSRF', () => {
  it('refuses cookie-authenticated writes without the token, with a wrong one, or from another origin', async () => {
    const u = await user('agent');
    const { agent, csrf } = await signedIn(u.email);
    const missing = await agent.patch('/v1/users/me').send({ language: 'en' });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ type: `${PROBLEM_BASE}csrf`, reason: 'missing-token' });
    const wrong = await agent
      .patch('/v1/users/me')
      .set('X-CSRF-Token', `${csrf.slice(0, -2)}xx`)
      .send({ language: 'en' });
    expect(wrong.body).toMatchObject({ type: `${PROBLEM_BASE}csrf`, reason: 'wrong-token' });
    const cross = await agent
      .patch('/v1/users/me')
      .set('X-CSRF-Token', csrf)
      .set('Origin', 'https://evil.example')
      .send({ language: 'en' });
    expect(cross.status).toBe(403);
    expect(cross.body.reason).toBe('cross-origin');
    const stored = await api.db
      .selectFrom('users')
      .select('language')
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(stored.language).toBe('es');
    const ok = await agent.patch('/v1/users/me').set('X-CSRF-Token', csrf).send({ language: 'en' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.language).toBe('en');
    // Reads need no token; API keys need none either (browsers never attach them on their own).
    expect((await agent.get('/v1/customers')).status).toBe(200);
    expect(
      (await api.call('post', '/v1/customers').send({ id: 'csrf-free', name: 'Key caller' })).status,
    ).toBe(201);
  });
});

describe('session expiry and sign-out', () => {
  it('ends an idle session, and any session at its absolute expiry', async () => {
    const u = await user('agent');
    const idle = await signedIn(u.email);
    clock += 2 * HOUR + 1000;
    const expired = await idle.agent.get('/v1/session');
    expect(expired.status).toBe(401);
    expect(expired.body.reason).toBe('session-expired');
    expect(String(expired.headers['set-cookie'])).toContain('Max-Age=0');

    const busy = await signedIn(u.email);
    for (let h = 0; h < 11; h++) {
      clock += HOUR;
      expect((await busy.agent.get('/v1/session')).status).toBe(200);
    }
    clock += HOUR;
    expect((await busy.agent.get('/v1/session')).body.reason).toBe('session-expired');
  });

  it('signs out one session, and every session of the user everywhere', async () => {
    const u = await user('agent');
    const laptop = await signedIn(u.email);
    const phone = await signedIn(u.email);
    const tablet = await signedIn(u.email);
    const laptopCookie = String(laptop.res.headers['set-cookie']).split(';')[0]!;
    const out = await laptop.agent.delete('/v1/session').set('X-CSRF-Token', laptop.csrf);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    // The cookie, replayed after sign-out, is refused: the session ended on the server.
    const replayed = await request(api.app).get('/v1/session').set('Cookie', laptopCookie);
    expect(replayed.status).toBe(401);
    expect(replayed.body.reason).toBe('session-ended');
    expect((await phone.agent.get('/v1/session')).status).toBe(200);

    const everywhere = await phone.agent
      .post('/v1/session/revoke-all')
      .set('X-CSRF-Token', phone.csrf)
      .send({});
    expect(everywhere.status).toBe(200);
    expect(everywhere.body.revoked).toBe(2);
    expect((await phone.agent.get('/v1/session')).status).toBe(401);
    expect((await tablet.agent.get('/v1/session')).status).toBe(401);
  });

  it('refuses session operations to API keys, and integration operations to sessions', async () => {
    const res = await api.call('get', '/v1/session');
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEM_BASE}session-required`);
    const admin = await user('admin');
    const { agent, csrf } = await signedIn(admin.email);
    const integration = await agent
      .post('/v1/integrations/events')
      .set('X-CSRF-Token', csrf)
      .send({ source: 'x', id: '1', type: 'note' });
    expect(integration.status).toBe(403);
  });
});

describe('password reset by email', () => {
  const outboxFor = (recipient: string) =>
    api.db.selectFrom('outbox').selectAll().where('recipient', '=', recipient).orderBy('id').execute();

  it('mails a single-use, short-lived link; answers the same for unknown emails', async () => {
    const u = await user('agent');
    const old = await signedIn(u.email);
    const known = await request(api.app).post('/v1/password-resets').send({ email: u.email.toUpperCase() });
    const unknown = await request(api.app).post('/v1/password-resets').send({ email: 'ghost@staff.example' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(await outboxFor('ghost@staff.example')).toEqual([]);

    const [mail] = await outboxFor(u.email);
    expect(mail).toMatchObject({
      template: 'password_reset',
      channel: 'email',
      ticket_number: null,
      locale: 'es',
    });
    const link = mail!.payload.link as string;
    expect(link).toMatch(/^https:\/\/orquesta\.example\/#\/reset\?token=[\w-]{40,}$/);
    const rendered = renderAccountNotification('password_reset', mail!.locale, mail!.payload);
    expect(rendered.text).toContain(link);
    const token = new URL(link.replace('#/', '')).searchParams.get('token')!;
    const stored = await api.db.selectFrom('account_tokens').select('token_hash').execute();
    expect(stored.map((t) => t.token_hash)).not.toContain(token);

    const done = await request(api.app)
      .post('/v1/password-resets/complete')
      .send({ token, password: 'a brand new secret' });
    expect(done.status, done.text).toBe(200);
    // The reset ends every session, and the old password no longer signs in.
    expect((await old.agent.get('/v1/session')).status).toBe(401);
    expect(
      (await request(api.app).post('/v1/session').send({ email: u.email, password: PASSWORD })).status,
    ).toBe(401);
    await signedIn(u.email, 'a brand new secret');

    const again = await request(api.app)
      .post('/v1/password-resets/complete')
      .set('Accept-Language', 'es')
      .send({ token, password: 'yet another secret' });
    expect(again.status).toBe(400);
    expect(again.body['invalid-params'][0].name).toBe('body.token');
    expect(again.body['invalid-params'][0].reason).toMatch(/ya se usó o venció/);
    await api.db.deleteFrom('login_failures').execute();
  });

  it('delivers the reset email through the outbox dispatcher, outside any ticket thread', async () => {
    const u = await user('agent');
    await request(api.app).post('/v1/password-resets').send({ email: u.email });
    const sent: OutgoingMail[] = [];
    const dispatcher = createOutboxDispatcher({
      db: api.db,
      mailer: { sendMail: (mail) => Promise.resolve(sent.push(mail)) },
      logger: pino({ level: 'silent' }),
    });
    await dispatcher.runOnce();
    const mail = sent.find((m) => m.to === u.email);
    expect(mail).toMatchObject({ subject: 'Restablecer su contraseña de Orquesta' });
    expect(mail!.messageId).toMatch(/^<account\.[0-9a-f]{20}@/);
    expect(mail!.inReplyTo).toBeUndefined();
    expect(mail!.text).toMatch(/https:\/\/orquesta\.example\/#\/reset\?token=[\w-]{40,}/);
    const [row] = await outboxFor(u.email);
    expect(row!.status).toBe('delivered');
  });

  it('refuses a link past its 30 minutes', async () => {
    const u = await user('agent');
    await request(api.app).post('/v1/password-resets').send({ email: u.email });
    const [mail] = await outboxFor(u.email);
    const token = new URL((mail!.payload.link as string).replace('#/', '')).searchParams.get('token')!;
    clock += 31 * 60_000;
    const res = await request(api.app)
      .post('/v1/password-resets/complete')
      .send({ token, password: 'late but long enough' });
    expect(res.status).toBe(400);
    const row = await api.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(PASSWORD, row.password_hash!)).toBe(true);
  });
});

describe('roles and user administration', () => {
  it('lets administrators manage users and nobody else', async () => {
    const admin = await signedIn((await user('admin')).email);
    const agent = await signedIn((await user('agent')).email);
    const reader = await signedIn((await user('read-only')).email);
    const supervisor = await signedIn((await user('supervisor')).email);

    const byAgent = await agent.agent
      .post('/v1/users')
      .set('X-CSRF-Token', agent.csrf)
      .send({ email: 'x@staff.example', displayName: 'X', role: 'admin' });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.type).toBe(`${PROBLEM_BASE}forbidden`);
    const readerWrites = await reader.agent
      .post('/v1/customers')
      .set('X-CSRF-Token', reader.csrf)
      .send({ id: 'by-reader', name: 'Nope' });
    expect(readerWrites.status).toBe(403);
    expect((await reader.agent.get('/v1/customers')).status).toBe(200);
    // Supervisors (managers) create customers; agents may not (manager-edits.test.ts).
    const supervisorWrites = await supervisor.agent
      .post('/v1/customers')
      .set('X-CSRF-Token', supervisor.csrf)
      .send({ id: 'by-supervisor', name: 'Yes' });
    expect(supervisorWrites.status, supervisorWrites.text).toBe(201);

    const created = await admin.agent
      .post('/v1/users')
      .set('X-CSRF-Token', admin.csrf)
      .send({ email: 'nuevo@staff.example', displayName: 'Nuevo Agente', role: 'agent', language: 'en' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ hasPassword: false, active: true, role: 'agent' });
    const [invite] = await api.db
      .selectFrom('outbox')
      .selectAll()
      .where('recipient', '=', 'nuevo@staff.example')
      .execute();
    expect(invite).toMatchObject({ template: 'account_invitation', locale: 'en' });

    const duplicate = await admin.agent
      .post('/v1/users')
      .set('X-CSRF-Token', admin.csrf)
      .send({ email: 'other@staff.example', displayName: 'nuevo agente', role: 'agent' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body['invalid-params'][0].name).toBe('body.displayName');

    const id = created.body.id as string;
    const promoted = await admin.agent
      .patch(`/v1/users/${id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ role: 'supervisor' });
    expect(promoted.body.role).toBe('supervisor');

    // Deactivating ends the user's sessions.
    const victim = await user('agent');
    const victimSession = await signedIn(victim.email);
    const off = await admin.agent
      .patch(`/v1/users/${victim.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ active: false });
    expect(off.body.active).toBe(false);
    expect((await victimSession.agent.get('/v1/session')).status).toBe(401);
  });

  it('keeps at least one active administrator', async () => {
    await api.db
      .updateTable('users')
      .set({ deactivated_at: new Date(clock) })
      .where('role', '=', 'admin')
      .execute();
    const last = await user('admin');
    const session = await signedIn(last.email);
    const res = await session.agent
      .patch(`/v1/users/${last.id}`)
      .set('X-CSRF-Token', session.csrf)
      .send({ role: 'agent' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEM_BASE}last-admin`);
  });
});

describe('first administrator', () => {
  it('is created once, with the set-up link, on an empty database', async () => {
    const empty = await createTestApi({ api: { publicUrl: 'http://127.0.0.1:3000' } });
    try {
      const link = await setupLink(empty.db, 'http://127.0.0.1:3000');
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/#\/setup\?token=/);
      const token = link!.split('token=')[1]!;
      const body = { token, email: 'root@staff.example', displayName: 'Ada Admin', password: PASSWORD };
      const bad = await request(empty.app)
        .post('/v1/setup')
        .send({ ...body, token: 'x'.repeat(43) });
      expect(bad.status).toBe(400);
      const res = await request(empty.app).post('/v1/setup').send(body);
      expect(res.status, res.text).toBe(201);
      expect(res.body.user).toMatchObject({ role: 'admin', displayName: 'Ada Admin' });
      expect(String(res.headers['set-cookie'])).toContain('orquesta_session=');
      const again = await request(empty.app)
        .post('/v1/setup')
        .send({ ...body, email: 'two@staff.example' });
      expect(again.status).toBe(409);
      expect(await setupLink(empty.db, 'http://127.0.0.1:3000')).toBeUndefined();
    } finally {
      await empty.destroy();
    }
  });
});
