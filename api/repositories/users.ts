/** Staff users and their single-use account tokens in Postgres. */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AccountTokensTable, Database, NotifyPreferences, UserRole, UsersTable } from '../../db/schema';
import type { Selectable } from 'kysely';
import { iso, isoRequired } from '../schemas';

/** A user row. */
export type UserRow = Selectable<UsersTable>;

/** A user as the API shows it (never the password hash). */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  language: 'es' | 'en';
  active: boolean;
  hasPassword: boolean;
  notify: Required<NotifyPreferences>;
  createdAt: string;
  deactivatedAt: string | null;
}

/** Email on for every kind unless the user turned it off. */
export function notifyPreferences(stored: NotifyPreferences | null | undefined): Required<NotifyPreferences> {
  return {
    assigned: stored?.assigned ?? true,
    customerReply: stored?.customerReply ?? true,
    slaWarning: stored?.slaWarning ?? true,
    slaBreach: stored?.slaBreach ?? true,
  };
}

/** API view of a row. */
export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    language: row.language,
    active: row.deactivated_at === null,
    hasPassword: row.password_hash !== null,
    notify: notifyPreferences(row.notify),
    createdAt: isoRequired(row.created_at),
    deactivatedAt: iso(row.deactivated_at),
  };
}

/** What a user is created with. */
export interface NewUser {
  email: string;
  displayName: string;
  role: UserRole;
  language: 'es' | 'en';
  passwordHash: string | null;
}

/** Which unique field a failed insert or update collided on, if it did. */
export function duplicateField(error: unknown): 'email' | 'displayName' | undefined {
  const e = error as { code?: unknown; constraint?: unknown };
  if (e.code !== '23505') return undefined;
  if (e.constraint === 'users_email_key') return 'email';
  if (e.constraint === 'users_display_name_key') return 'displayName';
  return undefined;
}

/** Inserts a user (throws the unique violation for a taken email or display name). */
export async function insertUser(db: Kysely<Database>, input: NewUser): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      id: `usr_${randomBytes(8).toString('hex')}`,
      email: input.email.trim(),
      display_name: input.displayName.trim(),
      role: input.role,
      language: input.language,
      password_hash: input.passwordHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One user by id. */
export function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One user by email (case-insensitive). */
export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

/** Every user, by display name. */
export function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .orderBy(sql`lower(display_name)`)
    .execute();
}

/** Whether any user exists (the first administrator is set up only on an empty table). */
export async function hasUsers(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Active administrators other than `exceptId` (a change must never leave none). */
export async function otherActiveAdmins(db: Kysely<Database>, exceptId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .where('id', '<>', exceptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Issues a single-use token (only its hash is stored) valid for `ttlMs`. */
export async function issueAccountToken(
  db: Kysely<Database>,
  purpose: AccountTokensTable['purpose'],
  userId: string | null,
  at: Date,
  ttlMs: number,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: sha256(token),
      purpose,
      user_id: userId,
      expires_at: new Date(at.getTime() + ttlMs),
    })
    .execute();
  return token;
}

/**
 * Uses a token once: marks it used if it has one of `purposes`, is unused and unexpired, and returns its
 * row; undefined otherwise (a second use, even concurrent, gets undefined).
 */
export async function consumeAccountToken(
  db: Kysely<Database>,
  token: string,
  purposes: readonly AccountTokensTable['purpose'][],
  at: Date,
): Promise<{ purpose: AccountTokensTable['purpose']; userId: string | null } | undefined> {
  const row = await db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', sha256(token))
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['purpose', 'user_id'])
    .executeTakeFirst();
  return row === undefined ? undefined : { purpose: row.purpose, userId: row.user_id };
}
