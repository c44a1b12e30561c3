/**
 * Portal sign-in for a contract's authorized requesters: a one-time link and code by email (through the
 * outbox), a session cookie (HTTP-only, SameSite=Lax, its token stored hashed), sign-out. Whoever asks gets
 * the same answer, so the portal never tells which emails are authorized requesters.
 */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { z } from 'zod';
import { enqueueNotifications } from '../../activities/notifications/outbox';
import { PORTAL_SIGN_IN_TEMPLATE } from '../../activities/notifications/portal-sign-in';
import { problem } from '../problem';
import {
  definePortalRoute,
  SESSION_COOKIE,
  secureCookies,
  type AnyPortalRoute,
  type PortalOptions,
} from '../portal/route';
import {
  countSignInRequests,
  findRequester,
  issueSignIn,
  openSession,
  redeemSignIn,
  revokeSession,
  SESSION_TTL_MS,
  type PortalSession,
} from '../portal/sessions';

/** Default sign-in limits: per email and per client IP, within 15 minutes. */
export const DEFAULT_SIGN_IN_LIMITS = { perEmail: 5, perIp: 30, windowMs: 15 * 60_000 };

const SessionSchema = z.object({
  requester: z.object({ email: z.string(), name: z.string().nullable() }),
  customer: z.object({ id: z.string(), name: z.string() }),
  expiresAt: z.string(),
});

const SIGN_IN_INVALID = {
  es: 'El enlace o el código no es válido, ya se usó o venció. Pida uno nuevo.',
  en: 'The link or code is not valid, was already used or has expired. Ask for a new one.',
};

function portalBase(req: Request, options: PortalOptions): string {
  return (options.baseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

function sessionCookie(req: Request, options: PortalOptions, token: string, maxAgeMs: number): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    ...(secureCookies(req, options) ? ['Secure'] : []),
  ].join('; ');
}

async function sessionBody(services: { db: Kysely<Database> }, s: PortalSession) {
  const customer = await services.db
    .selectFrom('customers')
    .select(['id', 'name'])
    .where('id', '=', s.customerId)
    .executeTakeFirstOrThrow();
  return {
    requester: { email: s.email, name: s.name },
    customer: { id: customer.id, name: customer.name },
    expiresAt: s.expiresAt.toISOString(),
  };
}

/** The sign-in routes. */
export function portalSignInRoutes(): AnyPortalRoute[] {
  return [
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/sign-in',
      operationId: 'portalRequestSignIn',
      summary: 'Email a one-time sign-in link and code to an authorized requester',
      description:
        'Always answers 202 with the same body, whether or not the email belongs to an authorized requester. ' +
        'The link and the code work once, for 15 minutes. Rate-limited per email and per client IP (429 with `Retry-After`).',
      public: true,
      body: z.strictObject({ email: z.email().max(320), lang: z.enum(['es', 'en']).optional() }),
      responses: {
        202: {
          description: 'If the email is an authorized requester, a sign-in email is on its way',
          schema: z.object({ status: z.literal('sent') }),
        },
        429: {
          description: 'Too many sign-in requests for this email or from this address; see `Retry-After`',
        },
      },
      async handler({ body, req, services, options, lang }) {
        const now = services.now();
        const limits = options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
        const email = body.email.trim().toLowerCase();
        const ip = (options.clientIp ?? ((r: Request) => r.ip ?? 'unknown'))(req);
        const counts = await countSignInRequests(services.db, { email, ip, now, windowMs: limits.windowMs });
        const overEmail = counts.byEmail > limits.perEmail;
        const overIp = counts.byIp > limits.perIp;
        if (overEmail || overIp) {
          const oldest = [overEmail ? counts.oldestEmail : null, overIp ? counts.oldestIp : null]
            .filter((d): d is Date => d !== null)
            .map((d) => new Date(d).getTime());
          const retryAfter = Math.max(
            1,
            Math.ceil((Math.max(...oldest, now.getTime()) + limits.windowMs - now.getTime()) / 1000),
          );
          throw problem(
            429,
            'rate-limited',
            {
              es: 'Demasiadas solicitudes de acceso. Espere unos minutos e inténtelo de nuevo.',
              en: 'Too many sign-in requests. Wait a few minutes and try again.',
            },
            { headers: { 'Retry-After': String(retryAfter) } },
          );
        }
        const requester = await findRequester(services.db, email, now);
        if (requester !== undefined) {
          const issued = await issueSignIn(services.db, requester, now);
          const link = `${portalBase(req, options)}/portal/#/sign-in/${issued.linkToken}`;
          await enqueueNotifications(services.db, [
            {
              dedupeKey: `portal-sign-in:${issued.id}`,
              ticketNumber: null,
              channel: 'email',
              template: PORTAL_SIGN_IN_TEMPLATE as never,
              locale: body.lang ?? lang,
              recipient: requester.email,
              // No ticket: rendered by `renderPortalSignIn`, not by the ticket templates.
              payload: {
                link,
                code: issued.code,
                expiresAt: issued.expiresAt.toISOString(),
                ...(requester.name && { requesterName: requester.name }),
              },
            },
          ]);
        }
        return { status: 202, body: { status: 'sent' } };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/sign-in/verify',
      operationId: 'portalVerifySignIn',
      summary: 'Spend a sign-in link token (or email and code) and open a session',
      description:
        'Sets the session cookie (`HttpOnly`, `SameSite=Lax`, `Secure` over https). A token or code works once; five wrong codes spend the email’s pending sign-ins.',
      public: true,
      body: z.union([
        z.strictObject({ token: z.string().min(20).max(200) }),
        z.strictObject({ email: z.email().max(320), code: z.string().regex(/^\s*\d{6}\s*$/, 'six digits') }),
      ]),
      responses: {
        200: { description: 'Signed in', schema: SessionSchema },
        401: { description: 'Unknown, used or expired link or code' },
      },
      async handler({ body, req, res, services, options }) {
        const now = services.now();
        const requester = await redeemSignIn(services.db, body, now);
        if (requester === undefined) throw problem(401, 'sign-in-invalid', SIGN_IN_INVALID);
        const { token, session } = await openSession(services.db, requester, now);
        res.setHeader('Set-Cookie', sessionCookie(req, options, token, SESSION_TTL_MS));
        return { status: 200, body: await sessionBody(services, session) };
      },
    }),
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/session',
      operationId: 'portalSession',
      summary: 'Who is signed in',
      responses: { 200: { description: 'The session', schema: SessionSchema } },
      async handler({ session, services }) {
        return { status: 200, body: await sessionBody(services, session!) };
      },
    }),
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/sign-out',
      operationId: 'portalSignOut',
      summary: 'End the session',
      responses: { 204: { description: 'Signed out; the cookie is cleared' } },
      async handler({ session, services, req, res, options }) {
        await revokeSession(services.db, session!.id, services.now());
        res.setHeader('Set-Cookie', sessionCookie(req, options, '', 0));
        return { status: 204 };
      },
    }),
  ];
}
