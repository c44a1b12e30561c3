/**
 * `/v1/canned-replies`: text an agent inserts into a reply, with placeholders (`domain/canned-reply.ts`), in
 * Spanish or English; shared with the team (written by supervisors and administrators) or personal (seen
 * and changed by its owner only). A reply with `actions` is a macro (applied by
 * `POST /v1/tickets/{number}/macros/{id}`, `ticket-bulk.ts`). `GET /v1/tickets/{number}/canned-replies`
 * renders every visible reply for one ticket, the ticket's language first.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PLACEHOLDERS, PRIORITIES, renderCannedReply, unknownPlaceholders } from '../../domain';
import type { CannedReplyActions } from '../../db/schema';
import { notFound, STAFF, type Principal } from '../auth';
import type { Lang } from '../i18n';
import { problem } from '../problem';
import { defineRoute } from '../route';
import {
  cannedReplyView,
  findVisibleCannedReply,
  mayWriteShared,
  placeholderValues,
  ticketLanguage,
  visibleCannedReplies,
} from '../repositories/canned-replies';
import { escapeLike } from '../repositories/customers';
import { InstantSchema, jsonb } from '../schemas';
import { visibleTicket } from './tickets';

const what = { es: 'la respuesta predefinida', en: 'Canned reply' };

const Language = z.enum(['es', 'en']);
const Scope = z.enum(['shared', 'personal']);
const Title = z.string().trim().min(1).max(200);
const Template = z
  .string()
  .trim()
  .min(1)
  .max(20_000)
  .meta({ description: `Text with placeholders: ${PLACEHOLDERS.map((p) => `\`{{${p}}}\``).join(', ')}.` });

/** What applying a macro also does; every field optional. */
export const MacroActionsSchema = z
  .strictObject({
    status: z
      .enum(['resolve', 'request_info', 'close'])
      .optional()
      .meta({
        description:
          '`resolve`: the text is the solution; `request_info`: the text asks the customer; `close`: the text is ' +
          'sent as a reply, then the ticket is closed with the title as reason. Without it the text is a public reply.',
      }),
    priority: z.enum(PRIORITIES).optional(),
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: 'Null unassigns.' }),
  })
  .meta({ id: 'MacroActions' });

export const CannedReplySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    language: Language,
    scope: Scope,
    createdBy: z.string(),
    actions: MacroActionsSchema,
    isMacro: z.boolean(),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
  })
  .meta({ id: 'CannedReply' });

const IdParams = z.object({ id: z.string().min(1).max(64) });
const NumberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Refuses a template naming a placeholder nobody fills in: 400 naming the field and each unknown name. */
function assertKnownPlaceholders(template: string | undefined, lang: Lang): void {
  if (template === undefined) return;
  const unknown = unknownPlaceholders(template);
  if (unknown.length === 0) return;
  const names = unknown.map((n) => `{{${n}}}`).join(', ');
  const known = PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');
  throw problem(
    400,
    'validation',
    { es: 'La solicitud tiene campos inválidos.', en: 'The request has invalid fields.' },
    {
      'invalid-params': [
        {
          name: 'body.body',
          reason:
            lang === 'es'
              ? `marcador desconocido: ${names}; se admiten ${known}`
              : `unknown placeholder: ${names}; known ones are ${known}`,
        },
      ],
      unknownPlaceholders: unknown,
    },
  );
}

/** Shared replies are written by supervisors and administrators only. */
function assertMayWrite(auth: Principal, scope: 'shared' | 'personal'): void {
  if (scope === 'shared' && !mayWriteShared(auth)) {
    throw problem(403, 'forbidden', {
      es: 'Solo supervisores y administradores pueden escribir respuestas compartidas con el equipo.',
      en: 'Only supervisors and administrators may write replies shared with the team.',
    });
  }
}

/** Canned reply routes (no workflow involved). */
export const cannedReplyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/canned-replies',
    operationId: 'listCannedReplies',
    summary: 'The canned replies and macros I may use: shared ones and my own',
    tags: ['canned-replies'],
    roles: STAFF,
    query: z.object({
      language: Language.optional(),
      scope: Scope.optional(),
      q: z.string().max(200).optional().meta({ description: 'Words in the title or the text' }),
    }),
    responses: {
      200: { description: 'Every match, by title', schema: z.object({ items: z.array(CannedReplySchema) }) },
    },
    async handler({ query, services, auth }) {
      let select = visibleCannedReplies(services.db, auth);
      if (query.language) select = select.where('language', '=', query.language);
      if (query.scope) select = select.where('scope', '=', query.scope);
      if (query.q) {
        const like = `%${escapeLike(query.q.trim())}%`;
        select = select.where((eb) => eb.or([eb('title', 'ilike', like), eb('body', 'ilike', like)]));
      }
      const rows = await select.orderBy('title').orderBy('id').limit(500).execute();
      return { status: 200, body: { items: rows.map(cannedReplyView) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/canned-replies',
    operationId: 'createCannedReply',
    summary:
      'Write a canned reply (a macro when it has `actions`); shared ones: supervisors and administrators',
    tags: ['canned-replies'],
    roles: STAFF,
    body: z.strictObject({
      title: Title,
      body: Template,
      language: Language,
      scope: Scope.default('personal'),
      actions: MacroActionsSchema.default({}),
    }),
    responses: {
      201: { description: 'Created', schema: CannedReplySchema },
      403: { description: 'A shared reply written by someone who is not a supervisor or administrator' },
    },
    async handler({ body, services, auth, lang }) {
      assertMayWrite(auth, body.scope);
      assertKnownPlaceholders(body.body, lang);
      const row = await services.db
        .insertInto('canned_replies')
        .values({
          id: randomUUID(),
          title: body.title,
          body: body.body,
          language: body.language,
          scope: body.scope,
          owner_id: auth.keyId,
          created_by: auth.name,
          actions: jsonb(body.actions satisfies CannedReplyActions),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return {
        status: 201,
        body: cannedReplyView(row),
        headers: { Location: `/v1/canned-replies/${row.id}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/canned-replies/{id}',
    operationId: 'getCannedReply',
    summary: 'One canned reply (another person’s personal reply answers 404)',
    tags: ['canned-replies'],
    roles: STAFF,
    params: IdParams,
    responses: { 200: { description: 'The reply', schema: CannedReplySchema } },
    async handler({ params, services, auth }) {
      const row = await findVisibleCannedReply(services.db, auth, params.id);
      if (row === undefined) throw notFound(what);
      return { status: 200, body: cannedReplyView(row) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/canned-replies/{id}',
    operationId: 'updateCannedReply',
    summary: 'Change a canned reply: my personal ones; shared ones as supervisor or administrator',
    tags: ['canned-replies'],
    roles: STAFF,
    params: IdParams,
    body: z.strictObject({
      title: Title.optional(),
      body: Template.optional(),
      language: Language.optional(),
      scope: Scope.optional(),
      actions: MacroActionsSchema.optional(),
    }),
    responses: {
      200: { description: 'The reply as it now stands', schema: CannedReplySchema },
      403: { description: 'A shared reply changed by someone who is not a supervisor or administrator' },
    },
    async handler({ params, body, services, auth, lang }) {
      const row = await findVisibleCannedReply(services.db, auth, params.id);
      if (row === undefined) throw notFound(what);
      assertMayWrite(auth, row.scope);
      if (body.scope !== undefined) assertMayWrite(auth, body.scope);
      assertKnownPlaceholders(body.body, lang);
      const updated = await services.db
        .updateTable('canned_replies')
        .set({
          ...(body.title !== undefined && { title: body.title }),
          ...(body.body !== undefined && { body: body.body }),
          ...(body.language !== undefined && { language: body.language }),
          ...(body.actions !== undefined && { actions: jsonb(body.actions) }),
          // A reply made personal becomes the changer's own.
          ...(body.scope !== undefined && { scope: body.scope, owner_id: auth.keyId }),
          updated_at: services.now(),
        })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { status: 200, body: cannedReplyView(updated) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/canned-replies/{id}',
    operationId: 'deleteCannedReply',
    summary: 'Delete a canned reply: my personal ones; shared ones as supervisor or administrator',
    tags: ['canned-replies'],
    roles: STAFF,
    params: IdParams,
    responses: {
      204: { description: 'Deleted' },
      403: { description: 'A shared reply deleted by someone who is not a supervisor or administrator' },
    },
    async handler({ params, services, auth }) {
      const row = await findVisibleCannedReply(services.db, auth, params.id);
      if (row === undefined) throw notFound(what);
      assertMayWrite(auth, row.scope);
      await services.db.deleteFrom('canned_replies').where('id', '=', row.id).execute();
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}/canned-replies',
    operationId: 'renderCannedRepliesForTicket',
    summary: 'Every canned reply I may use, rendered for this ticket (its language first)',
    description:
      'Placeholders are filled in with this ticket, its customer, the caller as agent and its due instants, written ' +
      "in the ticket calendar's time zone and in the reply's language. `defaultLanguage` is the ticket's (its customer's).",
    tags: ['canned-replies'],
    roles: STAFF,
    params: NumberParams,
    query: z.object({ q: z.string().max(200).optional() }),
    responses: {
      200: {
        description: 'The replies, each with its rendered text',
        schema: z.object({
          defaultLanguage: Language,
          items: z.array(CannedReplySchema.extend({ rendered: z.string() })),
        }),
      },
    },
    async handler({ params, query, services, auth }) {
      const ticket = await visibleTicket(services.db, auth, params.number);
      let select = visibleCannedReplies(services.db, auth);
      if (query.q) {
        const like = `%${escapeLike(query.q.trim())}%`;
        select = select.where((eb) => eb.or([eb('title', 'ilike', like), eb('body', 'ilike', like)]));
      }
      const rows = await select.orderBy('title').orderBy('id').limit(500).execute();
      const language = ticketLanguage(ticket);
      const values = await placeholderValues(services.db, ticket, auth.name);
      const items = rows
        .map((row) => ({
          ...cannedReplyView(row),
          rendered: renderCannedReply(row.body, values, row.language),
        }))
        .sort((a, b) => Number(b.language === language) - Number(a.language === language));
      return { status: 200, body: { defaultLanguage: language, items } };
    },
  }),
];
