/**
 * Staff sign-in and sessions: `POST /v1/session` (sign in), `GET /v1/session` (who am I, and the CSRF
 * token), `DELETE /v1/session` (sign out), `POST /v1/session/revoke-all` (sign out everywhere), password
 * reset by email, and the first administrator's set-up. See `api/sessions.ts` for cookies and CSRF.
 */
import type { Request } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { PasswordSchema, sendAccountLink } from '../account-links';
import { clearAccountFailures, loginRetryAfter, recordLoginFailure } from '../login-throttle';
import { DUMMY_HASH, hashPassword, PASSWORD_MAX, verifyPassword } from '../passwords';
import { problem } from '../problem';
import {
  consumeAccountToken,
  findUser,
  findUserByEmail,
  hasUsers,
  insertUser,
  userView,
  type UserRow,
} from '../repositories/users';
import { defineRoute, type RouteContext } from '../route';
import { ANY_ROLE } from '../auth';
import {
  clearedSessionCookie,
  createSession,
  revokeSession,
  revokeUserSessions,
  sessionCookie,
} from '../sessions';
import { UserSchema } from './users';

const EmailSchema = z.email().max(254);
const TokenSchema = z.string().min(20).max(100);

const SignedInSchema = z
  .object({
    user: UserSchema,
    csrfToken: z
      .string()
      .meta({ description: 'Send as `X-CSRF-Token` on every write made with the session cookie.' }),
    expiresAt: z.string().optional().meta({ description: 'Absolute expiry of the session.' }),
  })
  .meta({ id: 'StaffSession' });

/** The client address throttling counts by. */
function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

async function signIn(ctx: RouteContext<unknown, unknown, unknown>, user: UserRow, status: number) {
  const { services, req } = ctx;
  const session = await createSession(services.db, user.id, services.now(), services.sessions, {
    ip: addressOf(req),
    userAgent: req.get('user-agent'),
  });
  return {
    status,
    body: { user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() },
    headers: { 'Set-Cookie': sessionCookie(req, session.token, services.sessions.absoluteMs) },
  };
}

const signInFailed = () =>
  problem(401, 'sign-in-failed', {
    es: 'Correo o contraseña incorrectos.',
    en: 'Wrong email or password.',
  });

/** Routes open without a key or session. */
export const publicSessionRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/session',
    operationId: 'signIn',
    summary: 'Sign in with email and password (sets the session cookie)',
    description:
      'Answers the user and the CSRF token and sets an HTTP-only `orquesta_session` cookie (SameSite=Lax, Secure over https). ' +
      'Wrong email, wrong password and deactivated accounts get the same 401. After too many failures for one account or ' +
      'from one address: 429 with `Retry-After`, whatever the password.',
    tags: ['session'],
    roles: ANY_ROLE,
    public: true,
    body: z.strictObject({ email: EmailSchema, password: z.string().min(1).max(PASSWORD_MAX) }),
    responses: {
      200: { description: 'Signed in', schema: SignedInSchema },
      401: { description: 'Wrong email or password' },
      429: { description: 'Too many failed sign-ins; see Retry-After' },
    },
    async handler(ctx) {
      const { body, services, req } = ctx;
      const at = services.now();
      const address = addressOf(req);
      const wait = await loginRetryAfter(services.db, body.email, address, at, services.loginThrottle);
      if (wait !== null) {
        throw problem(
          429,
          'sign-in-throttled',
          {
            es: `Demasiados intentos fallidos; espere ${wait} s antes de volver a intentarlo.`,
            en: `Too many failed attempts; wait ${wait} s before trying again.`,
          },
          { retryAfter: wait, headers: { 'Retry-After': String(wait) } },
        );
      }
      const user = await findUserByEmail(services.db, body.email);
      const usable = user !== undefined && user.deactivated_at === null && user.password_hash !== null;
      const matches = await verifyPassword(body.password, usable ? user.password_hash! : DUMMY_HASH);
      if (!usable || !matches) {
        await recordLoginFailure(services.db, body.email, address, at, services.loginThrottle);
        throw signInFailed();
      }
      await clearAccountFailures(services.db, body.email);
      return signIn(ctx, user, 200);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/password-resets',
    operationId: 'requestPasswordReset',
    summary: 'Email a single-use password reset link',
    description:
      'Always answers 202 with the same body, whether or not the email belongs to an account (existence is not disclosed). ' +
      'An active account gets a link valid for 30 minutes, sent through the outbox.',
    tags: ['session'],
    roles: ANY_ROLE,
    public: true,
    body: z.strictObject({ email: EmailSchema }),
    responses: { 202: { description: 'Accepted', schema: z.object({ accepted: z.literal(true) }) } },
    async handler({ body, services }) {
      const user = await findUserByEmail(services.db, body.email);
      if (user !== undefined && user.deactivated_at === null) {
        await sendAccountLink(services, user, 'password_reset');
      }
      return { status: 202, body: { accepted: true } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/password-resets/complete',
    operationId: 'completePasswordReset',
    summary: 'Set a new password with a reset or invitation link (ends every session of the user)',
    tags: ['session'],
    roles: ANY_ROLE,
    public: true,
    body: z.strictObject({ token: TokenSchema, password: PasswordSchema }),
    responses: {
      200: { description: 'Password set; sign in with it', schema: z.object({ user: UserSchema }) },
      400: { description: 'The link is unknown, used or expired (`body.token`)' },
    },
    async handler({ body, services, lang }) {
      const at = services.now();
      const used = await consumeAccountToken(services.db, body.token, ['reset', 'invite'], at);
      const user = used?.userId ? await findUser(services.db, used.userId) : undefined;
      if (user === undefined || user.deactivated_at !== null) {
        throw problem(
          400,
          'validation',
          { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
          {
            'invalid-params': [
              {
                name: 'body.token',
                reason:
                  lang === 'es'
                    ? 'el enlace no es válido, ya se usó o venció; pida otro'
                    : 'the link is not valid, was already used or has expired; ask for another',
              },
            ],
          },
        );
      }
      const updated = await services.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(body.password), updated_at: at })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await revokeUserSessions(services.db, user.id, at);
      await clearAccountFailures(services.db, user.email);
      return { status: 200, body: { user: userView(updated) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/setup',
    operationId: 'setUpFirstAdmin',
    summary: 'Create the first administrator with the one-time set-up link (only while there are no users)',
    description:
      '`npm start` prints the link (`/#/setup?token=...`) while the database has no users. Signs the new administrator in.',
    tags: ['session'],
    roles: ANY_ROLE,
    public: true,
    body: z.strictObject({
      token: TokenSchema,
      email: EmailSchema,
      displayName: z.string().trim().min(1).max(100),
      password: PasswordSchema,
      language: z.enum(['es', 'en']).default('es'),
    }),
    responses: {
      201: { description: 'The first administrator, signed in', schema: SignedInSchema },
      400: { description: 'The set-up link is unknown, used or expired (`body.token`)' },
      409: { description: 'There are users already' },
    },
    async handler(ctx) {
      const { body, services, lang } = ctx;
      const at = services.now();
      const passwordHash = await hashPassword(body.password);
      const created = await services.db.transaction().execute(async (trx) => {
        // One set-up at a time: the lock makes "no users yet" and the insert one step.
        await sql`lock table users in share row exclusive mode`.execute(trx);
        if (await hasUsers(trx)) return 'exists' as const;
        const used = await consumeAccountToken(trx, body.token, ['setup'], at);
        if (used === undefined) return 'bad-token' as const;
        return insertUser(trx, {
          email: body.email,
          displayName: body.displayName,
          role: 'admin',
          language: body.language,
          passwordHash,
        });
      });
      if (created === 'exists') {
        throw problem(409, 'already-set-up', {
          es: 'Ya hay usuarios; pida una cuenta a un administrador.',
          en: 'There are users already; ask an administrator for an account.',
        });
      }
      if (created === 'bad-token') {
        throw problem(
          400,
          'validation',
          { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
          {
            'invalid-params': [
              {
                name: 'body.token',
                reason:
                  lang === 'es'
                    ? 'el enlace de configuración no es válido, ya se usó o venció; reinicie el servidor para obtener otro'
                    : 'the set-up link is not valid, was already used or has expired; restart the server for another',
              },
            ],
          },
        );
      }
      return signIn(ctx, created, 201);
    },
  }),
];

function requireSession(auth: RouteContext<unknown, unknown, unknown>['auth']) {
  if (auth.user === null || auth.sessionId === null) {
    throw problem(409, 'session-required', {
      es: 'Esta operación es para personal con sesión iniciada, no para claves de API.',
      en: 'This operation is for signed-in staff, not for API keys.',
    });
  }
  return { user: auth.user, sessionId: auth.sessionId };
}

/** Routes of the signed-in user (behind authentication; API keys get 409 `session-required`). */
export const sessionRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/session',
    operationId: 'getSession',
    summary: 'The signed-in user and the CSRF token of the session',
    tags: ['session'],
    roles: ANY_ROLE,
    responses: {
      200: { description: 'The session', schema: SignedInSchema },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, services, res }) {
      const { user } = requireSession(auth);
      const row = await findUser(services.db, user.id);
      return {
        status: 200,
        body: { user: userView(row!), csrfToken: (res.locals.csrfToken as string | undefined) ?? '' },
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/session',
    operationId: 'signOut',
    summary: 'Sign out (ends this session)',
    tags: ['session'],
    roles: ANY_ROLE,
    responses: { 204: { description: 'Signed out' }, 409: { description: 'Called with an API key' } },
    async handler({ auth, services, req }) {
      const { sessionId } = requireSession(auth);
      await revokeSession(services.db, sessionId, services.now());
      return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(req) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/session/revoke-all',
    operationId: 'signOutEverywhere',
    summary: 'Sign out everywhere (ends every session of the signed-in user)',
    tags: ['session'],
    roles: ANY_ROLE,
    responses: {
      200: { description: 'Sessions ended', schema: z.object({ revoked: z.number().int() }) },
      409: { description: 'Called with an API key' },
    },
    async handler({ auth, services, req }) {
      const { user } = requireSession(auth);
      const revoked = await revokeUserSessions(services.db, user.id, services.now());
      return { status: 200, body: { revoked }, headers: { 'Set-Cookie': clearedSessionCookie(req) } };
    },
  }),
];
