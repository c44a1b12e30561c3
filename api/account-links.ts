/** Account links sent by email (password reset, invitation) and the password rule. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema';
import { enqueueNotifications } from '../activities/notifications/outbox';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';
import { hasUsers, issueAccountToken, type UserRow } from './repositories/users';
import type { Services } from './route';

/** How long a password reset link works. */
export const RESET_TTL_MS = 30 * 60_000;
/** How long an invitation (first password) link works. */
export const INVITE_TTL_MS = 72 * 3_600_000;
/** How long the first administrator's set-up link works. */
export const SETUP_TTL_MS = 24 * 3_600_000;

/** A new password: 10 to 200 characters. */
export const PasswordSchema = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

/** Writes an account email (reset or invitation) to the outbox; the dispatcher delivers it. */
export async function sendAccountLink(
  services: Services,
  user: UserRow,
  template: 'password_reset' | 'account_invitation',
): Promise<void> {
  const at = services.now();
  const ttl = template === 'password_reset' ? RESET_TTL_MS : INVITE_TTL_MS;
  const token = await issueAccountToken(
    services.db,
    template === 'password_reset' ? 'reset' : 'invite',
    user.id,
    at,
    ttl,
  );
  await enqueueNotifications(services.db, [
    {
      dedupeKey: `account:${user.id}:${template}:${token.slice(0, 16)}`,
      ticketNumber: null,
      channel: 'email',
      template,
      locale: user.language,
      recipient: user.email,
      payload: {
        link: `${services.publicUrl}/#/reset?token=${token}`,
        displayName: user.display_name,
        expiresAt: new Date(at.getTime() + ttl).toISOString(),
      },
    },
  ]);
}

/**
 * The first administrator's one-time set-up link, while the database has no users (undefined once it has
 * some). `npm start` prints it; each call issues a new link, valid for a day.
 */
export async function setupLink(
  db: Kysely<Database>,
  publicUrl: string,
  at = new Date(),
): Promise<string | undefined> {
  if (await hasUsers(db)) return undefined;
  const token = await issueAccountToken(db, 'setup', null, at, SETUP_TTL_MS);
  return `${publicUrl}/#/setup?token=${token}`;
}
