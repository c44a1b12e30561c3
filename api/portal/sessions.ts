/**
 * Customer portal sign-in and sessions, stored in Postgres (sha256 only, never a plaintext token):
 * one-time sign-in links and codes (15 minutes, single use, a few wrong codes spend them), the sign-in
 * requests the rate limits count, and sessions with their expiry.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** How long a sign-in link and code work. */
export const SIGN_IN_TTL_MS = 15 * 60_000;
/** How long a session lasts. */
export const SESSION_TTL_MS = 8 * 3_600_000;
/** Wrong codes tried against one sign-in before it is spent. */
export const MAX_CODE_ATTEMPTS = 5;

/** sha256 (hex) of a token or code, as stored. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** An authorized requester of a customer's contract, found by email. */
export interface Requester {
  email: string;
  name: string | null;
  customerId: string;
}

/**
 * The authorized requester with this email (case-insensitive), on the customer's contract in force at `now`
 * (else the latest one naming them), or undefined.
 */
export async function findRequester(
  db: Kysely<Database>,
  email: string,
  now: Date,
): Promise<Requester | undefined> {
  const normalized = email.trim().toLowerCase();
  const row = await db
    .selectFrom('contracts')
    .select([
      'customer_id',
      sql<
        string | null
      >`(select r->>'name' from jsonb_array_elements(requesters) r where lower(r->>'email') = ${normalized} limit 1)`.as(
        'name',
      ),
    ])
    .where(
      sql<boolean>`exists (select 1 from jsonb_array_elements(requesters) r where lower(r->>'email') = ${normalized})`,
    )
    .orderBy(sql`(starts_at <= ${now} and ends_at > ${now})`, 'desc')
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
  return row && { email: normalized, name: row.name, customerId: row.customer_id };
}

/** Records one sign-in request and answers how many this email and this IP made within the window (this one included). */
export async function countSignInRequests(
  db: Kysely<Database>,
  input: { email: string; ip: string; now: Date; windowMs: number },
): Promise<{ byEmail: number; byIp: number; oldestEmail: Date | null; oldestIp: Date | null }> {
  await db
    .insertInto('portal_sign_in_requests')
    .values({ email: input.email, ip: input.ip, at: input.now })
    .execute();
  const since = new Date(input.now.getTime() - input.windowMs);
  const row = await db
    .selectNoFrom([
      sql<string>`(select count(*) from portal_sign_in_requests where email = ${input.email} and at > ${since})`.as(
        'by_email',
      ),
      sql<string>`(select count(*) from portal_sign_in_requests where ip = ${input.ip} and at > ${since})`.as(
        'by_ip',
      ),
      sql<Date | null>`(select min(at) from portal_sign_in_requests where email = ${input.email} and at > ${since})`.as(
        'oldest_email',
      ),
      sql<Date | null>`(select min(at) from portal_sign_in_requests where ip = ${input.ip} and at > ${since})`.as(
        'oldest_ip',
      ),
    ])
    .executeTakeFirstOrThrow();
  return {
    byEmail: Number(row.by_email),
    byIp: Number(row.by_ip),
    oldestEmail: row.oldest_email,
    oldestIp: row.oldest_ip,
  };
}

/** A new sign-in: the plaintext link token and code (only known now) and their expiry. */
export interface IssuedSignIn {
  id: string;
  linkToken: string;
  code: string;
  expiresAt: Date;
}

/** Stores a one-time sign-in for a requester (hashes only); returns the plaintext link token and code once. */
export async function issueSignIn(
  db: Kysely<Database>,
  requester: Requester,
  now: Date,
): Promise<IssuedSignIn> {
  const id = `psi_${randomUUID()}`;
  const linkToken = randomBytes(32).toString('base64url');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + SIGN_IN_TTL_MS);
  await db
    .insertInto('portal_sign_in_tokens')
    .values({
      id,
      email: requester.email,
      customer_id: requester.customerId,
      requester_name: requester.name,
      link_hash: hashSecret(linkToken),
      code_hash: hashSecret(`${requester.email}\n${code}`),
      expires_at: expiresAt,
    })
    .execute();
  return { id, linkToken, code, expiresAt };
}

/**
 * Spends a sign-in by its link token, or by email and code: marks it used (one statement, so two
 * concurrent uses cannot both succeed) and returns who signed in. Undefined when unknown, expired, used or
 * spent by wrong codes; a wrong code counts against the email's live sign-ins.
 */
export async function redeemSignIn(
  db: Kysely<Database>,
  proof: { token: string } | { email: string; code: string },
  now: Date,
): Promise<Requester | undefined> {
  if ('token' in proof) {
    const row = await db
      .updateTable('portal_sign_in_tokens')
      .set({ used_at: now })
      .where('link_hash', '=', hashSecret(proof.token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('code_attempts', '<', MAX_CODE_ATTEMPTS)
      .returning(['email', 'requester_name', 'customer_id'])
      .executeTakeFirst();
    return row && { email: row.email, name: row.requester_name, customerId: row.customer_id };
  }
  const email = proof.email.trim().toLowerCase();
  const row = await db
    .updateTable('portal_sign_in_tokens')
    .set({ used_at: now })
    .where('email', '=', email)
    .where('code_hash', '=', hashSecret(`${email}\n${proof.code.trim()}`))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('code_attempts', '<', MAX_CODE_ATTEMPTS)
    .returning(['email', 'requester_name', 'customer_id'])
    .executeTakeFirst();
  if (row === undefined) {
    await db
      .updateTable('portal_sign_in_tokens')
      .set((eb) => ({ code_attempts: eb('code_attempts', '+', 1) }))
      .where('email', '=', email)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
    return undefined;
  }
  return { email: row.email, name: row.requester_name, customerId: row.customer_id };
}

/** A signed-in customer. */
export interface PortalSession {
  id: string;
  email: string;
  name: string | null;
  customerId: string;
  expiresAt: Date;
}

/** Opens a session; returns the plaintext token (for the cookie) once. */
export async function openSession(
  db: Kysely<Database>,
  requester: Requester,
  now: Date,
): Promise<{ token: string; session: PortalSession }> {
  const id = `pss_${randomUUID()}`;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insertInto('portal_sessions')
    .values({
      id,
      token_hash: hashSecret(token),
      email: requester.email,
      customer_id: requester.customerId,
      requester_name: requester.name,
      expires_at: expiresAt,
    })
    .execute();
  return {
    token,
    session: {
      id,
      email: requester.email,
      name: requester.name,
      customerId: requester.customerId,
      expiresAt,
    },
  };
}

/** The live session of a cookie token, or undefined (unknown, expired or signed out). */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<PortalSession | undefined> {
  const row = await db
    .selectFrom('portal_sessions')
    .select(['id', 'email', 'requester_name', 'customer_id', 'expires_at'])
    .where('token_hash', '=', hashSecret(token))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      email: row.email,
      name: row.requester_name,
      customerId: row.customer_id,
      expiresAt: row.expires_at,
    }
  );
}

/** Ends a session (sign-out). */
export async function revokeSession(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('portal_sessions').set({ revoked_at: now }).where('id', '=', id).execute();
}

/** How long spent sign-ins, rate-limit records and ended sessions are kept (for audit) before the purge. */
export const PORTAL_RETENTION_MS = 7 * 86_400_000;

/**
 * Deletes sign-ins, sign-in requests and sessions that ended more than {@link PORTAL_RETENTION_MS} before
 * `now` (run by `api/housekeeping.ts`); returns how many rows went.
 */
export async function purgePortalRecords(db: Kysely<Database>, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - PORTAL_RETENTION_MS);
  const tokens = await db
    .deleteFrom('portal_sign_in_tokens')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  const requests = await db.deleteFrom('portal_sign_in_requests').where('at', '<', before).executeTakeFirst();
  const sessions = await db
    .deleteFrom('portal_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return [tokens, requests, sessions].reduce((n, r) => n + Number(r.numDeletedRows), 0);
}
