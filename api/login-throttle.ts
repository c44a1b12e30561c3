/**
 * Sign-in throttling, kept in Postgres so every API process counts the same failures: at most
 * `perAccount` failed sign-ins for one email and `perAddress` from one client address within `windowMs`.
 * Past either, sign-in answers 429 with `Retry-After` (the seconds until the oldest counted failure leaves
 * the window), whether or not the password is right, so guessing cannot continue behind the limit.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** Limits of {@link loginRetryAfter}. */
export interface LoginThrottleOptions {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

/** 5 failures per account and 30 per address in 15 minutes. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  perAccount: 5,
  perAddress: 30,
  windowMs: 15 * 60_000,
};

type Scope = 'account' | 'ip';

async function retryAfterFor(
  db: Kysely<Database>,
  scope: Scope,
  subject: string,
  limit: number,
  at: Date,
  windowMs: number,
): Promise<number | null> {
  const recent = await db
    .selectFrom('login_failures')
    .select('at')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .where('at', '>', new Date(at.getTime() - windowMs))
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  if (recent.length < limit) return null;
  const oldest = recent[recent.length - 1]!.at.getTime();
  return Math.max(1, Math.ceil((oldest + windowMs - at.getTime()) / 1000));
}

/** Seconds to wait before another sign-in for `email` from `address`, or null when one may be tried now. */
export async function loginRetryAfter(
  db: Kysely<Database>,
  email: string,
  address: string,
  at: Date,
  options: LoginThrottleOptions,
): Promise<number | null> {
  const [account, ip] = await Promise.all([
    retryAfterFor(db, 'account', email.toLowerCase(), options.perAccount, at, options.windowMs),
    retryAfterFor(db, 'ip', address, options.perAddress, at, options.windowMs),
  ]);
  if (account === null) return ip;
  return ip === null ? account : Math.max(account, ip);
}

/** Counts a failed sign-in against the account and the address (and forgets failures past the window). */
export async function recordLoginFailure(
  db: Kysely<Database>,
  email: string,
  address: string,
  at: Date,
  options: LoginThrottleOptions,
): Promise<void> {
  await db
    .insertInto('login_failures')
    .values([
      { scope: 'account', subject: email.toLowerCase(), at },
      { scope: 'ip', subject: address, at },
    ])
    .execute();
  await db
    .deleteFrom('login_failures')
    .where('at', '<=', new Date(at.getTime() - options.windowMs))
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'account'), eb('subject', '=', email.toLowerCase())]),
        eb.and([eb('scope', '=', 'ip'), eb('subject', '=', address)]),
      ]),
    )
    .execute();
}

/** Forgets an account's failures (after a successful sign-in or a password reset). */
export async function clearAccountFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('scope', '=', 'account')
    .where('subject', '=', email.toLowerCase())
    .execute();
}
