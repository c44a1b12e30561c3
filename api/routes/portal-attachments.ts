/**
 * Attachments in the customer portal: the signed-in requester uploads a file (sent with a new ticket or a
 * reply by `attachmentIds`) and downloads the files of their company's tickets, never those of internal
 * notes.
 */
import { z } from 'zod';
import {
  acceptUpload,
  AttachmentSchema,
  prepareUploadIdempotency,
  receivedUploadOf,
  sendAttachment,
  UPLOAD_RESPONSES,
  UploadBody,
  UploadQuery,
} from '../attachments';
import { withIdempotency } from '../idempotency';
import { problem } from '../problem';
import { definePortalRoute, type AnyPortalRoute } from '../portal/route';
import type { PortalSession } from '../portal/sessions';
import type { Reply } from '../route';
import { DOWNLOAD_RESPONSE } from './attachments';

/** Who owns a portal upload until it is sent: the requester, within the session's company. */
export function portalUploader(s: PortalSession) {
  return { name: s.email, ref: `portal:${s.customerId}:${s.email.toLowerCase()}`, customerId: s.customerId };
}

const Params = z.object({
  number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  id: z.uuid(),
});

function sessionOf(ctx: { session: PortalSession | null }): PortalSession {
  if (ctx.session === null) throw new Error('portal route without a session');
  return ctx.session;
}

/** The portal's attachment routes. */
export function portalAttachmentRoutes(): AnyPortalRoute[] {
  return [
    definePortalRoute({
      method: 'post',
      path: '/v1/portal/attachments',
      operationId: 'portalUploadAttachment',
      summary:
        'Upload a file (raw bytes, `application/octet-stream`; name in `?name=`) to send with a ticket or reply',
      description:
        'The content type is read from the bytes; larger than the limit is 413. `Idempotency-Key` replays ' +
        'the answer for the same name and bytes (compared by their sha256); other bytes under a used key are ' +
        '422, and a retry while the first upload is still running is 409. Keys are per requester.',
      query: UploadQuery,
      body: UploadBody,
      responses: { 201: { description: 'Stored', schema: AttachmentSchema }, ...UPLOAD_RESPONSES },
      async handler(ctx) {
        const uploader = portalUploader(sessionOf(ctx));
        const { req, res, services } = ctx;
        await prepareUploadIdempotency(services.attachments, req, ctx.query.name);
        const run = async (): Promise<Reply> => {
          const stored = await acceptUpload(
            services.db,
            services.attachments,
            req,
            res,
            ctx.query.name,
            uploader,
            receivedUploadOf(req),
          );
          return { status: 201, body: stored };
        };
        const key = req.get('idempotency-key');
        if (key === undefined) return run();
        return withIdempotency(services.db, { req, auth: { keyId: uploader.ref }, key, lang: ctx.lang }, run);
      },
    }),
    definePortalRoute({
      method: 'get',
      path: '/v1/portal/tickets/{number}/attachments/{id}',
      operationId: 'portalDownloadAttachment',
      summary: "Download a file of one of your company's tickets (not of internal notes)",
      params: Params,
      responses: { 200: DOWNLOAD_RESPONSE, 404: { description: 'No such file on a ticket of your company' } },
      async handler(ctx) {
        const s = sessionOf(ctx);
        const found = await ctx.services.db
          .selectFrom('attachments')
          .innerJoin('tickets', 'tickets.number', 'attachments.ticket_number')
          .selectAll('attachments')
          .where('attachments.id', '=', ctx.params.id)
          .where('attachments.ticket_number', '=', ctx.params.number)
          .where('tickets.customer_id', '=', s.customerId)
          .where('attachments.internal', '=', false)
          .executeTakeFirst();
        if (found === undefined) {
          throw problem(404, 'not-found', {
            es: 'No existe ese adjunto en los casos de su empresa.',
            en: "There is no such attachment on your company's tickets.",
          });
        }
        await sendAttachment(ctx.services.attachments, ctx.res, { ...found, size: Number(found.size) });
        return { status: 200 };
      },
    }),
  ];
}
