/**
 * `POST /v1/integrations/events`: events from external systems (monitoring alerts, CRM, billing).
 * Signed with HMAC-SHA256 over `timestamp + "." + raw body` (`X-Orquesta-Timestamp` in Unix
 * seconds, `X-Orquesta-Signature: sha256=<hex>`), with the key's signing secret or the configured
 * one; refused when the signature is wrong or the timestamp is more than 5 minutes off;
 * de-duplicated by sending key, source and event id. Stored, then handed to `onIntegrationEvent`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { canSeeCustomer, type Principal } from '../auth';
import { problem } from '../problem';
import { defineRoute, type IntegrationEvent, type Services } from '../route';
import { IdSchema, InstantSchema, isoRequired } from '../schemas';

/** Largest accepted clock difference between the sender and us. */
export const MAX_SKEW_MS = 5 * 60_000;

/** The signature header value for a body: `sha256=` + hex HMAC of `timestamp.body`. */
export function signIntegrationEvent(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

const EventSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'Event id, unique per source; repeats are acknowledged, not stored.' }),
    source: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, ".", "_", ":" or "-"'),
    type: z.string().min(1).max(100),
    occurredAt: InstantSchema.optional(),
    customerId: IdSchema.optional(),
    ticketNumber: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .meta({ id: 'IntegrationEventInput' });

const ReceiptSchema = z
  .object({
    id: z.number().int().meta({ description: 'Stored event id.' }),
    status: z.enum(['accepted', 'duplicate']),
    receivedAt: InstantSchema,
  })
  .meta({ id: 'IntegrationEventReceipt' });

const unauthorized = (detail: { es: string; en: string }) => problem(401, 'invalid-signature', detail);

/** Verifies timestamp and signature of a request; throws 401 problems. */
/** Checks a signed integration request with the key's own secret, or the configured one (403 when neither exists). */
export function verifySignedRequest({
  req,
  auth,
  services,
}: {
  req: Request;
  auth: Principal;
  services: Services;
}): void {
  const secret = auth.signingSecret ?? services.integrationSecret;
  if (secret === undefined) {
    throw problem(403, 'no-signing-secret', {
      es: 'Esta clave no tiene secreto de firma y no hay uno configurado.',
      en: 'This key has no signing secret and none is configured.',
    });
  }
  verify(req, secret, services.now().getTime());
}

/** Verifies the HMAC signature and timestamp headers of a signed integration request (401 otherwise). */
function verify(req: Request, secret: string, now: number): void {
  const timestamp = req.get('x-orquesta-timestamp');
  const signature = req.get('x-orquesta-signature');
  if (timestamp === undefined || signature === undefined) {
    throw unauthorized({
      es: 'Faltan X-Orquesta-Timestamp o X-Orquesta-Signature.',
      en: 'Missing X-Orquesta-Timestamp or X-Orquesta-Signature.',
    });
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1000) > MAX_SKEW_MS) {
    throw unauthorized({
      es: 'La marca de tiempo difiere más de 5 minutos de la hora del servidor.',
      en: 'The timestamp is more than 5 minutes off the server clock.',
    });
  }
  const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  const expected = Buffer.from(signIntegrationEvent(secret, timestamp, raw));
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized({ es: 'La firma no coincide.', en: 'The signature does not match.' });
  }
}

/** A delivery still being processed (or whose processor died) is taken over after this long. */
export const EVENT_TAKEOVER_MS = 60_000;

type StoredEvent = { kind: 'new' | 'duplicate'; id: number; receivedAt: Date };

/**
 * Stores a new event, unique per sending key, source and id (a key cannot squat another sender's ids).
 * A repeat of a processed event is a duplicate; a repeat while the first delivery is still being processed
 * is 409 (retry shortly: that delivery may yet fail and be forgotten); a delivery left unprocessed for
 * `EVENT_TAKEOVER_MS` (its process died) is taken over and processed again.
 */
async function storeEvent(
  services: Services,
  auth: Principal,
  body: z.output<typeof EventSchema>,
  payload: Record<string, unknown>,
): Promise<StoredEvent> {
  const db = services.db;
  const inserted = await db
    .insertInto('integration_events')
    .values({
      api_key_id: auth.keyId,
      source: body.source,
      event_id: body.id,
      type: body.type,
      customer_id: body.customerId ?? null,
      ticket_number: body.ticketNumber ?? null,
      occurred_at: body.occurredAt ?? null,
      payload: JSON.stringify(payload),
    })
    .onConflict((oc) => oc.columns(['api_key_id', 'source', 'event_id']).doNothing())
    .returning(['id', 'received_at'])
    .executeTakeFirst();
  if (inserted !== undefined) return { kind: 'new', id: inserted.id, receivedAt: inserted.received_at };
  const existing = await db
    .selectFrom('integration_events')
    .select(['id', 'received_at', 'processed_at'])
    .where('api_key_id', '=', auth.keyId)
    .where('source', '=', body.source)
    .where('event_id', '=', body.id)
    .executeTakeFirst();
  if (existing?.processed_at != null) {
    return { kind: 'duplicate', id: existing.id, receivedAt: existing.received_at };
  }
  if (existing !== undefined) {
    const taken = await db
      .updateTable('integration_events')
      .set({ received_at: sql<Date>`now()`, payload: JSON.stringify(payload) })
      .where('id', '=', existing.id)
      .where('processed_at', 'is', null)
      .where('received_at', '<', sql<Date>`now() - ${EVENT_TAKEOVER_MS} * interval '1 millisecond'`)
      .returning(['id', 'received_at'])
      .executeTakeFirst();
    if (taken !== undefined) return { kind: 'new', id: taken.id, receivedAt: taken.received_at };
  }
  throw problem(
    409,
    'event-in-progress',
    {
      es: 'Este evento se está procesando; reintente en un momento.',
      en: 'This event is being processed; retry in a moment.',
    },
    { headers: { 'Retry-After': '1' } },
  );
}

/** Integration routes. */
export const integrationRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/integrations/events',
    callers: 'keys',
    operationId: 'receiveIntegrationEvent',
    summary: 'Receive a signed event from an external system',
    description:
      'Headers `X-Orquesta-Timestamp` (Unix seconds) and `X-Orquesta-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + raw body>`. ' +
      'A wrong signature or a timestamp more than 5 minutes off is 401. Event ids are unique per sending key and source: ' +
      'a repeated (source, id) from the same key answers 200 `duplicate` once processed, 409 while still being processed.',
    tags: ['integrations'],
    roles: ['integration', 'admin'],
    before: verifySignedRequest,
    body: EventSchema,
    responses: {
      202: { description: 'Stored and handed to processing', schema: ReceiptSchema },
      200: { description: 'Already received and processed (same key, source and id)', schema: ReceiptSchema },
      409: {
        description:
          'The same event is still being processed (retry after `Retry-After`), or its ticket no longer takes events',
      },
      401: { description: 'Bad signature, stale timestamp or missing key' },
      422: { description: 'Unknown customer or ticket' },
    },
    async handler({ body, services, auth, req }) {
      const db = services.db;
      const invalid: { name: string; reason: string }[] = [];
      if (body.customerId !== undefined) {
        const customer = canSeeCustomer(auth, body.customerId)
          ? await db.selectFrom('customers').select('id').where('id', '=', body.customerId).executeTakeFirst()
          : undefined;
        if (customer === undefined) invalid.push({ name: 'body.customerId', reason: 'unknown customer' });
      }
      if (body.ticketNumber !== undefined) {
        const ticket = await db
          .selectFrom('tickets')
          .select('customer_id')
          .where('number', '=', body.ticketNumber)
          .executeTakeFirst();
        if (ticket === undefined || !canSeeCustomer(auth, ticket.customer_id)) {
          invalid.push({ name: 'body.ticketNumber', reason: 'unknown ticket' });
        }
      }
      if (invalid.length > 0) {
        throw problem(
          422,
          'validation',
          { es: 'El evento refiere a objetos desconocidos.', en: 'The event refers to unknown objects.' },
          { 'invalid-params': invalid },
        );
      }
      const payload = (req.body ?? {}) as Record<string, unknown>;
      const stored = await storeEvent(services, auth, body, payload);
      if (stored.kind === 'duplicate') {
        return {
          status: 200,
          body: { id: stored.id, status: 'duplicate', receivedAt: isoRequired(stored.receivedAt) },
        };
      }
      const inserted = { id: stored.id, received_at: stored.receivedAt };
      const event: IntegrationEvent = {
        id: inserted.id,
        source: body.source,
        eventId: body.id,
        type: body.type,
        customerId: body.customerId ?? null,
        ticketNumber: body.ticketNumber ?? null,
        occurredAt: body.occurredAt === undefined ? null : new Date(body.occurredAt).toISOString(),
        data: body.data,
        apiKeyId: auth.keyId,
      };
      try {
        await services.onIntegrationEvent(event);
      } catch (error) {
        // Not processed: forget it so the sender's retry is processed instead of acknowledged as a duplicate.
        await db.deleteFrom('integration_events').where('id', '=', inserted.id).execute();
        throw error;
      }
      await db
        .updateTable('integration_events')
        .set({ processed_at: sql<Date>`now()` })
        .where('id', '=', inserted.id)
        .execute();
      return {
        status: 202,
        body: { id: inserted.id, status: 'accepted', receivedAt: isoRequired(inserted.received_at) },
      };
    },
  }),
];
