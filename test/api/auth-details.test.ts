/**
 * Details of `api/auth.ts` over real HTTP and a real Postgres, on an injected clock: which header forms carry
 * a key, key before cookie, CSRF only on cookie-authenticated writes, the refusal reasons and texts in both
 * languages, the expiry instant, the last-use record and its granularity, what `createApiKey` stores, and
 * the caller bindings and warnings the middleware logs.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import { pino } from 'pino';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import {
  assertCustomerVisible,
  authenticate,
  createApiKey,
  hashKey,
  LAST_USED_GRANULARITY_MS,
  MANAGERS,
  roleAllows,
  STAFF,
  type Principal,
} from '../../api/auth';
import { PROBLEM_BASE, ProblemError, problemErrorHandler } from '../../api/problem';
import { insertUser } from '../../api/repositories/users';
import { createSession, revokeSession, SESSION_COOKIE, type SessionOptions } from '../../api/sessions';
import type { UserRole } from '../../db/schema';
import { eventually } from '../lifecycle/fixtures';
import { checkResponsesAfterEach, createTestApi, type TestApi } from './helpers';

const HOUR = 3_600_000;
const SESSIONS: SessionOptions = { idleMs: 2 * HOUR, absoluteMs: 12 * HOUR };
/** The app's clock; fixed, so instants compared to "now" are exact. */
const clock = Date.now();
const at = (offsetMs = 0) => new Date(clock + offsetMs);

let api: TestApi;
checkResponsesAfterEach(() => api);

beforeAll(async () => {
  api = await createTestApi({ api: { now: () => at(), sessions: SESSIONS } });
});
afterAll(() => api.destroy());

let seq = 0;
/** A staff member with a live session started `startedAgoMs` before the clock; returns its cookie. */
async function session(role: UserRole, startedAgoMs = 0) {
  const user = await insertUser(api.db, {
    email: `${role}.${++seq}@staff.example`,
    displayName: `${role} ${seq}`,
    role,
    language: 'es',
    passwordHash: 'not used',
  });
  const started = await createSession(api.db, user.id, at(-startedAgoMs), SESSIONS);
  const row = await api.db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  return {
    user,
    sessionId: row.id,
    cookie: `${SESSION_COOKIE}=${started.token}`,
    csrf: started.csrfToken,
  };
}

/** The stored row of a key. */
const keyRow = (key: string) =>
  api.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashKey(key)).executeTakeFirstOrThrow();

/** A scoped caller, as the middleware would build it from a key. */
const scopedPrincipal: Principal = {
  keyId: 'key_scoped',
  name: 'scoped',
  role: 'agent',
  customerIds: ['acme'],
  signingSecret: null,
  user: null,
  sessionId: null,
};

describe('roles', () => {
  it('lets a supervisor do what agents may, and no more than its own roles otherwise', () => {
    expect(roleAllows(STAFF, 'supervisor')).toBe(true);
    expect(roleAllows(['agent'], 'supervisor')).toBe(true);
    expect(roleAllows(MANAGERS, 'supervisor')).toBe(true);
    expect(roleAllows(['admin'], 'supervisor')).toBe(false);
    expect(roleAllows(['admin', 'read-only'], 'supervisor')).toBe(false);
  });

  it('keeps agents out of what only supervisors and administrators may do', () => {
    expect(roleAllows(MANAGERS, 'agent')).toBe(false);
    expect(roleAllows(['supervisor'], 'agent')).toBe(false);
    expect(roleAllows(STAFF, 'agent')).toBe(true);
    expect(roleAllows(STAFF, 'read-only')).toBe(false);
  });

  it('lets a signed-in supervisor call an agent route, and refuses an agent key a supervisor route', async () => {
    const supervisor = await session('supervisor');
    const replies = await request(api.app).get('/v1/canned-replies').set('Cookie', supervisor.cookie);
    expect(replies.status, replies.text).toBe(200);
    const agentKey = await api.keyFor('agent');
    const created = await api.call('post', '/v1/customers', agentKey).send({ name: 'Not mine to create' });
    expect(created.status).toBe(403);
    expect(created.body.type).toBe(`${PROBLEM_BASE}forbidden`);
    expect([...created.body.roles].sort()).toEqual(['admin', 'supervisor']);
  });
});

describe('reading the key from the headers', () => {
  const withAuthorization = (value: string) =>
    request(api.app).get('/v1/customers').set('Authorization', value).set('Accept-Language', 'en');

  it('reads `Bearer <key>` case-insensitively, with any run of whitespace between', async () => {
    expect((await withAuthorization(`Bearer ${api.adminKey}`)).status).toBe(200);
    expect((await withAuthorization(`bearer ${api.adminKey}`)).status).toBe(200);
    expect((await withAuthorization(`Bearer  ${api.adminKey}`)).status).toBe(200);
    expect((await withAuthorization(`Bearer \t ${api.adminKey}`)).status).toBe(200);
  });

  it('ignores whitespace after the key, even a no-break space that HTTP does not strip', async () => {
    expect((await withAuthorization(`Bearer ${api.adminKey}   `)).status).toBe(200);
    expect((await withAuthorization(`Bearer ${api.adminKey}\u00a0`)).status).toBe(200);
  });

  it.each([
    ['a scheme that only ends in Bearer', (k: string) => `xBearer ${k}`],
    ['a second word after the key', (k: string) => `Bearer ${k} extra`],
    ['no key after Bearer', () => 'Bearer'],
    ['another scheme', (k: string) => `Basic ${k}`],
  ])('refuses %s as a missing key', async (_name, header) => {
    const res = await withAuthorization(header(api.adminKey));
    expect(res.status).toBe(401);
    expect(res.body.type).toBe(`${PROBLEM_BASE}unauthorized`);
    expect(res.body.reason).toBe('missing');
    expect(res.body.detail).toBe('Missing API key (Authorization: Bearer <key> or X-Api-Key).');
  });

  it('trims the X-Api-Key header and takes an empty one for no key at all', async () => {
    const spaced = await request(api.app).get('/v1/customers').set('X-Api-Key', `  ${api.adminKey}\u00a0`);
    expect(spaced.status, spaced.text).toBe(200);
    const empty = await request(api.app)
      .get('/v1/customers')
      .set('X-Api-Key', '')
      .set('Accept-Language', 'es');
    expect(empty.status).toBe(401);
    expect(empty.body.reason).toBe('missing');
    expect(empty.body.detail).toBe('Falta la clave de API (Authorization: Bearer <clave> o X-Api-Key).');
  });

  it('refuses a key longer than 200 characters as missing, and looks up one of exactly 200', async () => {
    const long = await withAuthorization(`Bearer ${'k'.repeat(201)}`);
    expect(long.status).toBe(401);
    expect(long.body.reason).toBe('missing');
    const longest = await withAuthorization(`Bearer ${'k'.repeat(200)}`);
    expect(longest.status).toBe(401);
    expect(longest.body.reason).toBe('unknown-or-revoked');
  });
});

describe('key or cookie', () => {
  it('authenticates by the Authorization key when the request also carries a session cookie', async () => {
    const agent = await session('agent');
    // API keys are administered by admins only: the agent's cookie alone is refused, the admin key is not.
    const byCookie = await request(api.app).get('/v1/api-keys').set('Cookie', agent.cookie);
    expect(byCookie.status).toBe(403);
    const res = await request(api.app)
      .get('/v1/api-keys')
      .set('Cookie', agent.cookie)
      .set('Authorization', `Bearer ${api.adminKey}`);
    expect(res.status, res.text).toBe(200);
  });

  it('authenticates by the X-Api-Key key when the request also carries a session cookie', async () => {
    const agent = await session('agent');
    const res = await request(api.app)
      .get('/v1/api-keys')
      .set('Cookie', agent.cookie)
      .set('X-Api-Key', api.adminKey);
    expect(res.status, res.text).toBe(200);
  });

  it('refuses an unknown key even beside a live session cookie', async () => {
    const admin = await session('admin');
    const res = await request(api.app)
      .get('/v1/customers')
      .set('Cookie', admin.cookie)
      .set('Authorization', 'Bearer oq_unknown');
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('unknown-or-revoked');
  });

  it('needs no CSRF token on a key-authenticated write, even beside a session cookie', async () => {
    const agent = await session('agent');
    const res = await request(api.app)
      .post('/v1/customers')
      .set('Cookie', agent.cookie)
      .set('Authorization', `Bearer ${api.adminKey}`)
      .send({ name: 'Created by key' });
    expect(res.status, res.text).toBe(201);
  });

  it('lets cookie-authenticated GET, HEAD and OPTIONS through without the CSRF token', async () => {
    const agent = await session('agent');
    const get = await request(api.app).get('/v1/session').set('Cookie', agent.cookie);
    expect(get.status).toBe(200);
    const head = await request(api.app).head('/v1/session').set('Cookie', agent.cookie);
    expect(head.status).toBe(200);
    // Past authentication, OPTIONS finds no route of its own: 404, not a CSRF refusal.
    const options = await request(api.app).options('/v1/session').set('Cookie', agent.cookie);
    expect(options.status).toBe(404);
    expect(options.body.type).not.toBe(`${PROBLEM_BASE}csrf`);
  });

  it('refuses a cookie-authenticated write without the CSRF token, saying so in both languages', async () => {
    const agent = await session('agent');
    const write = () =>
      request(api.app).patch('/v1/users/me').set('Cookie', agent.cookie).send({ language: 'en' });
    const es = await write().set('Accept-Language', 'es');
    expect(es.status).toBe(403);
    expect(es.body).toMatchObject({ type: `${PROBLEM_BASE}csrf`, reason: 'missing-token' });
    expect(es.body.detail).toBe(
      'La solicitud no trae la prueba de la sesión (X-CSRF-Token) o viene de otro sitio; recargue la consola.',
    );
    const en = await write().set('Accept-Language', 'en');
    expect(en.body.detail).toBe(
      'The request lacks the session proof (X-CSRF-Token) or comes from another site; reload the console.',
    );
    const ok = await write().set('X-CSRF-Token', agent.csrf);
    expect(ok.status, ok.text).toBe(200);
  });
});

describe('ended and expired sessions', () => {
  const read = (cookie: string, lang: 'es' | 'en') =>
    request(api.app).get('/v1/session').set('Cookie', cookie).set('Accept-Language', lang);

  it('answers an expired session with 401 session-expired, in Spanish or English, and clears the cookie', async () => {
    const idle = await session('agent', 3 * HOUR);
    const es = await read(idle.cookie, 'es');
    expect(es.status).toBe(401);
    expect(es.body).toMatchObject({
      type: `${PROBLEM_BASE}unauthorized`,
      reason: 'session-expired',
      detail: 'La sesión venció; vuelva a entrar.',
    });
    expect(String(es.headers['set-cookie'])).toContain(`${SESSION_COOKIE}=;`);
    const en = await read(idle.cookie, 'en');
    expect(en.status).toBe(401);
    expect(en.body.detail).toBe('The session has expired; sign in again.');
  });

  it('answers an ended session with 401 session-ended, in Spanish or English', async () => {
    const gone = await session('agent');
    await revokeSession(api.db, gone.sessionId, at());
    const es = await read(gone.cookie, 'es');
    expect(es.status).toBe(401);
    expect(es.body).toMatchObject({
      type: `${PROBLEM_BASE}unauthorized`,
      reason: 'session-ended',
      detail: 'La sesión terminó; vuelva a entrar.',
    });
    const en = await read(gone.cookie, 'en');
    expect(en.status).toBe(401);
    expect(en.body.detail).toBe('The session has ended; sign in again.');
  });
});

describe('API keys', () => {
  it('refuses an unknown or revoked key with its reason, in Spanish or English', async () => {
    const key = await api.keyFor('agent');
    await api.db
      .updateTable('api_keys')
      .set({ revoked_at: at() })
      .where('key_hash', '=', hashKey(key))
      .execute();
    for (const presented of [key, 'oq_never-issued']) {
      const es = await api.call('get', '/v1/customers', presented).set('Accept-Language', 'es');
      expect(es.status).toBe(401);
      expect(es.body).toMatchObject({
        type: `${PROBLEM_BASE}unauthorized`,
        reason: 'unknown-or-revoked',
        detail: 'Clave de API desconocida o revocada.',
      });
      expect(es.headers['www-authenticate']).toBe('Bearer realm="orquesta"');
      const en = await api.call('get', '/v1/customers', presented).set('Accept-Language', 'en');
      expect(en.body.detail).toBe('Unknown or revoked API key.');
    }
  });

  it('refuses a key from the instant it expires, naming that instant', async () => {
    const expiring = await createApiKey(api.db, { name: 'expires now', role: 'agent', expiresAt: at() });
    const expiredAt = at().toISOString();
    const es = await api.call('get', '/v1/customers', expiring.key).set('Accept-Language', 'es');
    expect(es.status).toBe(401);
    expect(es.body).toMatchObject({
      type: `${PROBLEM_BASE}unauthorized`,
      reason: 'expired',
      expiredAt,
      detail: `La clave de API venció el ${expiredAt}.`,
    });
    const en = await api.call('get', '/v1/customers', expiring.key).set('Accept-Language', 'en');
    expect(en.body.detail).toBe(`The API key expired at ${expiredAt}.`);
    const later = await createApiKey(api.db, { name: 'expires soon', role: 'agent', expiresAt: at(1) });
    expect((await api.call('get', '/v1/customers', later.key)).status).toBe(200);
  });

  it('records the first use of a key, and again only once the granularity has passed', async () => {
    const key = await api.keyFor('agent');
    expect((await keyRow(key)).last_used_at).toBeNull();
    expect((await api.call('get', '/v1/customers', key)).status).toBe(200);
    expect((await keyRow(key)).last_used_at).toEqual(at());

    const setLastUse = (offsetMs: number) =>
      api.db
        .updateTable('api_keys')
        .set({ last_used_at: at(offsetMs) })
        .where('key_hash', '=', hashKey(key))
        .execute();
    // Within the granularity: left as it was.
    await setLastUse(-(LAST_USED_GRANULARITY_MS - 1));
    expect((await api.call('get', '/v1/customers', key)).status).toBe(200);
    expect((await keyRow(key)).last_used_at).toEqual(at(-(LAST_USED_GRANULARITY_MS - 1)));
    // Exactly the granularity ago: rewritten.
    await setLastUse(-LAST_USED_GRANULARITY_MS);
    expect((await api.call('get', '/v1/customers', key)).status).toBe(200);
    expect((await keyRow(key)).last_used_at).toEqual(at());
  });

  it('keeps a last use another request recorded meanwhile, within the granularity', async () => {
    const key = await api.keyFor('agent');
    const id = (await keyRow(key)).id;
    // Another request holds the row: it has recorded its use 1 s ago but not committed yet. This request
    // read no last use, so it goes to record its own, waits for the row, and then finds the fresh one.
    const meanwhile = at(-1000);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const other = api.db.transaction().execute(async (trx) => {
      await trx.updateTable('api_keys').set({ last_used_at: meanwhile }).where('id', '=', id).execute();
      await released;
    });
    const waitingFor = (query: string) =>
      sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query like ${query}`.execute(api.db);
    try {
      // `then` sends the request now; its last-use update then waits for the row.
      const res = api.call('get', '/v1/customers', key).then((r) => r);
      await eventually(
        async () => (await waitingFor('update "api_keys"%')).rows[0]!.n,
        (n) => n > 0,
      );
      release();
      await other;
      expect((await res).status).toBe(200);
    } finally {
      release();
      await other;
    }
    expect((await keyRow(key)).last_used_at).toEqual(meanwhile);
  });

  it('stores the key’s first 10 characters as its prefix and only the sha256 of the whole key', async () => {
    const created = await createApiKey(api.db, { name: 'shape', role: 'agent' });
    expect(created.key).toMatch(/^oq_[A-Za-z0-9_-]{43}$/);
    expect(created.keyPrefix).toBe(created.key.slice(0, 10));
    const row = await keyRow(created.key);
    expect(row.key_prefix).toBe(created.key.slice(0, 10));
    expect(row.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row.signing_secret).toBeNull();
  });

  it('gives an integration key a generated base64url signing secret of 32 bytes', async () => {
    const created = await createApiKey(api.db, { name: 'integration', role: 'integration' });
    expect(created.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await keyRow(created.key)).signing_secret).toBe(created.signingSecret);
    const other = await createApiKey(api.db, { name: 'integration 2', role: 'integration' });
    expect(other.signingSecret).not.toBe(created.signingSecret);
  });
});

describe('not found and customer scope', () => {
  it('names what was not found, in Spanish or English', async () => {
    const es = await api.call('get', '/v1/customers/nobody').set('Accept-Language', 'es');
    expect(es.status).toBe(404);
    expect(es.body).toMatchObject({ type: `${PROBLEM_BASE}not-found`, detail: 'No existe el cliente.' });
    const en = await api.call('get', '/v1/customers/nobody').set('Accept-Language', 'en');
    expect(en.body.detail).toBe('Customer not found.');
  });

  it('hides another customer from a scoped caller as a customer not found, unless told what else', () => {
    const thrown = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const hidden = thrown(() => assertCustomerVisible(scopedPrincipal, 'zeta'));
    expect(hidden).toBeInstanceOf(ProblemError);
    expect((hidden as ProblemError).problem.status).toBe(404);
    expect((hidden as ProblemError).localized).toEqual({
      es: 'No existe el cliente.',
      en: 'Customer not found.',
    });
    const named = thrown(() =>
      assertCustomerVisible(scopedPrincipal, 'zeta', { es: 'el contrato', en: 'Contract' }),
    );
    expect((named as ProblemError).localized).toEqual({
      es: 'No existe el contrato.',
      en: 'Contract not found.',
    });
    expect(thrown(() => assertCustomerVisible(scopedPrincipal, 'acme'))).toBeUndefined();
  });

  it('refuses a customer-scoped key what only unscoped keys may do, in Spanish or English', async () => {
    const scoped = await api.keyFor('admin', ['acme']);
    const es = await api
      .call('post', '/v1/customers', scoped)
      .set('Accept-Language', 'es')
      .send({ name: 'Nuevo' });
    expect(es.status).toBe(403);
    expect(es.body).toMatchObject({
      type: `${PROBLEM_BASE}forbidden`,
      detail: 'Una clave limitada a clientes no puede hacer esto.',
    });
    const en = await api
      .call('post', '/v1/customers', scoped)
      .set('Accept-Language', 'en')
      .send({ name: 'New' });
    expect(en.body.detail).toBe('A key scoped to customers may not do this.');
  });
});

describe('logging', () => {
  /** Log lines of an app over the same database. */
  function loggedApp() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      {
        write(line: string) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    );
    const app = createApp({
      logger,
      readiness: {},
      db: api.db,
      api: { now: () => at(), sessions: SESSIONS },
    });
    return { app, lines };
  }

  it('logs each request with the key or the signed-in user that made it', async () => {
    const { app, lines } = loggedApp();
    const key = await createApiKey(api.db, { name: 'logged', role: 'agent' });
    expect((await request(app).get('/v1/customers').set('X-Api-Key', key.key)).status).toBe(200);
    const agent = await session('agent');
    expect((await request(app).get('/v1/session').set('Cookie', agent.cookie)).status).toBe(200);
    const completed = await eventually(
      () => Promise.resolve(lines.filter((l) => l.msg === 'request completed')),
      (found) => found.length === 2,
    );
    expect(completed[0]).toMatchObject({ apiKey: key.id });
    expect(completed[1]).toMatchObject({ user: agent.user.id });
  });

  it('answers even when the last use cannot be recorded, and logs a warning', async () => {
    const { app, lines } = loggedApp();
    const key = await createApiKey(api.db, { name: 'unrecordable', role: 'agent' });
    await sql`create function refuse_last_use() returns trigger language plpgsql as $$
      begin raise exception 'last use refused for this test'; end $$`.execute(api.db);
    await sql`create trigger refuse_last_use before update on api_keys for each row
      when (new.name = 'unrecordable') execute function refuse_last_use()`.execute(api.db);
    try {
      const res = await request(app).get('/v1/customers').set('X-Api-Key', key.key);
      expect(res.status, res.text).toBe(200);
      const warning = lines.find((l) => l.msg === 'could not record the last use of an API key');
      expect(warning).toMatchObject({ level: 40 });
      expect(JSON.stringify(warning?.err)).toContain('last use refused for this test');
      // Without a request logger (the middleware used outside the app), it answers all the same.
      const bare = express();
      bare.get('/', authenticate(api.db), (_req, res) => {
        res.json({ ok: true });
      });
      bare.use(problemErrorHandler);
      const plain = await request(bare).get('/').set('X-Api-Key', key.key);
      expect(plain.status, plain.text).toBe(200);
    } finally {
      await sql`drop trigger refuse_last_use on api_keys`.execute(api.db);
      await sql`drop function refuse_last_use()`.execute(api.db);
    }
    expect((await keyRow(key.key)).last_used_at).toBeNull();
  });

  it('authenticates keys and sessions outside the app, on the real clock, without a request logger', async () => {
    const bare = express();
    bare.get('/', authenticate(api.db, undefined, SESSIONS), (_req, res) => {
      res.json((res.locals.auth as Principal).keyId);
    });
    bare.use(problemErrorHandler);
    const key = await createApiKey(api.db, { name: 'bare', role: 'agent' });
    const byKey = await request(bare).get('/').set('Authorization', `Bearer ${key.key}`);
    expect(byKey.status, byKey.text).toBe(200);
    expect(byKey.body).toBe(key.id);
    const last = (await keyRow(key.key)).last_used_at!.getTime();
    expect(Math.abs(last - Date.now())).toBeLessThan(60_000);
    const user = await insertUser(api.db, {
      email: `bare.${++seq}@staff.example`,
      displayName: 'bare',
      role: 'agent',
      language: 'es',
      passwordHash: 'not used',
    });
    const started = await createSession(api.db, user.id, new Date(), SESSIONS);
    const bySession = await request(bare).get('/').set('Cookie', `${SESSION_COOKIE}=${started.token}`);
    expect(bySession.status, bySession.text).toBe(200);
    expect(bySession.body).toBe(user.id);
  });
});
