/**
 * Who calls: an API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`, for integrations) or a
 * signed-in staff member (the session cookie, `sessions.ts`). Only the sha256 of a key is stored; the
 * plaintext is returned once, when the key is created. A key has one role and may be scoped to some
 * customers, in which case it sees and acts on their objects only.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { problem } from './problem';
import {
  clearedSessionCookie,
  csrfFailure,
  findSession,
  sessionTokenOf,
  type SessionOptions,
  type SessionUser,
} from './sessions';

/** Roles of API keys. */
export const ROLES = ['admin', 'agent', 'integration', 'read-only'] as const;
/** A role. */
export type Role = (typeof ROLES)[number];

/** Every role. */
export const ANY_ROLE: readonly Role[] = ROLES;
/** Roles that read help-desk data (staff and auditors). */
export const READERS: readonly Role[] = ['admin', 'agent', 'read-only'];
/** Roles that do the help desk's daily work (tickets, canned replies); customers and contracts are {@link MANAGERS}'. */
export const STAFF: readonly Role[] = ['admin', 'agent'];
/** Administrators only. */
export const ADMIN: readonly Role[] = ['admin'];

/** Roles a caller may have: an API key's, or a staff member's (who may also be a supervisor). */
export type CallerRole = Role | 'supervisor';

/**
 * Roles that create and edit customers, contracts and add-on purchases: administrators and signed-in supervisors
 * (no API key has the supervisor role, so among keys only admin keys may).
 */
export const MANAGERS: readonly CallerRole[] = ['admin', 'supervisor'];

/** Whether a caller with `role` may call an operation open to `roles`: supervisors may do what agents may. */
export function roleAllows(roles: readonly CallerRole[], role: CallerRole): boolean {
  return roles.includes(role) || (role === 'supervisor' && roles.includes('agent'));
}

/** The caller of a request, from its API key or its session. */
export interface Principal {
  /** The API key's id, or the signed-in user's id (idempotency keys and rate limits are per caller). */
  keyId: string;
  /** The key's name, or the user's display name. */
  name: string;
  role: CallerRole;
  /** Customers the key is limited to; null when it sees every customer. */
  customerIds: string[] | null;
  /** HMAC secret for integration events signed with this key. */
  signingSecret: string | null;
  /** The signed-in staff member; null for API keys. */
  user: SessionUser | null;
  /** The session's id, for sign-out; null for API keys. */
  sessionId: string | null;
}

/** sha256 (hex) of a key, as stored. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What to create a key with. */
export interface NewApiKey {
  name: string;
  role: Role;
  customerIds?: string[] | null;
  /** Integration keys get a generated signing secret unless one is given. */
  signingSecret?: string | null;
  /** After this instant the key is refused; null or absent: it never expires. */
  expiresAt?: Date | null;
}

/** A created key: the plaintext `key` (and signing secret) are only known now. */
export interface CreatedApiKey {
  id: string;
  name: string;
  role: Role;
  customerIds: string[] | null;
  key: string;
  keyPrefix: string;
  signingSecret: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Creates an API key and returns its plaintext once (for scripts, tests and `POST /v1/api-keys`). */
export async function createApiKey(db: Kysely<Database>, input: NewApiKey): Promise<CreatedApiKey> {
  const id = `key_${randomBytes(8).toString('hex')}`;
  const key = `oq_${randomBytes(32).toString('base64url')}`;
  const keyPrefix = key.slice(0, 10);
  const signingSecret =
    input.signingSecret !== undefined
      ? input.signingSecret
      : input.role === 'integration'
        ? randomBytes(32).toString('base64url')
        : null;
  const customerIds = input.customerIds ?? null;
  const expiresAt = input.expiresAt ?? null;
  const row = await db
    .insertInto('api_keys')
    .values({
      id,
      name: input.name,
      role: input.role,
      customer_ids: customerIds,
      key_hash: hashKey(key),
      key_prefix: keyPrefix,
      signing_secret: signingSecret,
      expires_at: expiresAt,
    })
    .returning(['created_at'])
    .executeTakeFirstOrThrow();
  return {
    id,
    name: input.name,
    role: input.role,
    customerIds,
    key,
    keyPrefix,
    signingSecret,
    createdAt: row.created_at,
    expiresAt,
  };
}

/** The key in a request's `Authorization: Bearer` or `X-Api-Key` header. */
function presentedKey(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return apiKey?.trim() || undefined;
}

/** The last use of a key is written when the stored one is older than this (one write per key a minute). */
export const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Looks up the caller's key; 401 problem when it is missing, unknown, revoked or expired (`reason` says
 * which of the last). Records the key's last use, at most once a minute.
 */
export function authenticate(
  db: Kysely<Database>,
  now: () => Date = () => new Date(),
  sessions?: SessionOptions,
): RequestHandler {
  return async (req, res, next) => {
    const unauthorized = (
      detail: { es: string; en: string },
      extra: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ) =>
      problem(401, 'unauthorized', detail, {
        ...extra,
        headers: { 'WWW-Authenticate': 'Bearer realm="orquesta"', ...headers },
      });
    const explicitKey = req.get('authorization') !== undefined || req.get('x-api-key') !== undefined;
    const cookieToken = sessionTokenOf(req);
    if (!explicitKey && cookieToken !== undefined && sessions !== undefined) {
      const found = await findSession(db, cookieToken, now(), sessions);
      if (found === 'unknown' || found === 'expired') {
        throw unauthorized(
          found === 'expired'
            ? { es: 'La sesión venció; vuelva a entrar.', en: 'The session has expired; sign in again.' }
            : { es: 'La sesión terminó; vuelva a entrar.', en: 'The session has ended; sign in again.' },
          { reason: found === 'expired' ? 'session-expired' : 'session-ended' },
          { 'Set-Cookie': clearedSessionCookie(req) },
        );
      }
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        const failure = csrfFailure(req, found.csrfToken);
        if (failure !== null) {
          throw problem(
            403,
            'csrf',
            {
              es: 'La solicitud no trae la prueba de la sesión (X-CSRF-Token) o viene de otro sitio; recargue la consola.',
              en: 'The request lacks the session proof (X-CSRF-Token) or comes from another site; reload the console.',
            },
            { reason: failure },
          );
        }
      }
      const principal: Principal = {
        keyId: found.user.id,
        name: found.user.displayName,
        role: found.user.role,
        customerIds: null,
        signingSecret: null,
        user: found.user,
        sessionId: found.sessionId,
      };
      res.locals.auth = principal;
      res.locals.csrfToken = found.csrfToken;
      req.log?.setBindings?.({ user: found.user.id });
      next();
      return;
    }
    const key = presentedKey(req.get('authorization'), req.get('x-api-key'));
    if (key === undefined || key.length > 200) {
      throw unauthorized(
        {
          es: 'Falta la clave de API (Authorization: Bearer <clave> o X-Api-Key).',
          en: 'Missing API key (Authorization: Bearer <key> or X-Api-Key).',
        },
        { reason: 'missing' },
      );
    }
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role', 'customer_ids', 'signing_secret', 'expires_at', 'last_used_at'])
      .where('key_hash', '=', hashKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) {
      throw unauthorized(
        { es: 'Clave de API desconocida o revocada.', en: 'Unknown or revoked API key.' },
        { reason: 'unknown-or-revoked' },
      );
    }
    const at = now();
    if (row.expires_at !== null && row.expires_at.getTime() <= at.getTime()) {
      const expiredAt = row.expires_at.toISOString();
      throw unauthorized(
        { es: `La clave de API venció el ${expiredAt}.`, en: `The API key expired at ${expiredAt}.` },
        { reason: 'expired', expiredAt },
      );
    }
    if (row.last_used_at === null || at.getTime() - row.last_used_at.getTime() >= LAST_USED_GRANULARITY_MS) {
      await recordUse(db, row.id, at).catch((error: unknown) =>
        req.log?.warn({ err: error }, 'could not record the last use of an API key'),
      );
    }
    const principal: Principal = {
      keyId: row.id,
      name: row.name,
      role: row.role,
      customerIds: row.customer_ids,
      signingSecret: row.signing_secret,
      user: null,
      sessionId: null,
    };
    res.locals.auth = principal;
    req.log?.setBindings?.({ apiKey: row.id });
    next();
  };
}

/** Sets `last_used_at` unless another request (or process) already did within the last minute. */
async function recordUse(db: Kysely<Database>, keyId: string, at: Date): Promise<void> {
  const stale = new Date(at.getTime() - LAST_USED_GRANULARITY_MS);
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', stale)]))
    .execute();
}

/** Whether the caller may see objects of `customerId`. */
export function canSeeCustomer(auth: Principal, customerId: string): boolean {
  return auth.customerIds === null || auth.customerIds.includes(customerId);
}

/** 404 (not 403: existence is not disclosed) unless the caller may see objects of `customerId`. */
export function assertCustomerVisible(
  auth: Principal,
  customerId: string,
  what: { es: string; en: string } = { es: 'el cliente', en: 'Customer' },
): void {
  if (!canSeeCustomer(auth, customerId)) throw notFound(what);
}

/** A 404 problem naming what was not found. */
export function notFound(what: { es: string; en: string }) {
  return problem(404, 'not-found', { es: `No existe ${what.es}.`, en: `${what.en} not found.` });
}

/** 403 for a customer-scoped key doing something only unscoped keys may do. */
export function assertUnscoped(auth: Principal): void {
  if (auth.customerIds !== null) {
    throw problem(403, 'forbidden', {
      es: 'Una clave limitada a clientes no puede hacer esto.',
      en: 'A key scoped to customers may not do this.',
    });
  }
}
