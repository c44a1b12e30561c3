/**
 * Attachments in the API: receiving an upload (streamed to the store, limits, type sniffed from the
 * bytes), binding uploads to the message that carries them, and streaming a download. Shared by the staff
 * routes (`routes/attachments.ts`, the reply and intake routes) and the portal's.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { receiveUpload, TooLargeError, type Received } from '../activities/attachments/receive';
import type { AttachmentSettings } from '../activities/attachments/settings';
import { ALLOWED_TYPES, sniffContentType } from '../activities/attachments/sniff';
import type { Database } from '../db/schema';
import type { AttachmentRef } from '../domain/lifecycle/index';
import { problem } from './problem';

/** The media type uploads are sent in: the file's raw bytes. */
export const UPLOAD_MEDIA_TYPE = 'application/octet-stream';

/** The `name` query parameter of an upload: the file's name as the user knows it (display only). */
export const UploadQuery = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((name) => !/[/\\]/.test(name) && ![...name].some((c) => c < ' ' || c === '\x7f'), {
      message: 'no slashes or control characters',
    })
    .meta({ description: 'The file name shown and offered on download; never used as a path.' }),
});

/** The raw-bytes body of an upload, as documented. */
export const UploadBody = z.unknown().meta({
  type: 'string',
  format: 'binary',
  description: "The file's bytes (at most the configured limit).",
});

/** An attachment as the API shows it. */
export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    size: z.number().int(),
    contentType: z.enum(ALLOWED_TYPES).meta({ description: 'Sniffed from the bytes, not the client.' }),
    sha256: z.string(),
    uploadedBy: z.string(),
    messageId: z.string().nullable().meta({
      description:
        'The reply or note that carries it (its `messageId` on the timeline), `intake` for the ticket.',
    }),
    internal: z.boolean().meta({ description: 'Carried by an internal note: never shown to customers.' }),
    createdAt: z.string(),
  })
  .meta({ id: 'Attachment' });

/** `attachmentIds` of a message: uploads to send with it. */
export const attachmentIdsField = (max: number) =>
  z.array(z.uuid()).max(max).optional().meta({
    description: 'Ids of files uploaded with `POST /v1/attachments` (not yet used), sent with this message.',
  });

/** Who owns an upload until a message uses it. */
export interface Uploader {
  /** Display name (user, API key or the portal requester's email). */
  name: string;
  /** `key:<id>` for API keys and staff sessions, `portal:<customer>:<email>` for portal customers. */
  ref: string;
  customerId: string | null;
}

/** The documented failures of an upload. */
export const UPLOAD_RESPONSES = {
  413: { description: 'The file is larger than the limit (`limit`, in bytes)' },
  415: {
    description:
      'Not sent as `application/octet-stream`, or the bytes are not an allowed type (`reason: type-not-allowed`, `allowed`): the type is read from the bytes, never from the name or header',
  },
} as const;

const row = (a: {
  id: string;
  name: string;
  size: number;
  content_type: string;
  sha256: string;
  uploaded_by: string;
  message_id: string | null;
  internal: boolean;
  created_at: unknown;
}) => ({
  id: a.id,
  name: a.name,
  size: Number(a.size),
  contentType: a.content_type,
  sha256: a.sha256,
  uploadedBy: a.uploaded_by,
  messageId: a.message_id,
  internal: a.internal,
  createdAt: new Date(a.created_at as string).toISOString(),
});

/** The API view of an attachment row. */
export const attachmentView = row;

/** An upload body already received into a temporary file (by {@link receiveRequestBody}). */
export type ReceivedUpload = Received;

/**
 * Streams the request body into a temporary file of the store, counting and hashing it: 413 beyond
 * `maxFileBytes` (from `Content-Length` before reading, else as soon as the stream passes it). The caller
 * owns the file (commits or removes it).
 */
export async function receiveRequestBody(
  settings: AttachmentSettings,
  req: Request,
  res: Response,
): Promise<ReceivedUpload> {
  const tooLarge = () => {
    // The rest of the body is not read: close the connection once the answer is out.
    res.setHeader('Connection', 'close');
    const mib = (settings.maxFileBytes / 1_048_576).toFixed(1).replace(/\.0$/, '');
    return problem(
      413,
      'attachment-too-large',
      {
        es: `El archivo supera el tamaño máximo (${mib} MiB).`,
        en: `The file is larger than the limit (${mib} MiB).`,
      },
      { limit: settings.maxFileBytes, 'invalid-params': [{ name: 'body', reason: 'file too large' }] },
    );
  };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > settings.maxFileBytes) throw tooLarge();
  return receiveUpload(req, settings.store.tempDir, settings.maxFileBytes).catch((error: unknown) => {
    if (error instanceof TooLargeError) throw tooLarge();
    throw error;
  });
}

/** Upload bodies received before the idempotency check (by {@link prepareUploadIdempotency}). */
const receivedBodies = new WeakMap<Request, ReceivedUpload>();

/**
 * Readies an upload for `Idempotency-Key` (staff and portal routes alike): under a key the bytes are
 * received first, so the key's request hash (`rawBody`) covers their sha256 with the name and size, and a
 * retry with other bytes is 422, not the first file's replay. Without a key (or not sent as raw bytes) only
 * the name and declared length are hashed and nothing is read. The received file is removed when the
 * response ends (replayed answers never reach the handler); {@link receivedUploadOf} hands it to
 * {@link acceptUpload}.
 */
export async function prepareUploadIdempotency(
  settings: AttachmentSettings,
  req: Request,
  name: string,
): Promise<void> {
  const withRaw = req as Request & { rawBody?: Buffer };
  if (req.get('idempotency-key') === undefined || !req.is(UPLOAD_MEDIA_TYPE)) {
    withRaw.rawBody = Buffer.from(`${name}\n${req.headers['content-length'] ?? 'chunked'}`);
    return;
  }
  const res = req.res;
  if (res === undefined) throw new Error('upload request without a response');
  const received = await receiveRequestBody(settings, req, res);
  res.once('close', () => void rm(received.file, { force: true }));
  receivedBodies.set(req, received);
  withRaw.rawBody = Buffer.from(`${name}\n${received.size}\n${received.sha256}`);
}

/** The body {@link prepareUploadIdempotency} received for `req`, if it did. */
export function receivedUploadOf(req: Request): ReceivedUpload | undefined {
  return receivedBodies.get(req);
}

/**
 * Receives the request body as a file (or takes the one `preReceived` already holds), refuses it with 415
 * when the bytes are no allowed type, stores it under a random id and records the row (unattached, owned by
 * `uploader`).
 */
export async function acceptUpload(
  db: Kysely<Database>,
  settings: AttachmentSettings,
  req: Request,
  res: Response,
  name: string,
  uploader: Uploader,
  preReceived?: ReceivedUpload,
) {
  if (!req.is(UPLOAD_MEDIA_TYPE)) {
    throw problem(
      415,
      'unsupported-media-type',
      {
        es: `Envíe el archivo como ${UPLOAD_MEDIA_TYPE}.`,
        en: `Send the file as ${UPLOAD_MEDIA_TYPE}.`,
      },
      { reason: 'send-raw-bytes' },
    );
  }
  const received = preReceived ?? (await receiveRequestBody(settings, req, res));
  try {
    if (received.size === 0) {
      throw problem(
        400,
        'validation',
        { es: 'El archivo está vacío.', en: 'The file is empty.' },
        { 'invalid-params': [{ name: 'body', reason: 'empty file' }] },
      );
    }
    const type = sniffContentType(received.head);
    if (type === undefined) {
      throw problem(
        415,
        'attachment-type-refused',
        {
          es: 'Este tipo de archivo no se admite: se aceptan imágenes (PNG, JPEG, GIF, WebP), PDF, texto y ZIP u Office.',
          en: 'This type of file is not accepted: images (PNG, JPEG, GIF, WebP), PDF, text and ZIP or Office files are.',
        },
        {
          reason: 'type-not-allowed',
          allowed: [...ALLOWED_TYPES],
          'invalid-params': [{ name: 'body', reason: 'file type not allowed (read from its bytes)' }],
        },
      );
    }
    const id = randomUUID();
    await settings.store.commit(received.file, id, received.size);
    const stored = await db
      .insertInto('attachments')
      .values({
        id,
        storage_key: id,
        name,
        size: received.size,
        content_type: type,
        sha256: received.sha256,
        uploaded_by: uploader.name,
        uploader_ref: uploader.ref,
        customer_id: uploader.customerId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return row(stored);
  } finally {
    await rm(received.file, { force: true });
  }
}

/** The refusal of ids that are not the caller's unused uploads. */
function unusableIds(ids: readonly string[]) {
  return problem(
    400,
    'validation',
    {
      es: 'Algún adjunto no existe, no lo subió usted o ya se envió con otro mensaje.',
      en: 'An attachment does not exist, was not uploaded by you, or was already sent with another message.',
    },
    {
      'invalid-params': [{ name: 'body.attachmentIds', reason: 'unknown, not yours, or already used' }],
      attachmentIds: ids,
    },
  );
}

/** Checks that every id is an unused upload of `uploaderRef` (or already bound to `messageId`, a retry). */
export async function checkAttachments(
  db: Kysely<Database>,
  ids: readonly string[],
  uploaderRef: string,
): Promise<AttachmentRef[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await db
    .selectFrom('attachments')
    .select(['id', 'name', 'content_type', 'size'])
    .where('id', 'in', unique)
    .where('uploader_ref', '=', uploaderRef)
    .where('ticket_number', 'is', null)
    .execute();
  if (found.length !== unique.length) throw unusableIds(unique);
  return found.map((a) => ({ id: a.id, name: a.name, contentType: a.content_type, size: Number(a.size) }));
}

/**
 * Binds uploads to the message that carries them, before the message is sent: each id must be an unused
 * upload of `uploaderRef`, or already bound to this very message (the retry of a request under the same
 * Idempotency-Key). All or none (400 naming `body.attachmentIds`).
 */
export async function bindAttachments(
  db: Kysely<Database>,
  input: {
    ids: readonly string[];
    uploaderRef: string;
    ticketNumber: number;
    customerId: string;
    messageId: string;
    internal: boolean;
  },
): Promise<AttachmentRef[]> {
  const unique = [...new Set(input.ids)];
  if (unique.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const bound = await trx
      .updateTable('attachments')
      .set({
        ticket_number: input.ticketNumber,
        customer_id: input.customerId,
        message_id: input.messageId,
        internal: input.internal,
        attached_at: new Date(),
      })
      .where('id', 'in', unique)
      .where('uploader_ref', '=', input.uploaderRef)
      .where((eb) =>
        eb.or([
          eb('ticket_number', 'is', null),
          eb.and([eb('ticket_number', '=', input.ticketNumber), eb('message_id', '=', input.messageId)]),
        ]),
      )
      .returning(['id', 'name', 'content_type', 'size'])
      .execute();
    if (bound.length !== unique.length) throw unusableIds(unique);
    const order = new Map(unique.map((id, i) => [id, i]));
    return bound
      .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
      .map((a) => ({ id: a.id, name: a.name, contentType: a.content_type, size: Number(a.size) }));
  });
}

/** Undoes `bindAttachments` when the message was refused: the uploads may be sent again. */
export async function unbindAttachments(db: Kysely<Database>, ticketNumber: number, messageId: string) {
  await db
    .updateTable('attachments')
    .set({ ticket_number: null, message_id: null, internal: false, attached_at: null })
    .where('ticket_number', '=', ticketNumber)
    .where('message_id', '=', messageId)
    .execute();
}

/** `Content-Disposition: attachment` with the name in ASCII and in UTF-8 (RFC 6266 / 8187). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Streams a stored file as a download (headers first, then the bytes); 404 when its bytes are gone. */
export async function sendAttachment(
  settings: AttachmentSettings,
  res: Response,
  a: { storage_key: string; name: string; size: number; content_type: string },
): Promise<void> {
  const stream = await settings.store.open(a.storage_key).catch(() => {
    throw problem(404, 'not-found', {
      es: 'El contenido de este adjunto ya no está disponible.',
      en: "This attachment's content is no longer available.",
    });
  });
  res.status(200);
  res.setHeader('Content-Type', a.content_type);
  res.setHeader('Content-Length', String(a.size));
  res.setHeader('Content-Disposition', contentDisposition(a.name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  await pipeline(stream, res);
}
