/**
 * Attachment routes for staff and integrations: upload a file (before the message that carries it), list
 * a ticket's files, download one. Replies, notes and new tickets carry uploads by `attachmentIds`
 * (`routes/ticket-actions.ts`).
 */
import { z } from 'zod';
import {
  acceptUpload,
  AttachmentSchema,
  attachmentView,
  prepareUploadIdempotency,
  receivedUploadOf,
  sendAttachment,
  UPLOAD_MEDIA_TYPE,
  UPLOAD_RESPONSES,
  UploadBody,
  UploadQuery,
} from '../attachments';
import { notFound, type Principal } from '../auth';
import { defineRoute, type ResponseSpec } from '../route';
import { ALLOWED_TYPES } from '../../activities/attachments/sniff';
import { TICKET_READERS, visibleTicket } from './tickets';

/** Who owns a staff or integration upload until it is sent: the API key, or the signed-in user. */
export function staffUploader(auth: Principal) {
  return { name: auth.user?.displayName ?? auth.name, ref: `key:${auth.keyId}`, customerId: null };
}

const TicketParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const AttachmentParams = TicketParams.extend({ id: z.uuid() });

/** A download, documented in each type an attachment may have. */
export const DOWNLOAD_RESPONSE: ResponseSpec = {
  description: 'The bytes, in the type sniffed at upload (`Content-Disposition: attachment`, `nosniff`)',
  schema: z.string().meta({ format: 'binary' }),
  contentType: 'application/octet-stream',
  alsoContentTypes: ALLOWED_TYPES,
};

/** The routes. */
export const attachmentRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/attachments',
    operationId: 'uploadAttachment',
    summary: 'Upload a file, to send with a reply, a note or a new ticket (`attachmentIds`)',
    description:
      'The body is the file itself (`Content-Type: application/octet-stream`), its name in `?name=`. ' +
      'The content type is read from the bytes (PNG, JPEG, GIF, WebP, PDF, plain text, ZIP and Office files); ' +
      'anything else is 415. Larger than the limit (10 MiB by default) is 413, cut off as soon as the limit ' +
      "is passed. The upload is the caller's until a message carries it. `Idempotency-Key` replays the answer " +
      'for the same name and bytes (compared by their sha256); other bytes under a used key are 422.',
    tags: ['attachments'],
    roles: ['admin', 'agent', 'integration'],
    query: UploadQuery,
    body: UploadBody,
    bodyTypes: [UPLOAD_MEDIA_TYPE],
    before: ({ req, services }) =>
      prepareUploadIdempotency(
        services.attachments,
        req,
        typeof req.query.name === 'string' ? req.query.name : '',
      ),
    responses: {
      201: { description: 'Stored', schema: AttachmentSchema },
      ...UPLOAD_RESPONSES,
    },
    async handler({ req, res, query, services, auth }) {
      const stored = await acceptUpload(
        services.db,
        services.attachments,
        req,
        res,
        query.name,
        staffUploader(auth),
        receivedUploadOf(req),
      );
      return { status: 201, body: stored, headers: { Location: `/v1/attachments/${stored.id}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}/attachments',
    operationId: 'listTicketAttachments',
    summary: "A ticket's files, oldest first (with the message that carries each)",
    tags: ['attachments'],
    roles: TICKET_READERS,
    params: TicketParams,
    responses: { 200: { description: 'The files', schema: z.object({ items: z.array(AttachmentSchema) }) } },
    async handler({ params, services, auth }) {
      await visibleTicket(services.db, auth, params.number);
      const rows = await services.db
        .selectFrom('attachments')
        .selectAll()
        .where('ticket_number', '=', params.number)
        .orderBy('attached_at')
        .orderBy('id')
        .limit(1_000)
        .execute();
      return { status: 200, body: { items: rows.map(attachmentView) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/{number}/attachments/{id}',
    operationId: 'downloadTicketAttachment',
    summary: 'Download a file of the ticket (`Content-Disposition: attachment`, the sniffed type, `nosniff`)',
    tags: ['attachments'],
    roles: TICKET_READERS,
    params: AttachmentParams,
    responses: { 200: DOWNLOAD_RESPONSE },
    async handler({ params, services, auth, res }) {
      await visibleTicket(services.db, auth, params.number);
      const found = await services.db
        .selectFrom('attachments')
        .selectAll()
        .where('id', '=', params.id)
        .where('ticket_number', '=', params.number)
        .executeTakeFirst();
      if (found === undefined) throw notFound({ es: 'ese adjunto', en: 'Attachment' });
      await sendAttachment(services.attachments, res, { ...found, size: Number(found.size) });
      return { status: 200 };
    },
  }),
];
