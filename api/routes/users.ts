/**
 * `/v1/users`: staff accounts. Administrators create users (with a password, or an invitation email to
 * choose one), change their name, role and language, and deactivate them (which ends their sessions);
 * the last active administrator cannot be demoted or deactivated. Staff read the list (to assign tickets).
 * `PATCH /v1/users/me` sets the caller's own language and email preferences.
 */
import { z } from 'zod';
import { ADMIN, notFound, READERS, STAFF, type Principal } from '../auth';
import { hashPassword } from '../passwords';
import { problem } from '../problem';
import {
  duplicateField,
  findUser,
  insertUser,
  listUsers,
  notifyPreferences,
  otherActiveAdmins,
  userView,
} from '../repositories/users';
import { defineRoute } from '../route';
import { InstantSchema } from '../schemas';
import { revokeUserSessions } from '../sessions';
import { PasswordSchema, sendAccountLink } from '../account-links';

/** Staff roles. */
export const USER_ROLES = ['agent', 'supervisor', 'admin', 'read-only'] as const;

const NotifySchema = z
  .object({
    assigned: z.boolean(),
    customerReply: z.boolean(),
    slaWarning: z.boolean(),
    slaBreach: z.boolean(),
  })
  .meta({
    id: 'NotifyPreferences',
    description: 'Which events are also emailed (the console shows every one of them live).',
  });

/** A staff user as the API shows it. */
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    language: z.enum(['es', 'en']),
    active: z.boolean(),
    hasPassword: z.boolean(),
    notify: NotifySchema,
    createdAt: InstantSchema,
    deactivatedAt: InstantSchema.nullable(),
  })
  .meta({ id: 'User' });

const DisplayName = z.string().trim().min(1).max(100);
const UserParams = z.object({ id: z.string().min(1).max(64) });

function duplicate(error: unknown): never {
  const field = duplicateField(error);
  if (field === undefined) throw error;
  throw problem(
    409,
    'duplicate',
    field === 'email'
      ? { es: 'Ya hay un usuario con ese correo.', en: 'A user with that email exists.' }
      : { es: 'Ya hay un usuario con ese nombre.', en: 'A user with that name exists.' },
    { 'invalid-params': [{ name: `body.${field}`, reason: 'taken' }] },
  );
}

function self(auth: Principal) {
  if (auth.user === null) {
    throw problem(409, 'session-required', {
      es: 'Esta operación es para personal con sesión iniciada, no para claves de API.',
      en: 'This operation is for signed-in staff, not for API keys.',
    });
  }
  return auth.user;
}

/** User routes. */
export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    summary: 'List staff users',
    tags: ['users'],
    roles: READERS,
    responses: { 200: { description: 'Every user', schema: z.object({ items: z.array(UserSchema) }) } },
    async handler({ services }) {
      return { status: 200, body: { items: (await listUsers(services.db)).map(userView) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Create a staff user (without a password, an invitation email lets them choose one)',
    tags: ['users'],
    roles: ADMIN,
    body: z.strictObject({
      email: z.email().max(254),
      displayName: DisplayName,
      role: z.enum(USER_ROLES),
      language: z.enum(['es', 'en']).default('es'),
      password: PasswordSchema.optional(),
    }),
    responses: {
      201: { description: 'Created', schema: UserSchema },
      409: { description: 'Email or display name taken' },
    },
    async handler({ body, services }) {
      const user = await insertUser(services.db, {
        email: body.email,
        displayName: body.displayName,
        role: body.role,
        language: body.language,
        passwordHash: body.password === undefined ? null : await hashPassword(body.password),
      }).catch(duplicate);
      if (body.password === undefined) await sendAccountLink(services, user, 'account_invitation');
      return { status: 201, body: userView(user), headers: { Location: `/v1/users/${user.id}` } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/users/me',
    operationId: 'updateMyPreferences',
    summary: "The signed-in user's language and which notifications are emailed",
    tags: ['users'],
    roles: [...STAFF, 'read-only'],
    body: z.strictObject({
      language: z.enum(['es', 'en']).optional(),
      notify: NotifySchema.partial().optional(),
    }),
    responses: {
      200: { description: 'Updated', schema: UserSchema },
      409: { description: 'Called with an API key' },
    },
    async handler({ body, auth, services }) {
      const me = self(auth);
      const row = await findUser(services.db, me.id);
      if (row === undefined) throw notFound({ es: 'el usuario', en: 'User' });
      const updated = await services.db
        .updateTable('users')
        .set({
          ...(body.language !== undefined && { language: body.language }),
          ...(body.notify !== undefined && {
            notify: JSON.stringify({ ...notifyPreferences(row.notify), ...body.notify }),
          }),
          updated_at: services.now(),
        })
        .where('id', '=', me.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { status: 200, body: userView(updated) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/users/{id}',
    operationId: 'getUser',
    summary: 'One staff user',
    tags: ['users'],
    roles: READERS,
    params: UserParams,
    responses: { 200: { description: 'The user', schema: UserSchema } },
    async handler({ params, services }) {
      const row = await findUser(services.db, params.id);
      if (row === undefined) throw notFound({ es: 'el usuario', en: 'User' });
      return { status: 200, body: userView(row) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/users/{id}',
    operationId: 'updateUser',
    summary:
      "Change a user's name, role or language, or deactivate (ends their sessions) and reactivate them",
    tags: ['users'],
    roles: ADMIN,
    params: UserParams,
    body: z.strictObject({
      displayName: DisplayName.optional(),
      role: z.enum(USER_ROLES).optional(),
      language: z.enum(['es', 'en']).optional(),
      active: z.boolean().optional(),
    }),
    responses: {
      200: { description: 'Updated', schema: UserSchema },
      409: { description: 'Display name taken, or the change would leave no active administrator' },
    },
    async handler({ params, body, services }) {
      const row = await findUser(services.db, params.id);
      if (row === undefined) throw notFound({ es: 'el usuario', en: 'User' });
      const at = services.now();
      const losesAdmin =
        row.role === 'admin' &&
        row.deactivated_at === null &&
        ((body.role !== undefined && body.role !== 'admin') || body.active === false);
      if (losesAdmin && (await otherActiveAdmins(services.db, row.id)) === 0) {
        throw problem(409, 'last-admin', {
          es: 'Es el último administrador activo; nombre otro antes.',
          en: 'This is the last active administrator; appoint another first.',
        });
      }
      const updated = await services.db
        .updateTable('users')
        .set({
          ...(body.displayName !== undefined && { display_name: body.displayName }),
          ...(body.role !== undefined && { role: body.role }),
          ...(body.language !== undefined && { language: body.language }),
          ...(body.active !== undefined && {
            deactivated_at: body.active ? null : (row.deactivated_at ?? at),
          }),
          updated_at: at,
        })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(duplicate);
      if (body.active === false) await revokeUserSessions(services.db, row.id, at);
      return { status: 200, body: userView(updated) };
    },
  }),
];
