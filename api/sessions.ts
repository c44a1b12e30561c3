/**
 * Console sessions. Signing in sets an HTTP-only cookie holding a random token; only its sha256 is stored,
 * with an idle expiry (counted from the last request) and an absolute one (counted from sign-in).
 *
 * CSRF: cookie-authenticated writes must carry `X-CSRF-Token`, a token derived from the session token
 * (sha256 of a fixed label and the token) that the console reads from `GET /v1/session` and keeps in memory.
 * This is the synchronizer-token pattern without a second cookie: another site can make the browser send the
 * session cookie, but it can neither read the token (no CORS, and the answer is same-origin JSON) nor set
 * it as a header on a cross-site form post. A double-submit cookie was not chosen because a sibling
 * subdomain can plant cookies; an `Origin` check alone fails open on the browsers and proxies that drop the
 * header. When `Origin` is present it must still match the host (defence in depth). `SameSite=Lax` keeps
 * the cookie off cross-site subrequests as well.
 */
import { cookieValue } from './cookies';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/schema';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'orquesta_session';
/** Header carrying the CSRF token on cookie-authenticated writes. */
export const CSRF_HEADER = 'x-csrf-token';

/** Session lifetimes. */
export interface SessionOptions {
  /** A session unused this long ends; 2 h by default. */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use; 12 h (a working day) by default. */
  absoluteMs: number;
}

/** Default session lifetimes. */
export const DEFAULT_SESSIONS: SessionOptions = { idleMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000 };

/** `last_seen_at` is written when older than this (one write per session a minute). */
const TOUCH_EVERY_MS = 60_000;

/** The signed-in user, as handlers see it. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  language: 'es' | 'en';
}

/** A session found for a request. */
export interface FoundSession {
  sessionId: string;
  user: SessionUser;
  csrfToken: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The CSRF token of a session token. */
export function csrfTokenFor(token: string): string {
  return createHash('sha256').update(`orquesta-csrf\n${token}`, 'utf8').digest('base64url');
}

/** Starts a session for `userId`; returns the cookie's token (shown once) and the session's CSRF token. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  at: Date,
  options: SessionOptions,
  meta: { ip?: string | undefined; userAgent?: string | undefined } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(at.getTime() + options.absoluteMs);
  await db
    .insertInto('sessions')
    .values({
      id: `ses_${randomBytes(8).toString('hex')}`,
      token_hash: sha256(token),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: expiresAt,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, csrfToken: csrfTokenFor(token), expiresAt };
}

/**
 * The live session of a cookie token, or why there is none: `unknown` (never existed, revoked, or its
 * user deactivated) or `expired` (idle or absolute expiry passed).
 */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  at: Date,
  options: SessionOptions,
): Promise<FoundSession | 'unknown' | 'expired'> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.display_name',
      'users.role',
      'users.language',
    ])
    .where('sessions.token_hash', '=', sha256(token))
    .where('sessions.revoked_at', 'is', null)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return 'unknown';
  const now = at.getTime();
  if (row.expires_at.getTime() <= now || row.last_seen_at.getTime() + options.idleMs <= now) return 'expired';
  if (now - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', row.session_id).execute();
  }
  return {
    sessionId: row.session_id,
    csrfToken: csrfTokenFor(token),
    user: {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      language: row.language,
    },
  };
}

/** Ends one session. */
export async function revokeSession(db: Kysely<Database>, sessionId: string, at: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every session of a user (sign-out everywhere, password change, deactivation); returns how many. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The session token in the request's cookies, if any. */
export function sessionTokenOf(req: Request): string | undefined {
  return cookieValue(req, SESSION_COOKIE);
}

/** `Set-Cookie` for a new session (`Secure` when the request came over https). */
export function sessionCookie(req: Request, token: string, maxAgeMs: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    ...(req.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(req: Request): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(req.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Whether a cookie-authenticated write carries the session's CSRF token and, if it says, a same-host origin. */
export function csrfFailure(
  req: Request,
  csrfToken: string,
): 'missing-token' | 'wrong-token' | 'cross-origin' | null {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') {
    const host = URL.canParse(origin) ? new URL(origin).host : undefined;
    if (host !== req.get('host')) return 'cross-origin';
  } else if (origin === 'null') return 'cross-origin';
  const given = req.get(CSRF_HEADER);
  if (given === undefined || given === '') return 'missing-token';
  const a = Buffer.from(given);
  const b = Buffer.from(csrfToken);
  return a.length === b.length && timingSafeEqual(a, b) ? null : 'wrong-token';
}
