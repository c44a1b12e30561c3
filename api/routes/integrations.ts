/**
 * `POST /v1/integrations/events`: events from external systems (monitoring alerts, CRM, billing).
 * Signed with HMAC-SHA256 over `timestamp + "." + raw body` (`X-Orquesta-Timestamp` in Unix
 * seconds, `X-Orquesta-Signature: sha256=<hex>`), with the key's signing secret or the configured
 * one; refused when the signature is wrong or the timestamp is more than 5 minutes off;
 * de-duplicated by source and event id. Stored, then handed to `onIntegrationEvent`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
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

/** Integration routes. */
export const integrationRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/integrations/events',
    operationId: 'receiveIntegrationEvent',
    summary: 'Receive a signed event from an external system',
    description:
      'Headers `X-Orquesta-Timestamp` (Unix seconds) and `X-Orquesta-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + raw body>`. ' +
      'A wrong signature or a timestamp more than 5 minutes off is 401. A repeated (source, id) answers 200 `duplicate` and is not processed again.',
    tags: ['integrations'],
    roles: ['integration', 'admin'],
    before: verifySignedRequest,
    body: EventSchema,
    responses: {
      202: { description: 'Stored and handed to processing', schema: ReceiptSchema },
      200: { description: 'Already received (same source and id)', schema: ReceiptSchema },
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
        .onConflict((oc) => oc.columns(['source', 'event_id']).doNothing())
        .returning(['id', 'received_at'])
        .executeTakeFirst();
      if (inserted === undefined) {
        const existing = await db
          .selectFrom('integration_events')
          .select(['id', 'received_at'])
          .where('source', '=', body.source)
          .where('event_id', '=', body.id)
          .executeTakeFirstOrThrow();
        return {
          status: 200,
          body: { id: existing.id, status: 'duplicate', receivedAt: isoRequired(existing.received_at) },
        };
      }
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
      return {
        status: 202,
        body: { id: inserted.id, status: 'accepted', receivedAt: isoRequired(inserted.received_at) },
      };
    },
  }),
];
